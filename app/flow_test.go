package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"replayrescue/core/job"

	"replayrescue/app/internal/backend"
)

func fileURI(path string) fyne.URI { return storage.NewFileURI(path) }

func TestDropHARShowsCandidatesWithBestChosen(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	h := newHarness(t, be)

	// A web link dropped from a browser is not a file: ignored.
	web, _ := storage.ParseURI("https://example.com/page")
	h.u.dropped(fyne.NewPos(10, 10), []fyne.URI{web})
	if len(be.resolved) != 0 || h.u.screen != screenStart {
		t.Fatalf("a dropped web link started something: %v", be.resolved)
	}

	h.u.dropped(fyne.NewPos(10, 10), []fyne.URI{fileURI("/home/me/talk.har")})
	if !h.u.start.busy.Visible() || !h.u.start.find.Disabled() {
		t.Error("no busy state while looking for the video")
	}
	h.q.until(t, "the found screen", func() bool { return h.u.screen == screenFound })

	if got := be.resolved; len(got) != 1 || got[0] != "/home/me/talk.har" {
		t.Fatalf("resolved %v, want the dropped file's path", got)
	}
	f := h.u.found
	if len(f.rows) != 2 {
		t.Fatalf("%d rows, want 2", len(f.rows))
	}
	if f.chosen != 1 {
		t.Errorf("chosen %d, want 1: the first ready candidate", f.chosen)
	}
	if f.download.Disabled() {
		t.Error("Download is disabled for a ready candidate")
	}
	if !strings.Contains(f.heading.Text, "2") {
		t.Errorf("heading %q does not say how many were found", f.heading.Text)
	}
	// Length and picture in words; where it was found is no help to a
	// presenter.
	if got := f.rows[1].details.Text; got != "2 min 0 s long · HD picture, 1280 × 720" {
		t.Errorf("details %q", got)
	}
	if got := f.rows[0].details.Text; got != "2 min 0 s long · small picture, 640 × 360" {
		t.Errorf("details %q", got)
	}
	if f.rows[1].verdict.Text != "Ready to download" {
		t.Errorf("verdict %q", f.rows[1].verdict.Text)
	}
	if !strings.Contains(f.rows[0].verdict.Text, "refused access") {
		t.Errorf("the problem is not explained: %q", f.rows[0].verdict.Text)
	}
}

func TestChooseCandidateExplainsWhatToDo(t *testing.T) {
	h := newHarness(t, &fakeBackend{cands: readyCands()})
	h.u.showFound(readyCands())
	f := h.u.found

	test.Tap(f.rows[0])
	if f.chosen != 0 || !f.rows[0].selected || f.rows[1].selected {
		t.Fatalf("tapping row 0 chose %d", f.chosen)
	}
	if !f.download.Disabled() {
		t.Error("Download is enabled for a candidate that is not ready")
	}
	// What to do is said once, on the row, in the core's words: no
	// second, generic piece of advice below the list.
	if got := f.rows[0].verdict.Text; got != readyCands()[0].Problem {
		t.Errorf("the row says %q", got)
	}
	for _, o := range test.LaidOutObjects(h.win.Content()) {
		if l, ok := o.(*widget.Label); ok && l.Visible() && l != f.rows[0].verdict && strings.Contains(l.Text, "fresh") {
			t.Errorf("the advice is repeated: %q", l.Text)
		}
	}

	test.Tap(f.rows[1])
	if f.chosen != 1 || f.download.Disabled() {
		t.Error("choosing the ready candidate again did not enable Download")
	}
	test.Tap(f.back)
	if h.u.screen != screenStart {
		t.Error("Back did not return to the start")
	}
}

func TestPasteAnywhereAndFindButton(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	h := newHarness(t, be)

	// Ctrl+V with nothing focused reaches the canvas shortcut.
	h.app.Clipboard().SetContent("  https://x.com/i/broadcasts/1ABC  ")
	h.win.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutPaste{Clipboard: h.app.Clipboard()})
	h.q.until(t, "the found screen", func() bool { return h.u.screen == screenFound })
	if got := be.resolved[0]; got != "https://x.com/i/broadcasts/1ABC" {
		t.Errorf("resolved %q", got)
	}
	if h.u.start.paste.Text != "https://x.com/i/broadcasts/1ABC" {
		t.Errorf("the paste box shows %q", h.u.start.paste.Text)
	}

	// Typing a cURL command and pressing Find the video; intake fails.
	h.u.show(screenStart)
	h.u.start.paste.SetText("")
	if !h.u.start.find.Disabled() {
		t.Error("Find is enabled with nothing pasted")
	}
	be.resolveErr = &job.Error{Code: job.ExitUsage, Msg: "That command has no web link in it."}
	test.Type(h.u.start.paste, "curl 'nothing'")
	test.Tap(h.u.start.find)
	h.q.until(t, "the problem", func() bool { return h.u.start.status.Visible() })
	if h.u.start.status.Text != "That command has no web link in it." {
		t.Errorf("status %q", h.u.start.status.Text)
	}
	if h.u.screen != screenStart || h.u.start.busy.Visible() {
		t.Error("still busy after a failure")
	}
}

func TestDownloadProgressPauseResume(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	started := make(chan struct{}, 4)
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		j.download = func(ctx context.Context, j *fakeJob) error {
			j.events(job.Progress{Done: 10, Total: 40, Bytes: 25 << 20, Speed: 3 << 20, ETA: 95 * time.Second, Resumed: 4})
			started <- struct{}{}
			<-ctx.Done()
			return ctx.Err()
		}
		return j
	}
	h := newHarness(t, be)
	h.u.showFound(readyCands())
	test.Tap(h.u.found.download)
	if h.u.screen != screenDownload {
		t.Fatalf("screen %v after Download", h.u.screen)
	}
	d := h.u.dl
	h.q.until(t, "progress", func() bool { return d.bar.Value > 0 })
	if d.bar.Value != 0.25 {
		t.Errorf("bar at %v, want 0.25", d.bar.Value)
	}
	for _, want := range []string{"10 of 40 parts", "25.0 MB", "3.0 MB/s", "about 1 min 35 s left", "4 parts were already"} {
		if !strings.Contains(d.detail.Text, want) {
			t.Errorf("detail %q lacks %q", d.detail.Text, want)
		}
	}
	if d.title.Text != "Keynote" {
		t.Errorf("title %q", d.title.Text)
	}
	if !d.pause.Visible() || d.resume.Visible() {
		t.Error("a running download should offer Pause, not Resume")
	}

	<-started
	test.Tap(d.pause)
	h.q.until(t, "paused", func() bool { return d.resume.Visible() })
	if !strings.Contains(d.state.Text, "Paused") {
		t.Errorf("state %q", d.state.Text)
	}

	test.Tap(d.resume)
	<-started
	j := be.jobs[0]
	if len(be.jobs) != 1 || j.downloadCalls() != 2 {
		t.Errorf("resume made %d jobs and %d downloads; want the same job downloading again", len(be.jobs), j.downloadCalls())
	}
	if j.loads != 1 {
		t.Errorf("the playlist was loaded %d times; once is enough", j.loads)
	}
	h.q.until(t, "running again", func() bool { return d.pause.Visible() && !d.resume.Visible() })

	// Cancel asks first, then goes back to the start.
	test.Tap(d.cancel)
	yes := findButton(h.win, "Yes")
	if yes == nil {
		t.Fatal("no confirmation before cancelling")
	}
	test.Tap(yes)
	if h.u.screen != screenStart || h.u.sess != nil {
		t.Error("cancel did not return to the start")
	}
	h.q.settle()
	if h.u.screen != screenStart {
		t.Error("the cancelled download's end changed the screen")
	}
}

func TestExpiredLinkContinuesInSameFolder(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		if len(be.jobs) == 0 {
			// The first source expires after 17 chunks.
			j.download = func(ctx context.Context, j *fakeJob) error {
				j.events(job.Progress{Done: 17, Total: 40, Bytes: 40 << 20})
				j.events(job.Paused{Reason: "expired", Done: 17, Total: 40})
				return &job.Error{Code: job.ExitCredentials, Msg: "The video host stopped accepting the cookies.", Err: errors.New("403")}
			}
		}
		return j
	}
	h := newHarness(t, be)
	h.u.showFound(readyCands())
	test.Tap(h.u.found.download)
	d := h.u.dl
	h.q.until(t, "the expired prompt", func() bool { return d.expired.Visible() })
	if !d.wantsFresh || d.pause.Visible() {
		t.Error("the expired prompt should replace Pause and wait for a fresh source")
	}
	if !strings.Contains(d.detail.Text, "17 of 40") {
		t.Errorf("progress lost: %q", d.detail.Text)
	}
	first := be.jobs[0]

	// A fresh HAR dropped on the window continues the same job folder.
	h.u.dropped(fyne.NewPos(0, 0), []fyne.URI{fileURI("/home/me/fresh.har")})
	h.q.until(t, "the edit screen", func() bool { return h.u.screen == screenEdit })
	if len(be.opens) != 2 {
		t.Fatalf("%d jobs opened, want 2", len(be.opens))
	}
	if be.opens[1].Work != first.Dir() {
		t.Errorf("the fresh source opened folder %q, want the first job's %q", be.opens[1].Work, first.Dir())
	}
	if be.resolved[len(be.resolved)-1] != "/home/me/fresh.har" {
		t.Errorf("the dropped file was not resolved: %v", be.resolved)
	}
	if be.jobs[1].downloadCalls() != 1 {
		t.Error("the new job did not download")
	}
}

func TestFreshLinkPastedIntoPrompt(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		if len(be.jobs) == 0 {
			j.download = func(ctx context.Context, j *fakeJob) error {
				return &job.Error{Code: job.ExitCredentials, Msg: "expired"}
			}
		}
		return j
	}
	h := newHarness(t, be)
	h.u.showFound(readyCands())
	test.Tap(h.u.found.download)
	h.q.until(t, "the expired prompt", func() bool { return h.u.dl.expired.Visible() })
	test.Type(h.u.dl.fresh, "https://example.com/replay.m3u8")
	test.Tap(h.u.dl.useFresh)
	h.q.until(t, "the edit screen", func() bool { return h.u.screen == screenEdit })
	if be.opens[1].Work != be.jobs[0].Dir() {
		t.Error("the pasted link did not continue the same folder")
	}
}

func TestDownloadFailureOffersRetry(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	fail := true
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		j.download = func(ctx context.Context, j *fakeJob) error {
			if fail {
				fail = false
				return &job.Error{Code: job.ExitOther, Msg: "The download stopped after 3 of 40 chunks."}
			}
			return nil
		}
		return j
	}
	h := newHarness(t, be)
	h.u.showFound(readyCands())
	test.Tap(h.u.found.download)
	h.q.until(t, "the problem", func() bool { return h.u.dl.probBox.Visible() })
	if h.u.dl.problem.Text != "The download stopped after 3 of 40 chunks." {
		t.Errorf("problem %q", h.u.dl.problem.Text)
	}
	test.Tap(h.u.dl.retry)
	h.q.until(t, "the edit screen", func() bool { return h.u.screen == screenEdit })
}

// findButton finds a visible button by its text anywhere on the window,
// dialogs included.
func findButton(w fyne.Window, text string) fyne.Tappable {
	roots := append(w.Canvas().Overlays().List(), w.Canvas().Content())
	for _, root := range roots {
		for _, o := range test.LaidOutObjects(root) {
			switch b := o.(type) {
			case *widget.Button:
				if b.Text == text && b.Visible() {
					return b
				}
			case *button:
				if b.Text == text && b.Visible() {
					return b
				}
			}
		}
	}
	return nil
}

// A live broadcast: the download screen offers "Stop here", which ends the
// following and goes on to the edit screen with what has arrived.
func TestStopFollowingLiveBroadcast(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		j.download = func(ctx context.Context, j *fakeJob) error {
			j.events(job.Found{Title: "Live talk", Chunks: 10, Duration: 30 * time.Second})
			for i := 1; i <= 10; i++ {
				j.events(job.Progress{Done: i, Total: 10, Bytes: int64(i) << 20})
			}
			j.events(job.Live{Chunks: 12, Duration: 36 * time.Second, Missing: 1})
			select { // follows until told to stop
			case <-j.stop:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return j
	}
	h := newHarness(t, be)
	h.u.dropped(fyne.NewPos(1, 1), []fyne.URI{fileURI("/tmp/talk.har")})
	h.q.until(t, "the found screen", func() bool { return h.u.screen == screenFound })
	test.Tap(h.u.found.download)
	h.q.until(t, "the Stop here button", func() bool { return h.u.dl.stopLive.Visible() })
	if !strings.Contains(h.u.dl.state.Text, "Some parts (1) were gone") {
		t.Errorf("missing parts not reported: %q", h.u.dl.state.Text)
	}
	test.Tap(h.u.dl.stopLive)
	h.q.until(t, "the edit screen", func() bool { return h.u.screen == screenEdit })
}
