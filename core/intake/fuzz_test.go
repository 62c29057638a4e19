package intake

import (
	"bytes"
	"net/url"
	"testing"
)

// FuzzReadHAR: any bytes given as a HAR file end in candidates or one
// error, never a panic; every candidate is an http(s) URL with a verdict,
// and credentials that go with it.
func FuzzReadHAR(f *testing.F) {
	f.Add(harBytes(chrome, false, periscopeSession(replayURL)...))
	f.Add(harBytes(chromeSanitized, true, periscopeSession(signedReplay)[2]))
	f.Add(harBytes(firefox, false, req{url: "https://h.example/m.m3u8", body: "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n"}, req{url: "https://h.example/v.m3u8", status: 403}))
	f.Add([]byte(`{"log":{"creator":{"name":"WebInspector"},"entries":[{"request":{"url":"https://a/b.m3u8"},"response":{"status":"200","content":{"text":"eyJyZXBsYXlfdXJsIjoiaHR0cHM6Ly9hL2MubTN1OCJ9","encoding":"base64","mimeType":"application/json"}}}]}}`))
	f.Add([]byte(`{"log":[2,1,3]"request:"}`))
	f.Add([]byte("\xef\xbb\xbf{\"log\":{\"entries\":null}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cands, err := fromHAR(bytes.NewReader(data), "fuzz.har", &userCreds{})
		if err == nil && len(cands) == 0 {
			t.Fatal("no candidates and no error")
		}
		for _, c := range cands {
			u, perr := url.Parse(c.URL)
			if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Fatalf("candidate URL %q", c.URL)
			}
			if c.Verdict == "" || c.Creds.Jar == nil || c.Creds.Header == nil || c.Creds.Host != u.Host {
				t.Fatalf("candidate %+v", c)
			}
		}
	})
}
