package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"replayrescue/core/sample"
)

// A Periscope broadcast, its replay and Periscope's answers about it, as the
// tests of this site and the HAR tests use them.
const (
	broadcastID    = "1yoKMwNbNBjKQ"
	broadcastTitle = "Internationalization Done Wrong"
	replayHost     = "replay.periscope.tv"
	replayURL      = "https://" + replayHost + "/Ab3xY/playlist_16798763063413909336.m3u8?type=replay"
	liveURL        = "https://" + replayHost + "/Ab3xY/playlist_16798763063413909336.m3u8?type=live"
	signedReplay   = "https://prod-fastly-eu-west-1.video.pscp.tv/Transcoding/v1/hls/" + secPathToken + "/non_transcode/eu-west-1/periscope-replay-direct-prod-eu-west-1-public/audio-video.m3u8?type=replay"
)

// accessVideoPublic answers as Periscope's API did since 2018.
func accessVideoPublic(replay string) string {
	v := map[string]any{
		"session":       "",
		"replay_url":    replay,
		"hls_url":       "",
		"https_hls_url": "",
		"lhls_url":      "",
		"lhlsweb_url":   "",
		"chat_token":    "chatTOKEN",
		"cookies": []any{
			map[string]any{"Name": "CloudFront-Policy", "Value": secPolicy, "Path": "/", "Domain": replayHost, "Expires": "0001-01-01T00:00:00Z", "RawExpires": "", "MaxAge": 0, "Secure": false, "HttpOnly": false, "Raw": "", "Unparsed": nil},
			map[string]any{"Name": "CloudFront-Signature", "Value": secSignature, "Path": "/", "Domain": replayHost, "Expires": "0001-01-01T00:00:00Z", "MaxAge": 0, "Secure": false, "HttpOnly": false},
			map[string]any{"Name": "CloudFront-Key-Pair-Id", "Value": secKeyPair, "Path": "/", "Domain": replayHost, "Expires": "0001-01-01T00:00:00Z", "MaxAge": 0, "Secure": false, "HttpOnly": false},
		},
		"broadcast": map[string]any{
			"class_name": "Broadcast", "id": broadcastID, "created_at": "2015-05-29T08:01:44.418556738-07:00",
			"state": "ENDED", "status": broadcastTitle, "username": "webdev42", "user_display_name": "WebDev42",
			"width": 320, "height": 568, "available_for_replay": true,
		},
	}
	data, _ := json.Marshal(v)
	return string(data)
}

// periscopeSession is what a browser records while a Periscope replay
// plays: the page, the API answer with the replay_url and its CloudFront
// cookies, the playlist and a chunk (with its cookies, since the player
// sends them).
func periscopeSession(replay string) []req {
	cf := [][2]string{{"CloudFront-Policy", secPolicy}, {"CloudFront-Signature", secSignature}, {"CloudFront-Key-Pair-Id", secKeyPair}}
	ua := [2]string{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"}
	ref := [2]string{"Referer", "https://www.pscp.tv/"}
	return []req{
		{url: "https://www.pscp.tv/w/" + broadcastID, kind: "document", headers: [][2]string{ua}, cookies: [][2]string{{"pscp-csrf", secCSRF}, {"user_id", "42"}},
			mime: "text/html", body: "<!doctype html><title>Periscope</title>", setCookies: []string{"pscp-session=" + secSession + "; Path=/; Domain=pscp.tv; Secure; HttpOnly"}},
		{url: "https://proxsee.pscp.tv/api/v2/accessVideoPublic?broadcast_id=" + broadcastID, kind: "fetch", headers: [][2]string{ua, ref, {"Origin", "https://www.pscp.tv"}},
			mime: "application/json", body: accessVideoPublic(replay)},
		{url: replay, kind: "xhr", headers: [][2]string{ua, ref, {"Origin", "https://www.pscp.tv"}}, cookies: cf, mime: "application/vnd.apple.mpegurl", body: mediaPlaylist},
		{url: strings.Replace(strings.Split(replay, "?")[0], "playlist_16798763063413909336.m3u8", "chunk_1432911712834479447_0_a.ts", 1), kind: "media",
			headers: [][2]string{ua, ref}, cookies: cf, mime: "video/MP2T", body: strings.Repeat("G\x00\x11\x10", 47*20), base64: true},
	}
}

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

// TestPeriscopeAnswers: an answer in Periscope's words gives its playlists,
// best first, with the cookies, chat token and broadcast beside them; the
// old replay folder becomes its playlist; type= in an address says more
// than the key.
func TestPeriscopeAnswers(t *testing.T) {
	body := `{"hls_url":"https://h.example/live.m3u8","replay_url":"https://replay.periscope.tv/Ab3xY/","chat_token":"chatTOKEN",` +
		`"cookies":[{"Name":"CloudFront-Policy","Value":"p"}],"broadcast":{"id":"` + broadcastID + `","state":"RUNNING","status":"Live now"}}`
	if !mayNameStream(body) {
		t.Fatal("mayNameStream passes the answer over")
	}
	f, ok := scanJSON(body)
	if !ok || len(f.urls) != 2 || f.urls[0].field.name() != "replay_url" || f.urls[1].field.name() != "hls_url" {
		t.Fatalf("%+v", f.urls)
	}
	fd := f.urls[0]
	if fd.chatToken != "chatTOKEN" || fd.chatSite != periscopeSite || len(fd.cookies) != 1 || fd.b.id != broadcastID || fd.b.title != "Live now" || !liveState(fd.b.state) {
		t.Errorf("beside the playlist: %+v", fd)
	}
	u := mustURL(t, fd.raw)
	fd.field.fixURL(u)
	if u.String() != "https://replay.periscope.tv/Ab3xY/playlist.m3u8" {
		t.Errorf("replay folder: %s", u)
	}
	if r, l := replayOrLive(u, fd.field); !r || l {
		t.Error("replay_url is a replay")
	}
	if r, l := replayOrLive(mustURL(t, "https://h.example/a.m3u8?type=live"), fd.field); r || !l {
		t.Error("type=live")
	}
	if r, l := replayOrLive(mustURL(t, "https://h.example/a.m3u8"), f.urls[1].field); r || !l {
		t.Error("hls_url is live")
	}
	if !chatHistoryPath("/chatapi/v1/history") || chatHistoryPath("/api/v2/accessChatPublic") {
		t.Error("chat history requests")
	}
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

var castStart = time.Date(2015, 5, 29, 15, 1, 44, 418556738, time.UTC)

// chatTokenHidden checks the chat token appears in no printed or
// marshalled form of the candidates.
func chatTokenHidden(t *testing.T, cands []Candidate) {
	t.Helper()
	data, _ := json.Marshal(cands)
	if s := fmt.Sprintf("%v %+v %#v %s", cands, cands, cands, data); strings.Contains(s, "chatTOKEN") {
		t.Error("the chat token shows when a candidate is printed")
	}
}

// A broadcast link brings the chat token and the broadcast's start along.
func TestPeriscopeChatSource(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, accessVideoPublic(replayURL)) })
	t.Setenv(envPeriscope, api.URL)
	cands, err := Resolve(context.Background(), Input{Source: "https://www.pscp.tv/w/" + broadcastID})
	if err != nil {
		t.Fatal(err)
	}
	c := cands[0].Chat
	if !c.Available() || c.Token != "chatTOKEN" || c.API == nil || c.API.String() != api.URL || !c.Start.Equal(castStart) {
		t.Fatalf("chat source: api %v start %v token set %v", c.API, c.Start, c.Token != "")
	}
	chatTokenHidden(t, cands)
}

// A HAR recorded while the replay played holds the chat history answers
// the player fetched: their messages come with the candidates.
func TestHARChatHistory(t *testing.T) {
	msgs := sample.DemoChat(5 * time.Minute)
	host := sample.NewChat(sample.ChatOptions{Start: castStart, Messages: msgs, PageSize: 150, Token: "chatTOKEN"})
	mux := http.NewServeMux()
	host.Register(mux)
	ask := func(path, body string) string {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "http://chat.example"+path, strings.NewReader(body)))
		return rec.Body.String()
	}
	var access struct {
		AccessToken string `json:"access_token"`
	}
	json.Unmarshal([]byte(ask("/api/v2/accessChatPublic", `{"chat_token":"chatTOKEN"}`)), &access)
	rs := periscopeSession(replayURL)
	for cursor := ""; ; {
		body := ask("/chatapi/v1/history", fmt.Sprintf(`{"access_token":%q,"cursor":%q}`, access.AccessToken, cursor))
		rs = append(rs, req{method: "POST", url: "https://chatman-replay-eu-central-1.pscp.tv/chatapi/v1/history", kind: "fetch", mime: "application/json", body: body})
		var p struct{ Cursor string }
		json.Unmarshal([]byte(body), &p)
		if cursor = p.Cursor; cursor == "" {
			break
		}
	}
	if host.Pages() < 3 {
		t.Fatalf("%d pages; the test needs several", host.Pages())
	}
	path := writeHAR(t, t.TempDir(), firefox, false, rs...)
	cands, err := Resolve(context.Background(), Input{Source: path})
	if err != nil {
		t.Fatal(err)
	}
	c := cands[0].Chat
	if len(c.Messages) != len(msgs) || !c.Start.Equal(castStart) || c.Token != "chatTOKEN" {
		t.Fatalf("%d messages (want %d), start %v", len(c.Messages), len(msgs), c.Start)
	}
	if got := c.Messages[len(c.Messages)-1]; !got.Time.Equal(castStart.Add(msgs[len(msgs)-1].At)) {
		t.Errorf("last message at %v", got.Time)
	}
	chatTokenHidden(t, cands)
}

// A replay recorded by Chrome, as its HAR export writes it.
func TestPeriscopeHARFixture(t *testing.T) {
	cands, err := Resolve(context.Background(), Input{Source: fixture(t, "chrome-periscope-replay.har")})
	if err != nil {
		t.Fatal(err)
	}
	c := cands[0]
	if c.URL != replayURL || c.Title != broadcastTitle || c.BroadcastID != broadcastID || c.Verdict != VerdictReady || c.Sanitized || !c.Replay {
		t.Fatalf("%+v", c)
	}
	if v, _ := cookieValue(t, c, "https://replay.periscope.tv/Ab3xY/chunk_1.ts", "CloudFront-Signature"); v != secSignature {
		t.Error("CloudFront cookie")
	}
	if !slices.Equal(c.CookieHosts, []string{"replay.periscope.tv"}) {
		t.Errorf("CookieHosts %v", c.CookieHosts)
	}
	if c.Creds.Header.Get("Origin") != "https://www.pscp.tv" || c.Creds.Header.Get("User-Agent") == "" {
		t.Errorf("headers %v", c.Creds.Header)
	}
}
