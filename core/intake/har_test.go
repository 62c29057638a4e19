package intake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func mustURL(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// cookieValue returns the value c's jar sends to raw for name.
func cookieValue(t testing.TB, c Candidate, raw, name string) (string, bool) {
	t.Helper()
	for _, ck := range c.Creds.Jar.Cookies(mustURL(t, raw)) {
		if ck.Name == name {
			return ck.Value, true
		}
	}
	return "", false
}

func resolveHAR(t *testing.T, p string) ([]Candidate, error) {
	t.Helper()
	return Resolve(context.Background(), Input{Source: p})
}

// TestHARBrowsers: the same Periscope replay session exported by Chrome,
// Firefox, Safari and Playwright gives the replay, its title and ID, and
// the CloudFront cookies scoped to the replay host.
func TestHARBrowsers(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    shape
		bom  bool
	}{{"chrome", chrome, false}, {"firefox", firefox, false}, {"safari", safari, true}, {"playwright", playwright, false}} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeHAR(t, t.TempDir(), tc.s, tc.bom, periscopeSession(replayURL)...)
			cands, err := resolveHAR(t, p)
			if err != nil {
				t.Fatal(err)
			}
			best := cands[0]
			if best.URL != replayURL {
				t.Fatalf("best = %s, want the replay; all: %v", best.URL, urls(cands))
			}
			if best.Title != broadcastTitle || best.BroadcastID != broadcastID {
				t.Errorf("title %q id %q", best.Title, best.BroadcastID)
			}
			if !best.Replay || best.Live || best.Kind != "media" || best.Verdict != VerdictReady || best.Problem != "" {
				t.Errorf("replay=%v live=%v kind=%q verdict=%q problem=%q", best.Replay, best.Live, best.Kind, best.Verdict, best.Problem)
			}
			if best.Origin != OriginHAR || best.Status != 200 || best.Sanitized || best.Signed {
				t.Errorf("origin=%q status=%d sanitized=%v signed=%v", best.Origin, best.Status, best.Sanitized, best.Signed)
			}
			if !strings.Contains(best.From, "HAR file, request 3") {
				t.Errorf("From = %q", best.From)
			}
			if v, _ := cookieValue(t, best, replayURL, "CloudFront-Policy"); v != secPolicy {
				t.Errorf("CloudFront-Policy for the replay host = %q", v)
			}
			if _, ok := cookieValue(t, best, replayURL, "pscp-csrf"); ok {
				t.Error("the page's cookie travels to the replay host")
			}
			if _, ok := cookieValue(t, best, "https://api.x.com/1.1/x", "CloudFront-Policy"); ok {
				t.Error("a replay cookie travels to another site")
			}
			if !slices.Contains(best.CookieHosts, replayHost) {
				t.Errorf("CookieHosts = %v", best.CookieHosts)
			}
			h := best.Creds.Header
			if h.Get("Referer") != "https://www.pscp.tv/" || !strings.Contains(h.Get("User-Agent"), "Chrome/131") {
				t.Errorf("headers %v", h)
			}
			for name := range h {
				if name == "Cookie" || strings.HasPrefix(name, ":") || name == "Accept-Encoding" || name == "Host" {
					t.Errorf("replays header %q", name)
				}
			}
			if best.Creds.Host != replayHost {
				t.Errorf("Creds.Host = %q", best.Creds.Host)
			}
		})
	}
}

func urls(cs []Candidate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.URL+" ["+string(c.Verdict)+"]")
	}
	return out
}

// TestHARChromeSanitized: Chrome 130+ exports without cookie, set-cookie
// and authorization headers and with cookies[] empty.
func TestHARChromeSanitized(t *testing.T) {
	t.Run("answer body still carries the cookies", func(t *testing.T) {
		p := writeHAR(t, t.TempDir(), chromeSanitized, false, periscopeSession(replayURL)...)
		cands, err := resolveHAR(t, p)
		if err != nil {
			t.Fatal(err)
		}
		best := cands[0]
		if best.URL != replayURL || !best.Sanitized || best.Verdict != VerdictReady {
			t.Fatalf("best %s sanitized=%v verdict=%q", best.URL, best.Sanitized, best.Verdict)
		}
		if v, _ := cookieValue(t, best, replayURL, "CloudFront-Signature"); v != secSignature {
			t.Errorf("cookies from the answer body lost: %q", v)
		}
	})
	session := periscopeSession(replayURL)
	withoutAPI := []req{session[0], session[2], session[3]}
	t.Run("unsigned playlist is flagged with the steps", func(t *testing.T) {
		cands, err := resolveHAR(t, writeHAR(t, t.TempDir(), chromeSanitized, false, withoutAPI...))
		if err != nil {
			t.Fatalf("a sanitized HAR may still work for public streams, so no error: %v", err)
		}
		best := cands[0]
		if best.Verdict != VerdictSanitized || !best.Sanitized || len(best.CookieHosts) != 0 {
			t.Fatalf("verdict %q sanitized %v hosts %v", best.Verdict, best.Sanitized, best.CookieHosts)
		}
		for _, want := range []string{"Allow to generate HAR with sensitive data", "Export HAR (with sensitive data)", "Preferences > Network", "Firefox and Safari"} {
			if !strings.Contains(best.Problem, want) {
				t.Errorf("Problem lacks %q: %s", want, best.Problem)
			}
		}
		if msg := ExplainDenied(best); !strings.Contains(msg, "Allow to generate HAR with sensitive data") {
			t.Errorf("ExplainDenied = %q", msg)
		}
	})
	t.Run("signed playlist works", func(t *testing.T) {
		s := periscopeSession(signedReplay)
		cands, err := resolveHAR(t, writeHAR(t, t.TempDir(), chromeSanitized, false, s[0], s[2], s[3]))
		if err != nil {
			t.Fatal(err)
		}
		best := cands[0]
		if best.URL != signedReplay || !best.Signed || !best.Sanitized || best.Verdict != VerdictReady {
			t.Fatalf("best %s signed=%v sanitized=%v verdict=%q", best.URL, best.Signed, best.Sanitized, best.Verdict)
		}
	})
	t.Run("refused playlist is a credentials error", func(t *testing.T) {
		denied := withoutAPI[1]
		denied.status = 403
		denied.body = ""
		cands, err := resolveHAR(t, writeHAR(t, t.TempDir(), chromeSanitized, false, withoutAPI[0], denied))
		var ce *CredentialsError
		if !errors.As(err, &ce) || !strings.Contains(ce.Msg, "Allow to generate HAR with sensitive data") {
			t.Fatalf("err = %v", err)
		}
		if len(cands) != 1 || cands[0].Verdict != VerdictSanitized {
			t.Errorf("candidates should come with the error for inspect: %v", urls(cands))
		}
	})
}

// TestHARRedacted: third-party sanitizers replace values with "redacted".
func TestHARRedacted(t *testing.T) {
	s := periscopeSession(replayURL)
	s[1].body = strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(s[1].body, secPolicy, "redacted"), secSignature, "redacted"), secKeyPair, "redacted")
	for i := range s {
		for j := range s[i].cookies {
			s[i].cookies[j][1] = "[REDACTED]"
		}
	}
	cands, err := resolveHAR(t, writeHAR(t, t.TempDir(), firefox, false, s...))
	var ce *CredentialsError
	if !errors.As(err, &ce) || ce.Msg != msgRedacted {
		t.Fatalf("err = %v", err)
	}
	if len(cands) == 0 || !cands[0].Redacted || cands[0].Verdict != VerdictSanitized || ExplainDenied(cands[0]) != msgRedacted {
		t.Fatalf("candidates %v", urls(cands))
	}
}

// TestHARBrowserRefused: when the browser itself got 403 for the playlist,
// the cookies are stale; a playlist it did get ranks first.
func TestHARBrowserRefused(t *testing.T) {
	s := periscopeSession(replayURL)
	denied := s[2]
	denied.status, denied.body = 403, "<Error>AccessDenied</Error>"
	denied.mime = "application/xml"
	_, err := resolveHAR(t, writeHAR(t, t.TempDir(), firefox, false, s[0], denied))
	var ce *CredentialsError
	if !errors.As(err, &ce) || ce.Msg != msgBrowserDenied {
		t.Fatalf("err = %v", err)
	}
	other := s[2]
	other.url = strings.Replace(replayURL, "Ab3xY", "Zz9", 1)
	cands, err := resolveHAR(t, writeHAR(t, t.TempDir(), firefox, false, s[0], other, denied))
	if err != nil || cands[0].URL != other.url || cands[1].Verdict != VerdictStale {
		t.Fatalf("err %v, order %v", err, urls(cands))
	}
}

// TestHARVariantsAndRanking: a master playlist and the media playlists the
// player fetched; plus a live playlist fetched later and a playlist that
// failed. The media playlist of the best variant wins.
func TestHARVariantsAndRanking(t *testing.T) {
	base := "https://cdn.example.org/live/talk/"
	master := "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS=\"avc1.4d401e,mp4a.40.2\"\nlow/index.m3u8?tok=1\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720\nhigh/index.m3u8?tok=1\n#EXT-X-STREAM-INF:BANDWIDTH=1400000\nmid/index.m3u8\n"
	rs := []req{
		{url: base + "master.m3u8", mime: "application/x-mpegURL", body: master},
		{url: base + "low/index.m3u8?tok=1", mime: "application/x-mpegURL", body: mediaPlaylist},
		{url: base + "high/index.m3u8?tok=2", mime: "application/x-mpegURL", body: mediaPlaylist},
		{url: base + "mid/index.m3u8", status: 404, mime: "text/html"},
		{url: "https://cdn.example.org/other/live.m3u8", mime: "application/vnd.apple.mpegurl",
			body: "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\na.ts\n"},
		{method: "OPTIONS", url: base + "master.m3u8", status: 204},
	}
	cands, err := resolveHAR(t, writeHAR(t, t.TempDir(), playwright, false, rs...))
	if err != nil {
		t.Fatal(err)
	}
	got := urls(cands)
	want := []string{base + "high/index.m3u8?tok=2 [ready]", base + "master.m3u8 [ready]", base + "low/index.m3u8?tok=1 [ready]",
		"https://cdn.example.org/other/live.m3u8 [ready]", base + "mid/index.m3u8 [unreachable]"}
	if !slices.Equal(got, want) {
		t.Fatalf("order\n got %v\nwant %v", got, want)
	}
	if cands[0].Bandwidth != 2500000 || cands[0].Kind != "media" || cands[1].Kind != "master" {
		t.Errorf("best %+v", cands[0])
	}
	if !cands[3].Live || cands[3].Replay {
		t.Error("a media playlist without ENDLIST is live")
	}
	if !strings.Contains(cands[4].Problem, "404") {
		t.Errorf("unreachable problem %q", cands[4].Problem)
	}
}

// TestHARAuthorization: a playlist request with an Authorization header
// keeps it, bound to the playlist's host.
func TestHARAuthorization(t *testing.T) {
	u := "https://stream.example.com:8443/v1/talk/index.m3u8"
	rs := []req{{url: u, headers: [][2]string{{"Authorization", "Bearer " + secBearer}}, mime: "application/vnd.apple.mpegurl", body: mediaPlaylist}}
	cands, err := resolveHAR(t, writeHAR(t, t.TempDir(), chrome, false, rs...))
	if err != nil {
		t.Fatal(err)
	}
	c := cands[0]
	if c.Creds.Header.Get("Authorization") != "Bearer "+secBearer || c.Creds.Host != "stream.example.com:8443" {
		t.Fatalf("header %v host %q", c.Creds.Header, c.Creds.Host)
	}
}

// TestHARNoStream: one sentence saying what to do.
func TestHARNoStream(t *testing.T) {
	page := req{url: "https://example.com/", mime: "text/html", body: "<html>"}
	chunk := req{url: "https://cdn.example.com/seg_1.ts", mime: "video/mp2t", body: "G@\x00\x10", base64: true}
	for _, tc := range []struct {
		rs   []req
		want string
	}{
		{[]req{page}, "No video stream was found in this HAR file: start playing the replay before exporting the HAR."},
		{[]req{page, chunk}, "This HAR file has pieces of the video but not its playlist"},
		{nil, "This HAR file records no requests"},
	} {
		_, err := resolveHAR(t, writeHAR(t, t.TempDir(), chrome, false, tc.rs...))
		if !errors.Is(err, ErrNoStream) || !errors.Is(err, ErrNoSource) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
}

// TestHARCutShort: an export that breaks off still gives what it holds.
func TestHARCutShort(t *testing.T) {
	p := writeHAR(t, t.TempDir(), chrome, false, periscopeSession(replayURL)...)
	data, _ := os.ReadFile(p)
	cut := bytes.LastIndex(data, []byte(`"_resourceType": "media"`))
	cands, err := Resolve(context.Background(), Input{Source: string(data[:cut])})
	if err != nil || cands[0].URL != replayURL {
		t.Fatalf("err %v cands %v", err, urls(cands))
	}
	_, err = Resolve(context.Background(), Input{Source: string(data[:200])})
	if !errors.Is(err, ErrNoSource) {
		t.Fatalf("err = %v", err)
	}
}

// TestHARSources: a HAR given as a path (any extension), as text, or on
// standard input.
func TestHARSources(t *testing.T) {
	p := writeHAR(t, t.TempDir(), safari, true, periscopeSession(replayURL)...)
	renamed := filepath.Join(t.TempDir(), "export.json")
	data, _ := os.ReadFile(p)
	if err := os.WriteFile(renamed, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(p)
	defer f.Close()
	for name, in := range map[string]Input{
		"path":      {Source: p},
		"renamed":   {Source: renamed},
		"file url":  {Source: "file://" + filepath.ToSlash(p)},
		"text":      {Source: string(data)},
		"stdin":     {Source: "-", Stdin: f},
		"with user": {Source: p, Cookies: "extra=1"},
	} {
		cands, err := Resolve(context.Background(), in)
		if err != nil || cands[0].URL != replayURL {
			t.Errorf("%s: err %v, cands %v", name, err, urls(cands))
		}
	}
}

// TestHARBigBodies: media bodies far over the string cap are cut without
// disturbing the entries around them, and API answers keep whole.
func TestHARBigBodies(t *testing.T) {
	s := periscopeSession(replayURL)
	big := s[3]
	big.body = strings.Repeat("\x47\x40\x11\x10", 800_000) // 3.2 MB of "TS", base64 in the file
	// A large answer (over the 64 KiB cut for other strings) keeps whole.
	s[1].body = `{"viewers":"` + strings.Repeat("x", 200<<10) + `",` + strings.TrimPrefix(s[1].body, "{")
	cands, err := resolveHAR(t, writeHAR(t, t.TempDir(), chrome, false, s[0], big, s[1], big, s[2], big))
	if err != nil || cands[0].URL != replayURL || cands[0].Title != broadcastTitle {
		t.Fatalf("err %v cands %v", err, urls(cands))
	}
	if v, _ := cookieValue(t, cands[0], replayURL, "CloudFront-Key-Pair-Id"); v != secKeyPair {
		t.Error("lost the answer's cookies")
	}
}

// TestCorpusStreamingMatchesDecoder: on every corpus file the standard
// decoder accepts, the streaming reader sees every entry.
func TestCorpusStreamingMatchesDecoder(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir(t), "*.har"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		var doc struct {
			Log struct {
				Entries []json.RawMessage `json:"entries"`
			} `json:"log"`
		}
		if json.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), &doc) != nil {
			continue
		}
		s := newHARScan()
		n, damaged, err := readHAR(bytes.NewReader(data), s)
		if err != nil || damaged || n != len(doc.Log.Entries) {
			t.Errorf("%s: read %d entries (damaged %v, err %v), want %d", filepath.Base(f), n, damaged, err, len(doc.Log.Entries))
		}
		if strings.Contains(string(data), `"Set-Cookie"`) && s.credEvidence == 0 {
			t.Errorf("%s: cookies not seen", filepath.Base(f))
		}
	}
}

// TestHARHeaders: pseudo headers and noise are dropped, names canonical.
func TestHARHeaders(t *testing.T) {
	h := replayable(harHeaders([]harHeader{{":authority", "a"}, {":path", "/"}, {"referer", "https://r/"}, {"user-agent", "UA"},
		{"accept-encoding", "br"}, {"host", "h"}, {"content-length", "0"}, {"cookie", "a=b"}, {"origin", "https://o"}, {"authorization", "Bearer x"}}))
	want := http.Header{"Referer": {"https://r/"}, "User-Agent": {"UA"}, "Origin": {"https://o"}, "Authorization": {"Bearer x"}}
	if len(h) != len(want) {
		t.Fatalf("got %v", h)
	}
	for k, v := range want {
		if h.Get(k) != v[0] {
			t.Errorf("%s = %q", k, h.Get(k))
		}
	}
}
