package intake

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"replayrescue/core/chat"
	"replayrescue/core/dash"
)

// Bounds on what one HAR file may add, whatever its size.
const (
	maxHARCands = 500
	maxHARHosts = 2000
)

// harScan gathers, entry by entry, what a HAR file says about video streams
// and their credentials. It keeps no bodies.
type harScan struct {
	origin       Origin // OriginHAR, or OriginBrowser for a Recorder
	label        string // where requests come from, for the user ("HAR file")
	creator      harCreator
	chromeShape  bool // Chrome or Edge wrote it (_resourceType, "WebInspector")
	entries      int
	credEvidence int  // cookies, Set-Cookie and Authorization values seen
	redacted     bool // some credential was replaced by a sanitizer

	cookies    cookieSet
	auth       map[string]string      // host -> last Authorization sent to it
	ctxHeaders map[string]http.Header // host -> last Referer/User-Agent/Origin sent to it
	cands      map[string]*cand       // by URL
	order      []*cand
	mediaHosts map[string]bool
	media      int // media requests (chunks, keys)
	casts      []bcast
	seq        int

	// The broadcast's chat: history answers the player fetched, and the
	// chat token and start time of an API answer.
	chat      []chat.Message
	chatToken string
	chatSite  *site
	start     time.Time
}

// maxHARChat bounds the chat messages kept from one HAR file.
const maxHARChat = 200_000

func newHARScan() *harScan {
	return &harScan{
		origin:     OriginHAR,
		label:      "HAR file",
		auth:       map[string]string{},
		ctxHeaders: map[string]http.Header{},
		cands:      map[string]*cand{},
		mediaHosts: map[string]bool{},
	}
}

func (s *harScan) onCreator(c harCreator) {
	s.creator = c
	if strings.EqualFold(strings.TrimSpace(c.Name), "WebInspector") {
		s.chromeShape = true
	}
}

// sanitized: a Chrome or Edge export with every cookie, Set-Cookie and
// Authorization removed (the default since Chrome 130).
func (s *harScan) sanitized() bool {
	return s.chromeShape && s.credEvidence == 0 && s.entries > 0
}

func (s *harScan) onEntry(i int, e *harEntry) {
	if e.ResourceType != "" {
		s.chromeShape = true
	}
	body, cut := e.Response.Content.decoded()
	s.onExchange(i, Exchange{
		Method:      e.Request.Method,
		URL:         e.Request.URL,
		Started:     parseHARTime(e.Started),
		ReqHeaders:  harHeaders(e.Request.Headers),
		ReqCookies:  harCookies(e.Request.Cookies),
		Status:      e.Response.Status,
		RespHeaders: harHeaders(e.Response.Headers),
		RespCookies: harCookies(e.Response.Cookies),
		MimeType:    e.Response.Content.MimeType,
		Body:        body,
		BodyCut:     cut,
	})
}

// harCookies turns a HAR entry's cookies[] into cookies, keeping their
// domain, path and expiry when the HAR file has them.
func harCookies(hcs []harCookie) []*http.Cookie {
	var out []*http.Cookie
	for _, hc := range hcs {
		if hc.Name == "" {
			continue
		}
		c := &http.Cookie{Name: hc.Name, Value: hc.Value, Domain: hc.Domain, Path: hc.Path, Secure: hc.Secure, HttpOnly: hc.HTTPOnly}
		if t := parseHARTime(hc.Expires); t.Year() > 1971 {
			c.Expires = t
		}
		out = append(out, c)
	}
	return out
}

// onExchange learns from one request and its answer, whether a HAR file
// recorded it or a browser is making it right now (see Recorder).
func (s *harScan) onExchange(i int, x Exchange) {
	s.entries++
	raw := strings.TrimSpace(x.URL)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return // data:, blob:, chrome-extension: and broken URLs
	}
	u.Fragment, u.RawFragment = "", ""
	req, resp := x.ReqHeaders, x.RespHeaders
	if req == nil {
		req = http.Header{}
	}
	if resp == nil {
		resp = http.Header{}
	}
	s.noteCredentials(u, req, x.ReqCookies, resp, x.RespCookies)

	mime := x.MimeType
	if mime == "" {
		mime = resp.Get("Content-Type")
	}
	method := strings.ToUpper(strings.TrimSpace(x.Method))
	body := x.Body
	isPlaylist := playlistPath(u) || playlistType(mime) || playlistBody(body)
	switch {
	case isPlaylist && (method == "" || method == "GET"):
		s.addRequest(i, u, x, req, body, x.BodyCut)
	case mediaPath(u) || mediaType(mime):
		// A whole video file a <video> element plays: the browser asks
		// for it by byte ranges (and the host answers 206).
		if (fileLink(u) || fileType(mime)) && (method == "" || method == "GET") && (req.Get("Range") != "" || x.Status == http.StatusPartialContent) {
			s.addFile(i, u, x, req)
		}
		s.media++
		if len(s.mediaHosts) < maxHARHosts {
			s.mediaHosts[strings.ToLower(u.Hostname())] = true
		}
	}
	if body != "" && chatHistoryPath(u.Path) && len(s.chat) < maxHARChat {
		if msgs, _, err := chat.ParseHistory([]byte(body)); err == nil {
			s.chat = append(s.chat, msgs[:min(len(msgs), maxHARChat-len(s.chat))]...)
		}
		return
	}
	if body != "" && looksJSON(body) && mayNameStream(body) {
		s.addFromBody(i, u, body, req, x.Started)
	}
}

// noteCredentials records the cookies the browser sent with the request and
// those the answer set, the Authorization header, and the headers that may
// matter (Referer, User-Agent, Origin).
func (s *harScan) noteCredentials(u *url.URL, req http.Header, reqCookies []*http.Cookie, resp http.Header, respCookies []*http.Cookie) {
	for _, v := range req.Values("Cookie") {
		for _, c := range parseCookieHeader(v) {
			s.noteValue(c.Value)
			s.cookies.add(u, c, true)
		}
	}
	for _, c := range reqCookies {
		s.noteValue(c.Value)
		s.cookies.add(u, &http.Cookie{Name: c.Name, Value: c.Value}, true)
	}
	setCookies := resp.Values("Set-Cookie")
	for _, v := range setCookies {
		for _, line := range strings.Split(v, "\n") { // Firefox joins them with newlines
			c, err := http.ParseSetCookie(strings.TrimSpace(line))
			if err != nil {
				continue
			}
			s.noteValue(c.Value)
			s.cookies.add(u, c, false)
		}
	}
	if len(setCookies) == 0 {
		for _, c := range respCookies {
			s.noteValue(c.Value)
			s.cookies.add(u, c, false)
		}
	}
	host := strings.ToLower(u.Host)
	if a := strings.TrimSpace(req.Get("Authorization")); a != "" {
		s.noteValue(a)
		if _, ok := s.auth[host]; ok || len(s.auth) < maxHARHosts {
			s.auth[host] = a
		}
	}
	h := replayable(req)
	h.Del("Authorization")
	if _, ok := s.ctxHeaders[host]; len(h) > 0 && (ok || len(s.ctxHeaders) < maxHARHosts) {
		s.ctxHeaders[host] = h
	}
}

func (s *harScan) noteValue(v string) {
	s.credEvidence++
	if redactedValue(v) {
		s.redacted = true
	}
}

// get returns the candidate for u, creating it.
func (s *harScan) get(u *url.URL, from string) *cand {
	key := u.String()
	if c, ok := s.cands[key]; ok {
		return c
	}
	if len(s.order) >= maxHARCands {
		return nil
	}
	c := newCand(u, s.origin, from)
	s.seq++
	c.seq = s.seq
	s.cands[key] = c
	s.order = append(s.order, c)
	return c
}

// addRequest records a playlist request; a playlist polled again and again
// (live) stays one candidate carrying its latest answer.
func (s *harScan) addRequest(i int, u *url.URL, x Exchange, req http.Header, body string, cut bool) {
	from := fmt.Sprintf("%s, request %d (%s)", s.label, i+1, shortName(u))
	c := s.get(u, from)
	if c == nil {
		return
	}
	s.seq++
	c.seq, c.from, c.requested, c.status = s.seq, from, true, x.Status
	if !x.Started.IsZero() {
		c.when = x.Started
	}
	c.header = replayable(req)
	if r, l := replayOrLive(u, streamField{}); r || l {
		c.replay, c.live = r, l
	}
	if body != "" {
		c.noteBody(body, cut)
	}
}

// addFile records a plain video file the page played.
func (s *harScan) addFile(i int, u *url.URL, x Exchange, req http.Header) {
	if c, ok := s.cands[u.String()]; ok && c.kind != "file" {
		return // a playlist or manifest of that name: not a file
	}
	c := s.get(u, fmt.Sprintf("%s, request %d (%s)", s.label, i+1, shortName(u)))
	if c == nil || c.requested {
		return // the first of its range requests speaks for all
	}
	s.addRequest(i, u, x, req, "", false)
	c.kind, c.replay, c.live = "file", true, false
}

// noteBody learns from a playlist body what kind it is, whether it is
// finished, and for a master playlist its variants.
func (c *cand) noteBody(body string, cut bool) {
	if t := strings.TrimLeft(body, "\ufeff \t\r\n"); !cut && dash.Looks([]byte(t)) {
		// A manifest lists every rendition, as a master playlist does;
		// static is a replay, dynamic still growing.
		if m, err := dash.Parse([]byte(t), c.u); err == nil {
			c.kind = "master"
			c.replay, c.live = !m.Dynamic, m.Dynamic
			if !m.Dynamic {
				c.length = m.Duration
			}
		}
		return
	}
	switch {
	case strings.Contains(body, "#EXT-X-STREAM-INF"):
		c.kind = "master"
		c.variants = parseVariants(body, c.u)
	case strings.Contains(body, "#EXTINF") || strings.Contains(body, "#EXT-X-TARGETDURATION"):
		c.kind = "media"
		switch {
		case strings.Contains(body, "#EXT-X-ENDLIST"), strings.Contains(body, "#EXT-X-PLAYLIST-TYPE:VOD"):
			c.replay, c.live = true, false
		case !cut && !c.replay:
			c.live = true
		}
	}
}

// parseVariants reads the variant streams of a master playlist, resolved
// against base. Only what ranking needs: where each is and its bandwidth.
func parseVariants(body string, base *url.URL) []variant {
	var out []variant
	bw := -1
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "#EXT-X-STREAM-INF:"):
			bw = 0
			for _, attr := range splitAttrs(strings.TrimPrefix(line, "#EXT-X-STREAM-INF:")) {
				if k, v, ok := strings.Cut(attr, "="); ok && strings.EqualFold(k, "BANDWIDTH") {
					bw, _ = strconv.Atoi(strings.TrimSpace(v))
				}
			}
		case line == "" || strings.HasPrefix(line, "#"):
		case bw >= 0:
			if ref, err := url.Parse(line); err == nil {
				out = append(out, variant{key: urlKey(base.ResolveReference(ref)), bandwidth: bw})
			}
			bw = -1
		}
		if len(out) >= 100 {
			break
		}
	}
	return out
}

// splitAttrs splits an attribute list at commas outside quotes.
func splitAttrs(s string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// addFromBody records the playlists a JSON answer names (a site's API
// answer, in its words: see answerWords), with the cookies the answer hands
// out for them, and the broadcasts it describes.
func (s *harScan) addFromBody(i int, u *url.URL, body string, req http.Header, when time.Time) {
	f, ok := scanJSON(body)
	if !ok {
		return
	}
	if len(s.casts) < 1000 {
		s.casts = append(s.casts, f.casts...)
	}
	mediaKey := answerMediaKey(u.Path)
	src := replayable(req)
	src.Del("Authorization") // it belonged to the API host
	for _, fd := range f.urls {
		if s.chatToken == "" {
			s.chatToken, s.chatSite = fd.chatToken, fd.chatSite
		}
		if s.start.IsZero() {
			s.start = fd.b.start
		}
		ref, err := url.Parse(fd.raw)
		if err != nil {
			continue
		}
		pu := u.ResolveReference(ref)
		if pu.Scheme != "http" && pu.Scheme != "https" || pu.Host == "" {
			continue
		}
		fd.field.fixURL(pu)
		c := s.get(pu, fmt.Sprintf("%s, answer to request %d (%s, %s)", s.label, i+1, shortName(u), fd.field.name()))
		if c == nil {
			continue
		}
		if fd.field.rank < c.prio {
			c.prio, c.field = fd.field.rank, fd.field
		}
		if c.when.IsZero() {
			c.when = when
		}
		if r, l := replayOrLive(pu, fd.field); (r || l) && !c.replay {
			c.replay, c.live = r, l
		}
		if fd.b.title != "" {
			c.title = fd.b.title
		}
		if fd.b.id != "" {
			c.id = fd.b.id
		}
		if fd.b.state != "" {
			c.state = fd.b.state
		}
		if mediaKey != "" {
			c.mediaKey = mediaKey
		}
		if c.srcHeader == nil {
			c.srcHeader = src
		}
		for _, ck := range fd.cookies {
			// Answer bodies survive Chrome's sanitizing: not evidence
			// against it, but a clean-up tool may have replaced them.
			s.redacted = s.redacted || redactedValue(ck.Value)
			s.cookies.add(pu, ck, false)
			c.bodyCookies = true
		}
	}
}

// parseHARTime reads startedDateTime and cookie expiry times.
func parseHARTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", time.RFC1123} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
