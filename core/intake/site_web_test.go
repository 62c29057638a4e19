package intake

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestPage(t *testing.T) {
	var sawCookie string
	srv := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		sawCookie = r.Header.Get("Cookie")
		switch r.URL.Path {
		case "/talks/42":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(`<!doctype html><html><body>
<video id="player" src="/hls/talk-42/master.m3u8" controls></video>
<script>window.__DATA__ = {"backup":"https:\/\/cdn.example.net\/live\/talk-42\/index.m3u8?token=` + secSignature + `\u0026exp=1"};</script>
<a href="https://cdn.example.net/live/talk-42/index.m3u8?token=` + secSignature + `&amp;exp=1">direct</a>
<img src="/poster.jpg"></body></html>`))
		case "/api/v2/accessVideoPublic":
			writeJSON(w, accessVideoPublic(replayURL))
		case "/stream":
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
			w.Write([]byte(mediaPlaylist))
		case "/private":
			http.Error(w, "no", http.StatusForbidden)
		case "/empty":
			w.Write([]byte("<html>nothing to see</html>"))
		case "/huge":
			w.Write([]byte(`<video src="/hls/a.m3u8">`))
			w.Write([]byte(strings.Repeat("x", maxAPIBody+10)))
		default:
			http.NotFound(w, r)
		}
	})

	cands, err := Resolve(context.Background(), Input{Source: srv.URL + "/talks/42", Cookies: "sid=" + secSession})
	if err != nil {
		t.Fatal(err)
	}
	got := urls(cands)
	want := []string{srv.URL + "/hls/talk-42/master.m3u8 [ready]", "https://cdn.example.net/live/talk-42/index.m3u8?token=" + secSignature + "&exp=1 [ready]"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v", got)
	}
	if sawCookie != "sid="+secSession {
		t.Errorf("the page got cookie %q", sawCookie)
	}
	if c := cands[0]; c.Origin != OriginPage || c.Creds.Header.Get("Referer") != srv.URL+"/" || !slices.Equal(c.CookieHosts, []string{"127.0.0.1"}) {
		t.Errorf("%+v", c)
	}
	if c := cands[1]; !c.Signed || len(c.CookieHosts) != 0 || c.Creds.Host != "cdn.example.net" {
		t.Errorf("the page's cookie must not go to the CDN: %+v", c)
	}

	// A copied API request (cURL) answers JSON: its playlists and cookies.
	cands, err = Resolve(context.Background(), Input{Source: "curl '" + srv.URL + "/api/v2/accessVideoPublic?broadcast_id=" + broadcastID + "' -H 'cookie: pscp-csrf=" + secCSRF + "'"})
	if err != nil || cands[0].URL != replayURL || cands[0].Title != broadcastTitle {
		t.Fatalf("%v %v", err, urls(cands))
	}
	if sawCookie != "pscp-csrf="+secCSRF {
		t.Errorf("the API got cookie %q", sawCookie)
	}
	if v, _ := cookieValue(t, cands[0], replayURL, "CloudFront-Policy"); v != secPolicy {
		t.Error("the answer's cookies")
	}

	// A playlist without .m3u8 in its name.
	cands, err = Resolve(context.Background(), Input{Source: srv.URL + "/stream"})
	if err != nil || cands[0].URL != srv.URL+"/stream" || cands[0].Kind != "media" || !cands[0].Replay {
		t.Fatalf("%v %+v", err, cands)
	}

	// A page over the cap is searched as far as it was read.
	if cands, err = Resolve(context.Background(), Input{Source: srv.URL + "/huge"}); err != nil || cands[0].URL != srv.URL+"/hls/a.m3u8" {
		t.Fatalf("%v %v", err, urls(cands))
	}

	var ce *CredentialsError
	if _, err = Resolve(context.Background(), Input{Source: srv.URL + "/private"}); !errors.As(err, &ce) {
		t.Errorf("403: %v", err)
	}
	if _, err = Resolve(context.Background(), Input{Source: srv.URL + "/gone"}); !errors.Is(err, ErrNoSource) || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: %v", err)
	}
	if _, err = Resolve(context.Background(), Input{Source: srv.URL + "/empty"}); !errors.Is(err, ErrNoStream) {
		t.Errorf("no playlist: %v", err)
	}
}

func TestPlaylistLinks(t *testing.T) {
	base := mustURL(t, "https://events.example.org/talks/42")
	page := `<source src='../hls/a.m3u8'> "https:\/\/cdn.example.net\/b.m3u8" &quot;https://cdn.example.net/c.M3U8?x=1&amp;y=2&quot; url(/d.m3u8) data-x="javascript:e.m3u8" https://cdn.example.net/b.m3u8`
	got := playlistLinks(page, base)
	want := []string{"https://events.example.org/hls/a.m3u8", "https://cdn.example.net/b.m3u8", "https://cdn.example.net/c.M3U8?x=1&y=2", "https://events.example.org/d.m3u8"}
	if !slices.Equal(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}
