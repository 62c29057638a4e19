package intake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"
)

// streamFields are the fields of Periscope and X API answers that name a
// playlist, best first. "source.location" (X) comes after them.
var streamFields = []string{"replay_url", "noRedirectPlaybackUrl", "https_hls_url", "hls_url", "lhlsweb_url", "lhls_url"}

const fieldLocation = "source.location"

// found is a playlist URL named in a JSON answer.
type found struct {
	raw     string
	field   string
	prio    int            // index in streamFields; lower is better
	cookies []*http.Cookie // Periscope's cookies[] next to it
	b       bcast          // the broadcast the answer describes, if any
	// chatToken is the answer's chat_token (X: chatToken): a secret that
	// opens the broadcast's chat history.
	chatToken string
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
// field scanJSON looks at?
func mayNameStream(text string) bool {
	for _, k := range []string{"replay_url", "hls_url", "lhlsweb_url", "noRedirectPlaybackUrl", `"location"`, "media_key", `"broadcast"`} {
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
// broadcasts it names: Periscope's accessVideoPublic and getAccessPublic
// answers (replay_url, hls_url, ... with cookies[] and broadcast{}), X's
// live_video_stream/status (source.noRedirectPlaybackUrl, source.location)
// and broadcasts/show.json (broadcasts{ID: {media_key, status, state}}).
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
		for i, name := range streamFields {
			if s, ok := x[name].(string); ok && strings.TrimSpace(s) != "" {
				f.urls = append(f.urls, found{raw: strings.TrimSpace(s), field: name, prio: i})
			}
		}
		if key == "source" {
			if s, ok := x["location"].(string); ok && strings.TrimSpace(s) != "" {
				f.urls = append(f.urls, found{raw: strings.TrimSpace(s), field: fieldLocation, prio: len(streamFields)})
			}
		}
		if b, ok := broadcastOf(x, key); ok && len(f.casts) < 1000 {
			f.casts = append(f.casts, b)
		}
		if len(f.urls) > start {
			var info bcast
			if bm, ok := x["broadcast"].(map[string]any); ok {
				info, _ = broadcastOf(bm, "broadcast")
			}
			cookies := jsonCookies(x["cookies"])
			token := firstString(x, "chat_token", "chatToken")
			for i := start; i < len(f.urls); i++ {
				f.urls[i].cookies, f.urls[i].b, f.urls[i].chatToken = cookies, info, token
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

// broadcastOf reads a Periscope broadcast{} or an X broadcasts{ID: {...}}
// entry: an object with a media_key, or one under the key "broadcast".
func broadcastOf(m map[string]any, key string) (bcast, bool) {
	str := func(k string) string {
		s, _ := m[k].(string)
		return strings.TrimSpace(s)
	}
	b := bcast{id: str("id"), mediaKey: str("media_key"), title: CleanTitle(str("status")), state: strings.ToUpper(str("state"))}
	for _, k := range []string{"start", "created_at"} {
		if t, err := time.Parse(time.RFC3339Nano, str(k)); err == nil && t.Year() > 2000 {
			b.start = t
			break
		}
	}
	if b.title == "" {
		b.title = CleanTitle(str("title"))
	}
	if b.mediaKey == "" && key != "broadcast" {
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

// jsonCookies reads Periscope's cookies[]: objects with Name, Value,
// Domain, Path (Go's http.Cookie as JSON, so also Expires, MaxAge, Secure,
// HttpOnly). Field names are matched without regard to case.
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

// fixReplayURL: Periscope's old getAccessPublic answered with the folder of
// the replay ("https://replay.periscope.tv/<id>/"), the playlist being
// playlist.m3u8 inside it.
func fixReplayURL(u *url.URL, field string) {
	if field != "replay_url" || playlistPath(u) {
		return
	}
	host := strings.ToLower(u.Hostname())
	if !strings.HasSuffix(u.Path, "/") && !strings.HasSuffix(host, "periscope.tv") && !strings.HasSuffix(host, "pscp.tv") {
		return
	}
	if path.Ext(u.Path) != "" {
		return
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/playlist.m3u8"
	u.RawPath = ""
}

// replayOrLive says what a playlist URL is by its name: Periscope and X add
// type=replay or type=live; the replay_url field is a replay and the hls
// fields are live.
func replayOrLive(u *url.URL, field string) (replay, live bool) {
	switch strings.ToLower(u.Query().Get("type")) {
	case "replay", "vod":
		return true, false
	case "live", "lhls":
		return false, true
	}
	switch field {
	case "replay_url":
		return true, false
	case "hls_url", "https_hls_url", "lhls_url", "lhlsweb_url":
		return false, true
	}
	return false, false
}
