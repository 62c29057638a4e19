package xfake

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Talk is X as a presenter meets it after a talk, for tests that save
// from it end to end: a broadcast announced by a post and listed by a live
// event, a Space (20 s of packed audio served on loopback; its host's
// picture too) and a Space that was not recorded, on a fake X the process is pointed at
// (REPLAYRESCUE_X_API, REPLAYRESCUE_X_WEB).
type Talk struct {
	*X
	// The links to them, and what X calls them.
	Post, Event, Space, Unrecorded string
	Title, SpaceTitle, Presenter   string
	Start                          time.Time // the broadcast's; the Space began an hour later
}

// NewTalk puts the talk on a fake X: the broadcast is the playlist given
// (its chat behind chatToken, "" for none); ffmpeg makes the Space's sound.
func NewTalk(tb testing.TB, ffmpeg, playlist, chatToken string) *Talk {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "audio-space")
	if err := os.Mkdir(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	list, err := SpaceAudio(context.Background(), ffmpeg, dir, 20*time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	if err := WritePicture(filepath.Join(filepath.Dir(dir), "profile_images", "1", "ada_400x400.png")); err != nil {
		tb.Fatal(err)
	}
	host := httptest.NewServer(http.FileServer(http.Dir(filepath.Dir(dir))))
	tb.Cleanup(host.Close)

	x := New(tb)
	tb.Setenv("REPLAYRESCUE_X_API", x.API.URL)
	tb.Setenv("REPLAYRESCUE_X_WEB", x.Web.URL)
	tb.Setenv("REPLAYRESCUE_X_SHORT", x.Short.URL)
	tb.Setenv("REPLAYRESCUE_X_SYNDICATION", x.Syndication.URL)
	t := &Talk{X: x, Post: "https://twitter.com/ada/status/1861474843318882304?s=20", Event: "https://x.com/i/events/1861331285634154496",
		Space: "https://x.com/i/spaces/1OwxWzpvNqyGQ", Unrecorded: "https://x.com/i/spaces/1ZkKzbAaaaaaa",
		Title: "Notes on the Analytical Engine", SpaceTitle: "Ask me anything about engines", Presenter: "Ada Lovelace (@ada)",
		Start: time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)}
	// X names her 48-pixel picture; only the 400-pixel one is served.
	ada := User{Name: "Ada Lovelace", Handle: "ada", Picture: host.URL + "/profile_images/1/ada_normal.png"}
	x.AddBroadcast(Broadcast{ID: "1OdKrBnaEPXKX", MediaKey: "28_1861474843318882304", Title: t.Title,
		State: "ENDED", Host: ada, Start: t.Start, Playlist: playlist, ChatToken: chatToken})
	x.AddPost(Post{ID: "1861474843318882304", Author: ada, Text: "Live now!", Posted: t.Start, Card: BroadcastCard("1OdKrBnaEPXKX", t.Title)})
	x.AddEvent(Event{ID: "1861331285634154496", Title: "Engines week", Broadcasts: []string{"1OdKrBnaEPXKX"}})
	x.AddSpace(Space{ID: "1OwxWzpvNqyGQ", MediaKey: "28_1861476000000000000", Title: t.SpaceTitle,
		State: "Ended", Host: ada, Started: t.Start.Add(time.Hour), Replay: true, Playlist: host.URL + "/audio-space/" + list})
	x.AddSpace(Space{ID: "1ZkKzbAaaaaaa", MediaKey: "28_1861476000000000001", Title: "Off the record", State: "Ended", Host: ada})
	return t
}

// PictureColor is the colour of the profile picture WritePicture writes.
var PictureColor = color.RGBA{R: 255, G: 136, A: 255}

// WritePicture writes a profile picture at path: 400 pixels square, all
// PictureColor, a PNG as X serves them.
func WritePicture(path string) error {
	img := image.NewRGBA(image.Rect(0, 0, 400, 400))
	draw.Draw(img, img.Bounds(), image.NewUniform(PictureColor), image.Point{}, draw.Src)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}
