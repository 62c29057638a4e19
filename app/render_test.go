package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"replayrescue/core/job"

	"replayrescue/app/internal/backend"
)

func TestRenderProgressCompletionAndNotification(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	release := make(chan struct{})
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		j.render = func(ctx context.Context, j *fakeJob, s job.Settings) error {
			j.events(job.Rendering{Done: 0, Total: 50 * time.Second})
			j.events(job.Rendering{Done: 20 * time.Second, Total: 50 * time.Second})
			<-release
			if err := os.WriteFile(s.Output, []byte("mp4"), 0o600); err != nil {
				return err
			}
			j.events(job.Done{Output: s.Output, Duration: 50 * time.Second, Size: 12_800_000})
			return nil
		}
		return j
	}
	h := newHarness(t, be)
	j := h.toEdit()
	e := h.u.edit
	e.trim.SetRange(30*time.Second, 80*time.Second)
	e.setOffset(250 * time.Millisecond)

	out := filepath.Join(t.TempDir(), "Keynote.mp4")
	h.u.edit.saveTo(out, true)
	r := h.u.rend
	if h.u.screen != screenRender {
		t.Fatal("not on the render screen")
	}
	h.q.until(t, "render progress", func() bool { return r.bar.Value == 0.4 })
	if r.detail.Text != "0:20 of 0:50 written" {
		t.Errorf("detail %q", r.detail.Text)
	}
	if r.done.Visible() {
		t.Error("done shown before the render ended")
	}

	test.AssertNotificationSent(t, &fyne.Notification{Title: "Your video is ready", Content: "Keynote.mp4 is saved."}, func() {
		close(release)
		// The Done event shows the screen; the render's end (which
		// records the save and notifies) follows it on the queue.
		h.q.until(t, "the save's end", func() bool { return r.done.Visible() && h.u.sess.saved != "" })
	})
	s := j.renders[0]
	if s.Output != out || s.Start != 30*time.Second || s.End != 80*time.Second || s.AudioOffset != 250*time.Millisecond {
		t.Errorf("render settings %+v", s)
	}
	if r.bar.Value != 1 || r.working.Visible() {
		t.Error("progress still showing after the render")
	}
	if !strings.Contains(r.doneMsg.Text, "Keynote.mp4") || !strings.Contains(r.doneMsg.Text, "0:50") || !strings.Contains(r.doneMsg.Text, "12.2 MB") {
		t.Errorf("done message %q", r.doneMsg.Text)
	}

	test.Tap(r.open)
	test.Tap(r.showFolder)
	if len(h.opened) != 2 || h.opened[0].Path != out || h.opened[1].Path != filepath.Dir(out) {
		t.Errorf("opened %v, want the video then its folder", h.opened)
	}
	if got := h.u.settings.outputFolder(); got != filepath.Dir(out) {
		t.Errorf("output folder remembered as %q", got)
	}
	if h.u.sess.saved != out {
		t.Error("the session does not know the video was saved")
	}

	test.Tap(r.another)
	if h.u.screen != screenStart || h.u.sess != nil {
		t.Error("Save another broadcast did not go back to the start")
	}
}

func TestRenderFailureAndCancel(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		j.render = func(ctx context.Context, j *fakeJob, s job.Settings) error {
			if strings.Contains(s.Output, "slow") {
				<-ctx.Done()
				return ctx.Err()
			}
			return &job.Error{Code: job.ExitFFmpeg, Msg: "ffmpeg could not write the video: the disk is full."}
		}
		return j
	}
	h := newHarness(t, be)
	h.toEdit()
	dir := t.TempDir()

	out := filepath.Join(dir, "talk.mp4")
	if err := os.WriteFile(out, nil, 0o600); err != nil { // as the save dialog leaves it
		t.Fatal(err)
	}
	h.u.edit.saveTo(out, true)
	h.q.until(t, "the failure", func() bool { return h.u.rend.failed.Visible() })
	if h.u.rend.problem.Text != "ffmpeg could not write the video: the disk is full." {
		t.Errorf("problem %q", h.u.rend.problem.Text)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a failed render left its file behind")
	}
	test.Tap(h.u.rend.retry)

	// A file with something in it at that name (a video that appeared
	// meanwhile) is never removed by a failed render.
	if err := os.WriteFile(out, []byte("the user's video"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.u.edit.saveTo(out, true)
	h.q.until(t, "the failure", func() bool { return h.u.rend.failed.Visible() })
	if got, _ := os.ReadFile(out); string(got) != "the user's video" {
		t.Errorf("a failed render removed the file at its name: %q", got)
	}
	test.Tap(h.u.rend.retry)
	if h.u.screen != screenEdit {
		t.Error("Back to editing did not go back")
	}

	h.u.edit.saveTo(filepath.Join(dir, "slow.mp4"), true)
	// Closing the window while the video is being saved asks first, and
	// "Keep going" keeps it going.
	h.u.onCloseRequested()
	if h.u.quitDialog == nil || h.u.sess == nil || h.u.sess.working != workSave {
		t.Fatal("closing during a save did not ask")
	}
	h.u.quitDialog.hide()
	if h.u.sess.cancel == nil || h.u.screen != screenRender {
		t.Error("asking stopped the save")
	}
	test.Tap(h.u.rend.cancel)
	h.q.until(t, "the edit screen", func() bool { return h.u.screen == screenEdit })
}

// Closing the window with nothing running closes it without asking.
func TestCloseWithNothingRunningDoesNotAsk(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewWindow(nil) // closed by the close below, not by the test's end
	u := newUI(a, w, &fakeBackend{cands: readyCands()})
	u.onCloseRequested()
	if u.quitDialog != nil {
		t.Error("asked before closing an idle window")
	}
}

// A save killed with the app (its "saving" mark still set at the next
// start) has its unfinished files removed, and the user is told.
func TestInterruptedSaveCleanedAtStart(t *testing.T) {
	h := newHarness(t, &fakeBackend{cands: readyCands()})
	dir := t.TempDir()
	out := filepath.Join(dir, "talk.mp4")
	part := filepath.Join(dir, ".talk.mp4.0a1b2c3d4e5f.part")
	for _, p := range []string{out, part} {
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(part, []byte("half a video"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.u.settings.p.SetString(prefSaving, out)
	h.u.cleanInterruptedSave()
	for _, p := range []string{out, part} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s left behind", filepath.Base(p))
		}
	}
	if h.u.notice == nil {
		t.Error("the user was not told")
	}
	if h.u.settings.p.String(prefSaving) != "" {
		t.Error("the mark stays set")
	}
	// A save that ended (done or failed) leaves no mark behind.
	h2 := newHarness(t, &fakeBackend{cands: readyCands()})
	h2.toEdit()
	h2.u.edit.saveTo(filepath.Join(dir, "done.mp4"), true)
	h2.q.until(t, "the end of the save", func() bool { return h2.u.rend.done.Visible() || h2.u.rend.failed.Visible() })
	if got := h2.u.settings.p.String(prefSaving); got != "" {
		t.Errorf("mark %q left after the save ended", got)
	}
}

func TestOpenHARStartsInDownloads(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	if got := downloadsFolder(); got != "" {
		t.Errorf("without a Downloads folder: %q", got)
	}
	if err := os.Mkdir(filepath.Join(home, "Downloads"), 0o700); err != nil {
		t.Fatal(err)
	}
	if got := downloadsFolder(); got != filepath.Join(home, "Downloads") {
		t.Errorf("got %q", got)
	}
}
