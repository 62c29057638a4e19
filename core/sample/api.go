package sample

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"time"
)

// BroadcastStart is when the sample broadcast started: its replay's time
// zero, and the clock its chat's times are on. (Periscope's created_at is
// when the broadcast was set up, a little earlier.)
var BroadcastStart = time.Date(2015, 4, 15, 8, 0, 0, 0, time.UTC)

// apiCookie is the shape of Periscope's JSON cookies.
type apiCookie struct {
	Name   string `json:"Name"`
	Value  string `json:"Value"`
	Domain string `json:"Domain"`
	Path   string `json:"Path"`
}

func (s *Server) apiCookies() []apiCookie {
	host := s.ln.Addr().String()
	if u, err := url.Parse(s.URL); err == nil {
		host = u.Hostname()
	}
	var out []apiCookie
	for _, c := range s.Cookies() {
		out = append(out, apiCookie{Name: c.Name, Value: c.Value, Domain: host, Path: "/"})
	}
	return out
}

func (s *Server) broadcastJSON() map[string]any {
	return map[string]any{
		"id":                s.opts.BroadcastID,
		"state":             "ENDED",
		"status":            s.opts.Title,
		"username":          "webdev42south",
		"user_display_name": "WebDev42°",
		"created_at":        BroadcastStart.Add(-40 * time.Second).Format(time.RFC3339Nano),
		"start":             BroadcastStart.Format(time.RFC3339Nano),
		"width":             640,
		"height":            360,
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// accessVideoPublic answers in the shape Periscope used from 2018 on.
func (s *Server) accessVideoPublic(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("broadcast_id") != s.opts.BroadcastID {
		writeJSON(w, http.StatusNotFound, map[string]any{"msg": "Broadcast not found"})
		return
	}
	answer := map[string]any{
		"broadcast":     s.broadcastJSON(),
		"replay_url":    s.PlaylistURL(),
		"hls_url":       "",
		"https_hls_url": "",
		"lhls_url":      "",
		"lhlsweb_url":   "",
		"cookies":       s.apiCookies(),
	}
	if s.chatToken != "" {
		answer["chat_token"] = s.chatToken
	}
	writeJSON(w, http.StatusOK, answer)
}

// getAccessPublic is the older shape: replay_url and cookies only.
func (s *Server) getAccessPublic(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("token") != s.opts.BroadcastID {
		writeJSON(w, http.StatusNotFound, map[string]any{"msg": "Broadcast not found"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"replay_url": s.PlaylistURL(), "cookies": s.apiCookies()})
}

// page is the broadcast's web page. Like the real one, it does not contain
// the playlist: a player asks the API for it.
func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("id") != s.opts.BroadcastID {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8"><title>%s</title></head>
<body><h1>%s</h1><p>Replay of a live broadcast. <span id="api" data-broadcast="%s"></span></p></body></html>
`, html.EscapeString(s.opts.Title), html.EscapeString(s.opts.Title), html.EscapeString(s.opts.BroadcastID))
}
