package app

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"replayrescue/app/internal/backend"
)

// What the core says when a link fails reaches the window in the window's
// language, the host's own name kept, whether the failure is the host's
// answer or the connection itself.
func TestCoreSentencesInTheWindowsLanguage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusGone)
	}))
	defer srv.Close()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + closed.Addr().String() + "/talk.m3u8"
	closed.Close()

	h := newHarness(t, &fakeBackend{cands: readyCands()})
	t.Cleanup(func() { _ = applyLanguage("en") })
	be := backend.NewCore(backend.ToolsSource{})
	for _, c := range []struct {
		lang, link string
		want       []string
	}{
		{"de", srv.URL + "/talk.m3u8", []string{"Laut Videoanbieter gibt es dieses Video nicht (mehr)"}},
		{"es", srv.URL + "/talk.m3u8", []string{"Según el servidor, este vídeo no está (ya)"}},
		{"de", refused, []string{"Die Wiedergabeliste des Videos konnte nicht geladen werden: 127.0.0.1 hat die Verbindung abgelehnt."}},
		{"en", refused, []string{"Could not load the video playlist: 127.0.0.1 refused the connection."}},
	} {
		h.u.setLanguage(c.lang)
		found, err := be.Resolve(context.Background(), c.link)
		if err != nil || len(found) != 1 {
			t.Fatalf("%s: %d candidates, %v", c.link, len(found), err)
		}
		if found[0].Ready {
			t.Fatalf("%s is ready", c.link)
		}
		for _, w := range c.want {
			if !strings.Contains(found[0].Problem, w) {
				t.Errorf("%s, %s: %q, want %q in it", c.lang, c.link, found[0].Problem, w)
			}
		}
	}
}
