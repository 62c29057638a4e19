package intake

import (
	"context"
	"slices"
	"testing"
	"time"

	"replayrescue/core/intake/xfake"
)

// TestXSpace: a Space's link gives its sound-only playlist, with its
// title, host and start, through AudioSpaceById and the stream status.
func TestXSpace(t *testing.T) {
	x := newX(t)
	xWorld(x)
	for _, link := range []string{"https://x.com/i/spaces/" + xSpaceID, "https://twitter.com/i/spaces/" + xSpaceID + "/peek", "www.x.com/i/spaces/" + xSpaceID + "?s=20"} {
		before := len(x.Hits())
		cands, err := Resolve(context.Background(), Input{Source: link})
		if err != nil {
			t.Fatalf("%s: %v", link, err)
		}
		c := cands[0]
		if len(cands) != 1 || c.URL != xSpaceList || c.Title != "Ask me anything about CSS" || c.BroadcastID != xSpaceID || !c.Sound ||
			c.Presenter != "Web Dev 42 (@webdev42)" || !c.Chat.Start.Equal(xStart.Add(24*time.Hour)) || !c.Replay {
			t.Fatalf("%s: %+v", link, c)
		}
		want := []string{"API POST /1.1/guest/activate.json", "Web GET AudioSpaceById " + xSpaceID, "API GET /1.1/live_video_stream/status/" + xSpaceKey}
		if got := x.Hits()[before:]; !slices.Equal(got, want) {
			t.Errorf("requests %q, want %q", got, want)
		}
	}
	// A Space's playlist says it is sound only wherever it is found.
	if c := (&cand{u: mustURL(t, xSpaceList)}).candidate(); !c.Sound {
		t.Error("the audio-space playlist is not taken for sound only")
	}
}

func TestXSpaceFailures(t *testing.T) {
	space := "https://x.com/i/spaces/" + xSpaceID
	ended := func(f func(s *xfake.Space)) func(x *xfake.X) {
		return func(x *xfake.X) {
			s := xfake.Space{ID: xSpaceID, MediaKey: xSpaceKey, Title: "AMA", State: "Ended", Host: webdev42, Started: xStart, Replay: true, Playlist: xSpaceList}
			f(&s)
			x.AddSpace(s)
		}
	}
	checkXFailures(t, []xFailure{
		{"not recorded", space, ended(func(s *xfake.Space) { s.Replay, s.Playlist = false, "" }), "The Space " + xSpaceID + " (AMA) was not recorded", noStream},
		{"not started", space, ended(func(s *xfake.Space) { s.State = "NotStarted" }), "has not started yet", noStream},
		{"replay expired", space, ended(func(s *xfake.Space) { s.Playlist = "" }), "X has no replay for Space " + xSpaceID + " (AMA)", noStream},
		{"geoblocked", space, ended(func(s *xfake.Space) { s.Playlist = "https://x.com/live_video_stream/geoblocked/" + xSpaceKey }),
			"X does not play the Space " + xSpaceID + " (AMA) in your country", noStream},
		{"login wall or no such Space", "https://twitter.com/i/spaces/1ZkKzbAaaaaaa", nil, "without logging in, or there is no such Space", noStream},
		{"refused", space, func(x *xfake.X) { x.Refuse(xfake.SpaceQuery, 403) }, "without logging in", refused},
		{"rate limited", space, func(x *xfake.X) { x.Refuse(xfake.SpaceQuery, 429) }, "429", offline},
		{"API changed", space, func(x *xfake.X) { x.RequireQueryID(xfake.SpaceQuery, "newQueryId123") }, "does not understand", offline},
		{"stream refused", space, func(x *xfake.X) { x.Refuse(xfake.Status, 403) }, "probably private", refused},
	})
}

// A Space's host's picture is handed on, its 400-pixel size first, when
// X gives an https address for it; none when it gives none or another kind.
func TestXSpacePicture(t *testing.T) {
	x := newX(t)
	for _, tc := range []struct {
		picture string
		want    []string
	}{
		{"https://pbs.twimg.com/profile_images/17/Ab-c_normal.jpg", []string{"https://pbs.twimg.com/profile_images/17/Ab-c_400x400.jpg", "https://pbs.twimg.com/profile_images/17/Ab-c_normal.jpg"}},
		{"https://pbs.twimg.com/profile_images/17/Ab-c.png", []string{"https://pbs.twimg.com/profile_images/17/Ab-c.png"}},
		{"http://pbs.twimg.com/profile_images/17/Ab-c_normal.jpg", nil},
		{"javascript:alert(1)", nil},
		{"", nil},
	} {
		host := webdev42
		host.Picture = tc.picture
		x.AddSpace(xfake.Space{ID: xSpaceID, MediaKey: xSpaceKey, Title: "AMA", State: "Ended", Host: host, Started: xStart, Replay: true, Playlist: xSpaceList})
		cands, err := Resolve(context.Background(), Input{Source: "https://x.com/i/spaces/" + xSpaceID})
		if err != nil {
			t.Fatal(err)
		}
		if got := cands[0].Pictures; !slices.Equal(got, tc.want) {
			t.Errorf("%q: pictures %q, want %q", tc.picture, got, tc.want)
		}
	}
}
