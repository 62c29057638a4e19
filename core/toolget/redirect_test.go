package toolget_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"replayrescue/core/toolget"
	"replayrescue/core/toolget/toolgettest"
)

// TestRefusedRedirectSaysWhatHappened: a download that redirects in a loop
// is said as such, not as a connection to check.
func TestRefusedRedirectSaysWhatHappened(t *testing.T) {
	srv := &toolgettest.Server{Server: httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"?n="+r.URL.Query().Get("n")+"x", http.StatusFound)
	}))}
	defer srv.Close()
	o := options(t, srv, toolgettest.Table(toolgettest.Sum([]byte("x"))))
	_, err := toolget.Install(context.Background(), o)
	var te *toolget.Error
	if !errors.As(err, &te) || !strings.Contains(te.Msg, "kept redirecting") || strings.Contains(te.Msg, "internet connection") {
		t.Fatalf("err = %v", err)
	}
}
