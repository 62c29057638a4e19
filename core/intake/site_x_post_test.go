package intake

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"replayrescue/core/intake/xfake"
)

// newX starts a fake of X (its API host and its web site's GraphQL API)
// and points intake at it.
func newX(t *testing.T) *xfake.X {
	t.Helper()
	x := xfake.New(t)
	t.Setenv(envX, x.API.URL)
	t.Setenv(envXWeb, x.Web.URL)
	t.Setenv(envTco, x.Short.URL)
	t.Setenv(envXSyndication, x.Syndication.URL)
	return x
}

// The fake asks for the bearer intake sends.
func TestXFakeBearer(t *testing.T) {
	if xfake.Bearer != xBearer {
		t.Fatal("xfake.Bearer is not X's public bearer as intake sends it")
	}
}

const (
	xPostID   = "1791474843318882304"
	xSpaceID  = "1OwxWzpvNqyGQ"
	xEventID  = "1790331285634154496"
	xSpaceKey = "28_1791476000000000000"
)

var (
	webdev42   = xfake.User{Name: "Web Dev 42", Handle: "webdev42"}
	xStart     = time.Date(2024, 5, 17, 14, 0, 0, 0, time.UTC)
	xSpaceList = "https://prod-fastly-us-east-1.video.pscp.tv/Transcoding/v1/hls/" + secPathToken + "/non_transcode/us-east-1/periscope-replay-direct-prod-us-east-1-public/audio-space/playlist_16798763063413909336.m3u8?type=replay"
	xPostVideo = "https://video.twimg.com/ext_tw_video/1791474843318882304/pu/pl/mUd2hDkHzeB0Pq7Z.m3u8?tag=12&v=cfc"
)

// xWorld puts on X what the tests resolve: the broadcast and Space of
// the Web Dev 42 meetup and the posts announcing them.
func xWorld(x *xfake.X) {
	x.AddBroadcast(xfake.Broadcast{ID: "1OdKrBnaEPXKX", MediaKey: xMediaKey, Title: "Web Dev 42 South Meetup", State: "ENDED",
		Host: webdev42, Start: xStart, Playlist: xPlaylist, ChatToken: "chatTOKEN"})
	x.AddSpace(xfake.Space{ID: xSpaceID, MediaKey: xSpaceKey, Title: "Ask me anything about CSS", State: "Ended",
		Host: webdev42, Started: xStart.Add(24 * time.Hour), Replay: true, Playlist: xSpaceList})
	x.AddPost(xfake.Post{ID: xPostID, Author: webdev42, Text: "We are live!", Posted: xStart.Add(-time.Minute),
		Card: xfake.BroadcastCard("1OdKrBnaEPXKX", "Web Dev 42 South Meetup"), Links: []string{"https://x.com/i/broadcasts/1OdKrBnaEPXKX"}})
}

// TestXPost: the post that announced a broadcast leads to it, however its
// link is spelt, through one guest pass; the broadcast's own answer gives
// the title, presenter and start.
func TestXPost(t *testing.T) {
	x := newX(t)
	xWorld(x)
	for _, link := range []string{
		"https://x.com/webdev42/status/" + xPostID,
		"https://twitter.com/webdev42/status/" + xPostID + "?s=20&t=AbCdEf",
		"mobile.twitter.com/webdev42/status/" + xPostID,
		"https://www.x.com/webdev42/status/" + xPostID + "/video/1",
		"Watch the talk again: https://x.com/i/web/status/" + xPostID + ".",
	} {
		before := len(x.Hits())
		cands, err := Resolve(context.Background(), Input{Source: link, Cookies: "auth_token=" + secSession})
		if err != nil {
			t.Fatalf("%s: %v", link, err)
		}
		c := cands[0]
		if len(cands) != 1 || c.URL != xPlaylist || c.Title != "Web Dev 42 South Meetup" || c.BroadcastID != "1OdKrBnaEPXKX" || c.Origin != OriginX ||
			c.Presenter != "Web Dev 42 (@webdev42)" || !c.Chat.Start.Equal(xStart) || !c.Chat.Available() || c.Sound {
			t.Fatalf("%s: %+v", link, c)
		}
		if h := c.Creds.Header; h.Get("Authorization") != "" || h.Get("X-Guest-Token") != "" {
			t.Errorf("X's credentials travel with the playlist: %v", h)
		}
		if _, ok := cookieValue(t, c, xPlaylist, "auth_token"); ok {
			t.Error("the user's x.com cookie goes to the video host")
		}
		want := []string{"API POST /1.1/guest/activate.json", "Web GET TweetResultByRestId " + xPostID, "API GET /1.1/broadcasts/show.json",
			"API GET /1.1/live_video_stream/status/" + xMediaKey}
		if got := x.Hits()[before:]; !slices.Equal(got, want) {
			t.Errorf("%s: requests %q, want %q", link, got, want)
		}
	}
}

// TestXPostLeads: a post leads to its talk through a Space card (inside
// X's visibility wrapper), a link in its text, a post it quotes, an old
// Periscope card, or its own video.
func TestXPostLeads(t *testing.T) {
	x := newX(t)
	xWorld(x)
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, accessVideoPublic(replayURL)) })
	t.Setenv(envPeriscope, api.URL)
	t.Setenv(envProxsee, api.URL)
	posted := xStart.Add(2 * time.Hour)
	x.AddPost(xfake.Post{ID: "101", Author: webdev42, Text: "Join us", Posted: posted, Card: xfake.SpaceCard(xSpaceID), Wrapped: true})
	x.AddPost(xfake.Post{ID: "102", Author: webdev42, Text: "Live now", Posted: posted, Links: []string{"https://twitter.com/i/broadcasts/1OdKrBnaEPXKX"}})
	x.AddPost(xfake.Post{ID: "103", Author: xfake.User{Name: "Fan", Handle: "fan"}, Text: "Great talk", Posted: posted,
		Quoted: &xfake.Post{ID: "104", Author: webdev42, Text: "Live", Posted: posted, Card: xfake.BroadcastCard("1OdKrBnaEPXKX", "")}})
	x.AddPost(xfake.Post{ID: "105", Author: webdev42, Text: "From 2016", Posted: posted,
		Card: xfake.Card{Name: "periscope_broadcast", Values: map[string]string{"url": "https://www.pscp.tv/w/" + broadcastID}}})
	x.AddPost(xfake.Post{ID: "106", Author: webdev42, Text: "My talk, recorded:\nCSS for people who hate CSS", Posted: posted, Video: xPostVideo})
	cases := []struct {
		id, url, title, presenter string
		sound                     bool
		start                     time.Time
	}{
		{"101", xSpaceList, "Ask me anything about CSS", "Web Dev 42 (@webdev42)", true, xStart.Add(24 * time.Hour)},
		{"102", xPlaylist, "Web Dev 42 South Meetup", "Web Dev 42 (@webdev42)", false, xStart},
		{"103", xPlaylist, "Web Dev 42 South Meetup", "Web Dev 42 (@webdev42)", false, xStart},
		{"105", replayURL, broadcastTitle, "", false, time.Date(2015, 5, 29, 15, 1, 44, 418556738, time.UTC)},
		{"106", xPostVideo, "My talk, recorded: CSS for people who hate CSS", "Web Dev 42 (@webdev42)", false, posted},
	}
	for _, tc := range cases {
		cands, err := Resolve(context.Background(), Input{Source: "https://x.com/webdev42/status/" + tc.id})
		if err != nil {
			t.Fatalf("post %s: %v", tc.id, err)
		}
		c := cands[0]
		if c.URL != tc.url || c.Title != tc.title || c.Presenter != tc.presenter || c.Sound != tc.sound || !c.Chat.Start.Equal(tc.start) {
			t.Errorf("post %s: %+v", tc.id, c)
		}
	}
}

// xFailure is one way resolving an X link fails: the sentence's words, and
// the kind of error (its exit code).
type xFailure struct {
	name, link string
	setup      func(x *xfake.X)
	words      string
	kind       func(error) bool
}

func noStream(err error) bool { return errors.Is(err, ErrNoStream) }
func refused(err error) bool  { var ce *CredentialsError; return errors.As(err, &ce) }
func offline(err error) bool  { var ne *NetworkError; return errors.As(err, &ne) }

// checkXFailures resolves each case's link against a fresh fake X: each
// failure is its own sentence, free of X's tokens, and offers to capture
// the link, without its query, in the browser.
func checkXFailures(t *testing.T, cases []xFailure) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := newX(t)
			xWorld(x)
			if tc.setup != nil {
				tc.setup(x)
			}
			_, err := Resolve(context.Background(), Input{Source: tc.link + "?s=20&t=AbCdEf"})
			if err == nil || !tc.kind(err) || !strings.Contains(err.Error(), tc.words) {
				t.Fatalf("err = %v (%T), want %q", err, err, tc.words)
			}
			msg := err.Error()
			if strings.Contains(msg, xfake.Guest) || strings.Contains(msg, "AAAAAAAA") || strings.Count(msg, ". ") > 0 || !strings.HasSuffix(msg, ".") {
				t.Errorf("not one sentence free of tokens: %q", msg)
			}
			link, ok := CaptureLink(err)
			if want := strings.Replace(strings.Replace(tc.link, "twitter.com", "x.com", 1), "mobile.", "", 1); !ok || link != want {
				t.Errorf("capture %q, %v; want %q", link, ok, want)
			}
		})
	}
}

func TestXPostFailures(t *testing.T) {
	post := "https://x.com/webdev42/status/" + xPostID
	checkXFailures(t, []xFailure{
		{"guest pass refused", post, func(x *xfake.X) { x.Refuse(xfake.Activate, 403) }, "refused the guest pass", offline},
		{"guest pass rate limited", post, func(x *xfake.X) { x.Refuse(xfake.Activate, 429) }, "429", offline},
		// GraphQL's failure is told when the syndication endpoint has
		// nothing better.
		{"post rate limited", post, func(x *xfake.X) { x.Refuse(xfake.PostQuery, 429); x.Refuse(xfake.Syndicate, 429) }, "wait a few minutes", offline},
		{"API changed", post, func(x *xfake.X) {
			x.RequireQueryID(xfake.PostQuery, "newQueryId123")
			x.Refuse(xfake.Syndicate, 404)
		}, "does not understand", offline},
		{"X down", post, func(x *xfake.X) { x.Refuse(xfake.PostQuery, 503); x.Refuse(xfake.Syndicate, 503) }, "trouble", offline},
		{"no such post", "https://twitter.com/webdev42/status/42", nil, "X has no post 42", noStream},
		{"deleted", post, func(x *xfake.X) {
			x.AddPost(xfake.Post{ID: xPostID, Tombstone: "This Post is from a suspended account."})
		}, "no longer shows the post", noStream},
		{"protected", post, func(x *xfake.X) { x.AddPost(xfake.Post{ID: xPostID, Unavailable: "Protected"}) }, "only to logged-in accounts", refused},
		{"no video", "https://mobile.twitter.com/webdev42/status/" + xPostID, func(x *xfake.X) {
			x.AddPost(xfake.Post{ID: xPostID, Author: webdev42, Text: "Slides from today", Photo: true, Links: []string{"https://example.com/slides"}})
		}, "This post has no video", noStream},
		{"broadcast not started", post, func(x *xfake.X) {
			x.AddBroadcast(xfake.Broadcast{ID: "1OdKrBnaEPXKX", MediaKey: xMediaKey, Title: "Soon", State: "NOT_STARTED", Host: webdev42})
		}, "has not started yet", noStream},
		{"broadcast geoblocked", post, func(x *xfake.X) {
			x.AddBroadcast(xfake.Broadcast{ID: "1OdKrBnaEPXKX", MediaKey: xMediaKey, Title: "Meetup", State: "ENDED", Host: webdev42,
				Playlist: "https://x.com/live_video_stream/geoblocked/" + xMediaKey})
		}, "in your country", noStream},
		{"replay gone", post, func(x *xfake.X) {
			x.AddBroadcast(xfake.Broadcast{ID: "1OdKrBnaEPXKX", MediaKey: xMediaKey, Title: "Meetup", State: "ENDED", Host: webdev42})
		}, "no replay for broadcast 1OdKrBnaEPXKX (Meetup)", noStream},
		{"not a link intake reads", "https://x.com/webdev42", nil, "not a kind of link Replay Rescue reads (posts, broadcasts, live events and Spaces)", noStream},
	})
}

// The page to capture is named so that a shell runs it as it is: the
// path's bytes beyond "/._~-", letters and digits are escaped.
func TestXCapturePage(t *testing.T) {
	_, err := Resolve(context.Background(), Input{Source: "https://x.com/web_dev;rm$(id)&x/lists"})
	if link, ok := CaptureLink(err); !ok || link != "https://x.com/web_dev%3Brm%24%28id%29%26x/lists" {
		t.Errorf("capture %q (%v)", link, err)
	}
}

func TestXEvent(t *testing.T) {
	x := newX(t)
	xWorld(x)
	x.AddEvent(xfake.Event{ID: xEventID, Title: "Web Dev 42 South", Broadcasts: []string{"1OdKrBnaEPXKX"}})
	x.AddEvent(xfake.Event{ID: "1790331285634154497", Title: "Spaces week", Posts: []xfake.Post{
		{ID: "201", Author: webdev42, Text: "Now", Posted: xStart, Card: xfake.SpaceCard(xSpaceID)}}})
	for link, want := range map[string]string{
		"https://x.com/i/events/" + xEventID:                   xPlaylist,
		"https://twitter.com/i/events/1790331285634154497?s=1": xSpaceList,
	} {
		cands, err := Resolve(context.Background(), Input{Source: link})
		if err != nil {
			t.Fatalf("%s: %v", link, err)
		}
		if c := cands[0]; c.URL != want || c.Presenter != "Web Dev 42 (@webdev42)" || c.Title == "" {
			t.Errorf("%s: %+v", link, c)
		}
	}
	event := "https://x.com/i/events/" + xEventID
	checkXFailures(t, []xFailure{
		{"no such event", "https://x.com/i/events/7", nil, "X has no live event 7", noStream},
		{"no broadcast yet", event, func(x *xfake.X) { x.AddEvent(xfake.Event{ID: xEventID, Title: "Web Dev 42 South"}) },
			"The live event " + xEventID + " (Web Dev 42 South) lists no broadcast yet", noStream},
		{"rate limited", event, func(x *xfake.X) { x.Refuse(xfake.Timeline, 429) }, "429", offline},
		{"login wall", event, func(x *xfake.X) { x.Refuse(xfake.Timeline, 403) }, "without logging in", refused},
	})
}

// A user is named as X shows them, from GraphQL's user in its shape of
// 2025 (core) or before (legacy).
func TestXPerson(t *testing.T) {
	if got := (xUser{Legacy: xName{Name: "Ada", ScreenName: "ada"}}).person(); got != "Ada (@ada)" {
		t.Errorf("legacy: %q", got)
	}
	if got := (xUser{Core: xName{ScreenName: "ada"}}).person(); got != "@ada" {
		t.Errorf("core: %q", got)
	}
}

// TestXGraphQLData: the operations kept as data are well formed: each
// query carries its id variable, and JSON features.
func TestXGraphQLData(t *testing.T) {
	for name, op := range xGraphQL {
		q, err := op.query("123")
		if err != nil || op.queryID == "" || !strings.Contains(q.Get("variables"), `"`+op.idVar+`":"123"`) || !looksJSON(q.Get("features")) {
			t.Errorf("%s: %v %v", name, q, err)
		}
		if op.fieldToggles != "" && !looksJSON(op.fieldToggles) {
			t.Errorf("%s: fieldToggles", name)
		}
	}
}

// TestXPostSyndication: when GraphQL fails for a post (a retired query id,
// a refusal, a limit), the post is read from the embeds' syndication
// endpoint and leads on as it would, with nothing of X's session or the
// user's cookies sent there.
func TestXPostSyndication(t *testing.T) {
	x := newX(t)
	xWorld(x)
	posted := xStart.Add(2 * time.Hour)
	x.AddPost(xfake.Post{ID: "101", Author: webdev42, Text: "Join us", Posted: posted, Card: xfake.SpaceCard(xSpaceID)})
	x.AddPost(xfake.Post{ID: "106", Author: webdev42, Text: "My talk, recorded:\nCSS for people who hate CSS", Posted: posted, Video: xPostVideo})
	x.AddPost(xfake.Post{ID: "103", Author: xfake.User{Name: "Fan", Handle: "fan"}, Text: "Great talk", Posted: posted,
		Quoted: &xfake.Post{ID: "104", Author: webdev42, Text: "Live", Posted: posted, Card: xfake.BroadcastCard("1OdKrBnaEPXKX", "")}})
	x.AddPost(xfake.Post{ID: "107", Tombstone: "This Post was deleted by the Post author."})
	for _, fail := range []func(){
		func() { x.RequireQueryID(xfake.PostQuery, "newQueryId123") },
		func() { x.Refuse(xfake.PostQuery, 403) },
		func() { x.Refuse(xfake.PostQuery, 429) },
	} {
		fail()
		for _, tc := range []struct{ id, url, title string }{
			{xPostID, xPlaylist, "Web Dev 42 South Meetup"},
			{"101", xSpaceList, "Ask me anything about CSS"},
			{"103", xPlaylist, "Web Dev 42 South Meetup"},
			{"106", xPostVideo, "My talk, recorded: CSS for people who hate CSS"},
		} {
			before := len(x.Hits())
			cands, err := Resolve(context.Background(), Input{Source: "https://x.com/webdev42/status/" + tc.id, Cookies: "auth_token=" + secSession})
			if err != nil {
				t.Fatalf("post %s: %v", tc.id, err)
			}
			if c := cands[0]; c.URL != tc.url || c.Title != tc.title || c.Presenter != "Web Dev 42 (@webdev42)" {
				t.Errorf("post %s: %+v", tc.id, c)
			}
			hits := x.Hits()[before:]
			if !slices.Contains(hits, "Syndication GET /tweet-result "+tc.id) || slices.Contains(hits, "Syndication LEAK") {
				t.Errorf("post %s: %q", tc.id, hits)
			}
		}
		_, err := Resolve(context.Background(), Input{Source: "https://x.com/webdev42/status/107"})
		if err == nil || !strings.Contains(err.Error(), "X no longer shows the post 107: This Post was deleted by the Post author.") {
			t.Errorf("tombstone: %v", err)
		}
		x.RequireQueryID(xfake.PostQuery, "")
		x.Refuse(xfake.PostQuery, 0)
	}
}

// The token goes in the embed's shape: base 36, no zeros, no point.
func TestXSyndicationToken(t *testing.T) {
	for _, id := range []string{"1791474843318882304", "20", "x"} {
		tok := syndicationToken(id)
		if tok == "" || strings.ContainsAny(tok, "0.") || strings.Trim(tok, "123456789abcdefghijklmnopqrstuvwxyz") != "" {
			t.Errorf("%s: %q", id, tok)
		}
	}
}
