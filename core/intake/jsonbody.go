package intake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// found is a playlist URL named in a JSON answer (or linked to by a page).
type found struct {
	raw     string
	field   streamField    // the key that named it
	cookies []*http.Cookie // the cookies beside it, to send for it
	b       bcast          // the broadcast the answer describes, if any
	// chatToken is the answer's chat token: a secret that opens the
	// broadcast's chat history on the chat service of chatSite, the site
	// in whose words the answer gave it.
	chatToken string
	chatSite  *site
}

// bcast is what an answer says about a broadcast.
type bcast struct {
	id, mediaKey, title, state string
	start                      time.Time // when it started (start, else created_at); zero if unknown
}

type jsonFinds struct {
	urls  []found
	casts []bcast
}

// mayNameStream is a cheap test before decoding a body: does it mention a
// key scanJSON looks at?
func mayNameStream(text string) bool {
	for _, k := range answerHints {
		if strings.Contains(text, k) {
			return true
		}
	}
	return false
}

// looksJSON reports whether text starts like a JSON object or array.
func looksJSON(text string) bool {
	t := strings.TrimLeft(text, "\ufeff \t\r\n")
	return strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")
}

// maxJSONNodes bounds the work spent on one answer.
const maxJSONNodes = 500_000

// scanJSON decodes one JSON document and returns the playlists and
// broadcasts it names, in every site's words (see answerWords).
func scanJSON(text string) (jsonFinds, bool) {
	dec := json.NewDecoder(strings.NewReader(strings.TrimPrefix(text, "\ufeff")))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return jsonFinds{}, false
	}
	var f jsonFinds
	budget := maxJSONNodes
	walkJSON(v, "", 0, &f, &budget)
	return f, true
}

func walkJSON(v any, key string, depth int, f *jsonFinds, budget *int) {
	*budget--
	if *budget < 0 || depth > 64 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		start := len(f.urls)
		for _, sf := range answerFields {
			if sf.under != "" && sf.under != key {
				continue
			}
			if s, ok := x[sf.key].(string); ok && strings.TrimSpace(s) != "" {
				f.urls = append(f.urls, found{raw: strings.TrimSpace(s), field: sf})
			}
		}
		if b, ok := broadcastOf(x, key); ok && len(f.casts) < 1000 {
			f.casts = append(f.casts, b)
		}
		if len(f.urls) > start {
			info, cookies, token, tokenSite := beside(x)
			for i := start; i < len(f.urls); i++ {
				f.urls[i].cookies, f.urls[i].b, f.urls[i].chatToken, f.urls[i].chatSite = cookies, info, token, tokenSite
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walkJSON(x[k], k, depth+1, f, budget)
		}
	case []any:
		for _, child := range x {
			walkJSON(child, key, depth+1, f, budget)
		}
	}
}

// beside reads, in every site's words, what an object naming a playlist
// says beside it: the broadcast, the cookies to send, the chat token (and
// the site in whose words it is).
func beside(x map[string]any) (info bcast, cookies []*http.Cookie, token string, tokenSite *site) {
	for _, s := range sites {
		w := s.answers
		if w.broadcast != "" {
			if bm, ok := x[w.broadcast].(map[string]any); ok {
				info, _ = broadcastOf(bm, w.broadcast)
			}
		}
		if w.cookies != "" {
			cookies = append(cookies, jsonCookies(x[w.cookies])...)
		}
		if w.chatToken != "" && token == "" {
			token, tokenSite = firstString(x, w.chatToken), s
		}
	}
	if token == "" {
		tokenSite = nil
	}
	return info, cookies, token, tokenSite
}

// broadcastOf reads an object describing a broadcast, in every site's
// words: one under a site's broadcast key, or one holding a media key.
func broadcastOf(m map[string]any, key string) (bcast, bool) {
	str := func(k string) string {
		s, _ := m[k].(string)
		return strings.TrimSpace(s)
	}
	b := bcast{id: str("id"), title: CleanTitle(str("status")), state: strings.ToUpper(str("state"))}
	described := false
	for _, s := range sites {
		w := s.answers
		if w.broadcast != "" && key == w.broadcast {
			described = true
		}
		if w.mediaKey != "" && b.mediaKey == "" {
			b.mediaKey = str(w.mediaKey)
		}
	}
	for _, k := range []string{"start", "created_at"} {
		if t, err := time.Parse(time.RFC3339Nano, str(k)); err == nil && t.Year() > 2000 {
			b.start = t
			break
		}
	}
	if b.title == "" {
		b.title = CleanTitle(str("title"))
	}
	if b.mediaKey == "" && !described {
		return bcast{}, false
	}
	if b.mediaKey != "" && b.state == "" && b.title == "" {
		return bcast{}, false // a photo or video of a post, not a broadcast
	}
	return b, b.id != "" || b.title != "" || b.mediaKey != ""
}

// firstString is the first of m's keys holding a non-empty string.
func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := m[k].(string); ok && strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// jsonCookies reads a list of cookies as Go's http.Cookie writes them in
// JSON (Periscope's cookies[]): objects with Name, Value, Domain, Path, and
// also Expires, MaxAge, Secure, HttpOnly. Field names are matched without
// regard to case.
func jsonCookies(v any) []*http.Cookie {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	var out []*http.Cookie
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		get := func(k string) any {
			for name, v := range m {
				if strings.EqualFold(name, k) {
					return v
				}
			}
			return nil
		}
		str := func(k string) string { s, _ := get(k).(string); return s }
		c := &http.Cookie{Name: strings.TrimSpace(str("name")), Value: str("value"), Domain: str("domain"), Path: str("path")}
		if c.Name == "" {
			continue
		}
		if t, err := time.Parse(time.RFC3339, str("expires")); err == nil && t.Year() > 1970 {
			c.Expires = t
		}
		if n, ok := get("maxage").(json.Number); ok {
			if v, err := n.Int64(); err == nil && v != 0 {
				c.MaxAge = int(v)
			}
		}
		c.Secure, _ = get("secure").(bool)
		c.HttpOnly, _ = get("httponly").(bool)
		out = append(out, c)
		if len(out) >= 100 {
			break
		}
	}
	return out
}

// replayOrLive says what a playlist URL is by its address (see
// site.playlistKind), else by the field that named it.
func replayOrLive(u *url.URL, field streamField) (replay, live bool) {
	for _, s := range sites {
		if s.playlistKind == nil {
			continue
		}
		if r, l := s.playlistKind(u); r || l {
			return r, l
		}
	}
	return field.replay, field.live
}
