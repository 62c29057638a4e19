package intake

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func cookiePairs(t *testing.T, c *curlCmd) []string {
	t.Helper()
	var out []string
	for _, ck := range c.Cookies {
		out = append(out, ck.Name+"="+ck.Value)
	}
	return out
}

// Commands as Chrome, Edge, Firefox and Safari copy them ("Copy as cURL",
// "Copy as cURL (bash)", "Copy as cURL (cmd)").
func TestParseCurl(t *testing.T) {
	const pl = "https://prod-fastly-eu-west-1.video.pscp.tv/Transcoding/v1/hls/TOKEN/audio-video.m3u8?type=replay"
	cases := []struct {
		name    string
		in      string
		url     string
		cookies []string
		headers map[string]string
	}{
		{
			name: "chrome 2025 bash with -b",
			in: "curl '" + pl + "' \\\n  -H 'accept: */*' \\\n  -H 'accept-language: en-GB,en;q=0.9' \\\n  -b 'pscp-csrf=abc; user_id=42' \\\n" +
				"  -H 'origin: https://www.pscp.tv' \\\n  -H 'referer: https://www.pscp.tv/' \\\n" +
				"  -H 'sec-ch-ua: \"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"' \\\n  -H 'user-agent: Mozilla/5.0 (X11; Linux x86_64)'",
			url: pl, cookies: []string{"pscp-csrf=abc", "user_id=42"},
			headers: map[string]string{"Referer": "https://www.pscp.tv/", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64)", "Origin": "https://www.pscp.tv", "Sec-Ch-Ua": `"Chromium";v="131", "Not_A Brand";v="24"`},
		},
		{
			name:    "older chrome -H cookie and --compressed",
			in:      "curl '" + pl + "' -H 'cookie: a=1; b=two words' -H 'authorization: Bearer tok' --compressed",
			url:     pl,
			cookies: []string{"a=1", "b=two words"},
			headers: map[string]string{"Authorization": "Bearer tok"},
		},
		{
			name:    "firefox",
			in:      "curl '" + pl + "' --compressed -H 'User-Agent: Mozilla/5.0 Firefox/128.0' -H 'Cookie: sid=xyz' -H 'Referer: https://x.com/' -H 'Connection: keep-alive'",
			url:     pl,
			cookies: []string{"sid=xyz"},
			headers: map[string]string{"User-Agent": "Mozilla/5.0 Firefox/128.0", "Referer": "https://x.com/"},
		},
		{
			name:    "ansi-c quoting",
			in:      `curl $'https://h.example/a.m3u8?q=1' -H $'cookie: k=it\'s; tab=a\tb; hex=\x41\u00e9' -H $'referer: https://h.example/\u0041'`,
			url:     "https://h.example/a.m3u8?q=1",
			cookies: []string{"k=it's", "tab=a\tb", "hex=Aé"},
			headers: map[string]string{"Referer": "https://h.example/A"},
		},
		{
			name:    "--cookie long form, --url, -A, -e, double quotes",
			in:      `curl --url "https://h.example/live/index.m3u8" --cookie "s=\"q\"; t=\$x" -A "UA/1" -e "https://h.example/"`,
			url:     "https://h.example/live/index.m3u8",
			cookies: []string{"s=q", "t=$x"},
			headers: map[string]string{"User-Agent": "UA/1", "Referer": "https://h.example/"},
		},
		{
			name:    "-b naming a file is not read",
			in:      "curl -sSL -b cookies.txt 'https://h.example/a.m3u8'",
			url:     "https://h.example/a.m3u8",
			cookies: nil,
		},
		{
			name:    "prompt, CRLF continuations, attached -H",
			in:      "$ curl 'https://h.example/a.m3u8' \\\r\n  -H'Referer: https://r.example/' \\\r\n  -H 'Cookie: z=9'\r\n",
			url:     "https://h.example/a.m3u8",
			cookies: []string{"z=9"},
			headers: map[string]string{"Referer": "https://r.example/"},
		},
		{
			name: "chrome cmd",
			in: "curl ^\"https://h.example/live/index.m3u8?a=1^&b=^%^3D2^\" ^\n  -H ^\"accept: */*^\" ^\n  -b ^\"sid=abc; theme=dark^\" ^\n" +
				"  -H ^\"referer: https://h.example/^\" ^\n  -H ^\"sec-ch-ua: ^\\^\"Chromium^\\^\";v=^\\^\"131^\\^\"^\" ^\n  -H ^\"user-agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64)^\"",
			url:     "https://h.example/live/index.m3u8?a=1&b=%3D2",
			cookies: []string{"sid=abc", "theme=dark"},
			headers: map[string]string{"Referer": "https://h.example/", "Sec-Ch-Ua": `"Chromium";v="131"`, "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"},
		},
		{
			name:    "cmd with CRLF and -H cookie",
			in:      "curl.exe ^\"https://h.example/a.m3u8^\" ^\r\n  -H ^\"cookie: a=b^\" ^\r\n  --compressed",
			url:     "https://h.example/a.m3u8",
			cookies: []string{"a=b"},
		},
		{
			name:    "plain windows double quotes",
			in:      `curl "https://h.example/a.m3u8?x=1&y=2" -H "Cookie: k=v"`,
			url:     "https://h.example/a.m3u8?x=1&y=2",
			cookies: []string{"k=v"},
		},
		{
			name: "no scheme",
			in:   "curl h.example/a.m3u8",
			url:  "https://h.example/a.m3u8",
		},
		{
			name: "data options do not become the URL",
			in:   "curl -X POST --data-raw '{\"a\":1}' -H 'content-type: application/json' 'https://api.example.com/x'",
			url:  "https://api.example.com/x",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseCurl(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if c.URL != tc.url {
				t.Errorf("URL = %q, want %q", c.URL, tc.url)
			}
			if got := cookiePairs(t, c); !slices.Equal(got, tc.cookies) {
				t.Errorf("cookies = %q, want %q", got, tc.cookies)
			}
			for k, v := range tc.headers {
				if c.Header.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, c.Header.Get(k), v)
				}
			}
			if c.Header.Get("Cookie") != "" {
				t.Error("the Cookie header must become cookies")
			}
		})
	}
}

func TestParseCurlRejects(t *testing.T) {
	for _, in := range []string{"", "wget https://h/a.m3u8", "curling is a sport", "curl 'https://h/a.m3u8"} {
		if _, err := parseCurl(in); err == nil {
			t.Errorf("parseCurl(%q) succeeded", in)
		}
	}
}

// TestCurlThroughResolve: a copied request becomes a candidate with the
// cookies in a jar for its host and the Authorization bound to it.
func TestCurlThroughResolve(t *testing.T) {
	in := "curl 'https://cdn.example.com/hls/index.m3u8?Signature=" + secSignature + "' -H 'authorization: Bearer " + secBearer + "' -b 'sess=" + secSession + "' -H 'referer: https://www.example.com/'"
	cands, err := Resolve(context.Background(), Input{Source: in})
	if err != nil {
		t.Fatal(err)
	}
	c := cands[0]
	if c.Origin != OriginCurl || c.From != "Copy as cURL command" || !c.Signed {
		t.Errorf("%+v", c)
	}
	if v, _ := cookieValue(t, c, "https://cdn.example.com/hls/1.ts", "sess"); v != secSession {
		t.Error("cookie not in the jar for its host")
	}
	if _, ok := cookieValue(t, c, "https://other.example.net/", "sess"); ok {
		t.Error("cookie goes to another host")
	}
	if c.Creds.Header.Get("Authorization") != "Bearer "+secBearer || c.Creds.Host != "cdn.example.com" || c.Creds.Header.Get("Referer") == "" {
		t.Errorf("creds %v %q", c.Creds.Header, c.Creds.Host)
	}
	if !slices.Equal(c.CookieHosts, []string{"cdn.example.com"}) {
		t.Errorf("CookieHosts %v", c.CookieHosts)
	}

	_, err = Resolve(context.Background(), Input{Source: "curl 'https://cdn.example.com/hls/chunk_12.ts' -H 'cookie: a=b'"})
	if !errors.Is(err, ErrNoSource) || !strings.Contains(err.Error(), "one piece of the video") {
		t.Errorf("chunk: %v", err)
	}
}

// escapeWin is Chrome DevTools' escaping for "Copy as cURL (cmd)".
func escapeWin(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = regexp.MustCompile(`[^a-zA-Z0-9\s_\-:=+~'/.',?;()*`+"`"+`]`).ReplaceAllString(s, "^$0")
	s = regexp.MustCompile(`%([a-zA-Z0-9_])`).ReplaceAllString(s, "%^$1")
	s = regexp.MustCompile(`\r?\n`).ReplaceAllString(s, "^\n\n")
	return `^"` + s + `^"`
}

// escapeBash is Chrome DevTools' escapeStringPosix: '...' unless the value
// holds a quote, "!" or control characters, then $'...' with \uXXXX escapes.
func escapeBash(s string) string {
	special := regexp.MustCompile("[\x00-\x1F\x7F-\u009F!]")
	if !special.MatchString(s) && !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `'`, `\'`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	s = strings.ReplaceAll(s, "\r", `\r`)
	s = special.ReplaceAllStringFunc(s, func(x string) string {
		return fmt.Sprintf(`\u%04x`, []rune(x)[0])
	})
	return "$'" + s + "'"
}

// FuzzParseCurl never panics, and a header value escaped the way Chrome
// escapes it for bash and for cmd comes back unchanged.
func FuzzParseCurl(f *testing.F) {
	for _, s := range []string{"abc", `it's "quoted" & 100% \ done`, "tab\there", "é ünï €", "^caret^ %PATH% !bang!", "semi;colon=eq"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, cmd := range []string{v, "curl " + v, "curl 'https://h/a.m3u8' " + v, "curl ^\"" + v} {
			c, err := parseCurl(cmd)
			if err == nil && c.Header == nil {
				t.Fatal("nil header")
			}
		}
		v = strings.TrimSpace(v)
		if v == "" || strings.ContainsAny(v, "\r\n\x00") || strings.ContainsRune(v, 0xfffd) || !utf8.ValidString(v) || strings.HasPrefix(v, ";auto") {
			return
		}
		for name, cmd := range map[string]string{
			"bash": "curl 'https://h.example/a.m3u8' \\\n  -H " + escapeBash("x-test: "+v) + " \\\n  --compressed",
			"cmd":  "curl ^\"https://h.example/a.m3u8^\" ^\n  -H " + escapeWin("x-test: "+v) + " ^\n  --compressed",
		} {
			if name == "cmd" && strings.Contains(v, `\`) {
				// Chrome doubles every backslash for cmd, but the C runtime
				// halves only those before a quote: curl.exe itself gets
				// them doubled, and so does this parser.
				continue
			}
			c, err := parseCurl(cmd)
			if err != nil {
				t.Fatalf("%s: %q: %v", name, cmd, err)
			}
			if c.URL != "https://h.example/a.m3u8" || c.Header.Get("X-Test") != v {
				t.Fatalf("%s: %q\n gave URL %q header %q, want %q", name, cmd, c.URL, c.Header.Get("X-Test"), v)
			}
		}
	})
}
