package intake

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
)

// exchanges turns the test session into what a browser's network events
// report: headers without Cookie (the browser's store is read apart), and
// no Set-Cookie either.
func exchanges(rs []req) []Exchange {
	var out []Exchange
	for _, r := range rs {
		h := http.Header{}
		for _, kv := range r.headers {
			h.Set(kv[0], kv[1])
		}
		status := r.status
		if status == 0 {
			status = 200
		}
		out = append(out, Exchange{Method: "GET", URL: r.url, ReqHeaders: h, Status: status, MimeType: r.mime, Body: r.body})
	}
	return out
}

// TestRecorderMatchesHAR: a Periscope session seen live ranks like its HAR
// file: the replay first, with its title and ID, and the cookies the API
// answer handed out scoped to the replay host; cookies read from the
// browser's store (HttpOnly ones) join the same per-host jar.
func TestRecorderMatchesHAR(t *testing.T) {
	session := periscopeSession(replayURL)
	fromHAR, err := fromHAR(bytes.NewReader(harBytes(playwright, false, session...)), "session.har", nil)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRecorder()
	if _, ok := r.Found(); ok {
		t.Fatal("an empty recording found a replay")
	}
	xs := exchanges(session)
	r.Add(xs[0])
	r.Add(xs[1]) // the API answer: enough to know the replay
	if got, ok := r.Found(); !ok || got != replayURL {
		t.Fatalf("after the API answer Found = %q, %v; want the replay", got, ok)
	}
	for _, x := range xs[2:] {
		r.Add(x)
	}
	r.AddCookies(mustURL(t, replayURL), []*http.Cookie{{Name: "edge-auth", Value: secSession, Domain: replayHost, Path: "/", HttpOnly: true}})
	got, err := r.Candidates()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(fromHAR) || got[0].URL != fromHAR[0].URL {
		t.Fatalf("recorder ranks %v, the HAR %v", urls(got), urls(fromHAR))
	}
	best := got[0]
	if best.Origin != OriginBrowser || best.Title != broadcastTitle || best.BroadcastID != broadcastID || best.Verdict != VerdictReady {
		t.Fatalf("best = %+v", best)
	}
	for name, want := range map[string]string{"CloudFront-Signature": secSignature, "edge-auth": secSession} {
		if v, ok := cookieValue(t, best, replayURL, name); !ok || v != want {
			t.Errorf("cookie %s for the replay host = %q, %v", name, v, ok)
		}
	}
	if _, ok := cookieValue(t, best, "https://www.pscp.tv/", "edge-auth"); ok {
		t.Error("a replay-host cookie is sent to another host")
	}
	chunk := session[3].url
	found := false
	for _, u := range r.CookieURLs() {
		found = found || u == chunk
	}
	if !found {
		t.Errorf("CookieURLs %v lacks the chunk host's request", r.CookieURLs())
	}
}

// TestRecorderPlainPlayer: a page whose player loads an .m3u8 (no API) is
// found once the playlist came back 200, not when it was refused.
func TestRecorderPlainPlayer(t *testing.T) {
	const pl = "http://127.0.0.1:8080/hls/talk/index.m3u8"
	r := NewRecorder()
	r.Add(Exchange{Method: "GET", URL: pl, Status: 403, MimeType: "text/plain", Body: "Forbidden"})
	if _, ok := r.Found(); ok {
		t.Fatal("a refused playlist counts as found")
	}
	r.Add(Exchange{Method: "GET", URL: pl, Status: 200, MimeType: "application/vnd.apple.mpegurl", Body: mediaPlaylist})
	if got, ok := r.Found(); !ok || got != pl {
		t.Fatalf("Found = %q, %v", got, ok)
	}
	r.AddCookies(&url.URL{Scheme: "http", Host: "127.0.0.1:8080", Path: "/hls/talk/index.m3u8"}, []*http.Cookie{{Name: "sess", Value: secSession, Domain: "127.0.0.1", Path: "/hls/", HttpOnly: true}})
	cs, err := r.Candidates()
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := cookieValue(t, cs[0], pl, "sess"); !ok || v != secSession {
		t.Fatalf("HttpOnly cookie for the playlist = %q, %v", v, ok)
	}
	if _, err := NewRecorder().Candidates(); err == nil {
		t.Fatal("an empty recording gave no error")
	}
}
