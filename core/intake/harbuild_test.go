package intake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Test HARs in the shapes real tools write. Each browser differs in ways
// intake must cope with: Chrome (and Edge) writes lower-case HTTP/2 headers
// with pseudo headers and _resourceType, and since version 130 exports
// without cookies unless asked; Firefox joins Set-Cookie values with
// newlines and cuts bodies at 1 MiB; Safari writes _fetchType and request
// cookies without domain; Playwright writes neither extension.

type shape int

const (
	chrome shape = iota
	chromeSanitized
	firefox
	safari
	playwright
)

func (s shape) creator() map[string]any {
	switch s {
	case chrome, chromeSanitized:
		return map[string]any{"name": "WebInspector", "version": "537.36"}
	case firefox:
		return map[string]any{"name": "Firefox", "version": "128.0"}
	case safari:
		return map[string]any{"name": "WebKit Web Inspector", "version": "1.0"}
	}
	return map[string]any{"name": "Playwright", "version": "1.48.0"}
}

// req is one request/response pair, browser-neutral.
type req struct {
	method      string
	url         string
	headers     [][2]string // besides cookie
	cookies     [][2]string // sent
	status      int
	respHeaders [][2]string // besides set-cookie
	setCookies  []string
	mime        string
	body        string
	base64      bool
	kind        string // Chrome _resourceType: document, xhr, fetch, media
}

func nv(name, value string) map[string]any { return map[string]any{"name": name, "value": value} }

// entry renders r as s would.
func (s shape) entry(r req, at time.Time) map[string]any {
	u, _ := url.Parse(r.url)
	method := r.method
	if method == "" {
		method = "GET"
	}
	var hs, rhs, reqCookies, respCookies []any
	name := func(n string) string {
		if s == chrome || s == chromeSanitized {
			return strings.ToLower(n)
		}
		return n
	}
	if s == chrome || s == chromeSanitized {
		hs = append(hs, nv(":authority", u.Host), nv(":method", method), nv(":path", u.RequestURI()), nv(":scheme", u.Scheme))
	}
	hs = append(hs, nv(name("Accept-Encoding"), "gzip, deflate, br"))
	if s == firefox || s == safari {
		hs = append(hs, nv("Host", u.Host))
	}
	for _, h := range r.headers {
		if s == chromeSanitized && strings.EqualFold(h[0], "Authorization") {
			continue
		}
		hs = append(hs, nv(name(h[0]), h[1]))
	}
	if len(r.cookies) > 0 && s != chromeSanitized {
		var parts []string
		for _, c := range r.cookies {
			parts = append(parts, c[0]+"="+c[1])
			reqCookies = append(reqCookies, nv(c[0], c[1]))
		}
		hs = append(hs, nv(name("Cookie"), strings.Join(parts, "; ")))
	}
	for _, h := range r.respHeaders {
		rhs = append(rhs, nv(name(h[0]), h[1]))
	}
	if len(r.setCookies) > 0 && s != chromeSanitized {
		if s == firefox {
			rhs = append(rhs, nv("Set-Cookie", strings.Join(r.setCookies, "\n")))
		} else {
			for _, sc := range r.setCookies {
				rhs = append(rhs, nv(name("Set-Cookie"), sc))
			}
		}
		for _, sc := range r.setCookies {
			n, v, _ := strings.Cut(strings.Split(sc, ";")[0], "=")
			respCookies = append(respCookies, map[string]any{"name": n, "value": v, "path": "/", "httpOnly": true, "secure": true})
		}
	}
	status := r.status
	if status == 0 {
		status = 200
	}
	content := map[string]any{"size": len(r.body), "mimeType": r.mime}
	if r.body != "" {
		body := r.body
		if s == firefox && len(body) > 1<<20 {
			body = body[:1<<20]
		}
		if r.base64 {
			content["text"] = base64.StdEncoding.EncodeToString([]byte(body))
			content["encoding"] = "base64"
		} else {
			content["text"] = body
		}
	}
	if reqCookies == nil {
		reqCookies = []any{}
	}
	if respCookies == nil {
		respCookies = []any{}
	}
	e := map[string]any{
		"startedDateTime": at.UTC().Format(time.RFC3339Nano),
		"time":            42.5,
		"request": map[string]any{
			"method": method, "url": r.url, "httpVersion": "HTTP/2", "headers": hs,
			"cookies": reqCookies, "queryString": []any{}, "headersSize": -1, "bodySize": 0,
		},
		"response": map[string]any{
			"status": status, "statusText": "", "httpVersion": "HTTP/2", "headers": rhs,
			"cookies": respCookies, "content": content, "redirectURL": "", "headersSize": -1, "bodySize": -1,
		},
		"cache":   map[string]any{},
		"timings": map[string]any{"send": 0.1, "wait": 30, "receive": 2},
	}
	switch s {
	case chrome, chromeSanitized:
		kind := r.kind
		if kind == "" {
			kind = "xhr"
		}
		e["_resourceType"] = kind
		e["_initiator"] = map[string]any{"type": "script"}
		e["_priority"] = "High"
		e["serverIPAddress"] = "151.101.2.217"
	case safari:
		e["_fetchType"] = "Network Load"
	}
	return e
}

// writeHAR writes the requests as one HAR file in dir and returns its path.
func writeHAR(t testing.TB, dir string, s shape, bom bool, rs ...req) string {
	t.Helper()
	data := harBytes(s, bom, rs...)
	p := filepath.Join(dir, fmt.Sprintf("session-%d.har", s))
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// harBytes renders the requests as s would export them.
func harBytes(s shape, bom bool, rs ...req) []byte {
	start := time.Date(2025, 3, 14, 18, 0, 0, 0, time.UTC)
	var entries []any
	for i, r := range rs {
		entries = append(entries, s.entry(r, start.Add(time.Duration(i)*time.Second)))
	}
	doc := map[string]any{"log": map[string]any{
		"version": "1.2", "creator": s.creator(),
		"pages":   []any{map[string]any{"startedDateTime": start.Format(time.RFC3339Nano), "id": "page_1", "title": "https://www.pscp.tv/w/1yoKMwNbNBjKQ", "pageTimings": map[string]any{}}},
		"entries": entries,
	}}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	if bom {
		data = append([]byte("\xef\xbb\xbf"), data...)
	}
	return data
}

// Secret values used across the tests: none may ever appear in output.
const (
	secCSRF      = "CSRFsecret0a1b2c3d"
	secPolicy    = "POLICYsecretZXhwaXJlcw"
	secSignature = "SIGNATUREsecretQmFzZTY0"
	secKeyPair   = "APKAsecretKEYPAIR"
	secSession   = "SESSIONsecret998877"
	secBearer    = "BEARERsecretTOKEN12345"
	secPathToken = "dGhpcyBpcyBhIHNpZ25lZCBwYXRoIHRva2VuIGZvciB0ZXN0aW5nIG9ubHk"
)

var allSecrets = []string{secCSRF, secPolicy, secSignature, secKeyPair, secSession, secBearer, secPathToken}

const mediaPlaylist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n" +
	"#EXTINF:3.989,\nchunk_1432911712834479447_0_a.ts\n#EXTINF:3.989,\nchunk_1432911712834479447_1_a.ts\n#EXT-X-ENDLIST\n"
