package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"replayrescue/app/internal/backend"
	"replayrescue/core/intake"
	"replayrescue/core/intake/xfake"
	"replayrescue/core/sample"
)

// A link the core could not resolve (X will not hand it out) shows its
// sentence and "Open it in the browser and capture", which opens the
// browser on that very link; another problem shows no such button.
func TestCaptureInstead(t *testing.T) {
	const page = "https://x.com/i/spaces/1ZkKzbAaaaaaa"
	msg := "The Space 1ZkKzbAaaaaaa (Off the record) was not recorded, or X no longer keeps its recording, so there is no replay to save."
	be := &fakeBackend{resolveErr: &intake.CaptureError{Link: page, Err: &intake.InputError{Msg: msg, Err: intake.ErrNoStream}}}
	be.browser = func(ctx context.Context) ([]backend.Candidate, error) { return readyCands(), nil }
	h := newHarness(t, be)
	h.u.start.paste.SetText(page + "?s=20")
	test.Tap(h.u.start.find)
	h.q.until(t, "the problem", func() bool { return h.u.start.problem.box.Visible() })
	if h.u.start.status.Text != msg || !h.u.start.captureLink.Visible() {
		t.Fatalf("status %q, capture button shown: %v", h.u.start.status.Text, h.u.start.captureLink.Visible())
	}
	test.Tap(h.u.start.captureLink)
	h.q.until(t, "the videos found", func() bool { return h.u.screen != screenStart })
	if len(be.pages) != 1 || be.pages[0] != page {
		t.Errorf("the browser opened on %q, want %q", be.pages, page)
	}

	h.u.show(screenStart)
	be.resolveErr = &intake.InputError{Msg: "This is a cookies.txt file.", Err: intake.ErrNoSource}
	test.Tap(h.u.start.find)
	h.q.until(t, "the problem", func() bool { return h.u.start.status.Text == "This is a cookies.txt file." })
	if h.u.start.captureLink.Visible() {
		t.Error("a problem the browser cannot solve offers the browser")
	}
}

// The window on the real core takes what a presenter has on X through a
// fake X: the post that announced the broadcast (also by its t.co short
// link), its live event and a Space, each pasted, found, downloaded and
// saved as an MP4 (the Space's with a card for a picture), the Space also
// as an M4A.
func TestXLinksEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("saves from a fake X with ffmpeg")
	}
	be := backend.NewCore(backend.ToolsSource{})
	tools, err := be.Tools()
	if err != nil {
		t.Skipf("ffmpeg is not installed: %v", err)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // fresh job folders
	m, err := sample.Generate(context.Background(), sample.MediaOptions{FFmpeg: tools.FFmpeg, Duration: 10 * time.Second, ChunkDuration: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sample.Start(sample.ServerOptions{Media: m, NoCookies: true, Chat: []sample.ChatMessage{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	x := xfake.NewTalk(t, tools.FFmpeg, srv.PlaylistURL(), "")
	x.AddShort("aB3dE5fG7h", x.Post)
	for _, tc := range []struct {
		link, title string
		length      time.Duration
		width       int // 0: sound only, saved as M4A
	}{
		{x.Post, x.Title, 10 * time.Second, 640},
		{"https://t.co/aB3dE5fG7h", x.Title, 10 * time.Second, 640},
		{x.Event, x.Title, 10 * time.Second, 640},
		{x.Space, x.SpaceTitle, 20 * time.Second, 1280},
		{x.Space, x.SpaceTitle, 20 * time.Second, 0},
	} {
		h := newHarness(t, nil)
		h.u.backend = be
		h.u.checkTools()
		h.u.start.paste.SetText(tc.link)
		test.Tap(h.u.start.find)
		h.q.until(t, "the link to be resolved", func() bool { return h.u.screen != screenStart || h.u.start.problem.box.Visible() }, time.Minute)
		switch h.u.screen {
		case screenFound: // several to choose from
			if !strings.Contains(h.u.found.rows[0].title.Text, tc.title) {
				t.Fatalf("%s: found %q", tc.link, h.u.found.rows[0].title.Text)
			}
			test.Tap(h.u.found.download)
		case screenDownload: // the one ready video, straight to its download
			if !strings.Contains(h.u.dl.cand.Title, tc.title) {
				t.Fatalf("%s: downloading %q", tc.link, h.u.dl.cand.Title)
			}
		default:
			t.Fatalf("%s: not found (%s)", tc.link, h.u.start.problem.text.Text)
		}
		h.q.until(t, "the download to finish", func() bool { return h.u.screen == screenEdit || h.u.dl.probBox.Visible() }, 2*time.Minute)
		if h.u.screen != screenEdit {
			t.Fatalf("%s: download failed: %s", tc.link, h.u.dl.problem.Text)
		}
		out := filepath.Join(t.TempDir(), backend.FileName(h.u.sess.job.Title(), "replay"))
		if tc.width == 0 {
			out = strings.TrimSuffix(out, filepath.Ext(out)) + ".m4a"
		}
		h.u.edit.saveTo(out, true)
		h.q.until(t, "the video to be saved", func() bool { return h.u.rend.done.Visible() || h.u.rend.failed.Visible() }, 2*time.Minute)
		if !h.u.rend.done.Visible() {
			t.Fatalf("%s: render failed: %s", tc.link, h.u.rend.problem.Text)
		}
		info, err := tools.Probe(context.Background(), out)
		if err != nil {
			t.Fatal(err)
		}
		v, okV := info.Stream("video")
		if _, okA := info.Stream("audio"); okV != (tc.width > 0) || !okA || v.Width != tc.width || v.Start != 0 || (info.Duration-tc.length).Abs() > time.Second {
			t.Errorf("%s: saved %+v", tc.link, info)
		}
	}
}

// What X's links fail with reaches the window in its language, with the
// offer to capture the link in the browser: each failure made for real by
// a fake X, in German and in Spanish.
func TestXErrorsInGermanAndSpanish(t *testing.T) {
	x := xfake.New(t)
	t.Setenv("REPLAYRESCUE_X_API", x.API.URL)
	t.Setenv("REPLAYRESCUE_X_WEB", x.Web.URL)
	ada := xfake.User{Name: "Ada Lovelace", Handle: "ada"}
	start := time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)
	x.AddBroadcast(xfake.Broadcast{ID: "1OdKrBnaEPXKX", MediaKey: "28_1", Title: "Soon", State: "NOT_STARTED", Host: ada, Start: start})
	x.AddBroadcast(xfake.Broadcast{ID: "1OdKrBnaEPXKY", MediaKey: "28_2", Title: "Engines", State: "ENDED", Host: ada, Start: start,
		Playlist: "https://x.com/live_video_stream/geoblocked/28_2"})
	x.AddPost(xfake.Post{ID: "1861474843318882304", Author: ada, Text: "Live soon", Posted: start, Card: xfake.BroadcastCard("1OdKrBnaEPXKX", "Soon")})
	x.AddPost(xfake.Post{ID: "1861474843318882305", Author: ada, Text: "Slides from today", Posted: start, Photo: true})
	x.AddEvent(xfake.Event{ID: "1861331285634154496", Title: "Engines week", Broadcasts: []string{"1OdKrBnaEPXKY"}})
	x.AddSpace(xfake.Space{ID: "1ZkKzbAaaaaaa", MediaKey: "28_3", Title: "Off the record", State: "Ended", Host: ada, Started: start})
	// The embeds' endpoint, a post's fallback, is of no help here: GraphQL's
	// failures are the ones told.
	x.Refuse(xfake.Syndicate, 404)
	t.Setenv("REPLAYRESCUE_X_SYNDICATION", x.Syndication.URL)
	post := "https://x.com/ada/status/1861474843318882304"
	cases := []struct {
		name, link string
		refuse     string // the call X refuses, with status
		status     int
		queryID    bool // X has retired the query id intake knows
		de, es     string
	}{
		{name: "guest pass refused", link: post, refuse: xfake.Activate, status: 403,
			de: "X hat den Gastzugang verweigert", es: "X rechazó el pase de invitado"},
		{name: "rate limited", link: post, refuse: xfake.PostQuery, status: 429,
			de: "X begrenzt gerade, wie oft es gefragt werden darf", es: "X está limitando ahora cuántas veces"},
		{name: "API changed", link: post, queryID: true,
			de: "hat so geantwortet, dass diese Version von Replay Rescue es nicht versteht", es: "respondió de una forma que esta versión de Replay Rescue no entiende"},
		{name: "not started", link: post, de: "Die Übertragung 1OdKrBnaEPXKX hat noch nicht begonnen", es: "La emisión 1OdKrBnaEPXKX aún no ha empezado"},
		{name: "no video", link: "https://twitter.com/ada/status/1861474843318882305?s=20", de: "Dieser Post enthält kein Video", es: "Esta publicación no tiene vídeo"},
		{name: "geoblocked", link: "https://x.com/i/events/1861331285634154496",
			de: "X spielt die Übertragung 1OdKrBnaEPXKY (Engines) in Ihrem Land nicht ab.", es: "X no reproduce la emisión 1OdKrBnaEPXKY (Engines) en tu país."},
		{name: "login wall", link: "https://x.com/i/events/1861331285634154496", refuse: xfake.Timeline, status: 403,
			de: "X zeigt dieses Live-Event nur nach der Anmeldung.", es: "X no muestra este evento en directo sin iniciar sesión."},
		{name: "not recorded", link: "https://x.com/i/spaces/1ZkKzbAaaaaaa", de: "Der Space 1ZkKzbAaaaaaa (Off the record) wurde nicht aufgezeichnet",
			es: "El Space 1ZkKzbAaaaaaa (Off the record) no se grabó"},
		{name: "unknown page", link: "https://x.com/ada", de: "Diese X-Seite ist keine Art von Link, die Replay Rescue liest (Posts, Übertragungen, Live-Events und Spaces).",
			es: "Esta página de X no es un tipo de enlace que Replay Rescue lea (publicaciones, emisiones, eventos en directo y Spaces)."},
	}
	real := backend.NewCore(backend.ToolsSource{})
	for _, code := range []string{"de", "es"} {
		t.Run(code, func(t *testing.T) {
			h := newHarness(t, nil)
			h.u.backend = real
			t.Cleanup(func() { _ = applyLanguage("en") })
			h.u.setLanguage(code)
			for _, c := range cases {
				x.Refuse(c.refuse, c.status)
				if c.queryID {
					x.RequireQueryID(xfake.PostQuery, "aNewQueryId")
				}
				h.u.startOver()
				h.u.start.paste.SetText(c.link)
				test.Tap(h.u.start.find)
				h.q.until(t, c.name, func() bool { return h.u.start.status.Visible() }, 30*time.Second)
				x.Refuse(c.refuse, 0)
				x.RequireQueryID(xfake.PostQuery, "")
				want := map[string]string{"de": c.de, "es": c.es}[code]
				if got := h.u.start.status.Text; !strings.Contains(got, want) {
					t.Errorf("%s: the window says %q, want %q in it", c.name, got, want)
				}
				if !h.u.start.captureLink.Visible() {
					t.Errorf("%s: no offer to capture it in the browser", c.name)
				}
			}
		})
	}
}
