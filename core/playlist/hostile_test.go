package playlist

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Hostile or broken playlists: each fails with a sentence, or normalises to
// plain http(s) URLs on the host; nothing in a playlist can name a local
// file (chunks are stored by index, never by URI).

func TestHostileURIsStayOnTheWeb(t *testing.T) {
	base := mustURL(t, "https://h.example/live/v1/p.m3u8")
	src := "#EXTM3U\n#EXT-X-TARGETDURATION:2\n" +
		"#EXTINF:2,\n../../../../etc/passwd\n" +
		"#EXTINF:2,\n/abs/olute.ts\n" +
		"#EXTINF:2,\n..%2F..%2Fx.ts\n" +
		"#EXT-X-ENDLIST\n"
	pl, _, err := Parse([]byte(src), base)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range pl.Segments {
		if !strings.HasPrefix(s.URL, "https://h.example/") {
			t.Errorf("segment %d resolved off the host: %s", s.Index, s.URL)
		}
	}
	if got := pl.Segments[0].URL; got != "https://h.example/etc/passwd" {
		t.Errorf("../ resolved to %s", got)
	}
	for _, scheme := range []string{"javascript:alert(1)", "ftp://h.example/x.ts", "gopher://h.example/x", "blob:https://h.example/1", `C:\Windows\win.ini`} {
		src := "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n" + scheme + "\n#EXT-X-ENDLIST\n"
		if _, _, err := Parse([]byte(src), base); !errors.Is(err, ErrNotPlaylist) {
			t.Errorf("%s: err = %v, want ErrNotPlaylist", scheme, err)
		}
	}
	// Keys and init sections are fetched too: the same rule applies.
	for _, tag := range []string{`#EXT-X-KEY:METHOD=AES-128,URI="file:///etc/shadow"`, `#EXT-X-MAP:URI="data:video/mp4;base64,AAAA"`} {
		src := "#EXTM3U\n#EXT-X-TARGETDURATION:2\n" + tag + "\n#EXTINF:2,\nc.ts\n#EXT-X-ENDLIST\n"
		if _, _, err := Parse([]byte(src), base); err == nil {
			t.Errorf("%s accepted", tag)
		}
	}
}

// serve answers each path with a fixed body.
func serve(t *testing.T, bodies map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestHostileLoadsFailWithASentence(t *testing.T) {
	huge := strings.Repeat("#EXTINF:1,\nx.ts\n", 1_000_000) // 10^6 entries, 16 MB
	long := "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n" + strings.Repeat("a", 10<<20) + ".ts\n#EXT-X-ENDLIST\n"
	srv := serve(t, map[string]string{
		"/self.m3u8": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nself.m3u8\n",
		"/a.m3u8":    "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nb.m3u8\n",
		"/b.m3u8":    "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n",
		"/huge.m3u8": "#EXTM3U\n#EXT-X-TARGETDURATION:1\n" + huge + "#EXT-X-ENDLIST\n",
		"/long.m3u8": long,
		"/junk.m3u8": "\x89PNG\r\n\x1a\n" + strings.Repeat("\x00\xff", 5000),
	})
	for _, name := range []string{"self", "a", "huge", "long", "junk"} {
		t.Run(name, func(t *testing.T) {
			_, err := Load(context.Background(), srv.Client(), srv.URL+"/"+name+".m3u8")
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || len(msg) > 300 || strings.Contains(msg, "panic") {
				t.Errorf("not one short sentence: %q", msg)
			}
			t.Logf("%s: %s", name, msg)
		})
	}
}

// DRM-protected streams are recognised before anything is fetched, whatever
// their key address looks like.
func TestDRMRecognised(t *testing.T) {
	base := mustURL(t, "https://h.example/v/p.m3u8")
	keys := []string{
		`#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://asset-1",KEYFORMAT="com.apple.streamingkeydelivery",KEYFORMATVERSIONS="1"`,
		`#EXT-X-KEY:METHOD=SAMPLE-AES-CTR,URI="data:text/plain;base64,AAAA",KEYFORMAT="urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"`,
		`#EXT-X-KEY:METHOD=AES-128,URI="https://lic.example/k",KEYFORMAT="com.microsoft.playready"`,
	}
	for _, k := range keys {
		src := "#EXTM3U\n#EXT-X-TARGETDURATION:2\n" + k + "\n#EXTINF:2,\na.ts\n#EXT-X-ENDLIST\n"
		if _, _, err := Parse([]byte(src), base); !errors.Is(err, ErrDRM) {
			t.Errorf("%s: err = %v, want ErrDRM", k, err)
		}
	}
	plain := "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-KEY:METHOD=AES-128,URI=\"k.bin\",KEYFORMAT=\"identity\"\n#EXTINF:2,\na.ts\n#EXT-X-ENDLIST\n"
	pl, _, err := Parse([]byte(plain), base)
	if err != nil || pl.Segments[0].Key == nil || pl.Segments[0].Key.URI != "https://h.example/v/k.bin" {
		t.Errorf("plain AES-128: %v %+v", err, pl)
	}
}
