package intake

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestTypedHeadersStayWithTheLinkGiven: -H headers belong to the origin of
// the link the user gave. For a broadcast link the playlist is on another
// host (the CDN): a custom key is not handed to it, and a Referer goes
// there cut to its origin.
func TestTypedHeadersStayWithTheLinkGiven(t *testing.T) {
	api := fakeX(t, xShow, xStatus(xPlaylist), 0)
	t.Setenv(envX, api.URL)
	cands, err := Resolve(context.Background(), Input{
		Source:  "https://x.com/i/broadcasts/1OdKrBnaEPXKX",
		Headers: []string{"X-Api-Key: SECRETAPIKEY", "Proxy-Authorization: Basic SECRETPROXY", "Referer: https://x.com/i/broadcasts/1OdKrBnaEPXKX?t=SECRETREF", "User-Agent: TestAgent/1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	h := cands[0].Creds.Header
	var all strings.Builder
	_ = h.Write(&all)
	for _, secret := range []string{"SECRETAPIKEY", "SECRETPROXY", "SECRETREF"} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("the playlist host's headers carry %s: %v", secret, h)
		}
	}
	if h.Get("User-Agent") != "TestAgent/1" || h.Get("Referer") != "https://x.com/" {
		t.Errorf("harmless headers lost: %v", h)
	}
	if c := cands[0].Creds; c.Scheme != "https" || c.Host != "prod-fastly-us-west-2.video.pscp.tv" {
		t.Errorf("credentials bound to %s://%s", c.Scheme, c.Host)
	}
}

// TestTypedCookiesForHTTPSAreSecure: cookies typed (or copied in a cURL
// command) for an https source are never sent over plain http, even to the
// same host; those for an http source are.
func TestTypedCookiesForHTTPSAreSecure(t *testing.T) {
	for _, c := range []struct {
		link      string
		clearText bool
	}{
		{"https://cdn.example.com/live/index.m3u8", false},
		{"http://cdn.example.com/live/index.m3u8", true},
	} {
		cands, err := Resolve(context.Background(), Input{Source: c.link, Cookies: "session=SECRET", Headers: []string{"Cookie: other=SECRET2"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"session", "other"} {
			if _, ok := cookieValue(t, cands[0], "https://cdn.example.com/x.ts", name); !ok {
				t.Errorf("%s: cookie %s not sent over https", c.link, name)
			}
			if _, ok := cookieValue(t, cands[0], "http://cdn.example.com/x.ts", name); ok != c.clearText {
				t.Errorf("%s: cookie %s over plain http: %v", c.link, name, ok)
			}
		}
	}
}

// TestPageRedirectSaysWhatHappened: a page that redirects in a loop, or
// to a file: link, is said as such, not as a connection problem.
func TestPageRedirectSaysWhatHappened(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/loop":
			http.Redirect(w, r, "/loop?n="+r.URL.Query().Get("n")+"x", http.StatusFound)
		case "/file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		}
	}))
	defer srv.Close()
	for path, want := range map[string]string{
		"/loop": "the server kept redirecting (more than 10 times)",
		"/file": "the server redirected to a file: link, which is not allowed",
	} {
		_, err := Resolve(context.Background(), Input{Source: srv.URL + path})
		var ne *NetworkError
		if !errors.As(err, &ne) || !strings.Contains(ne.Msg, want) || strings.Contains(ne.Msg, "internet connection") {
			t.Errorf("%s: %v", path, err)
		}
	}
}
