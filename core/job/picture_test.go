package job

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"replayrescue/core/intake/xfake"
	"replayrescue/core/web"
)

// The presenter's picture is fetched into the job folder for an MP4's
// card, with none of the source's credentials, its kind told by its bytes;
// one that cannot be had (missing, too large, not a picture, a sound file
// saved) leaves the card without it.
func TestPresenterPicture(t *testing.T) {
	pic := filepath.Join(t.TempDir(), "ada.png")
	if err := xfake.WritePicture(pic); err != nil {
		t.Fatal(err)
	}
	png, _ := os.ReadFile(pic)
	var mu sync.Mutex
	var leaked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		for _, h := range []string{"Cookie", "Authorization", "X-Api-Key"} {
			if r.Header.Get(h) != "" {
				leaked = append(leaked, h)
			}
		}
		mu.Unlock()
		switch r.URL.Path {
		case "/ada_400x400.png":
			w.Write(png)
		case "/huge.png":
			w.Write(append(png, bytes.Repeat([]byte{0}, maxPicture)...))
		case "/page.png":
			w.Write([]byte("<html>not a picture</html>"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	// The source's credentials: cookies and a header for the loopback
	// host, which is also the picture's (the worst case).
	src, _ := url.Parse(srv.URL + "/space.m3u8")
	creds := web.CredentialsFor(src)
	creds.Jar.SetCookies(src, []*http.Cookie{{Name: "auth_token", Value: "secret"}})
	creds.Header.Set("X-Api-Key", "secret")

	for _, tc := range []struct {
		name     string
		pictures []string
		out      string
		want     string
	}{
		{"the 400-pixel one", []string{srv.URL + "/ada_400x400.png", srv.URL + "/ada_normal.png"}, "talk.mp4", "presenter.png"},
		{"the next one", []string{srv.URL + "/gone.png", srv.URL + "/ada_400x400.png"}, "talk.mp4", "presenter.png"},
		{"too large", []string{srv.URL + "/huge.png"}, "talk.mp4", ""},
		{"not a picture", []string{srv.URL + "/page.png"}, "talk.mp4", ""},
		{"not the web", []string{"file:///etc/passwd", "ftp://" + strings.TrimPrefix(srv.URL, "http://") + "/ada_400x400.png"}, "talk.mp4", ""},
		{"a sound file", []string{srv.URL + "/ada_400x400.png"}, "talk.M4A", ""},
	} {
		p := &part{src: Source{URL: src.String(), Creds: creds, Sound: true, Pictures: tc.pictures}, dir: t.TempDir()}
		got := p.presenterPicture(context.Background(), filepath.Join(t.TempDir(), tc.out))
		if tc.want == "" {
			if got != "" {
				t.Errorf("%s: %q", tc.name, got)
			}
			continue
		}
		if data, err := os.ReadFile(got); filepath.Base(got) != tc.want || filepath.Dir(got) != p.dir || err != nil || !bytes.Equal(data, png) {
			t.Errorf("%s: %q (%v)", tc.name, got, err)
		}
	}
	if len(leaked) > 0 {
		t.Errorf("the source's credentials went to the picture's host: %v", leaked)
	}
	// A source with a picture, not sound only: no card, nothing fetched.
	p := &part{src: Source{Pictures: []string{srv.URL + "/ada_400x400.png"}}, dir: t.TempDir()}
	if got := p.presenterPicture(context.Background(), "talk.mp4"); got != "" {
		t.Errorf("a video's presenter picture: %q", got)
	}
}
