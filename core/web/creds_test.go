package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"replayrescue/core/web/webtest"
)

// recorder keeps the headers of every request a test server got.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (r *recorder) add(req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
}

func (r *recorder) all() []*http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*http.Request(nil), r.reqs...)
}

// wire is everything a request carried in its headers, for searching.
func wire(req *http.Request) string {
	var b strings.Builder
	_ = req.Header.Write(&b)
	return b.String()
}

func get(t *testing.T, c *http.Client, u string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// TestEveryUserHeaderStaysOnItsOrigin: every header the user gives (a
// custom key, Proxy-Authorization, a Referer carrying a token) is a
// credential of the source's host. A second host serving chunks, reached
// directly or through the source's redirect, gets only the harmless ones
// and the Referer's origin.
func TestEveryUserHeaderStaysOnItsOrigin(t *testing.T) {
	var other recorder
	cdn := webtest.OtherHost(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.add(r)
		io.WriteString(w, "chunk")
	}))
	var home recorder
	src := webtest.StartDual(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		home.add(r)
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, cdn.URL+"/chunk.ts", http.StatusFound)
			return
		}
		io.WriteString(w, "playlist")
	}))
	srcURL, _ := url.Parse(src.HTTP + "/playlist.m3u8")

	h := http.Header{}
	h.Set("X-Api-Key", "SECRETAPIKEY")
	h.Set("Proxy-Authorization", "Basic SECRETPROXY")
	h.Set("Authorization", "Bearer SECRETBEARER")
	h.Set("X-Custom-Session", "SECRETSESSION")
	h.Set("Referer", "http://site.example/watch/SECRETPATH?token=SECRETREF")
	h.Set("User-Agent", "TestAgent/1")
	h.Set("Accept-Language", "de")
	client := NewClient(Credentials{Jar: NewJar(), Header: h, Scheme: srcURL.Scheme, Host: srcURL.Host}, ClientOptions{})

	for _, u := range []string{srcURL.String(), cdn.URL + "/direct.ts", src.HTTP + "/redirect"} {
		get(t, client, u)
	}
	hs := home.all()
	if len(hs) != 2 || hs[0].Header.Get("X-Api-Key") != "SECRETAPIKEY" || hs[0].Header.Get("Proxy-Authorization") != "Basic SECRETPROXY" ||
		!strings.Contains(hs[0].Header.Get("Referer"), "SECRETREF") {
		t.Fatalf("the source did not get its own headers: %v", hs)
	}
	got := other.all()
	if len(got) != 2 {
		t.Fatalf("the other host got %d requests, want 2", len(got))
	}
	for i, r := range got {
		seen := wire(r)
		for _, secret := range []string{"SECRETAPIKEY", "SECRETPROXY", "SECRETBEARER", "SECRETSESSION", "SECRETREF", "SECRETPATH"} {
			if strings.Contains(seen, secret) {
				t.Errorf("request %d to the other host carried %s:\n%s", i, secret, seen)
			}
		}
		if r.Header.Get("User-Agent") != "TestAgent/1" || r.Header.Get("Accept-Language") != "de" {
			t.Errorf("request %d to the other host lost a harmless header: %v", i, r.Header)
		}
		if got := r.Header.Get("Referer"); got != "http://site.example/" {
			t.Errorf("request %d to the other host: Referer %q, want the origin alone", i, got)
		}
	}
}

// TestNoCredentialsInClearTextAfterHTTPS: an https source whose playlist
// lists http:// chunks on the same host (same host and port here, as 443
// and 80 are for a real one) or redirects to them: neither its cookies nor
// its headers travel in clear text; over https they do.
func TestNoCredentialsInClearTextAfterHTTPS(t *testing.T) {
	var rec recorder
	var src *webtest.Dual
	src = webtest.StartDual(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, src.HTTP+"/chunk2.ts", http.StatusFound)
			return
		}
		io.WriteString(w, "data")
	}))
	srcURL, _ := url.Parse(src.HTTPS + "/playlist.m3u8")
	jar := NewJar()
	jar.SetCookies(srcURL, []*http.Cookie{{Name: "session", Value: "SECRETCOOKIE", Path: "/"}})
	h := http.Header{}
	h.Set("Authorization", "Bearer SECRETBEARER")
	h.Set("X-Api-Key", "SECRETAPIKEY")
	h.Set("Referer", "https://site.example/watch")
	client := NewClient(Credentials{Jar: jar, Header: h, Scheme: "https", Host: srcURL.Host}, ClientOptions{RootCAs: src.Pool})

	for _, u := range []string{srcURL.String(), src.HTTP + "/chunk1.ts", src.HTTPS + "/redirect"} {
		get(t, client, u)
	}
	reqs := rec.all()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4", len(reqs))
	}
	for _, r := range reqs {
		seen := wire(r)
		if r.TLS != nil {
			if !strings.Contains(seen, "SECRETCOOKIE") || !strings.Contains(seen, "SECRETBEARER") || !strings.Contains(seen, "SECRETAPIKEY") {
				t.Errorf("https %s lacks its credentials:\n%s", r.URL.Path, seen)
			}
			continue
		}
		for _, secret := range []string{"SECRETCOOKIE", "SECRETBEARER", "SECRETAPIKEY", "site.example"} {
			if strings.Contains(seen, secret) {
				t.Errorf("plain http %s carried %s:\n%s", r.URL.Path, secret, seen)
			}
		}
	}
}

// TestHTTPSourceUpgradedKeepsCredentials: credentials of an http source may
// follow it to https on the same host (nothing is exposed by that).
func TestHTTPSourceUpgradedKeepsCredentials(t *testing.T) {
	var rec recorder
	src := webtest.StartDual(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		io.WriteString(w, "data")
	}))
	srcURL, _ := url.Parse(src.HTTP + "/playlist.m3u8")
	h := http.Header{}
	h.Set("X-Api-Key", "KEY")
	client := NewClient(Credentials{Jar: NewJar(), Header: h, Scheme: "http", Host: srcURL.Host}, ClientOptions{RootCAs: src.Pool})
	get(t, client, src.HTTPS+"/chunk.ts")
	if reqs := rec.all(); len(reqs) != 1 || reqs[0].TLS == nil || reqs[0].Header.Get("X-Api-Key") != "KEY" {
		t.Errorf("the upgraded request lost the source's header: %v", reqs)
	}
}

func TestCanonicalHost(t *testing.T) {
	for _, c := range []struct{ scheme, in, want string }{
		{"https", "Example.COM:443", "example.com"},
		{"https", "example.com.", "example.com"},
		{"http", "example.com:80", "example.com"},
		{"http", "example.com:443", "example.com:443"},
		{"https", "[::1]:443", "[::1]"},
		{"https", "[::1]:8443", "[::1]:8443"},
	} {
		if got := canonicalHost(c.scheme, c.in); got != c.want {
			t.Errorf("canonicalHost(%s, %s) = %s, want %s", c.scheme, c.in, got, c.want)
		}
	}
}

// TestRefusedRedirectsArePermanent: a redirect loop and a redirect to a
// file: link are said as what they are, and never retried.
func TestRefusedRedirectsArePermanent(t *testing.T) {
	var hits int
	var mu sync.Mutex
	srv := webtest.StartDual(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		switch r.URL.Path {
		case "/loop":
			http.Redirect(w, r, "/loop?token=SECRET", http.StatusFound)
		case "/file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		}
	}))
	client := NewClient(Credentials{}, ClientOptions{})
	for _, c := range []struct{ path, words string }{
		{"/loop", "the server kept redirecting (more than 10 times)"},
		{"/file", "the server redirected to a file: link, which is not allowed"},
	} {
		resp, err := client.Get(srv.HTTP + c.path)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("%s: followed", c.path)
		}
		if Retryable(err) {
			t.Errorf("%s: %v is retryable", c.path, err)
		}
		words, ok := Describe(err)
		if !ok || !strings.HasPrefix(words, c.words) || strings.Contains(words, "SECRET") {
			t.Errorf("%s: described as %q (%v)", c.path, words, ok)
		}
		if Connection(err) {
			t.Errorf("%s: taken for connection trouble", c.path)
		}
		var re *RedirectError
		if !errors.As(err, &re) || re.Host != "127.0.0.1" {
			t.Errorf("%s: %#v", c.path, err)
		}
	}
	if Connection(errors.New("connection reset")) == false {
		t.Error("a network error is connection trouble")
	}
	if Retryable(Permanent(errors.New("too large"))) {
		t.Error("a permanent error is retryable")
	}
}

// TestSameOriginKeepsABodyHome: a token in a request body does not follow a
// 307 to another host, nor to plain http on the same host; a redirect
// within the origin is followed.
func TestSameOriginKeepsABodyHome(t *testing.T) {
	var other recorder
	cdn := webtest.OtherHost(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.add(r)
	}))
	var src *webtest.Dual
	var plain recorder
	src = webtest.StartDual(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.TLS == nil:
			plain.add(r)
		case r.URL.Path == "/away":
			http.Redirect(w, r, cdn.URL+"/steal", http.StatusTemporaryRedirect)
		case r.URL.Path == "/down":
			http.Redirect(w, r, src.HTTP+"/steal", http.StatusTemporaryRedirect)
		case r.URL.Path == "/here":
			http.Redirect(w, r, "/ok", http.StatusTemporaryRedirect)
		}
	}))
	client := SameOrigin(NewClient(Credentials{}, ClientOptions{RootCAs: src.Pool}))
	for _, p := range []string{"/away", "/down"} {
		resp, err := client.Post(src.HTTPS+p, "application/json", strings.NewReader(`{"token":"SECRET"}`))
		if err == nil {
			resp.Body.Close()
			t.Errorf("%s: redirect followed", p)
			continue
		}
		var oe *OriginError
		if !errors.As(err, &oe) || Retryable(err) {
			t.Errorf("%s: %v", p, err)
		}
	}
	resp, err := client.Post(src.HTTPS+"/here", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatalf("same-origin redirect: %v", err)
	}
	resp.Body.Close()
	if len(other.all()) != 0 || len(plain.all()) != 0 {
		t.Errorf("the body reached another origin: %d other host, %d plain http", len(other.all()), len(plain.all()))
	}
}
