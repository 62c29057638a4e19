package app

import (
	"replayrescue/app/internal/backend"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"replayrescue/core/job"
)

// drag moves the pointer from x0 to x1 the way the desktop driver reports
// it: each event has where the pointer is now and the step since the last.
func drag(r *rangeSlider, x0, x1 float32, steps int) {
	prev := x0
	for i := 1; i <= steps; i++ {
		x := x0 + (x1-x0)*float32(i)/float32(steps)
		r.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x, 20)}, Dragged: fyne.NewDelta(x-prev, 0)})
		prev = x
	}
	r.DragEnd()
}

func TestTrimHandlesCannotCross(t *testing.T) {
	test.NewTempApp(t)
	r := newRangeSlider(100 * time.Second)
	trackWindow(t, r) // 400 px of track: 4 px a second

	var ended []handle
	r.OnChangeEnded = func(_, _ time.Duration, h handle) { ended = append(ended, h) }

	// Start handle from 0 s to 30 s.
	drag(r, r.xAt(0), r.xAt(30*time.Second), 5)
	if r.Start() != 30*time.Second || r.End() != 100*time.Second {
		t.Fatalf("range %v..%v after moving start to 30 s", r.Start(), r.End())
	}
	// End handle from 100 s to 60 s.
	drag(r, r.xAt(100*time.Second), r.xAt(60*time.Second), 5)
	if r.End() != 60*time.Second {
		t.Fatalf("end %v, want 60 s", r.End())
	}
	if len(ended) != 2 || ended[0] != startHandle || ended[1] != endHandle {
		t.Errorf("OnChangeEnded for %v, want start then end", ended)
	}

	// Drag start far past end: it stops a second before it.
	drag(r, r.xAt(30*time.Second), r.xAt(95*time.Second), 8)
	if r.Start() != 59*time.Second || r.End() != 60*time.Second {
		t.Errorf("after pushing start past end: %v..%v, want 59s..60s", r.Start(), r.End())
	}
	// Drag end far before start (the handle nearest the press is end when pressed right of both).
	r.SetRange(20*time.Second, 60*time.Second)
	drag(r, r.xAt(60*time.Second), r.xAt(0), 8)
	if r.Start() != 20*time.Second || r.End() != 21*time.Second {
		t.Errorf("after pushing end past start: %v..%v, want 20s..21s", r.Start(), r.End())
	}
	// Off the ends of the track.
	r.SetRange(20*time.Second, 60*time.Second)
	drag(r, r.xAt(20*time.Second), -50, 3)
	drag(r, r.xAt(60*time.Second), 1000, 3)
	if r.Start() != 0 || r.End() != 100*time.Second {
		t.Errorf("dragging past the track ends: %v..%v, want 0..100s", r.Start(), r.End())
	}
	// SetRange from code keeps the order too, and fires nothing.
	n := len(ended)
	r.SetRange(80*time.Second, 10*time.Second)
	if r.Start() > r.End()-time.Second {
		t.Errorf("SetRange(80s, 10s) gave %v..%v", r.Start(), r.End())
	}
	if len(ended) != n {
		t.Error("SetRange fired OnChangeEnded")
	}
}

// trackWindow shows r alone, 414 px wide: 400 px of track between the
// half-handles at each end.
func trackWindow(t *testing.T, r *rangeSlider) fyne.Window {
	w := test.NewTempWindow(t, r)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(414, 56))
	if r.Size().Width != 414 {
		t.Fatalf("trim bar is %v wide", r.Size().Width)
	}
	return w
}

func TestTrimKeyboardAndTap(t *testing.T) {
	test.NewTempApp(t)
	r := newRangeSlider(100 * time.Second)
	w := trackWindow(t, r)

	// A tap moves the nearer handle there and makes it the keyboard's.
	test.TapAt(r, fyne.NewPos(r.xAt(70*time.Second), 20))
	if r.End() != 70*time.Second || r.active != endHandle {
		t.Fatalf("tap near the end: end %v, active %v", r.End(), r.active)
	}
	if w.Canvas().Focused() != r {
		t.Error("a tap does not focus the trim bar, so arrows would not reach it")
	}
	r.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	r.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	if r.End() != 68*time.Second {
		t.Errorf("two Left presses: end %v, want 68 s", r.End())
	}
	r.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageUp})
	if r.End() != 78*time.Second {
		t.Errorf("Page Up: end %v, want 78 s", r.End())
	}
	r.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace}) // switch to the start handle
	r.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	if r.Start() != time.Second {
		t.Errorf("Space then Right: start %v, want 1 s", r.Start())
	}
	r.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnd})
	if r.Start() != 77*time.Second {
		t.Errorf("End key: start %v, want 77 s (a second before the end handle)", r.Start())
	}
}

func TestEditTimesTypedExactlyAndNudged(t *testing.T) {
	h := newHarness(t, &fakeBackend{cands: readyCands()})
	h.toEdit()
	e := h.u.edit
	if e.startEntry.Text != "0:00" || e.endEntry.Text != "2:00" {
		t.Fatalf("fields show %q and %q", e.startEntry.Text, e.endEntry.Text)
	}

	e.startEntry.SetText("1:05.5")
	e.startEntry.OnSubmitted(e.startEntry.Text)
	if e.trim.Start() != 65500*time.Millisecond {
		t.Errorf("typed 1:05.5: start %v", e.trim.Start())
	}
	if !strings.Contains(e.length.Text, "0:54.5") {
		t.Errorf("length %q, want 0:54.5", e.length.Text)
	}

	// Nonsense is refused and the field shows the time again.
	e.endEntry.SetText("soon")
	if e.endEntry.Validate() == nil {
		t.Error("the end field accepts \"soon\"")
	}
	e.endEntry.FocusLost()
	if e.endEntry.Text != "2:00" || e.trim.End() != 2*time.Minute {
		t.Errorf("after a bad time: field %q, end %v", e.endEntry.Text, e.trim.End())
	}

	// An end before the start is pulled back to a second after it.
	e.endEntry.SetText("30")
	e.endEntry.OnSubmitted("30")
	if e.trim.End() != 66500*time.Millisecond {
		t.Errorf("end typed before start: %v", e.trim.End())
	}
	e.endEntry.SetText("1:50")
	e.endEntry.OnSubmitted("1:50")

	// Nudge buttons and arrow keys with nothing focused.
	test.Tap(findButtonIn(t, e.content, "+1 s", 0))
	if e.trim.Start() != 66500*time.Millisecond || e.startEntry.Text != "1:06.5" {
		t.Errorf("+1 s: start %v, field %q", e.trim.Start(), e.startEntry.Text)
	}
	h.win.Canvas().Unfocus()
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyRight})
	if e.trim.Start() != 67500*time.Millisecond {
		t.Errorf("Right arrow moved %v..%v; want the start handle (last touched) at 1:07.5", e.trim.Start(), e.trim.End())
	}
	e.endEntry.FocusGained()
	e.endEntry.SetText("1:51")
	e.endEntry.FocusLost() // leaving the field commits it, like Enter
	if e.trim.End() != 111*time.Second {
		t.Errorf("end %v after leaving the field with 1:51", e.trim.End())
	}

	s := e.settings()
	if s.Start != 67500*time.Millisecond || s.End != 111*time.Second {
		t.Errorf("render settings %+v", s)
	}
	e.trim.SetRange(0, 2*time.Minute)
	if s := e.settings(); s.Start != 0 || s.End != 0 {
		t.Errorf("the whole video should render with End 0 (to the end): %+v", s)
	}
}

// findButtonIn finds the n-th visible button labelled text under o.
func findButtonIn(t *testing.T, o fyne.CanvasObject, text string, n int) *widget.Button {
	t.Helper()
	for _, c := range test.LaidOutObjects(o) {
		if b, ok := c.(*widget.Button); ok && b.Text == text && b.Visible() {
			if n == 0 {
				return b
			}
			n--
		}
	}
	t.Fatalf("no button %q", text)
	return nil
}

func TestPreviewFramesDebouncedCachedAndFresh(t *testing.T) {
	h := newHarness(t, &fakeBackend{cands: readyCands()})
	j := h.toEdit()
	e := h.u.edit
	h.q.until(t, "the first picture and the film strip", func() bool {
		return e.preview.Image != nil && !slices.Contains(e.trim.thumbs, nil)
	})
	if shadeOf(e.preview.Image) != 0 {
		t.Errorf("first picture is from %v, want 0 s", shadeOf(e.preview.Image))
	}
	for i, img := range e.trim.thumbs {
		if img == nil {
			t.Fatalf("thumbnail %d missing", i)
		}
	}
	before := len(j.frameCalls())

	// A quick drag: positions in between are not fetched, the release is.
	j.mu.Lock()
	j.frameDelay = 30 * time.Millisecond
	j.mu.Unlock()
	asked := time.Now()
	drag(e.trim, e.trim.xAt(0), e.trim.xAt(40*time.Second), 10)
	h.q.until(t, "the picture at the release", func() bool {
		return e.preview.Image != nil && shadeOf(e.preview.Image) == e.trim.Start().Truncate(time.Second)
	})
	latency := time.Since(asked)
	calls := j.frameCalls()[before:]
	if len(calls) != 1 {
		t.Errorf("a quick drag fetched %d pictures (%v); want only where it was let go", len(calls), calls)
	}
	if latency > time.Second {
		t.Errorf("the picture took %v after the release", latency)
	}
	if !strings.Contains(e.previewNote.Text, job.FormatClock(e.trim.Start())) {
		t.Errorf("note %q does not say where the picture is from", e.previewNote.Text)
	}

	// Resting on a spot mid-drag starts its fetch; letting go there reuses
	// it instead of starting over.
	n0 := len(j.frameCalls())
	j.mu.Lock()
	j.frameDelay = 250 * time.Millisecond
	j.mu.Unlock()
	x0, x1 := e.trim.xAt(e.trim.Start()), e.trim.xAt(70*time.Second)
	e.trim.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x1, 20)}, Dragged: fyne.NewDelta(x1-x0, 0)})
	time.Sleep(dragDelay + 50*time.Millisecond) // the pointer rests; the fetch starts
	e.trim.DragEnd()
	h.q.until(t, "the picture where the drag rested", func() bool { return shadeOf(e.preview.Image) == e.trim.Start().Truncate(time.Second) })
	if calls := j.frameCalls()[n0:]; len(calls) != 1 {
		t.Errorf("rest then release fetched %v; want one fetch", calls)
	}
	j.mu.Lock()
	j.frameDelay = 0
	j.mu.Unlock()

	// Going back to a position already seen needs no new fetch.
	n := len(j.frameCalls())
	e.loadPreview(0)
	if shadeOf(e.preview.Image) != 0 {
		t.Error("the cached first picture was not shown at once")
	}
	if len(j.frameCalls()) != n {
		t.Error("a cached picture was fetched again")
	}

	// A slow request overtaken by a newer one never replaces it.
	j.mu.Lock()
	j.frameDelay = 300 * time.Millisecond
	j.mu.Unlock()
	e.loadPreview(90 * time.Second)
	j.mu.Lock()
	j.frameDelay = 0
	j.mu.Unlock()
	e.loadPreview(100 * time.Second)
	h.q.until(t, "the newest picture", func() bool { return shadeOf(e.preview.Image) == 100*time.Second })
	time.Sleep(350 * time.Millisecond)
	h.q.settle()
	if got := shadeOf(e.preview.Image); got != 100*time.Second {
		t.Errorf("a stale picture (%v) replaced the newest", got)
	}
}

func TestAudioOffsetSlider(t *testing.T) {
	h := newHarness(t, &fakeBackend{cands: readyCands()})
	h.toEdit()
	e := h.u.edit
	h.win.Resize(fyne.NewSize(1000, 700))
	if e.offset.Min != -500 || e.offset.Max != 500 || e.offset.Step != 1 {
		t.Fatalf("slider %v..%v step %v, want ±5 s in 10 ms steps", e.offset.Min, e.offset.Max, e.offset.Step)
	}
	if e.offsetLabel.Text != "as recorded" || e.offsetEntry.Text != "+0.00 s" || e.offset.Value != 0 {
		t.Errorf("starts at %v (%q, %q), want 0", e.offset.Value, e.offsetEntry.Text, e.offsetLabel.Text)
	}
	h.q.settle()
	at := func() []fyne.Position {
		return []fyne.Position{e.offset.Position(), e.offsetEntry.Position(), e.offsetLabel.Position(),
			findButtonIn(t, e.content, "+0.1 s", 0).Position()}
	}
	sizes := func() []fyne.Size { return []fyne.Size{e.offset.Size(), e.offsetEntry.Size()} }
	before, beforeSizes := at(), sizes()

	// The user drags the slider: 10 ms resolution, no float drift.
	e.offset.SetValue(37)
	if e.audioOffset != 370*time.Millisecond {
		t.Errorf("slider at 37 steps: offset %v, want 370ms", e.audioOffset)
	}
	if e.offsetEntry.Text != "+0.37 s" || e.offsetLabel.Text != "sound later" {
		t.Errorf("shows %q %q", e.offsetEntry.Text, e.offsetLabel.Text)
	}
	h.q.settle()
	if got := at(); !slices.Equal(got, before) || !slices.Equal(sizes(), beforeSizes) {
		t.Errorf("the sync controls moved when the value changed: %v -> %v, sizes %v -> %v", before, got, beforeSizes, sizes())
	}

	for range 4 {
		test.Tap(findButtonIn(t, e.content, "–0.1 s", 0))
	}
	test.Tap(findButtonIn(t, e.content, "+0.01 s", 0))
	if e.audioOffset != -20*time.Millisecond || e.offset.Value != -2 {
		t.Errorf("after four −0.1 s and one +0.01 s: offset %v, slider %v", e.audioOffset, e.offset.Value)
	}
	if e.offsetEntry.Text != "-0.02 s" || e.offsetLabel.Text != "sound earlier" {
		t.Errorf("shows %q %q", e.offsetEntry.Text, e.offsetLabel.Text)
	}

	// Typed: as shown, with a comma, in milliseconds; nonsense is put back.
	for _, c := range []struct {
		typed string
		want  time.Duration
	}{{"+0.35 s", 350 * time.Millisecond}, {"-1,5", -1500 * time.Millisecond}, {"250ms", 250 * time.Millisecond}, {"soon", 250 * time.Millisecond}} {
		e.offsetEntry.SetText(c.typed)
		e.offsetEntry.OnSubmitted(c.typed)
		if e.audioOffset != c.want {
			t.Errorf("typed %q: offset %v, want %v (field %q)", c.typed, e.audioOffset, c.want, e.offsetEntry.Text)
		}
	}
	if e.offsetEntry.Text != "+0.25 s" {
		t.Errorf("after nonsense the field shows %q, want the offset back", e.offsetEntry.Text)
	}

	// Beyond ±5 s the slider widens, on request; 60 s at most.
	e.setOffset(-12 * time.Second)
	if e.audioOffset != -12*time.Second || e.offset.Min != -2000 || e.offset.Value != -1200 {
		t.Errorf("typed -12 s: %v, slider %v in %v..%v", e.audioOffset, e.offset.Value, e.offset.Min, e.offset.Max)
	}
	e.setOffset(-95 * time.Second)
	if e.audioOffset != -60*time.Second {
		t.Errorf("beyond the limit: %v, want -60 s", e.audioOffset)
	}
	e.setOffset(2 * time.Second)
	if s := e.settings(); s.AudioOffset != 2*time.Second {
		t.Errorf("render settings carry offset %v", s.AudioOffset)
	}
}

func TestPreviewClipRendersAroundCursorAndOpens(t *testing.T) {
	h := newHarness(t, &fakeBackend{cands: readyCands()})
	j := h.toEdit()
	e := h.u.edit
	e.setOffset(-1500 * time.Millisecond)
	e.trim.SetRange(10*time.Second, 100*time.Second)
	e.loadPreview(60 * time.Second)

	test.Tap(e.previewClip)
	h.q.until(t, "the clip to open", func() bool { return len(h.opened) == 1 })
	s := j.renders[0]
	if s.Start != 55*time.Second || s.End != 65*time.Second {
		t.Errorf("clip %v..%v, want the 10 s around 1:00", s.Start, s.End)
	}
	if s.AudioOffset != -1500*time.Millisecond || !s.Force || !strings.HasSuffix(s.Output, ".mp4") {
		t.Errorf("clip settings %+v", s)
	}
	if h.opened[0].Scheme != "file" || !strings.HasSuffix(h.opened[0].Path, s.Output[len(s.Output)-10:]) {
		t.Errorf("opened %v, want the clip %s", h.opened[0], s.Output)
	}
	if e.previewClip.Disabled() || e.previewClip.Text != "Open in my player" {
		t.Error("the preview button did not come back")
	}

	// Near the trim's start the clip starts at the trim, still 10 s long.
	e.loadPreview(12 * time.Second)
	if a, b := e.clipRange(); a != 10*time.Second || b != 20*time.Second {
		t.Errorf("clip near the start: %v..%v", a, b)
	}
	e.loadPreview(99 * time.Second)
	if a, b := e.clipRange(); a != 90*time.Second || b != 100*time.Second {
		t.Errorf("clip near the end: %v..%v", a, b)
	}
}

// Under the trim the edit screen says where the saved video will really
// start (the fake's whole pictures are every 2 s) and the broadcast's own
// sync gap; "Exact start" makes the start the handle's.
func TestEditShowsWhereTheCutLands(t *testing.T) {
	h := newHarness(t, &fakeBackend{cands: readyCands()})
	h.toEdit()
	e := h.u.edit
	h.q.until(t, "the sync gap", func() bool { return strings.Contains(e.cutNote.Text, "starts 2.0 s after its picture") })

	e.startEntry.SetText("0:05.5")
	e.startEntry.OnSubmitted(e.startEntry.Text)
	h.q.until(t, "where the cut lands", func() bool {
		return strings.Contains(e.cutNote.Text, "will start at 0:04, the nearest whole picture")
	})
	// The length is the saved video's: from the whole picture at 0:04 to
	// the end (2:00), as the save and done screens will say it.
	if e.length.Text != "Video length: 1:56" {
		t.Errorf("length %q, want the saved video's 1:56 (from 0:04)", e.length.Text)
	}

	e.exact.SetChecked(true)
	h.q.until(t, "the exact start", func() bool { return !strings.Contains(e.cutNote.Text, "will start at") })
	if s := e.settings(); !s.Exact || s.Start != 5500*time.Millisecond {
		t.Errorf("render settings %+v, want exact from 0:05.5", s)
	}
}

// Play and Pause on the edit screen: the space bar and the button toggle
// it, nothing moves when the button's label changes, the slider's offset
// reaches the player while it plays, a handle moved stops it (the picture
// follows the handle), and a chat line tapped while playing plays from
// there. (Real pictures and sound: TestEditScreenPlaysWithSound.)
func TestEditPlayPause(t *testing.T) {
	h := newHarness(t, &fakeBackend{cands: readyCands()})
	h.toEdit()
	e := h.u.edit
	h.win.Resize(fyne.NewSize(1000, 700))
	h.q.settle()
	notePos, clipPos := e.previewNote.Position(), e.previewClip.Position()
	playSize := e.play.Size()

	h.u.onTypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	h.q.settle()
	p := h.be.players[len(h.be.players)-1]
	if !p.Playing() || e.play.Text != "Pause" {
		t.Fatalf("Space: playing %v, button %q", p.Playing(), e.play.Text)
	}
	if e.previewNote.Position() != notePos || e.previewClip.Position() != clipPos || e.play.Size() != playSize {
		t.Errorf("the row moved when Play became Pause: note %v -> %v, clip %v -> %v, button %v -> %v",
			notePos, e.previewNote.Position(), clipPos, e.previewClip.Position(), playSize, e.play.Size())
	}
	e.setOffset(1500 * time.Millisecond)
	if p.offset != 1500*time.Millisecond {
		t.Errorf("the player's offset is %v after the slider moved to +1.5 s", p.offset)
	}
	test.Tap(e.play)
	if p.Playing() || e.play.Text != "Play" {
		t.Errorf("the button did not pause: playing %v, %q", p.Playing(), e.play.Text)
	}

	test.Tap(e.play)
	e.typed(startHandle, 20*time.Second)
	if p.Playing() {
		t.Error("moving a handle did not stop playing")
	}
	test.Tap(e.play)
	if got := p.plays[len(p.plays)-1]; got != 20*time.Second {
		t.Errorf("Play after the handle moved played from %v, want the handle's 20 s", got)
	}
	e.chatLines = []backend.ChatMessage{{At: 42 * time.Second, Name: "ana", Text: "great point", Kind: backend.ChatComment}}
	e.onChatLineSelected(0)
	if got := p.plays[len(p.plays)-1]; !p.Playing() || got != 42*time.Second {
		t.Errorf("a chat line tapped while playing: playing %v from %v, want from 42 s", p.Playing(), got)
	}
}

// While the picture at a new time is coming, the old one is dimmed and the
// line says which time is coming; then the new picture, undimmed, with its
// own time.
func TestPreviewDimmedWhileLoading(t *testing.T) {
	h := newHarness(t, &fakeBackend{cands: readyCands()})
	h.toEdit()
	e := h.u.edit
	h.q.settle()
	e.typed(startHandle, 65*time.Second)
	if e.preview.Translucency == 0 || !strings.Contains(e.previewNote.Text, "Loading the picture at 1:05") {
		t.Errorf("while loading: translucency %v, note %q", e.preview.Translucency, e.previewNote.Text)
	}
	h.q.settle()
	if e.preview.Translucency != 0 || e.previewNote.Text != "Picture at 1:05" {
		t.Errorf("loaded: translucency %v, note %q", e.preview.Translucency, e.previewNote.Text)
	}
}
