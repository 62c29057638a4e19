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
		{"https://x.com/webdev42/status/1791474843318882304", "X", "1791474843318882304"},
		{"https://x.com/i/spaces/1OdKrBnaEPXKX", "X", "1OdKrBnaEPXKX"},
		{"https://x.com/webdev42", "", ""},
		{"https://x.com/webdev42/status/notanumber", "", ""},
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

// TestXAnswers: broadcasts/show.json describes the broadcast with its
// media key (a post's photo, with a media key but no state or title, is
// not one); live_video_stream/status names its playlist twice, and its
// address says whose media key.
func TestXAnswers(t *testing.T) {
	f, ok := scanJSON(xShow)
	if !ok || !mayNameStream(xShow) || len(f.casts) != 1 {
		t.Fatalf("%+v", f.casts)
	}
	if b := f.casts[0]; b.id != "1OdKrBnaEPXKX" || b.mediaKey != xMediaKey || b.title != "Web Dev 42 South Meetup" || b.state != "ENDED" {
		t.Errorf("%+v", b)
	}
	if f, _ := scanJSON(`{"media":[{"media_key":"3_1791474843318882304","type":"photo"}]}`); len(f.casts) != 0 {
		t.Errorf("a photo taken for a broadcast: %+v", f.casts)
	}
	status := xStatus(xPlaylist)
	f, ok = scanJSON(status)
	if !ok || !mayNameStream(status) || len(f.urls) != 2 || f.urls[0].field.name() != "noRedirectPlaybackUrl" || f.urls[1].field.name() != "source.location" {
		t.Fatalf("%+v", f.urls)
	}
	if f, _ := scanJSON(`{"location":"https://h.example/a.m3u8"}`); len(f.urls) != 0 {
		t.Error("location counts only under source")
	}
	if got := answerMediaKey("/1.1/live_video_stream/status/" + xMediaKey); got != xMediaKey {
		t.Errorf("media key %q", got)
	}
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
		{"no source", xShow, `{"source":{}}`, 0, func(err error) bool { return errors.Is(err, ErrNoStream) }, "gives no stream"},
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

// A broadcast recorded by Chrome and exported without cookies (its default).
func TestXHARFixture(t *testing.T) {
	cands, err := Resolve(context.Background(), Input{Source: fixture(t, "chrome-sanitized-x-broadcast.har")})
	if err != nil {
		t.Fatal(err)
	}
	c := cands[0]
	if c.Title != "Web Dev 42 South: lightning talks" || c.BroadcastID != "1OdKrBnaEPXKX" || !c.Signed || !c.Sanitized || c.Verdict != VerdictReady || c.Kind != "master" || !c.Replay {
		t.Fatalf("%+v", c)
	}
	if len(cands) != 1 {
		t.Errorf("candidates %v", urls(cands))
	}
}

// TestHARXBroadcast: an X broadcast recorded by Firefox; the title comes from
// broadcasts/show.json through the media key, and the API's bearer token
// never becomes a credential of the playlist.
func TestHARXBroadcast(t *testing.T) {
	const mediaKey = "28_1791474843318882304"
	playlist := "https://prod-fastly-us-west-2.video.pscp.tv/Transcoding/v1/hls/" + secPathToken + "/transcode/us-west-2/periscope-replay-direct-prod-us-west-2-public/master_dynamic_highlatency.m3u8?type=replay"
	auth := [][2]string{{"Authorization", "Bearer " + secBearer}, {"x-guest-token", "1791480000000000000"}}
	show := `{"broadcasts":{"1OdKrBnaEPXKX":{"id":"1OdKrBnaEPXKX","state":"ENDED","status":"Web Dev 42 South Meetup","media_key":"` + mediaKey + `","username":"webdev42","twitter_username":"webdev42"}}}`
	status := `{"source":{"location":"` + playlist + `","noRedirectPlaybackUrl":"` + playlist + `","status":"LIVE_PUBLIC","streamType":"HLS"},"sessionId":"1","chatToken":"x","lifecycleToken":"y","shareUrl":"https://x.com/i/broadcasts/1OdKrBnaEPXKX"}`
	rs := []req{
		{url: "https://x.com/i/broadcasts/1OdKrBnaEPXKX", mime: "text/html", body: "<html></html>", cookies: [][2]string{{"auth_token", secSession}, {"ct0", secCSRF}}},
		{method: "POST", url: "https://api.x.com/1.1/guest/activate.json", headers: auth[:1], mime: "application/json", body: `{"guest_token":"1791480000000000000"}`},
		{url: "https://api.x.com/1.1/broadcasts/show.json?ids=1OdKrBnaEPXKX", headers: auth, mime: "application/json", body: show},
		{url: "https://api.x.com/1.1/live_video_stream/status/" + mediaKey + "?client=web", headers: auth, mime: "application/json", body: status},
		{url: playlist, mime: "application/x-mpegURL", headers: [][2]string{{"Referer", "https://x.com/"}}, body: "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=2000000\nplaylist_1.m3u8\n"},
	}
	cands, err := resolveHAR(t, writeHAR(t, t.TempDir(), firefox, false, rs...))
	if err != nil {
		t.Fatal(err)
	}
	best := cands[0]
	if best.URL != playlist || best.Title != "Web Dev 42 South Meetup" || best.BroadcastID != "1OdKrBnaEPXKX" || !best.Signed || best.Kind != "master" {
		t.Fatalf("best %+v", best)
	}
	if best.Creds.Header.Get("Authorization") != "" || len(best.CookieHosts) != 0 {
		t.Errorf("X's credentials leak into the playlist's: %v %v", best.Creds.Header, best.CookieHosts)
	}
	if len(cands) != 1 {
		t.Errorf("location and noRedirectPlaybackUrl name the same playlist: %v", urls(cands))
	}
}
