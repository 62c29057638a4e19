package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"replayrescue/core/job"

	"replayrescue/app/internal/backend"
)

// What the render repaired in the sound is said with the result, in the
// sentence the CLI prints.
func TestRenderSaysWhatWasRepaired(t *testing.T) {
	h := newHarness(t, repairing(job.SoundRepaired{Holes: []job.SoundHole{{At: 45 * time.Second, Length: 21 * time.Second}}}))
	h.toEdit()
	h.u.edit.saveTo(filepath.Join(t.TempDir(), "talk.mp4"), true)
	h.q.until(t, "the result", func() bool { return h.u.rend.result != nil })
	if want := "The sound was missing for 21 s at 0:45; that stretch is silent in the video."; !strings.Contains(h.u.rend.doneMsg.Text, want) {
		t.Errorf("the result reads %q, want it to say %q", h.u.rend.doneMsg.Text, want)
	}
}

// The done screen's repair sentences come from the core as templates: in
// German and Spanish they are said in the window's language.
func TestRepairsInTheWindowsLanguage(t *testing.T) {
	repaired := job.SoundRepaired{Converted: "ac3", PictureHoles: []job.SoundHole{{At: 8 * time.Second, Length: 8 * time.Second}}}
	want := map[string][]string{
		"de": {"Der Ton war AC-3 (Dolby Digital)", "Das Bild fehlte 8 s lang bei 0:08"},
		"es": {"El sonido era AC-3 (Dolby Digital)", "Faltó la imagen durante 8 s en 0:08"},
	}
	for _, code := range []string{"de", "es"} {
		t.Run(code, func(t *testing.T) {
			h := newHarness(t, repairing(repaired))
			t.Cleanup(func() { _ = applyLanguage("en") })
			h.u.setLanguage(code)
			h.toEdit()
			h.u.edit.saveTo(filepath.Join(t.TempDir(), "talk.mp4"), true)
			h.q.until(t, "the result", func() bool { return h.u.rend.result != nil })
			for _, w := range want[code] {
				if !strings.Contains(h.u.rend.doneMsg.Text, w) {
					t.Errorf("the result reads %q, want %q in it", h.u.rend.doneMsg.Text, w)
				}
			}
		})
	}
}

// repairing is a backend whose saves repaired what e says.
func repairing(e job.SoundRepaired) *fakeBackend {
	be := &fakeBackend{cands: readyCands()}
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		j.render = func(_ context.Context, j *fakeJob, s job.Settings) error {
			j.events(e)
			j.events(job.Done{Output: s.Output, Duration: time.Minute, Size: 1 << 20})
			return nil
		}
		return j
	}
	return be
}
