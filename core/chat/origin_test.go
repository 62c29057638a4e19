package chat

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"replayrescue/core/web"
	"replayrescue/core/web/webtest"
)

// bodies keeps the request bodies a server got.
type bodies struct {
	mu  sync.Mutex
	got []string
}

func (b *bodies) add(r *http.Request) {
	data, _ := io.ReadAll(r.Body)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.got = append(b.got, string(data))
}

func (b *bodies) all() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Join(b.got, "\n")
}

// TestChatTokensStayOnTheirOrigin: the chat token and the access token are
// in POST bodies. A 307 (which sends the body again) to another host, or
// from https to plain http on the same host, is not followed; the other
// host and the plain http port never see a token.
func TestChatTokensStayOnTheirOrigin(t *testing.T) {
	for _, c := range []struct{ name, redirect string }{
		{"access to another host", "access-away"},
		{"access to plain http", "access-down"},
		{"history to another host", "history-away"},
		{"history to plain http", "history-down"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stolen bodies
			thief := webtest.OtherHost(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				stolen.add(r)
				io.WriteString(w, `{"endpoint":"https://x","access_token":"t","messages":[]}`)
			}))
			var srv *webtest.Dual
			var plain bodies
			srv = webtest.StartDual(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.TLS == nil {
					plain.add(r)
					return
				}
				away := func(kind string) string {
					if strings.HasSuffix(c.redirect, "away") {
						return thief.URL + r.URL.Path
					}
					return srv.HTTP + r.URL.Path + "?" + kind
				}
				switch {
				case r.URL.Path == "/api/v2/accessChatPublic" && strings.HasPrefix(c.redirect, "access"):
					http.Redirect(w, r, away("access"), http.StatusTemporaryRedirect)
				case r.URL.Path == "/api/v2/accessChatPublic":
					json.NewEncoder(w).Encode(map[string]string{"endpoint": srv.HTTPS, "access_token": "SECRETACCESS"})
				case r.URL.Path == "/chatapi/v1/history":
					http.Redirect(w, r, away("history"), http.StatusTemporaryRedirect)
				}
			}))
			api, _ := url.Parse(srv.HTTPS)
			cl := web.NewClient(web.Credentials{}, web.ClientOptions{RootCAs: srv.Pool})
			_, err := Fetch(context.Background(), cl, api, "SECRETCHAT")
			var oe *web.OriginError
			if !errors.As(err, &oe) {
				t.Errorf("err = %v, want the redirect refused", err)
			}
			if err != nil && strings.Contains(err.Error(), "SECRET") {
				t.Errorf("the error shows a token: %v", err)
			}
			for where, got := range map[string]string{"the other host": stolen.all(), "plain http": plain.all()} {
				if strings.Contains(got, "SECRET") {
					t.Errorf("%s got a token: %s", where, got)
				}
			}
		})
	}
}

// TestChatEndpointNotDowngraded: a chat service reached over https cannot
// send the access token on over plain http, not even to this computer.
func TestChatEndpointNotDowngraded(t *testing.T) {
	var plain bodies
	var srv *webtest.Dual
	srv = webtest.StartDual(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil {
			plain.add(r)
			io.WriteString(w, `{"messages":[],"cursor":""}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"endpoint": srv.HTTP, "access_token": "SECRETACCESS"})
	}))
	api, _ := url.Parse(srv.HTTPS)
	_, err := Fetch(context.Background(), web.NewClient(web.Credentials{}, web.ClientOptions{RootCAs: srv.Pool}), api, "SECRETCHAT")
	if err == nil || !strings.Contains(err.Error(), "uses https") {
		t.Errorf("err = %v, want the http endpoint refused", err)
	}
	if strings.Contains(plain.all(), "SECRET") {
		t.Errorf("a token went over plain http: %s", plain.all())
	}
}
