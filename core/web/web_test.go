package web

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestRedact(t *testing.T) {
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXNlY3JldA"
	cases := []struct {
		in      string
		secrets []string
		keep    []string
	}{
		{"Cookie: CloudFront-Signature=abcSECRET; pscp=def", []string{"abcSECRET", "def"}, []string{"Cookie"}},
		{"authorization: Bearer AAAAtokenSECRET", []string{"AAAAtokenSECRET"}, []string{"authorization"}},
		{"Set-Cookie: sid=SESSIONSECRET; Path=/", []string{"SESSIONSECRET"}, nil},
		{"GET https://cdn.example/hls/playlist_1.m3u8?type=replay&Signature=SIGSECRET&Key-Pair-Id=KPSECRET&Policy=POLSECRET failed",
			[]string{"SIGSECRET", "KPSECRET", "POLSECRET"}, []string{"type=replay", "playlist_1.m3u8", "failed"}},
		{"https://prod-fastly.video.pscp.tv/Transcoding/v1/hls/Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXhxdXV4/transcode/chunk_1.ts",
			[]string{"Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXhxdXV4"}, []string{"chunk_1.ts", "pscp.tv"}},
		{"token " + jwt + " end", []string{"c2lnbmF0dXJlLXNlY3JldA"}, []string{"token", "end"}},
		{"https://user:PASSWORD@h.example/a?access_token=TOK", []string{"PASSWORD", "TOK"}, []string{"h.example"}},
		{"nothing secret here", nil, []string{"nothing secret here"}},
	}
	for _, c := range cases {
		got := Redact(c.in)
		for _, s := range c.secrets {
			if strings.Contains(got, s) {
				t.Errorf("Redact(%q) = %q still contains %q", c.in, got, s)
			}
		}
		for _, k := range c.keep {
			if !strings.Contains(got, k) {
				t.Errorf("Redact(%q) = %q lost %q", c.in, got, k)
			}
		}
	}
}

func TestParseCookieString(t *testing.T) {
	got := ParseCookieString(` pscp-csrf=abc; user_id="42" ;; =bad; empty= `)
	want := []string{"pscp-csrf=abc", "user_id=42", "empty="}
	if len(got) != len(want) {
		t.Fatalf("got %d cookies: %v", len(got), got)
	}
	for i, c := range got {
		if c.Name+"="+c.Value != want[i] {
			t.Errorf("cookie %d = %s=%s, want %s", i, c.Name, c.Value, want[i])
		}
	}
}

// TestCredentialsStayOnTheirHost runs two real hosts on loopback: the source
// (127.0.0.1) and a "CDN" under another name (localhost). Cookies set for the
// source and the Authorization header must never reach the CDN, not even
// through a redirect.
func TestCredentialsStayOnTheirHost(t *testing.T) {
	type seen struct{ cookie, auth, referer string }
	var cdnSaw []seen
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cdnSaw = append(cdnSaw, seen{r.Header.Get("Cookie"), r.Header.Get("Authorization"), r.Header.Get("Referer")})
		io.WriteString(w, "chunk")
	}))
	defer cdn.Close()
	_, cdnPort, _ := net.SplitHostPort(cdn.Listener.Addr().String())
	cdnURL := "http://localhost:" + cdnPort

	var srcSaw []seen
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srcSaw = append(srcSaw, seen{r.Header.Get("Cookie"), r.Header.Get("Authorization"), r.Header.Get("Referer")})
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, cdnURL+"/chunk.ts", http.StatusFound)
			return
		}
		io.WriteString(w, "playlist")
	}))
	defer src.Close()
	srcURL, _ := url.Parse(src.URL + "/playlist.m3u8")

	jar := NewJar()
	jar.SetCookies(srcURL, []*http.Cookie{{Name: "CloudFront-Signature", Value: "SECRETVALUE"}})
	h := http.Header{}
	h.Set("Authorization", "Bearer SECRETBEARER")
	h.Set("Referer", "http://pscp.tv/w/1abc")
	client := NewClient(Credentials{Jar: jar, Header: h, Scheme: srcURL.Scheme, Host: srcURL.Host}, ClientOptions{})

	for _, u := range []string{src.URL + "/playlist.m3u8", cdnURL + "/direct.ts", src.URL + "/redirect"} {
		resp, err := client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if len(srcSaw) != 2 || !strings.Contains(srcSaw[0].cookie, "SECRETVALUE") || srcSaw[0].auth != "Bearer SECRETBEARER" {
		t.Fatalf("source host did not get its credentials: %+v", srcSaw)
	}
	if len(cdnSaw) != 2 {
		t.Fatalf("cdn requests = %d, want 2", len(cdnSaw))
	}
	for i, s := range cdnSaw {
		if s.cookie != "" || s.auth != "" {
			t.Errorf("cdn request %d received credentials: %+v", i, s)
		}
		// Another host gets the Referer's origin, as from a browser.
		if s.referer != "http://pscp.tv/" {
			t.Errorf("cdn request %d: Referer %q, want the origin alone", i, s.referer)
		}
	}
}

func TestRedirectToOtherSchemeRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	}))
	defer srv.Close()
	resp, err := NewClient(Credentials{}, ClientOptions{}).Get(srv.URL)
	if err == nil {
		resp.Body.Close()
		t.Fatal("redirect to file:// was followed")
	}
}

func TestStatusErrorKinds(t *testing.T) {
	forbidden := fmt.Errorf("chunk 3: %w", NewStatusError(403, "https://h.example/c.ts?Signature=SIG"))
	if !IsCredentialError(forbidden) || !Retryable(forbidden) {
		t.Error("403 must be a retryable credential error")
	}
	if strings.Contains(forbidden.Error(), "SIG&") || strings.Contains(forbidden.Error(), "=SIG") {
		t.Errorf("status error leaks the signature: %s", forbidden)
	}
	if e := NewStatusError(404, "https://h.example/x"); Retryable(e) || IsCredentialError(e) {
		t.Error("404 is final")
	}
	if !Retryable(NewStatusError(503, "https://h.example/x")) || !Retryable(errors.New("connection reset")) {
		t.Error("5xx and network errors are retryable")
	}
}

func TestDescribeNetworkErrors(t *testing.T) {
	client := &http.Client{Timeout: 2 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/p.m3u8?token=SECRET"
	ln.Close()
	_, err = client.Get(refused)
	if words, ok := Describe(err); !ok || words != "127.0.0.1 refused the connection" {
		t.Errorf("refused: %q %v (%v)", words, ok, err)
	}
	_, err = client.Get("http://no-such-host.invalid/p.m3u8")
	if words, ok := Describe(err); !ok || !strings.Contains(words, "no-such-host.invalid") || strings.Contains(words, "p.m3u8") {
		t.Errorf("unknown host: %q %v (%v)", words, ok, err)
	}
	if _, ok := Describe(errors.New("something else")); ok {
		t.Error("described an unknown error")
	}
}
