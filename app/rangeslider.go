package app

import (
	"image"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"replayrescue/app/internal/backend"
)

// handle names one end of the trim range.
type handle int

const (
	noHandle handle = iota - 1
	startHandle
	endHandle
)

// rangeSlider is the trim bar: a film strip of thumbnails with a start and an
// end handle on top. Fyne has no range slider, and two separate sliders would
// let the ends cross and put the pictures somewhere else; here the handles
// sit on the pictures they cut and cannot pass each other.
//
// Values are times from the start of the broadcast. Setting values from code
// (SetRange, SetMax) never fires the callbacks, unlike widget.Slider.SetValue,
// so the edit screen can sync the handles with typed times without loops.
type rangeSlider struct {
	widget.BaseWidget

	max        time.Duration
	start, end time.Duration
	minGap     time.Duration // the shortest video the handles allow
	step       time.Duration // what one arrow key press moves

	// OnChanged fires while a handle moves; OnChangeEnded when it is let go
	// (or after a tap or key press), which is when the preview should load.
	OnChanged     func(start, end time.Duration, moved handle)
	OnChangeEnded func(start, end time.Duration, moved handle)

	active   handle // the handle the keyboard moves: the last one touched
	dragging handle
	focused  bool
	thumbs   []image.Image
	// cuts are the stretches left out (the edit screen's cuts), shaded on
	// the strip.
	cuts []backend.Span
}

// thumbCount is how many pictures the film strip shows.
const thumbCount = 10

func newRangeSlider(max time.Duration) *rangeSlider {
	r := &rangeSlider{max: max, end: max, minGap: time.Second, step: time.Second, active: startHandle, dragging: noHandle}
	r.thumbs = make([]image.Image, thumbCount)
	r.ExtendBaseWidget(r)
	return r
}

// Start and End are the chosen range.
func (r *rangeSlider) Start() time.Duration { return r.start }
func (r *rangeSlider) End() time.Duration   { return r.end }

// SetRange moves both handles, keeping them in order and apart.
func (r *rangeSlider) SetRange(start, end time.Duration) {
	r.start, r.end = r.clamp(start, end, startHandle)
	r.Refresh()
}

// SetCuts shades the stretches left out.
func (r *rangeSlider) SetCuts(cuts []backend.Span) {
	r.cuts = cuts
	r.Refresh()
}

// SetThumb shows img as the i-th picture of the film strip.
func (r *rangeSlider) SetThumb(i int, img image.Image) {
	if i < 0 || i >= len(r.thumbs) {
		return
	}
	r.thumbs[i] = img
	r.Refresh()
}

// ThumbTime is the moment the i-th picture of the strip shows: the middle
// of its slice of the broadcast.
func (r *rangeSlider) ThumbTime(i int) time.Duration {
	return time.Duration((float64(i) + 0.5) / thumbCount * float64(r.max))
}

// set moves one handle to t, clamped so it never crosses the other.
func (r *rangeSlider) set(h handle, t time.Duration) bool {
	s, e := r.start, r.end
	if h == startHandle {
		s = t
	} else {
		e = t
	}
	s, e = r.clamp(s, e, h)
	if s == r.start && e == r.end {
		return false
	}
	r.start, r.end = s, e
	r.Refresh()
	return true
}

// clamp keeps 0 <= start <= end-minGap and end <= max; the handle being moved
// is the one that gives way, so dragging start into end stops at end.
func (r *rangeSlider) clamp(s, e time.Duration, moving handle) (time.Duration, time.Duration) {
	gap := min(r.minGap, r.max)
	e = min(max(e, 0), r.max)
	s = min(max(s, 0), r.max)
	if e-s < gap {
		if moving == startHandle {
			s = max(e-gap, 0)
			e = max(e, s+gap)
		} else {
			e = min(s+gap, r.max)
			s = min(s, e-gap)
		}
	}
	return s, e
}

// Nudge moves the active handle by d (arrow keys and the nudge buttons).
func (r *rangeSlider) Nudge(h handle, d time.Duration) {
	r.active = h
	cur := r.start
	if h == endHandle {
		cur = r.end
	}
	if r.set(h, cur+d) {
		r.fire(h, true)
	}
}

func (r *rangeSlider) fire(h handle, ended bool) {
	if r.OnChanged != nil {
		r.OnChanged(r.start, r.end, h)
	}
	if ended && r.OnChangeEnded != nil {
		r.OnChangeEnded(r.start, r.end, h)
	}
}

// geometry: handles are handleWidth wide and centred on their time, so the
// strip is inset by half a handle on each side.
const handleWidth = 14

func (r *rangeSlider) timeAt(x float32) time.Duration {
	w := r.Size().Width - handleWidth
	if w <= 0 || r.max <= 0 {
		return 0
	}
	f := float64((x - handleWidth/2) / w)
	f = min(max(f, 0), 1)
	return time.Duration(f * float64(r.max)).Round(100 * time.Millisecond)
}

func (r *rangeSlider) xAt(t time.Duration) float32 {
	if r.max <= 0 {
		return handleWidth / 2
	}
	return handleWidth/2 + float32(float64(t)/float64(r.max))*(r.Size().Width-handleWidth)
}

// nearest is the handle closer to x; a tie (both handles together) picks
// the one that can move towards x.
func (r *rangeSlider) nearest(x float32) handle {
	ds := abs32(x - r.xAt(r.start))
	de := abs32(x - r.xAt(r.end))
	switch {
	case ds < de:
		return startHandle
	case de < ds:
		return endHandle
	case x < r.xAt(r.start):
		return startHandle
	}
	return endHandle
}

func abs32(f float32) float32 {
	if f < 0 {
		return -f
	}
	return f
}

// Dragged follows the pointer. Like the desktop driver, e.Position is where
// the pointer is now and e.Dragged the step since the last event, so the
// first event tells where the drag began: that picks the handle.
func (r *rangeSlider) Dragged(e *fyne.DragEvent) {
	if r.dragging == noHandle {
		r.dragging = r.nearest(e.Position.X - e.Dragged.DX)
		r.active = r.dragging
	}
	if r.set(r.dragging, r.timeAt(e.Position.X)) {
		r.fire(r.dragging, false)
	}
}

// DragEnd is when the preview loads.
func (r *rangeSlider) DragEnd() {
	h := r.dragging
	r.dragging = noHandle
	if h != noHandle && r.OnChangeEnded != nil {
		r.OnChangeEnded(r.start, r.end, h)
	}
}

// Tapped moves the nearer handle to the tap.
func (r *rangeSlider) Tapped(e *fyne.PointEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(r); c != nil {
		c.Focus(r)
	}
	h := r.nearest(e.Position.X)
	r.active = h
	if r.set(h, r.timeAt(e.Position.X)) {
		r.fire(h, true)
	}
	r.Refresh()
}

// Keyboard: Left/Right move the active handle a second, Page Up/Down ten
// seconds, Home/End to the ends; Tab goes on to the next widget as usual, so
// the start and end fields are the way to switch with the keyboard alone.
func (r *rangeSlider) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyLeft, fyne.KeyDown:
		r.Nudge(r.active, -r.step)
	case fyne.KeyRight, fyne.KeyUp:
		r.Nudge(r.active, r.step)
	case fyne.KeyPageDown:
		r.Nudge(r.active, -10*r.step)
	case fyne.KeyPageUp:
		r.Nudge(r.active, 10*r.step)
	case fyne.KeyHome:
		r.Nudge(r.active, -r.max)
	case fyne.KeyEnd:
		r.Nudge(r.active, r.max)
	case fyne.KeySpace:
		// Space switches the active handle, for keyboard-only users.
		if r.active == startHandle {
			r.active = endHandle
		} else {
			r.active = startHandle
		}
		r.Refresh()
	}
}

func (r *rangeSlider) TypedRune(rune) {}
func (r *rangeSlider) FocusGained()   { r.focused = true; r.Refresh() }
func (r *rangeSlider) FocusLost()     { r.focused = false; r.Refresh() }

// Cursor shows the pointer can grab here.
func (r *rangeSlider) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (r *rangeSlider) MinSize() fyne.Size {
	r.ExtendBaseWidget(r)
	return r.BaseWidget.MinSize()
}

func (r *rangeSlider) CreateRenderer() fyne.WidgetRenderer {
	rr := &rangeRenderer{r: r}
	rr.bg = canvas.NewRectangle(color.Transparent)
	rr.bg.CornerRadius = 4
	for range thumbCount {
		img := canvas.NewImageFromImage(nil)
		img.FillMode = canvas.ImageFillCover
		img.ScaleMode = canvas.ImageScaleSmooth
		rr.imgs = append(rr.imgs, img)
	}
	rr.dimL = canvas.NewRectangle(color.Transparent)
	rr.dimR = canvas.NewRectangle(color.Transparent)
	rr.top = canvas.NewRectangle(color.Transparent)
	rr.bottom = canvas.NewRectangle(color.Transparent)
	for i := range rr.handles {
		rr.handles[i] = canvas.NewRectangle(color.Transparent)
		rr.handles[i].CornerRadius = 4
		rr.grips[i] = canvas.NewRectangle(color.Transparent)
		rr.grips[i].CornerRadius = 1
	}
	rr.Refresh()
	return rr
}

type rangeRenderer struct {
	r          *rangeSlider
	bg         *canvas.Rectangle
	imgs       []*canvas.Image
	dimL, dimR *canvas.Rectangle
	top        *canvas.Rectangle
	bottom     *canvas.Rectangle
	handles    [2]*canvas.Rectangle
	grips      [2]*canvas.Rectangle
	cuts       []*canvas.Rectangle // one per cut, over the pictures
}

func (rr *rangeRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{rr.bg}
	for _, i := range rr.imgs {
		objs = append(objs, i)
	}
	for _, c := range rr.cuts {
		objs = append(objs, c)
	}
	objs = append(objs, rr.dimL, rr.dimR, rr.top, rr.bottom, rr.handles[0], rr.handles[1], rr.grips[0], rr.grips[1])
	return objs
}

func (rr *rangeRenderer) MinSize() fyne.Size { return fyne.NewSize(240, 56) }

func (rr *rangeRenderer) Layout(size fyne.Size) {
	r := rr.r
	left, width := float32(handleWidth/2), size.Width-handleWidth
	rr.bg.Move(fyne.NewPos(left, 0))
	rr.bg.Resize(fyne.NewSize(width, size.Height))
	tw := width / float32(len(rr.imgs))
	for i, img := range rr.imgs {
		img.Move(fyne.NewPos(left+float32(i)*tw, 0))
		img.Resize(fyne.NewSize(tw, size.Height))
	}
	for i, c := range rr.cuts {
		if i < len(r.cuts) {
			x0, x1 := r.xAt(r.cuts[i].From), r.xAt(r.cuts[i].To)
			c.Move(fyne.NewPos(x0, size.Height/4))
			c.Resize(fyne.NewSize(max(x1-x0, 2), size.Height/2))
		}
	}
	xs, xe := r.xAt(r.start), r.xAt(r.end)
	rr.dimL.Move(fyne.NewPos(left, 0))
	rr.dimL.Resize(fyne.NewSize(xs-left, size.Height))
	rr.dimR.Move(fyne.NewPos(xe, 0))
	rr.dimR.Resize(fyne.NewSize(left+width-xe, size.Height))
	const border = 3
	rr.top.Move(fyne.NewPos(xs, 0))
	rr.top.Resize(fyne.NewSize(xe-xs, border))
	rr.bottom.Move(fyne.NewPos(xs, size.Height-border))
	rr.bottom.Resize(fyne.NewSize(xe-xs, border))
	for i, x := range []float32{xs, xe} {
		rr.handles[i].Move(fyne.NewPos(x-handleWidth/2, 0))
		rr.handles[i].Resize(fyne.NewSize(handleWidth, size.Height))
		gh := size.Height * 0.4
		rr.grips[i].Move(fyne.NewPos(x-1, (size.Height-gh)/2))
		rr.grips[i].Resize(fyne.NewSize(2, gh))
	}
}

func (rr *rangeRenderer) Refresh() {
	r := rr.r
	th := r.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	rr.bg.FillColor = th.Color(theme.ColorNameInputBackground, v)
	for i, img := range rr.imgs {
		if img.Image != r.thumbs[i] {
			img.Image = r.thumbs[i]
			img.Refresh()
		}
	}
	// A cut is a band across the pictures in the theme's error colour,
	// half see-through: left out, but still showing what it is.
	for len(rr.cuts) < len(r.cuts) {
		rr.cuts = append(rr.cuts, canvas.NewRectangle(color.Transparent))
	}
	rr.cuts = rr.cuts[:len(r.cuts)]
	band := th.Color(theme.ColorNameError, v)
	if c, ok := band.(color.NRGBA); ok {
		c.A = 170
		band = c
	} else {
		band = color.NRGBA{R: 200, G: 40, B: 40, A: 170}
	}
	for _, c := range rr.cuts {
		c.FillColor = band
	}
	// The parts that will be cut off are dimmed, whatever the theme.
	shade := color.NRGBA{A: 150}
	rr.dimL.FillColor, rr.dimR.FillColor = shade, shade
	primary := th.Color(theme.ColorNamePrimary, v)
	rr.top.FillColor, rr.bottom.FillColor = primary, primary
	for i, h := range []handle{startHandle, endHandle} {
		rr.handles[i].FillColor = primary
		rr.handles[i].StrokeWidth = 0
		if r.focused && r.active == h {
			// Keyboard users see which handle the arrows move.
			rr.handles[i].StrokeColor = th.Color(theme.ColorNameForeground, v)
			rr.handles[i].StrokeWidth = 2
		}
		rr.grips[i].FillColor = th.Color(theme.ColorNameForegroundOnPrimary, v)
	}
	for _, o := range rr.Objects() {
		if _, ok := o.(*canvas.Image); !ok {
			o.Refresh()
		}
	}
	rr.Layout(r.Size())
}

func (rr *rangeRenderer) Destroy() {}
