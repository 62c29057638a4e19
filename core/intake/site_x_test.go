package intake

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestXLinks(t *testing.T) {
	checkLinks(t, []linkCase{
		{"https://x.com/i/broadcasts/1OdKrBnaEPXKX", "X", "1OdKrBnaEPXKX"},
		{"http://twitter.com/i/broadcasts/1OdKrBnaEPXKX/", "X", "1OdKrBnaEPXKX"},
		{"https://www.x.com/i/broadcasts/1OdKrBnaEPXKX?s=20", "X", "1OdKrBnaEPXKX"},
		{"https://mobile.twitter.com/i/broadcasts/1OdKrBnaEPXKX", "X", "1OdKrBnaEPXKX"},
		{"https://www.twitter.com/i/broadcasts/1OdKrBnaEPXKX#chat", "X", "1OdKrBnaEPXKX"},
		{"https://x.com/webdev42/status/1791474843318882304", "", ""},
		{"https://x.com/i/spaces/1OdKrBnaEPXKX", "", ""},
		{"https://x.com.evil.example/i/broadcasts/1OdKrBnaEPXKX", "", ""},
		{"https://x.com/i/broadcasts/1OdKr/extra", "", ""},
	})
}

// TestXHeaderNamedBack: a mistyped -H of a header X's requests carry is
// named in the error, its value never.
func TestXHeaderNamedBack(t *testing.T) {
	_, err := Resolve(context.Background(), Input{Source: "https://h.example/a.m3u8", Headers: []string{"X-Guest-Token 1791480000000000000"}})
	if err == nil || !strings.Contains(err.Error(), `The header "X-Guest-Token" must look like`) || strings.Contains(err.Error(), "1791480000000000000") {
		t.Fatalf("err = %v", err)
	}
}

const xMediaKey = "28_1791474843318882304"

var xPlaylist = "https://prod-fastly-us-west-2.video.pscp.tv/Transcoding/v1/hls/" + secPathToken + "/transcode/us-west-2/periscope-replay-direct-prod-us-west-2-public/master_dynamic_highlatency.m3u8?type=replay"

// fakeX answers like api.x.com: a guest token for the public bearer, then
// broadcasts/show.json and live_video_stream/status for that token only.
func fakeX(t *testing.T, show, status string, statusCode int) *fakeAPI {
	const guest = "1791480000000000000"
	return newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+xBearer {
			http.Error(w, `{"errors":[{"code":215}]}`, 400)
			return
		}
		switch {
		case r.URL.Path == "/1.1/guest/activate.json" && r.Method == http.MethodPost:
			writeJSON(w, `{"guest_token":"`+guest+`"}`)
			return
		case r.Header.Get("X-Guest-Token") != guest:
			http.Error(w, `{"errors":[{"code":239}]}`, http.StatusForbidden)
		case r.URL.Path == "/1.1/broadcasts/show.json" && r.URL.Query().Get("ids") == "1OdKrBnaEPXKX":
			writeJSON(w, show)
		case r.URL.Path == "/1.1/live_video_stream/status/"+xMediaKey:
			if statusCode != 0 {
				http.Error(w, "no", statusCode)
				return
			}
			writeJSON(w, status)
		default:
			http.NotFound(w, r)
		}
	})
}

const xShow = `{"broadcasts":{"1OdKrBnaEPXKX":{"id":"1OdKrBnaEPXKX","state":"ENDED","status":"Web Dev 42 South Meetup","media_key":"` + xMediaKey + `","username":"webdev42","twitter_username":"webdev42","width":1280,"height":720}}}`

func xStatus(u string) string {
	return `{"source":{"location":"` + u + `","noRedirectPlaybackUrl":"` + u + `","status":"LIVE_PUBLIC","streamType":"HLS"},"sessionId":"1","chatToken":"c","lifecycleToken":"l","shareUrl":"https://x.com/i/broadcasts/1OdKrBnaEPXKX"}`
}

func TestXBroadcast(t *testing.T) {
	api := fakeX(t, xShow, xStatus(xPlaylist), 0)
	t.Setenv(envX, api.URL)
	for _, link := range []string{"https://x.com/i/broadcasts/1OdKrBnaEPXKX", "http://twitter.com/i/broadcasts/1OdKrBnaEPXKX", "www.x.com/i/broadcasts/1OdKrBnaEPXKX"} {
		cands, err := Resolve(context.Background(), Input{Source: link, Cookies: "auth_token=" + secSession, Headers: []string{"Authorization: Bearer " + secBearer}})
		if err != nil {
			t.Fatalf("%s: %v", link, err)
		}
		c := cands[0]
		if len(cands) != 1 || c.URL != xPlaylist || c.Title != "Web Dev 42 South Meetup" || c.BroadcastID != "1OdKrBnaEPXKX" || c.Origin != OriginX || !c.Replay || !c.Signed {
			t.Fatalf("%s: %+v", link, c)
		}
		h := c.Creds.Header
		if h.Get("Authorization") != "" || h.Get("X-Guest-Token") != "" || h.Get("Referer") != xReferer {
			t.Errorf("the API's or the user's x.com credentials travel with the playlist: %v", h)
		}
		if _, ok := cookieValue(t, c, xPlaylist, "auth_token"); ok {
			t.Error("the user's x.com cookie goes to the video host")
		}
		given := link
		if !strings.Contains(given, "://") {
			given = "https://" + given
		}
		if v, _ := cookieValue(t, c, given, "auth_token"); v != secSession {
			t.Error("the user's cookie belongs to the link's host")
		}
	}
	want := []string{"POST /1.1/guest/activate.json", "GET /1.1/broadcasts/show.json?ids=1OdKrBnaEPXKX", "GET /1.1/live_video_stream/status/" + xMediaKey}
	for i, w := range want {
		if api.hits[i] != w {
			t.Errorf("request %d = %q, want %q", i, api.hits[i], w)
		}
	}
}

func TestXFailures(t *testing.T) {
	cases := []struct {
		name, show, status string
		code               int
		check              func(error) bool
		words              string
	}{
		{"unknown broadcast", `{"broadcasts":{}}`, "", 0, func(err error) bool { return errors.Is(err, ErrNoStream) }, "X has no broadcast"},
		{"not started", strings.Replace(xShow, "ENDED", "NOT_STARTED", 1), "", 0, func(err error) bool { return errors.Is(err, ErrNoStream) }, "not started"},
		{"geoblocked", xShow, xStatus("https://x.com/live_video_stream/geoblocked/1"), 0, func(err error) bool { return errors.Is(err, ErrNoStream) }, "country"},
		{"replay gone", xShow, "", 404, func(err error) bool { return errors.Is(err, ErrNoStream) }, "Web Dev 42 South Meetup"},
		{"private", xShow, "", 403, func(err error) bool { var ce *CredentialsError; return errors.As(err, &ce) }, "private"},
		{"down", xShow, "", 503, func(err error) bool { var ne *NetworkError; return errors.As(err, &ne) }, "trouble"},
		{"no source", xShow, `{"source":{}}`, 0, func(err error) bool { return errors.Is(err, ErrNoStream) }, "gives no video"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(envX, fakeX(t, tc.show, tc.status, tc.code).URL)
			_, err := Resolve(context.Background(), Input{Source: "https://x.com/i/broadcasts/1OdKrBnaEPXKX"})
			if err == nil || !tc.check(err) || !strings.Contains(err.Error(), tc.words) {
				t.Fatalf("err = %v (%T)", err, err)
			}
		})
	}
	t.Run("no guest token", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, `{}`) })
		t.Setenv(envX, api.URL)
		_, err := Resolve(context.Background(), Input{Source: "https://x.com/i/broadcasts/1OdKrBnaEPXKX"})
		var ne *NetworkError
		if !errors.As(err, &ne) {
			t.Fatalf("err = %v", err)
		}
	})
}
