package intake

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolveInputs(t *testing.T) {
	dir := t.TempDir()
	curlFile := filepath.Join(dir, "request") // no extension: recognised by content
	os.WriteFile(curlFile, []byte("curl 'https://cdn.example.com/a.m3u8' -b 'k=v'\n"), 0o600)
	curlTxt := filepath.Join(dir, "request.txt")
	os.WriteFile(curlTxt, []byte("\ufeffcurl ^\"https://cdn.example.com/a.m3u8^\" ^\r\n  -b ^\"k=v^\"\r\n"), 0o600)
	binary := filepath.Join(dir, "video.mp4")
	os.WriteFile(binary, []byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00"), 0o600)
	big := filepath.Join(dir, "big.txt")
	os.WriteFile(big, []byte(strings.Repeat("a", maxText+10)), 0o600)
	empty := filepath.Join(dir, "empty.har")
	os.WriteFile(empty, nil, 0o600)

	for _, p := range []string{curlFile, curlTxt} {
		cands, err := Resolve(context.Background(), Input{Source: p})
		if err != nil || cands[0].Origin != OriginCurl {
			t.Fatalf("%s: %v %v", p, err, urls(cands))
		}
		if v, _ := cookieValue(t, cands[0], "https://cdn.example.com/b.ts", "k"); v != "v" {
			t.Errorf("%s: cookie", p)
		}
	}
	cands, err := Resolve(context.Background(), Input{Source: "-", Stdin: strings.NewReader("curl 'https://cdn.example.com/a.m3u8'\n")})
	if err != nil || cands[0].Origin != OriginCurl {
		t.Fatalf("stdin: %v", err)
	}

	fails := []struct {
		in    Input
		words string
	}{
		{Input{}, "Nothing was given"},
		{Input{Source: "   "}, "Nothing was given"},
		{Input{Source: "-"}, "standard input"},
		{Input{Source: "not a link"}, `"not a link" is not a link`},
		{Input{Source: "pscp-csrf=abc; user_id=42"}, "looks like cookies"},
		{Input{Source: "#EXTM3U\n#EXTINF:4,\na.ts"}, "content of a playlist"},
		{Input{Source: "# Netscape HTTP Cookie File\nh\tFALSE\t/\tFALSE\t0\ta\tb"}, "cookies.txt"},
		{Input{Source: "https://cdn.example.com/hls/chunk_12.ts"}, "one piece of the video"},
		{Input{Source: "ftp://example.com/a.m3u8"}, "not a link"},
		{Input{Source: filepath.Join(dir, "missing.har")}, "cannot be opened"},
		{Input{Source: dir}, "is a folder"},
		{Input{Source: binary}, "is not a HAR file"},
		{Input{Source: big}, "too large"},
		{Input{Source: empty}, "is empty"},
		{Input{Source: "curl -H 'a: b'"}, "has no web link"},
		{Input{Source: "https://h.example/a.m3u8", Cookies: ";;"}, "name=value"},
		{Input{Source: "https://h.example/a.m3u8", Headers: []string{"Referer https://x"}}, `The header "Referer" must look like`},
		{Input{Source: "https://h.example/a.m3u8", Headers: []string{"X-A: b\r\nEvil: 1"}}, "on one line"},
	}
	for _, f := range fails {
		_, err := Resolve(context.Background(), f.in)
		var ie *InputError
		if !errors.As(err, &ie) || !errors.Is(err, ErrNoSource) || !strings.Contains(err.Error(), f.words) {
			t.Errorf("%+v: err = %v, want an input error with %q", f.in.Source, err, f.words)
		}
	}
}

// TestTypedCredentials: --cookies belong to the host of the link given,
// -H Cookie goes to the jar, secret headers stay on the link's host.
func TestTypedCredentials(t *testing.T) {
	link := "https://cdn.example.com/live/index.m3u8?type=live"
	cands, err := Resolve(context.Background(), Input{
		Source:  link,
		Cookies: "a=1; b=2",
		Headers: []string{"Cookie: c=3", "Authorization: Bearer " + secBearer, "Referer: https://www.example.com/", "Accept-Encoding: br"},
	})
	if err != nil {
		t.Fatal(err)
	}
	c := cands[0]
	for _, n := range []string{"a", "b", "c"} {
		if _, ok := cookieValue(t, c, "https://cdn.example.com/other/x.ts", n); !ok {
			t.Errorf("cookie %s missing", n)
		}
		if _, ok := cookieValue(t, c, "https://sub.cdn.example.com/x.ts", n); ok {
			t.Errorf("cookie %s goes to another host", n)
		}
	}
	h := c.Creds.Header
	if h.Get("Cookie") != "" || h.Get("Accept-Encoding") != "" || h.Get("Authorization") != "Bearer "+secBearer || h.Get("Referer") == "" || c.Creds.Host != "cdn.example.com" {
		t.Errorf("creds %v %q", h, c.Creds.Host)
	}
	if !c.Live || c.Replay || c.Origin != OriginLink || c.From != "pasted link" || c.Verdict != VerdictReady {
		t.Errorf("%+v", c)
	}
	if len(c.CookieHosts) != 1 || c.CookieHosts[0] != "cdn.example.com" {
		t.Errorf("CookieHosts %v", c.CookieHosts)
	}
}

func TestExplainDenied(t *testing.T) {
	cases := []struct {
		c     Candidate
		words string
	}{
		{Candidate{Origin: OriginHAR, Sanitized: true}, "Allow to generate HAR with sensitive data"},
		{Candidate{Origin: OriginHAR, Redacted: true, Sanitized: true}, `"redacted"`},
		{Candidate{Origin: OriginHAR}, "does not have"},
		{Candidate{Origin: OriginHAR, CookieHosts: []string{"h"}}, "probably expired"},
		{Candidate{Origin: OriginLink}, "without your browser's cookies"},
		{Candidate{Origin: OriginLink, Signed: true}, "probably expired"},
		{Candidate{Origin: OriginCurl, CookieHosts: []string{"h"}}, "probably expired"},
		{Candidate{Origin: OriginPeriscope}, "run the same command again"},
		{Candidate{Origin: OriginX, Signed: true}, "run the same command again"},
	}
	for _, tc := range cases {
		msg := ExplainDenied(tc.c)
		if !strings.Contains(msg, tc.words) || !strings.HasSuffix(msg, ".") {
			t.Errorf("%+v: %q lacks %q", tc.c, msg, tc.words)
		}
		var ce *CredentialsError
		if err := DeniedError(tc.c, errors.New("403")); !errors.As(err, &ce) || ce.Msg != msg {
			t.Errorf("DeniedError = %v", err)
		}
	}
}
