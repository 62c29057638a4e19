package sample

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// ChatMessage is one line (or heart) of a fake broadcast's chat.
type ChatMessage struct {
	At    time.Duration // since the broadcast started
	User  string        // username
	Name  string        // display name
	Text  string
	Heart bool
}

// ChatOptions configure a fake chat service.
type ChatOptions struct {
	Start    time.Time     // the broadcast's start: message times are Start+At in wall-clock ns
	Messages []ChatMessage // in any order
	PageSize int           // messages per history page (default 100)
	Token    string        // the chat_token accessChatPublic accepts
	// Endpoint is the chat endpoint accessChatPublic hands out; "" means
	// the address the request came to (http://host).
	Endpoint string
}

// Chat is a fake of Periscope's chat service: POST /api/v2/accessChatPublic
// {chat_token} answers with an endpoint and an access token, and POST
// {endpoint}/chatapi/v1/history {access_token, cursor, limit} answers pages
// of messages in the real nested shape (a payload that is a JSON string
// whose body is a JSON string) until the cursor is empty.
type Chat struct {
	opts   ChatOptions
	access string
	mu     sync.Mutex
	pages  int
}

// NewChat returns a chat service for opts.
func NewChat(opts ChatOptions) *Chat {
	if opts.PageSize <= 0 {
		opts.PageSize = 100
	}
	return &Chat{opts: opts, access: "chat-access-" + randomToken(12)}
}

// Register adds the chat routes to mux.
func (c *Chat) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v2/accessChatPublic", c.accessChatPublic)
	mux.HandleFunc("POST /chatapi/v1/history", c.history)
}

// Pages is how many history pages were served.
func (c *Chat) Pages() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pages
}

func (c *Chat) accessChatPublic(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ChatToken string `json:"chat_token"`
	}
	if json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req) != nil || req.ChatToken == "" || req.ChatToken != c.opts.Token {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"msg": "Unauthorized"})
		return
	}
	endpoint := c.opts.Endpoint
	if endpoint == "" {
		endpoint = "http://" + r.Host
	}
	writeJSON(w, http.StatusOK, map[string]any{"endpoint": endpoint, "access_token": c.access, "room_id": "sample", "should_log": false})
}

func (c *Chat) history(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AccessToken string `json:"access_token"`
		Cursor      string `json:"cursor"`
		Limit       int    `json:"limit"`
	}
	if json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req) != nil || req.AccessToken != c.access {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"msg": "Unauthorized"})
		return
	}
	from := 0
	if req.Cursor != "" {
		n, err := strconv.Atoi(req.Cursor)
		if err != nil || n < 0 || n > len(c.opts.Messages) {
			writeJSON(w, http.StatusBadRequest, map[string]any{"msg": "bad cursor"})
			return
		}
		from = n
	}
	size := c.opts.PageSize
	if req.Limit > 0 {
		size = min(size, req.Limit)
	}
	to := min(from+size, len(c.opts.Messages))
	msgs := make([]any, 0, to-from)
	for i := from; i < to; i++ {
		msgs = append(msgs, c.entry(i))
	}
	cursor := ""
	if to < len(c.opts.Messages) {
		cursor = strconv.Itoa(to)
	}
	c.mu.Lock()
	c.pages++
	c.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"messages": msgs, "cursor": cursor})
}

// entry is message i the way the service nests it.
func (c *Chat) entry(i int) map[string]any {
	m := c.opts.Messages[i]
	ts := c.opts.Start.Add(m.At)
	typ := 1
	if m.Heart {
		typ = 2
	}
	body := map[string]any{"type": typ, "username": m.User, "displayName": m.Name,
		"timestamp": ts.UnixMilli(), "uuid": fmt.Sprintf("msg-%06d", i), "v": 2}
	if !m.Heart {
		body["body"] = m.Text
	}
	bodyJSON, _ := json.Marshal(body)
	payload := map[string]any{"room": "sample", "body": string(bodyJSON), "lang": "en", "timestamp": ts.UnixNano(),
		"sender": map[string]any{"user_id": fmt.Sprintf("u%d", i%97), "username": m.User, "display_name": m.Name}, "uuid": fmt.Sprintf("msg-%06d", i)}
	payloadJSON, _ := json.Marshal(payload)
	return map[string]any{"kind": 1, "payload": string(payloadJSON), "signature": "sig-" + strconv.Itoa(i)}
}

// DemoChat is the sample broadcast's audience: a few hundred comments in
// several scripts, with emoji, and hearts throughout, some before the
// talk proper starts, over d.
func DemoChat(d time.Duration) []ChatMessage {
	people := []struct{ user, name string }{
		{"ana_dev", "Ana 🌸"}, {"kenji", "健二"}, {"olga.k", "Ольга"}, {"samir", "سمير"},
		{"lea", "Léa Müller"}, {"webdev42south", "WebDev42°"}, {"priya", "प्रिया"}, {"tom", "Tom {braces}"},
	}
	lines := []string{
		"Hello from Lisbon! 👋", "音声は大丈夫です", "Можно погромче?", "What about right-to-left text?",
		"Great point about plural rules 👏", "Which library handles ICU messages in Go?", "😂😂😂",
		"Question: how do you test translations?", "Slides link please 🙏", "Do you sort by locale or by code point?",
		"Is \\N a line break here?", "Thanks, this was great ❤️",
	}
	var out []ChatMessage
	n := 0
	for at := 2 * time.Second; at < d; at += 1700 * time.Millisecond {
		p := people[n%len(people)]
		out = append(out, ChatMessage{At: at, User: p.user, Name: p.name, Text: lines[n%len(lines)]})
		for h := 0; h < n%4; h++ {
			q := people[(n+h+3)%len(people)]
			out = append(out, ChatMessage{At: at + time.Duration(h+1)*300*time.Millisecond, User: q.user, Name: q.name, Heart: true})
		}
		n++
	}
	return out
}
