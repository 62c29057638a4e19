package intake

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestPeriscopeLinks(t *testing.T) {
	const p = "Periscope"
	checkLinks(t, []linkCase{
		{"https://pscp.tv/w/1yoKMwNbNBjKQ", p, "1yoKMwNbNBjKQ"},
		{"http://www.pscp.tv/w/1yoKMwNbNBjKQ?t=1m30s", p, "1yoKMwNbNBjKQ"},
		{"https://www.periscope.tv/w/aJUQnjY3MjA3ODF8NTYxMDIyMDl2zCg2pECBgwTqRpQuQD352EMPTKQjT4uqlM3cgWFA-g==", p, "aJUQnjY3MjA3ODF8NTYxMDIyMDl2zCg2pECBgwTqRpQuQD352EMPTKQjT4uqlM3cgWFA-g=="},
		{"https://periscope.tv/webdev42/1yoKMwNbNBjKQ/", p, "1yoKMwNbNBjKQ"},
		{"HTTPS://WWW.PSCP.TV/w/1yoKMwNbNBjKQ", p, "1yoKMwNbNBjKQ"},
		{"https://pscp.tv/w/", "", ""},
		{"https://pscp.tv/webdev42", "", ""},
		{"https://evilpscp.tv/w/1yoKMwNbNBjKQ", "", ""},
		{"https://pscp.tv.evil.example/w/1yoKMwNbNBjKQ", "", ""},
		{"ftp://pscp.tv/w/1yoKMwNbNBjKQ", "", ""},
	})
}

// The old getAccessPublic answer: the replay folder and CloudFront cookies
// (Go's http.Cookie as JSON), no broadcast.
const getAccessPublic = `{"session":"1aBcD","replay_url":"https://replay.periscope.tv/Ab3xY/","cookies":[{"Name":"CloudFront-Policy","Value":"` + secPolicy + `","Path":"/","Domain":"replay.periscope.tv","Expires":"0001-01-01T00:00:00Z","RawExpires":"","MaxAge":0,"Secure":false,"HttpOnly":false,"Raw":"","Unparsed":null}],"type":"StreamTypeReplay"}`

func TestPeriscope(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v2/accessVideoPublic" || r.URL.Query().Get("broadcast_id") != broadcastID {
			http.NotFound(w, r)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "api-session", Value: "x", Path: "/"})
		writeJSON(w, accessVideoPublic(replayURL))
	})
	t.Setenv(envPeriscope, api.URL)
	t.Setenv(envProxsee, api.URL)
	for _, link := range []string{"https://www.pscp.tv/w/" + broadcastID, "http://pscp.tv/w/" + broadcastID + "?t=10", "periscope.tv/w/" + broadcastID,
		"Watch my talk here: https://www.periscope.tv/webdev42/" + broadcastID} {
		cands, err := Resolve(context.Background(), Input{Source: link})
		if err != nil {
			t.Fatalf("%s: %v", link, err)
		}
		c := cands[0]
		if c.URL != replayURL || c.Title != broadcastTitle || c.BroadcastID != broadcastID || c.Origin != OriginPeriscope || !c.Replay || c.Live {
			t.Fatalf("%s: %+v", link, c)
		}
		if v, _ := cookieValue(t, c, "https://replay.periscope.tv/Ab3xY/chunk_1.ts", "CloudFront-Key-Pair-Id"); v != secKeyPair {
			t.Error("the answer's cookies are not scoped to the replay host")
		}
		if _, ok := cookieValue(t, c, "https://pscp.tv/", "CloudFront-Policy"); ok {
			t.Error("replay cookies go elsewhere")
		}
		if c.Creds.Header.Get("Referer") != periscopeReferer || c.Creds.Host != replayHost || !strings.Contains(c.From, "Periscope broadcast "+broadcastID) {
			t.Errorf("creds %v %q, from %q", c.Creds.Header, c.Creds.Host, c.From)
		}
		if len(cands) != 1 {
			t.Errorf("empty hls fields became candidates: %v", urls(cands))
		}
	}
}

func TestPeriscopeFallbacks(t *testing.T) {
	t.Run("proxsee when the API fails", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", http.StatusServiceUnavailable) })
		proxsee := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, accessVideoPublic(signedReplay)) })
		t.Setenv(envPeriscope, api.URL)
		t.Setenv(envProxsee, proxsee.URL)
		cands, err := Resolve(context.Background(), Input{Source: "https://pscp.tv/w/" + broadcastID})
		if err != nil || cands[0].URL != signedReplay || !cands[0].Signed {
			t.Fatalf("%v %v", err, urls(cands))
		}
	})
	t.Run("old getAccessPublic shape", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/api/v2/getAccessPublic" && r.URL.Query().Get("token") == broadcastID {
				writeJSON(w, getAccessPublic)
				return
			}
			http.NotFound(w, r)
		})
		t.Setenv(envPeriscope, api.URL)
		t.Setenv(envProxsee, api.URL)
		cands, err := Resolve(context.Background(), Input{Source: "https://www.periscope.tv/w/" + broadcastID})
		if err != nil {
			t.Fatal(err)
		}
		c := cands[0]
		if c.URL != "https://replay.periscope.tv/Ab3xY/playlist.m3u8" || !c.Replay || c.BroadcastID != broadcastID {
			t.Fatalf("%+v", c)
		}
		if v, _ := cookieValue(t, c, c.URL, "CloudFront-Policy"); v != secPolicy {
			t.Error("old-shape cookies")
		}
		if len(api.hits) != 3 {
			t.Errorf("requests %v", api.hits)
		}
	})
	t.Run("live broadcast", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, map[string]any{
				"hls_url":       "https://prod-video-eu-west-1.pscp.tv/Ab3xY/live/eu-west-1/playlist.m3u8",
				"https_hls_url": "https://prod-video-eu-west-1.pscp.tv/Ab3xY/live/eu-west-1/playlist.m3u8?type=live",
				"broadcast":     map[string]any{"id": broadcastID, "state": "RUNNING", "status": "Live now"},
			})
		})
		t.Setenv(envPeriscope, api.URL)
		cands, err := Resolve(context.Background(), Input{Source: "https://pscp.tv/w/" + broadcastID})
		if err != nil || len(cands) != 2 || !cands[0].Live || !strings.HasSuffix(cands[0].URL, "type=live") || cands[0].Title != "Live now" {
			t.Fatalf("%v %v", err, urls(cands))
		}
	})
}

func TestPeriscopeFailures(t *testing.T) {
	cases := []struct {
		name   string
		handle func(w http.ResponseWriter, r *http.Request)
		check  func(error) bool
		words  string
	}{
		{"private", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "forbidden", http.StatusForbidden) },
			func(err error) bool { var ce *CredentialsError; return errors.As(err, &ce) }, "private"},
		{"expired", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
			func(err error) bool { return errors.Is(err, ErrNoStream) }, "expired"},
		{"no replay kept", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, `{"replay_url":"","broadcast":{"id":"`+broadcastID+`","state":"ENDED","status":"Gone talk"}}`)
		}, func(err error) bool { return errors.Is(err, ErrNoStream) }, "Gone talk"},
		{"down", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusBadGateway) },
			func(err error) bool { var ne *NetworkError; return errors.As(err, &ne) }, "trouble"},
		{"not json", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>")) },
			func(err error) bool { var ne *NetworkError; return errors.As(err, &ne) }, "does not understand"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newFakeAPI(t, tc.handle)
			t.Setenv(envPeriscope, api.URL)
			t.Setenv(envProxsee, api.URL)
			_, err := Resolve(context.Background(), Input{Source: "https://pscp.tv/w/" + broadcastID})
			if err == nil || !tc.check(err) || !strings.Contains(err.Error(), tc.words) {
				t.Fatalf("err = %v (%T)", err, err)
			}
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {})
		api.Close()
		t.Setenv(envPeriscope, api.URL)
		t.Setenv(envProxsee, api.URL)
		_, err := Resolve(context.Background(), Input{Source: "https://pscp.tv/w/" + broadcastID})
		var ne *NetworkError
		if !errors.As(err, &ne) || !strings.Contains(err.Error(), "Could not reach Periscope") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("http base off loopback", func(t *testing.T) {
		t.Setenv(envPeriscope, "http://api.periscope.example")
		_, err := Resolve(context.Background(), Input{Source: "https://pscp.tv/w/" + broadcastID})
		if !errors.Is(err, ErrNoSource) || !strings.Contains(err.Error(), envPeriscope) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		t.Setenv(envPeriscope, api.URL)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Resolve(ctx, Input{Source: "https://pscp.tv/w/" + broadcastID})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
}
