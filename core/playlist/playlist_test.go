package playlist

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"replayrescue/core/web"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestParseMediaNormalises(t *testing.T) {
	const src = `#EXTM3U
#EXT-X-VERSION:4
#EXT-X-TARGETDURATION:4
#EXT-X-MEDIA-SEQUENCE:10
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-KEY:METHOD=AES-128,URI="key1.bin"
#EXTINF:4.0,
a.ts
#EXTINF:4.0,
/abs/b.ts?x=1
#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example/k2",IV=0x000102030405060708090a0b0c0d0e0f
#EXT-X-DISCONTINUITY
#EXTINF:3.5,
https://cdn.example/c.ts
#EXT-X-KEY:METHOD=NONE
#EXTINF:2.0,
d.ts
#EXT-X-ENDLIST
`
	pl, master, err := Parse([]byte(src), mustURL(t, "https://host.example/hls/list/playlist_123.m3u8?type=replay"))
	if err != nil || master != nil {
		t.Fatalf("Parse: %v, master %v", err, master)
	}
	if !pl.Ended || pl.Type != "VOD" || pl.TargetDuration != 4*time.Second {
		t.Fatalf("header: ended=%v type=%q target=%v", pl.Ended, pl.Type, pl.TargetDuration)
	}
	wantURLs := []string{
		"https://host.example/hls/list/a.ts",
		"https://host.example/abs/b.ts?x=1",
		"https://cdn.example/c.ts",
		"https://host.example/hls/list/d.ts",
	}
	if len(pl.Segments) != len(wantURLs) {
		t.Fatalf("got %d segments, want %d", len(pl.Segments), len(wantURLs))
	}
	for i, s := range pl.Segments {
		if s.Index != i || s.URL != wantURLs[i] || s.Seq != uint64(10+i) {
			t.Errorf("segment %d: %+v", i, s)
		}
	}
	// The key is written once but applies to every segment until the next key tag.
	if k := pl.Segments[1].Key; k == nil || k.URI != "https://host.example/hls/list/key1.bin" || k.IV != "" {
		t.Errorf("key not carried forward to segment 1: %+v", k)
	}
	if k := pl.Segments[2].Key; k == nil || k.URI != "https://keys.example/k2" || k.IV == "" {
		t.Errorf("rotated key on segment 2: %+v", k)
	}
	if pl.Segments[3].Key != nil {
		t.Errorf("METHOD=NONE must clear the key, got %+v", pl.Segments[3].Key)
	}
	if !pl.Segments[2].Discontinuity || pl.Segments[1].Discontinuity {
		t.Error("discontinuity flag on the wrong segment")
	}
	if got := pl.Duration(); got != 13500*time.Millisecond {
		t.Errorf("Duration = %v", got)
	}
}

func TestParseByteRangeContinues(t *testing.T) {
	// "n" without "@o" continues after the previous range of the same resource.
	const src = `#EXTM3U
#EXT-X-VERSION:4
#EXT-X-TARGETDURATION:2
#EXT-X-MAP:URI="init.mp4",BYTERANGE="700@0"
#EXTINF:2,
#EXT-X-BYTERANGE:1000@700
media.mp4
#EXTINF:2,
#EXT-X-BYTERANGE:500
media.mp4
#EXTINF:2,
#EXT-X-BYTERANGE:300
media.mp4
#EXTINF:2,
#EXT-X-BYTERANGE:50@0
other.mp4
#EXT-X-ENDLIST
`
	pl, _, err := Parse([]byte(src), mustURL(t, "http://127.0.0.1/v/index.m3u8"))
	if err != nil {
		t.Fatal(err)
	}
	want := []ByteRange{{700, 1000}, {1700, 500}, {2200, 300}, {0, 50}}
	for i, w := range want {
		if r := pl.Segments[i].Range; r == nil || *r != w {
			t.Errorf("segment %d range = %+v, want %+v", i, r, w)
		}
	}
	for i, s := range pl.Segments {
		if s.Map == nil || s.Map.URI != "http://127.0.0.1/v/init.mp4" || s.Map.Range == nil || s.Map.Range.Length != 700 {
			t.Errorf("segment %d map not carried forward: %+v", i, s.Map)
		}
	}
}

func TestParseMasterPicksHighestBandwidth(t *testing.T) {
	const src = `#EXTM3U
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360
low/index.m3u8
#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=9000000,URI="iframes.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720,CODECS="avc1.4d401f,mp4a.40.2"
hi/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=960x540
mid/index.m3u8
`
	pl, c, err := Parse([]byte(src), mustURL(t, "https://h.example/m/master.m3u8"))
	if err != nil || pl != nil || c == nil {
		t.Fatalf("Parse: pl=%v c=%v err=%v", pl, c, err)
	}
	if c.URL != "https://h.example/m/hi/index.m3u8" || c.Resolution != "1280x720" {
		t.Errorf("chose %+v", c)
	}
}

func TestParseRejects(t *testing.T) {
	base := mustURL(t, "https://h.example/p.m3u8")
	cases := map[string]string{
		"html page":   "<html><body>Sign in</body></html>",
		"empty":       "",
		"file scheme": "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n",
		"data scheme": "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\ndata:video/mp2t;base64,AAAA\n#EXT-X-ENDLIST\n",
		"no segments": "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-ENDLIST\n",
		"binary":      "#EXTM3U\n\x00\x01\x02\xff\xfe",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := Parse([]byte(src), base)
			if !errors.Is(err, ErrNotPlaylist) {
				t.Fatalf("err = %v, want ErrNotPlaylist", err)
			}
		})
	}
}

func TestParseBOM(t *testing.T) {
	pl, _, err := Parse([]byte("\xef\xbb\xbf#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\na.ts\n#EXT-X-ENDLIST\n"), mustURL(t, "http://127.0.0.1/p.m3u8"))
	if err != nil || len(pl.Segments) != 1 {
		t.Fatalf("BOM playlist: %v %v", pl, err)
	}
}

func TestLoadFollowsMasterAndRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/master.m3u8", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=100\nlow.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=900,RESOLUTION=1280x720\nmoved.m3u8\n"))
	})
	mux.HandleFunc("/moved.m3u8", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/sub/hi.m3u8", http.StatusFound)
	})
	mux.HandleFunc("/sub/hi.m3u8", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nc0.ts\n#EXT-X-ENDLIST\n"))
	})
	mux.HandleFunc("/self.m3u8", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=100\nself.m3u8\n"))
	})
	mux.HandleFunc("/big.m3u8", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("#EXTM3U\n"))
		w.Write([]byte(strings.Repeat("#", MaxBytes+10)))
	})
	mux.HandleFunc("/forbidden.m3u8", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusForbidden)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := web.NewClient(web.Credentials{}, web.ClientOptions{})
	ctx := context.Background()

	pl, err := Load(ctx, client, srv.URL+"/master.m3u8")
	if err != nil {
		t.Fatal(err)
	}
	if pl.Variant == nil || pl.Variant.Resolution != "1280x720" {
		t.Errorf("variant = %+v", pl.Variant)
	}
	// Relative chunk URIs resolve against the playlist's final URL, after the redirect.
	if got := pl.Segments[0].URL; got != srv.URL+"/sub/c0.ts" {
		t.Errorf("segment URL = %s", got)
	}
	if _, err := Load(ctx, client, srv.URL+"/self.m3u8"); !errors.Is(err, ErrNotPlaylist) {
		t.Errorf("self-reference: %v", err)
	}
	if _, err := Load(ctx, client, srv.URL+"/big.m3u8"); !errors.Is(err, ErrNotPlaylist) {
		t.Errorf("oversized playlist: %v", err)
	}
	if _, err := Load(ctx, client, srv.URL+"/forbidden.m3u8"); !web.IsCredentialError(err) {
		t.Errorf("403 must be a credential error, got %v", err)
	}
	if _, err := Load(ctx, client, "ftp://example.com/x.m3u8"); err == nil {
		t.Error("ftp URL accepted")
	}
}

// corpusDir finds ../shared/corpus from the package directory, or "".
func corpusDir(t *testing.T, sub string) string {
	t.Helper()
	dir, _ := os.Getwd()
	for range 6 {
		p := filepath.Join(dir, "shared", "corpus", sub)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		dir = filepath.Dir(dir)
	}
	return ""
}

// TestCorpusPlaylists reads real playlists written by other tools, in place.
func TestCorpusPlaylists(t *testing.T) {
	dir := corpusDir(t, "playlists")
	if dir == "" {
		t.Skip("shared/corpus/playlists not present")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.m3u8"))
	if len(files) == 0 {
		t.Skip("no playlists in corpus")
	}
	base := mustURL(t, "https://corpus.example/dir/list.m3u8")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			pl, c, err := Parse(data, base)
			if err != nil {
				// Only "not a playlist" style failures are acceptable, never a panic.
				if !errors.Is(err, ErrNotPlaylist) {
					t.Fatalf("unexpected error kind: %v", err)
				}
				return
			}
			switch {
			case c != nil:
				if !strings.HasPrefix(c.URL, "http") {
					t.Errorf("variant URL not absolute: %s", c.URL)
				}
			case pl != nil:
				for i, s := range pl.Segments {
					if s.Index != i || !strings.HasPrefix(s.URL, "http") || s.Duration < 0 {
						t.Fatalf("segment %d not normalised: %+v", i, s)
					}
				}
			}
		})
	}
}

func TestCorpusLargeAndByteRange(t *testing.T) {
	dir := corpusDir(t, "playlists")
	if dir == "" {
		t.Skip("shared/corpus/playlists not present")
	}
	base := mustURL(t, "https://corpus.example/dir/list.m3u8")
	data, err := os.ReadFile(filepath.Join(dir, "grafov-media-playlist-large.m3u8"))
	if err != nil {
		t.Skip(err)
	}
	pl, _, err := Parse(data, base)
	if err != nil {
		t.Fatal(err)
	}
	// Count the EXTINF lines ourselves: every one must become a segment (no nil tail, none lost).
	if want := strings.Count(string(data), "#EXTINF"); len(pl.Segments) != want {
		t.Errorf("large playlist: %d segments, file has %d EXTINF", len(pl.Segments), want)
	}
	data, err = os.ReadFile(filepath.Join(dir, "grafov-media-playlist-with-byterange.m3u8"))
	if err != nil {
		t.Skip(err)
	}
	pl, _, err = Parse(data, base)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(pl.Segments); i++ {
		a, b := pl.Segments[i-1], pl.Segments[i]
		if a.Range == nil || b.Range == nil {
			t.Fatalf("segment without range in byte-range playlist")
		}
		if a.URL == b.URL && b.Range.Offset < a.Range.Offset+a.Range.Length {
			t.Errorf("segment %d range %+v overlaps previous %+v", i, *b.Range, *a.Range)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\na.ts\n#EXT-X-ENDLIST\n"))
	f.Add([]byte("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nx.m3u8\n"))
	f.Add([]byte("#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\"\n#EXT-X-BYTERANGE:10\n#EXTINF:1,\na\n"))
	base, _ := url.Parse("https://fuzz.example/a/b.m3u8")
	f.Fuzz(func(t *testing.T, data []byte) {
		pl, c, err := Parse(data, base)
		if err != nil {
			return
		}
		if pl != nil {
			for i, s := range pl.Segments {
				if s.Index != i {
					t.Fatalf("index %d at %d", s.Index, i)
				}
				u, perr := url.Parse(s.URL)
				if perr != nil || (u.Scheme != "http" && u.Scheme != "https") {
					t.Fatalf("non-http segment URL %q", s.URL)
				}
			}
		}
		if c != nil && !strings.HasPrefix(c.URL, "http") {
			t.Fatalf("non-http variant %q", c.URL)
		}
	})
}
