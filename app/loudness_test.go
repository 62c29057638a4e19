package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"replayrescue/core/job"

	"replayrescue/app/internal/backend"
)

// "Even out the sound" asks the save for it, and the result says what
// changed, in the window's language.
func TestEvenOutTheSound(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	var asked bool
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		j.render = func(_ context.Context, j *fakeJob, s job.Settings) error {
			asked = s.Loudness
			j.events(job.Done{Output: s.Output, Duration: time.Minute, Size: 1 << 20, Loudness: &job.Loudness{Before: -23.2, Gain: 7.2}})
			return nil
		}
		return j
	}
	h := newHarness(t, be)
	h.toEdit()
	e := h.u.edit
	if e.settings().Loudness {
		t.Fatal("evened out without the box ticked")
	}
	// Tapped on its box, half-way down the row it shares with the hint.
	test.TapAt(e.loudness, fyne.NewPos(5, e.loudness.Size().Height/2))
	e.saveTo(filepath.Join(t.TempDir(), "talk.mp4"), true)
	h.q.until(t, "the result", func() bool { return h.u.rend.result != nil })
	if !asked {
		t.Error("the ticked box did not ask the save to even out the sound")
	}
	if want := "The sound was raised by 7 dB to a standard speech level."; !strings.Contains(h.u.rend.doneMsg.Text, want) {
		t.Errorf("the result reads %q, want it to say %q", h.u.rend.doneMsg.Text, want)
	}
}
