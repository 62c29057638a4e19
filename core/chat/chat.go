// Package chat saves a broadcast's chat: it reads the chat history from
// Periscope/X's chat service (or from history answers a HAR file recorded),
// places each message on the replay's timeline, and writes it as subtitles
// (SRT, and ASS with styled names and a hearts counter) for a saved video.
package chat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kind is what a chat message is.
type Kind int

const (
	// Comment is a line someone typed (Periscope's type 1).
	Comment Kind = 1
	// Heart is a heart tapped by a viewer (type 2).
	Heart Kind = 2
)

// Message is one comment or heart.
type Message struct {
	// At is when it was sent, counted from the start of the broadcast
	// (the replay's time zero); set by Align.
	At   time.Duration `json:"at"`
	Time time.Time     `json:"time"`           // wall clock, as the service sent it
	User string        `json:"user,omitempty"` // username (handle)
	Name string        `json:"name,omitempty"` // display name
	Text string        `json:"text,omitempty"`
	Kind Kind          `json:"kind"`
	ID   string        `json:"id,omitempty"` // the service's uuid, to drop repeats
}

// Who is the name to show: the display name, else the username.
func (m Message) Who() string {
	if m.Name != "" {
		return m.Name
	}
	if m.User != "" {
		return m.User
	}
	return "viewer"
}

// Source is where a broadcast's chat can be had. It holds a secret (the
// chat token) and is never written anywhere: it prints as "chat source".
type Source struct {
	API   *url.URL // the service asked for access (https://api.periscope.tv or a loopback fake)
	Token string   // chat_token from accessVideoPublic; a secret
	// Start is when the broadcast started (the replay's time zero); zero
	// when unknown, then the first message stands in for it.
	Start time.Time
	// Messages already known, e.g. from history answers in a HAR file.
	Messages []Message
}

// Available reports whether there is chat to get.
func (s Source) Available() bool { return len(s.Messages) > 0 || (s.Token != "" && s.API != nil) }

// String never shows the token.
func (s Source) String() string { return "chat source" }

// GoString never shows the token.
func (s Source) GoString() string { return "chat.Source{…}" }

// MarshalJSON never writes the token.
func (s Source) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"available": s.Available(), "messages": len(s.Messages)})
}

// Align sets each message's At from its wall-clock time and the
// broadcast's start, and sorts them by it. Without a start, the first
// message stands in for it. Repeats (same ID) are dropped.
func Align(msgs []Message, start time.Time) []Message {
	out := make([]Message, 0, len(msgs))
	seen := map[string]bool{}
	for _, m := range msgs {
		if m.ID != "" {
			if seen[m.ID] {
				continue
			}
			seen[m.ID] = true
		}
		out = append(out, m)
	}
	if start.IsZero() {
		for _, m := range out {
			if !m.Time.IsZero() && (start.IsZero() || m.Time.Before(start)) {
				start = m.Time
			}
		}
	}
	for i := range out {
		if !out[i].Time.IsZero() {
			out[i].At = out[i].Time.Sub(start)
		}
	}
	slices.SortStableFunc(out, func(a, b Message) int { return cmpDur(a.At, b.At) })
	return out
}

func cmpDur(a, b time.Duration) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Count returns how many comments and hearts msgs holds.
func Count(msgs []Message) (comments, hearts int) {
	for _, m := range msgs {
		switch m.Kind {
		case Comment:
			comments++
		case Heart:
			hearts++
		}
	}
	return comments, hearts
}

// ErrNotHistory: the answer is not a chat history page.
var ErrNotHistory = errors.New("not a chat history answer")

// page is a chatapi/v1/history answer.
type page struct {
	Messages []json.RawMessage `json:"messages"`
	Cursor   string            `json:"cursor"`
}

// ParseHistory reads one chatapi/v1/history answer: its comments and
// hearts (other kinds, such as joins, are skipped) and the cursor of the
// next page ("" on the last).
func ParseHistory(data []byte) ([]Message, string, error) {
	var p page
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	dec.UseNumber()
	if err := dec.Decode(&p); err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrNotHistory, err)
	}
	if p.Messages == nil {
		return nil, "", ErrNotHistory
	}
	var out []Message
	for _, raw := range p.Messages {
		if m, ok := parseMessage(raw); ok {
			out = append(out, m)
		}
	}
	return out, p.Cursor, nil
}

// parseMessage reads one history entry: {kind, payload} where payload is a
// JSON string (or object) holding sender and timestamp, and a body that is
// in turn a JSON string holding the text, the type and often the names.
func parseMessage(raw json.RawMessage) (Message, bool) {
	var outer map[string]any
	if !decodeObject(raw, &outer) {
		return Message{}, false
	}
	if k, ok := number(outer["kind"]); ok && k != 1 {
		return Message{}, false // 2 is presence/control, not chat
	}
	payload, ok := nested(outer["payload"])
	if !ok {
		return Message{}, false
	}
	body, ok := nested(payload["body"])
	if !ok {
		return Message{}, false
	}
	typ, _ := number(body["type"])
	m := Message{Kind: Kind(typ)}
	if m.Kind != Comment && m.Kind != Heart {
		return Message{}, false
	}
	sender, _ := payload["sender"].(map[string]any)
	m.User = firstString(body["username"], sender["username"], payload["username"])
	m.Name = firstString(body["displayName"], body["display_name"], sender["display_name"], payload["display_name"])
	m.ID = firstString(body["uuid"], payload["uuid"])
	if m.Kind == Comment {
		m.Text = firstString(body["body"])
		if strings.TrimSpace(m.Text) == "" {
			return Message{}, false
		}
	}
	for _, v := range []any{payload["timestamp"], body["timestamp"], outer["timestamp"]} {
		if t, ok := wallClock(v); ok {
			m.Time = t
			break
		}
	}
	return m, !m.Time.IsZero()
}

// nested reads a field that is a JSON object, or a string holding one.
func nested(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return x, true
	case string:
		var m map[string]any
		return m, decodeObject([]byte(x), &m)
	}
	return nil, false
}

func decodeObject(data []byte, v *map[string]any) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v) == nil && *v != nil
}

func number(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, true
		}
		if f, err := x.Float64(); err == nil {
			return int64(f), true
		}
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
			return n, true
		}
	}
	return 0, false
}

func firstString(vs ...any) string {
	for _, v := range vs {
		if s, ok := v.(string); ok && strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// wallClock reads a Unix timestamp in ns (what the chat service sends), µs,
// ms or s, told apart by size: every plausible date since 2001 has a
// distinct number of digits in each unit.
func wallClock(v any) (time.Time, bool) {
	n, ok := number(v)
	if !ok || n <= 0 {
		return time.Time{}, false
	}
	switch {
	case n >= 1e17:
		return time.Unix(0, n).UTC(), true
	case n >= 1e14:
		return time.UnixMicro(n).UTC(), true
	case n >= 1e11:
		return time.UnixMilli(n).UTC(), true
	case n >= 1e9:
		return time.Unix(n, 0).UTC(), true
	}
	return time.Time{}, false
}
