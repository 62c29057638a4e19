package app

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"replayrescue/core/job"

	"replayrescue/app/internal/backend"
)

// Parts are cut out on a second strip with two handles: listed, shaded on
// the trim's strip, merged where they overlap, nudged and restored, and
// the save leaves them out.
func TestCutOutParts(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	var asked []job.Span
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		j.render = func(_ context.Context, j *fakeJob, s job.Settings) error {
			asked = s.Cuts
			j.events(job.Done{Output: s.Output, Duration: time.Minute, Size: 1 << 20})
			return nil
		}
		return j
	}
	h := newHarness(t, be)
	h.toEdit()
	e := h.u.edit
	c := e.cuts
	if c.choosing.Visible() || len(e.settings().Cuts) != 0 {
		t.Fatal("a cut is being chosen before anything was asked")
	}
	cut := func(from, to time.Duration) {
		test.Tap(c.begin)
		if !c.choosing.Visible() {
			t.Fatal("the strip to choose a cut does not show")
		}
		c.pick.SetRange(from, to)
		test.Tap(c.confirm)
	}
	s := time.Second
	cut(10*s, 20*s)
	cut(40*s, 50*s)
	cut(45*s, 55*s) // overlaps the one before: merged
	texts := func() []string {
		var out []string
		for _, sp := range e.settings().Cuts {
			out = append(out, spanText(sp))
		}
		return out
	}
	if got, want := texts(), []string{"0:10-0:20", "0:40-0:55"}; !slices.Equal(got, want) {
		t.Fatalf("cuts %v, want %v", got, want)
	}
	if len(e.trim.cuts) != 2 || len(c.rows.Objects) != 2 || c.choosing.Visible() {
		t.Errorf("%d cuts shaded on the strip, %d listed, choosing shown %v", len(e.trim.cuts), len(c.rows.Objects), c.choosing.Visible())
	}
	c.nudge(1, false, -s) // the second one starts a second earlier
	c.nudge(0, true, s)   // the first ends a second later
	if got, want := texts(), []string{"0:10-0:21", "0:39-0:55"}; !slices.Equal(got, want) {
		t.Errorf("after nudging: %v, want %v", got, want)
	}
	c.restore(0)
	if got, want := texts(), []string{"0:39-0:55"}; !slices.Equal(got, want) {
		t.Errorf("after restoring the first: %v, want %v", got, want)
	}
	// Cancel leaves the cuts as they were.
	test.Tap(c.begin)
	c.pick.SetRange(0, 5*s)
	test.Tap(c.dismiss)
	if got := texts(); len(got) != 1 || c.begin.Disabled() || c.choosing.Visible() {
		t.Errorf("after cancelling: %v", got)
	}
	e.saveTo(filepath.Join(t.TempDir(), "talk.mp4"), true)
	h.q.until(t, "the result", func() bool { return h.u.rend.result != nil })
	if len(asked) != 1 || asked[0] != (job.Span{From: 39 * s, To: 55 * s}) {
		t.Errorf("the save was asked to leave out %v", asked)
	}
}

// The player skips the cuts: each stretch plays up to the next cut, and a
// start inside a cut plays from its end.
func TestPlayerSkipsCuts(t *testing.T) {
	s := time.Second
	c := &cutList{spans: []backend.Span{{From: 10 * s, To: 20 * s}, {From: 40 * s, To: 50 * s}}}
	for _, tc := range []struct{ from, start, stop time.Duration }{
		{0, 0, 10 * s},
		{12 * s, 20 * s, 40 * s},
		{10 * s, 20 * s, 40 * s}, // where the player stopped: on from the cut's end
		{45 * s, 50 * s, 60 * s},
		{55 * s, 55 * s, 60 * s},
	} {
		if start, stop := c.stretch(tc.from, 60*s); start != tc.start || stop != tc.stop {
			t.Errorf("from %v: plays %v to %v, want %v to %v", tc.from, start, stop, tc.start, tc.stop)
		}
	}
}
