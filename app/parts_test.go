package app

import (
	"context"
	"image"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"replayrescue/core/job"

	"replayrescue/app/internal/backend"
)

// partCands is what dropping one broadcast of the talk finds.
func partCands(title string, length time.Duration, started time.Time) []backend.Candidate {
	return []backend.Candidate{{Title: title, From: "pasted link", Duration: length, Quality: "1280x720", Chunks: 10, Ready: true, Started: started}}
}

// findPart drops a source whose candidates are cands and waits for the
// found screen. The first part, one ready video, goes straight to its
// download: Back there leads to the found screen, where the talk grows.
func (h *harness) findPart(cands []backend.Candidate) {
	h.t.Helper()
	h.be.mu.Lock()
	h.be.cands = cands
	h.be.mu.Unlock()
	h.u.dropped(fyne.NewPos(1, 1), []fyne.URI{fileURI("/tmp/" + cands[0].Title + ".har")})
	h.q.until(h.t, "the found screen", func() bool {
		if h.u.screen == screenDownload && len(h.u.parts) == 0 && h.u.dl.back.Visible() {
			test.Tap(h.u.dl.back)
		}
		return h.u.screen == screenFound && len(h.u.found.rows) == len(cands)
	})
}

// TestTalkInSeveralParts: three broadcasts added one by one on the found
// screen, reordered and one removed and added again, downloaded together
// with a bar each, then trimmed on one timeline with a sync slider per part.
func TestTalkInSeveralParts(t *testing.T) {
	be := &fakeBackend{}
	h := newHarness(t, be)
	began := time.Date(2026, 3, 14, 14, 0, 0, 0, time.Local)
	h.findPart(partCands("Keynote", 20*time.Second, began))
	f := h.u.found
	if f.parts.card.Visible() {
		t.Error("parts list shown before any part was added")
	}
	test.Tap(f.addPart)
	if h.u.screen != screenStart || len(h.u.parts) != 1 {
		t.Fatalf("after Add another part: screen %v, %d parts", h.u.screen, len(h.u.parts))
	}

	h.findPart(partCands("Keynote (2)", 30*time.Second, began.Add(21*time.Second)))
	f = h.u.found
	if !f.parts.card.Visible() || len(f.parts.lines) != 1 {
		t.Fatalf("parts list hidden or wrong after one part: %d lines", len(f.parts.lines))
	}
	if got := f.parts.lines[0].Text; !strings.Contains(got, "Part 1") || !strings.Contains(got, "Keynote") || !strings.Contains(got, "0:20") || !strings.Contains(got, "2026-03-14 14:00") {
		t.Errorf("part line %q lacks its number, title, length or start", got)
	}
	if !strings.Contains(f.parts.note.Text, "part 2") {
		t.Errorf("note %q does not say which part comes next", f.parts.note.Text)
	}
	test.Tap(f.addPart)
	h.findPart(partCands("Keynote (3)", 15*time.Second, time.Time{}))

	// Move part 2 up, then back down; remove part 1 and put it back last.
	h.u.found.parts.onMove(1, -1)
	if h.u.parts[0].Title != "Keynote (2)" || !strings.Contains(h.u.found.parts.lines[0].Text, "Part 1 · Keynote (2)") {
		t.Fatalf("moving part 2 up: %v", titles(h.u.parts))
	}
	h.u.found.parts.onMove(0, 1)
	h.u.found.parts.onRemove(0)
	if got := titles(h.u.parts); !slices.Equal(got, []string{"Keynote (2)"}) {
		t.Fatalf("after removing part 1: %v", got)
	}
	h.u.parts = append([]backend.Candidate{partCands("Keynote", 20*time.Second, began)[0]}, h.u.parts...)
	h.u.found.parts.refresh()

	// Download: one talk of three parts, a bar each.
	release := make(chan struct{})
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		j.download = func(ctx context.Context, j *fakeJob) error {
			for part := range 3 {
				j.events(job.PartEvent{Part: part, Event: job.Found{Duration: time.Duration(part+1) * 10 * time.Second, Ended: true}})
				j.events(job.PartEvent{Part: part, Event: job.Progress{Done: part + 1, Total: 4}})
			}
			j.events(job.Progress{Done: 6, Total: 12})
			<-release
			return nil
		}
		return j
	}
	test.Tap(h.u.found.download)
	h.q.until(t, "the download screen", func() bool { return h.u.screen == screenDownload })
	dl := h.u.dl
	if len(dl.partRows) != 3 || !dl.partsBox.Visible() {
		t.Fatalf("%d part rows (visible %v), want 3", len(dl.partRows), dl.partsBox.Visible())
	}
	h.q.until(t, "each part's progress", func() bool { return dl.partRows[2].bar.Value == 0.75 })
	if dl.partRows[0].bar.Value != 0.25 || dl.partRows[1].bar.Value != 0.5 {
		t.Errorf("part bars %v, %v, want 0.25, 0.5", dl.partRows[0].bar.Value, dl.partRows[1].bar.Value)
	}
	if !strings.Contains(dl.partRows[1].line.Text, "Part 2 · Keynote (2)") || !strings.Contains(dl.partRows[1].line.Text, "0:20") {
		t.Errorf("part 2's row %q", dl.partRows[1].line.Text)
	}
	if dl.bar.Value != 0.5 {
		t.Errorf("overall bar %v, want 0.5", dl.bar.Value)
	}
	j := be.jobs[len(be.jobs)-1]
	if !slices.Equal(j.lengths, []time.Duration{20 * time.Second, 30 * time.Second, 15 * time.Second}) {
		t.Fatalf("talk opened with parts %v, want 20 s, 30 s, 15 s in order", j.lengths)
	}
	close(release)
	h.q.until(t, "the edit screen", func() bool { return h.u.screen == screenEdit })

	// One timeline, a sync slider per part.
	e := h.u.edit
	if e.total != 65*time.Second || e.endEntry.Text != "1:05" {
		t.Errorf("timeline %v (end field %q), want the three parts' 1:05", e.total, e.endEntry.Text)
	}
	if e.parts == nil || len(e.parts.choose.Options) != 3 {
		t.Fatal("no per-part sync choice")
	}
	if !strings.Contains(e.parts.choose.Options[1], "0:20") || !strings.Contains(e.parts.choose.Options[2], "0:50") {
		t.Errorf("parts offered as %v, want their starts 0:20 and 0:50", e.parts.choose.Options)
	}
	e.setOffset(2 * time.Second)
	e.parts.choose.SetSelectedIndex(2)
	if e.audioOffset != 0 || e.offset.Value != 0 {
		t.Errorf("part 3's slider starts at %v, want 0 (as recorded)", e.audioOffset)
	}
	e.setOffset(-300 * time.Millisecond)
	e.parts.choose.SetSelectedIndex(0)
	if e.audioOffset != 2*time.Second {
		t.Errorf("back on part 1 the slider shows %v, want its 2 s", e.audioOffset)
	}
	// Playing on into part 2 hears part 2's sync, and the slider shows it.
	e.parts.choose.SetSelectedIndex(1)
	e.setOffset(-700 * time.Millisecond)
	e.parts.choose.SetSelectedIndex(0)
	e.typed(startHandle, 15*time.Second)
	test.Tap(e.play)
	p := be.players[len(be.players)-1]
	e.onPlayedPicture(image.NewRGBA(image.Rect(0, 0, 16, 9)), 21*time.Second)
	h.q.until(t, "the picture at 0:21", func() bool { return e.cursor == 21*time.Second })
	if e.parts.current != 1 || e.audioOffset != -700*time.Millisecond || p.offset != -700*time.Millisecond {
		t.Errorf("playing in part 2: part %d chosen, slider %v, player's offset %v; want part 2's -0.7 s", e.parts.current+1, e.audioOffset, p.offset)
	}
	test.Tap(e.play) // pause
	e.parts.choose.SetSelectedIndex(0)

	e.typed(startHandle, 7500*time.Millisecond)
	e.typed(endHandle, 59300*time.Millisecond)
	if !e.fade.Visible() || e.fade.Checked {
		t.Errorf("fade between parts: shown %v, checked %v; want shown, unchecked", e.fade.Visible(), e.fade.Checked)
	}
	if s := e.settings(); s.Crossfade != 0 {
		t.Errorf("cross-fade %v before the box is checked, want none", s.Crossfade)
	}
	test.Tap(e.fade)

	h.u.edit.saveTo(filepath.Join(t.TempDir(), "talk.mp4"), true)
	h.q.until(t, "the done screen", func() bool { return h.u.rend.done.Visible() })
	s := j.renders[len(j.renders)-1]
	if s.Start != 7500*time.Millisecond || s.End != 59300*time.Millisecond {
		t.Errorf("render cut %v to %v, want 0:07.5 to 0:59.3", s.Start, s.End)
	}
	if !slices.Equal(s.PartOffsets, []time.Duration{2 * time.Second, -700 * time.Millisecond, -300 * time.Millisecond}) {
		t.Errorf("render offsets %v, want 2s, -0.7s, -0.3s", s.PartOffsets)
	}
	if s.Crossfade != 500*time.Millisecond {
		t.Errorf("render cross-fade %v, want 0.5 s", s.Crossfade)
	}

	// Starting over forgets the parts.
	h.u.startOver()
	if len(h.u.parts) != 0 {
		t.Errorf("%d parts kept after starting over", len(h.u.parts))
	}
}

// TestAddPartFromEdit: a broadcast already downloaded and on the edit
// screen becomes part 1 of a talk.
func TestAddPartFromEdit(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	h := newHarness(t, be)
	h.toEdit()
	if h.u.edit.fade.Visible() {
		t.Error("fade between parts shown for a single broadcast")
	}
	test.Tap(h.u.edit.addPart)
	if h.u.screen != screenStart || h.u.sess != nil || len(h.u.parts) != 1 || h.u.parts[0].From != "HAR entry 9" {
		t.Fatalf("after Add another part: screen %v, session %v, parts %v", h.u.screen, h.u.sess != nil, h.u.parts)
	}
	h.findPart(partCands("Keynote (2)", 30*time.Second, time.Time{}))
	if f := h.u.found; !f.parts.card.Visible() || len(f.parts.lines) != 1 || !strings.Contains(f.parts.lines[0].Text, "Part 1 · Keynote") {
		t.Errorf("the edited broadcast is not listed as part 1")
	}
	test.Tap(h.u.found.download)
	h.q.until(t, "the edit screen", func() bool { return h.u.screen == screenEdit })
	if j := be.jobs[len(be.jobs)-1]; !slices.Equal(j.lengths, []time.Duration{2 * time.Minute, 30 * time.Second}) {
		t.Errorf("talk opened with parts %v", j.lengths)
	}
}

func titles(cs []backend.Candidate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Title)
	}
	return out
}
