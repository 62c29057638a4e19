package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"replayrescue/core/capture"
	"replayrescue/core/intake"

	"replayrescue/app/internal/backend"
)

// topDialogText is the text of every label in the window's top overlay (an
// open dialog), "" when none is open.
func topDialogText(h *harness) string {
	top := h.win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(top)
	return b.String()
}

// TestCaptureButton drives "Capture from browser" with a fake browser: the
// wait dialog names the temporary profile; once the replay plays the Found
// screen shows it with "Found it: <title>, <length>"; Cancel closes the
// browser (the capture's context ends) without a complaint; with no browser
// installed the one sentence shows and the HAR help opens.
func TestCaptureButton(t *testing.T) {
	be := &fakeBackend{}
	h := newHarness(t, be)
	h.u.settings.p.SetString(prefBrowser, "/opt/brave/brave")

	// The user plays the replay: the fake browser finds it when told to.
	played := make(chan struct{})
	be.browser = func(ctx context.Context) ([]backend.Candidate, error) {
		select {
		case <-played:
			return readyCands(), nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	test.Tap(h.u.start.capture)
	if !strings.Contains(topDialogText(h), "temporary profile") {
		t.Fatalf("no wait dialog: %q", topDialogText(h))
	}
	if !h.u.start.capture.Disabled() || !h.u.start.openHAR.Disabled() {
		t.Error("the start buttons stay enabled while the browser is open")
	}
	close(played)
	h.q.until(t, "the found screen", func() bool { return h.u.screen == screenFound })
	if got := be.captured; len(got) != 1 || got[0] != "/opt/brave/brave" {
		t.Errorf("capture given browser %v, want the setting", got)
	}
	if got := topDialogText(h); !strings.Contains(got, "Found it: Keynote, 2:00") {
		t.Errorf("the found message is %q", got)
	}

	// Cancel while waiting: the browser's context ends, nothing complains.
	h.win.Canvas().Overlays().Top().Hide()
	h.u.show(screenStart)
	cancelled := make(chan struct{})
	be.browser = func(ctx context.Context) ([]backend.Candidate, error) {
		<-ctx.Done()
		close(cancelled)
		return nil, ctx.Err()
	}
	test.Tap(h.u.start.capture)
	h.u.start.captureDialog.hide() // what the dialog's Cancel button does
	<-cancelled
	h.q.until(t, "the start screen ready again", func() bool { return !h.u.start.capture.Disabled() })
	if h.u.start.status.Visible() || h.u.screen != screenStart {
		t.Errorf("a cancelled capture shows %q on screen %v", h.u.start.status.Text, h.u.screen)
	}

	// No browser: one sentence, and the HAR route with its help.
	be.browser = func(ctx context.Context) ([]backend.Candidate, error) {
		return nil, &intake.InputError{Msg: capture.NoBrowserMsg, Err: capture.ErrNoBrowser}
	}
	test.Tap(h.u.start.capture)
	h.q.until(t, "the problem", func() bool { return h.u.start.status.Visible() })
	if h.u.start.status.Text != capture.NoBrowserMsg {
		t.Errorf("status %q", h.u.start.status.Text)
	}
	if got := topDialogText(h); !strings.Contains(got, "HAR") {
		t.Errorf("the HAR help did not open: %q", got)
	}
}
