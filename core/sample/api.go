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
// the playlist: its player asks the API for the replay and its cookies, then
// plays it (see playerScript).
func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("id") != s.opts.BroadcastID {
		http.NotFound(w, r)
		return
	}
	s.writePage(w, fmt.Sprintf(`<div id="player" data-broadcast="%s"></div>`, html.EscapeString(s.opts.BroadcastID)))
}

// player is a plain player page: the page's answer sets the access cookies
// (HttpOnly, so no script can read them) and the player loads the playlist
// named in the page.
func (s *Server) player(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("id") != s.opts.BroadcastID {
		http.NotFound(w, r)
		return
	}
	for _, c := range s.Cookies() {
		c.HttpOnly = true
		c.Path = "/hls/"
		http.SetCookie(w, c)
	}
	s.writePage(w, fmt.Sprintf(`<div id="player" data-src="%s"></div>`, html.EscapeString(s.PlaylistURL())))
}

func (s *Server) writePage(w http.ResponseWriter, player string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	title := html.EscapeString(s.opts.Title)
	fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8"><title>%s</title></head>
<body><h1>%s</h1><p>Replay of a live broadcast.</p>%s
<p><button id="play">Play</button> <span id="status"></span></p>
<script>%s</script></body></html>
`, title, title, player, playerScript)
}

// playerScript is the sample pages' player, a few lines of our own instead
// of a web player library: it makes the requests a player makes (the API
// call that hands out the replay and its cookies, the playlist with the
// cookies, then the first chunks, as a player buffers ahead), so a browser
// watching the network sees what it would see on a real broadcast page. It
// starts by itself, as broadcast pages do, and again on Play.
const playerScript = `
const el = document.getElementById('player');
const say = (t) => { document.getElementById('status').textContent = t; };
async function load(src) {
  const r = await fetch(src, {credentials: 'include'});
  if (!r.ok) { say('The replay could not be loaded (' + r.status + ').'); return; }
  const lines = (await r.text()).split('\n').map((l) => l.trim());
  const chunks = lines.filter((l) => l && !l.startsWith('#')).slice(0, 3);
  for (const c of chunks) {
    const cr = await fetch(new URL(c, r.url), {credentials: 'include'});
    await cr.arrayBuffer();
  }
  say('Playing.');
}
async function play() {
  say('Loading…');
  try {
    let src = el.dataset.src;
    if (!src) {
      const a = await (await fetch('/api/v2/accessVideoPublic?broadcast_id=' + encodeURIComponent(el.dataset.broadcast), {credentials: 'include'})).json();
      for (const c of a.cookies || []) document.cookie = c.Name + '=' + c.Value + '; path=' + (c.Path || '/');
      src = a.replay_url;
    }
    await load(src);
  } catch (e) { say('The replay could not be loaded.'); }
}
document.getElementById('play').addEventListener('click', play);
play();
`
