package app

import (
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"replayrescue/app/internal/backend"
)

// cutList is the edit screen's cuts (save --cut): stretches of the talk to
// leave out, chosen on a second film strip with the trim's two handles,
// shown shaded on the trim's strip, listed with their ends to nudge and a
// button to put them back.
type cutList struct {
	v     *editView
	spans []backend.Span // merged, in order

	pick             *rangeSlider // the stretch being chosen; shown while choosing
	begin            *widget.Button
	confirm, dismiss *widget.Button
	choosing         *fyne.Container
	rows             *fyne.Container
	box              *fyne.Container
}

// pickLength is how long the stretch offered to cut first is.
const pickLength = 30 * time.Second

func newCutList(v *editView) *cutList {
	c := &cutList{v: v}
	c.pick = newRangeSlider(v.total)
	c.pick.thumbs = v.trim.thumbs // the same pictures, loaded once
	c.begin = widget.NewButtonWithIcon(lang.L("Cut out a part…"), theme.ContentCutIcon(), c.onBegin)
	c.confirm = widget.NewButtonWithIcon(lang.L("Cut this out"), theme.ContentCutIcon(), c.onCut)
	c.confirm.Importance = widget.HighImportance
	c.dismiss = widget.NewButton(lang.L("Cancel"), c.onDismiss)
	hint := widget.NewLabel(lang.L("Drag the handles around the part to leave out, then press “Cut this out”."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	c.choosing = container.NewVBox(c.pick, container.NewBorder(nil, nil, nil, container.NewHBox(c.dismiss, c.confirm), hint))
	c.choosing.Hide()
	c.rows = container.NewVBox()
	// The button sits beside the trim's hint (see editView.build); the
	// box shows only while there is something in it.
	c.box = container.NewVBox(c.choosing, c.rows)
	c.box.Hide()
	return c
}

// onBegin shows the second strip around the picture being looked at.
func (c *cutList) onBegin() {
	at := min(max(c.v.cursor, c.v.trim.Start()), c.v.trim.End())
	c.pick.SetRange(at, at+pickLength)
	c.choosing.Show()
	c.box.Show()
	c.begin.Disable()
}

func (c *cutList) onDismiss() {
	c.choosing.Hide()
	c.box.Hidden = len(c.spans) == 0
	c.box.Refresh()
	c.begin.Enable()
}

// onCut adds the chosen stretch to the cuts.
func (c *cutList) onCut() {
	c.add(backend.Span{From: c.pick.Start(), To: c.pick.End()})
	c.onDismiss()
}

func (c *cutList) add(s backend.Span) {
	c.spans = mergeSpans(append(c.spans, s))
	c.show()
}

// restore puts cut i back.
func (c *cutList) restore(i int) {
	c.spans = slices.Delete(c.spans, i, i+1)
	c.show()
}

// nudge moves one end of cut i by d, keeping it at least a second long.
func (c *cutList) nudge(i int, end bool, d time.Duration) {
	s := c.spans[i]
	if end {
		s.To = min(max(s.To+d, s.From+time.Second), c.v.total)
	} else {
		s.From = max(min(s.From+d, s.To-time.Second), 0)
	}
	c.spans[i] = s
	c.spans = mergeSpans(c.spans)
	c.show()
}

// show lists the cuts and shades them on the trim's strip.
func (c *cutList) show() {
	c.v.trim.SetCuts(c.spans)
	c.rows.RemoveAll()
	for i, s := range c.spans {
		nudge := func(end bool, d time.Duration, label string) *widget.Button {
			return widget.NewButton(label, func() { c.nudge(i, end, d) })
		}
		text := lang.L("Left out: {{.From}} to {{.To}}", map[string]any{"From": backend.FormatClock(s.From), "To": backend.FormatClock(s.To)})
		c.rows.Add(container.NewHBox(widget.NewLabel(text),
			nudge(false, -time.Second, lang.L("–1 s")), nudge(false, time.Second, lang.L("+1 s")),
			widget.NewLabel("·"),
			nudge(true, -time.Second, lang.L("–1 s")), nudge(true, time.Second, lang.L("+1 s")),
			widget.NewButtonWithIcon(lang.L("Restore"), theme.ContentUndoIcon(), func() { c.restore(i) })))
	}
	c.rows.Refresh()
	c.box.Hidden = len(c.spans) == 0 && !c.choosing.Visible()
	c.box.Refresh()
}

// stretch is what plays from from up to end with the cuts skipped: from
// the end of a cut from falls in, up to the start of the next cut (or end).
func (c *cutList) stretch(from, end time.Duration) (start, stop time.Duration) {
	start, stop = from, end
	for _, s := range c.spans { // in order, apart
		if start >= s.From && start < s.To {
			start = s.To
		}
	}
	for _, s := range c.spans {
		if s.From > start {
			stop = min(stop, s.From)
			break
		}
	}
	return start, stop
}

// mergeSpans sorts spans and merges those that overlap or touch.
func mergeSpans(spans []backend.Span) []backend.Span {
	spans = slices.Clone(spans)
	slices.SortFunc(spans, func(a, b backend.Span) int { return int(a.From - b.From) })
	var out []backend.Span
	for _, s := range spans {
		if n := len(out); n > 0 && s.From <= out[n-1].To {
			out[n-1].To = max(out[n-1].To, s.To)
			continue
		}
		out = append(out, s)
	}
	return out
}

// String is a cut as the tests read it.
func spanText(s backend.Span) string {
	return fmt.Sprintf("%s-%s", backend.FormatClock(s.From), backend.FormatClock(s.To))
}
