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
	be := &fakeBackend{cands: readyCands()}
	repaired := job.SoundRepaired{Holes: []job.SoundHole{{At: 45 * time.Second, Length: 21 * time.Second}}}
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		j.render = func(_ context.Context, j *fakeJob, s job.Settings) error {
			j.events(repaired)
			j.events(job.Done{Output: s.Output, Duration: time.Minute, Size: 1 << 20})
			return nil
		}
		return j
	}
	h := newHarness(t, be)
	h.toEdit()
	h.u.edit.saveTo(filepath.Join(t.TempDir(), "talk.mp4"), true)
	h.q.until(t, "the result", func() bool { return h.u.rend.result != nil })
	if want := "The sound was missing for 21 s at 0:45; that stretch is silent in the video."; !strings.Contains(h.u.rend.doneMsg.Text, want) {
		t.Errorf("the result reads %q, want it to say %q", h.u.rend.doneMsg.Text, want)
	}
}
