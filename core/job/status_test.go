package job

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"replayrescue/core/web"
)

// A playlist the host answers with an error status gets a sentence about
// the host's answer, never the raw status line or advice about the
// connection, which worked.
func TestPlaylistStatusSentences(t *testing.T) {
	for _, c := range []struct {
		status int
		want   string
	}{
		{http.StatusNotFound, "not there"},
		{http.StatusGone, "not there"},
		{http.StatusTooManyRequests, "wait"},
		{http.StatusServiceUnavailable, "error 503"},
		{http.StatusTeapot, "error 418"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "no", c.status)
		}))
		j, err := Open(Source{URL: srv.URL + "/missing.m3u8", Creds: web.Credentials{Jar: web.NewJar(), Header: http.Header{}}},
			Options{Work: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		err = j.Load(context.Background())
		srv.Close()
		msg, code := Explain(err)
		if code != ExitOther || !strings.Contains(msg, c.want) || strings.Contains(msg, "Http") ||
			strings.Contains(msg, "internet connection") || strings.Contains(msg, "127.0.0.1") {
			t.Errorf("%d: %q (exit %d), want %q in it, no address and no connection advice", c.status, msg, code, c.want)
		}
	}
}
