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

// A talk in several broadcasts: the phone's app crashed and the talk went on
// in a new broadcast. On the found screen "Add another part" keeps the
// chosen broadcast as a part and asks for the next link, HAR or capture;
// the parts chosen so far are listed there (move up, move down, remove),
// and Download fetches them all together. The download screen shows each
// part's progress; the edit screen's trim spans all of them, with a sync
// slider per part.

// partLine describes a part: "Part 2 · Keynote · length 30:00 · started 14:05".
func partLine(i int, c backend.Candidate, num numbers) string {
	title := c.Title
	if title == "" {
		title = lang.L("Untitled broadcast")
	}
	text := lang.L("Part {{.N}}", map[string]any{"N": i + 1}) + " · " + title
	switch {
	case c.Duration > 0:
		text += " · " + lang.L("length {{.Length}}", map[string]any{"Length": backend.FormatClock(c.Duration)})
	case c.Size > 0:
		text += " · " + lang.L("a video file of {{.Size}}", map[string]any{"Size": num.size(c.Size)})
	}
	if !c.Started.IsZero() {
		text += " · " + lang.L("started {{.Time}}", map[string]any{"Time": c.Started.Local().Format("2006-01-02 15:04")})
	}
	return text
}

// partsCard is the found screen's list of the parts chosen so far (u.parts),
// each with buttons to move it up or down or remove it.
type partsCard struct {
	u     *ui
	rows  *fyne.Container
	note  *widget.Label
	lines []*widget.Label // one per part, for tests
	card  *fyne.Container
}

func newPartsCard(u *ui) *partsCard {
	p := &partsCard{u: u}
	p.build()
	p.refresh()
	return p
}

// build makes the card; refresh fills it.
func (p *partsCard) build() {
	title := widget.NewLabelWithStyle(lang.L("Parts of this talk"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.rows = container.NewVBox()
	p.note = widget.NewLabel("")
	p.note.Wrapping = fyne.TextWrapWord
	p.note.Importance = widget.LowImportance
	p.card = container.NewVBox(title, p.rows, p.note, widget.NewSeparator())
	p.card.Hide()
}

// refresh shows u.parts, and which part the chosen broadcast below will be.
func (p *partsCard) refresh() {
	parts := p.u.parts
	p.rows.Objects, p.lines = nil, nil
	for i, c := range parts {
		line := widget.NewLabel(partLine(i, c, p.u.num))
		line.Truncation = fyne.TextTruncateEllipsis
		p.lines = append(p.lines, line)
		up := p.u.newIconButton(theme.MoveUpIcon(), lang.L("Move up"), func() { p.onMove(i, -1) })
		down := p.u.newIconButton(theme.MoveDownIcon(), lang.L("Move down"), func() { p.onMove(i, 1) })
		remove := p.u.newIconButton(theme.DeleteIcon(), lang.L("Remove from the talk"), func() { p.onRemove(i) })
		if i == 0 {
			up.Disable()
		}
		if i == len(parts)-1 {
			down.Disable()
		}
		p.rows.Add(container.NewBorder(nil, nil, nil, container.NewHBox(up, down, remove), line))
	}
	p.note.SetText(lang.L("The video chosen below is part {{.N}}. Download fetches all parts together and joins them in this order.", map[string]any{"N": len(parts) + 1}))
	p.card.Hidden = len(parts) == 0
	p.card.Refresh()
}

// askNext keeps parts as the talk's parts so far and asks for the next one
// on the start screen. Parts already downloaded keep their chunks in their
// job folders, so the talk's download finds them there.
func (p *partsCard) askNext(parts []backend.Candidate) {
	u := p.u
	u.parts = parts
	p.refresh()
	u.start.reset()
	u.show(screenStart)
	u.inform(lang.L("Add another part"),
		lang.L("Part {{.N}} is kept. Now paste the link, drop the HAR file or capture the next broadcast of the talk.", map[string]any{"N": len(u.parts)}))
}

// onMove moves part i by delta places (-1 up, +1 down).
func (p *partsCard) onMove(i, delta int) {
	parts := p.u.parts
	j := i + delta
	if i < 0 || j < 0 || i >= len(parts) || j >= len(parts) {
		return
	}
	parts[i], parts[j] = parts[j], parts[i]
	p.refresh()
}

// onRemove drops part i from the talk.
func (p *partsCard) onRemove(i int) {
	if i < 0 || i >= len(p.u.parts) {
		return
	}
	p.u.parts = slices.Delete(p.u.parts, i, i+1)
	p.refresh()
}

// partRow is one part on the download screen.
type partRow struct {
	line *widget.Label
	bar  *widget.ProgressBar
	c    backend.Candidate
}

// setParts lists each part with its own progress bar.
func (v *downloadView) setParts(cs []backend.Candidate) {
	v.partRows = nil
	v.partsBox.Objects = nil
	for i, c := range cs {
		r := &partRow{line: widget.NewLabel(partLine(i, c, v.u.num)), bar: widget.NewProgressBar(), c: c}
		r.line.Truncation = fyne.TextTruncateEllipsis
		v.partRows = append(v.partRows, r)
		v.partsBox.Add(container.NewGridWithColumns(2, r.line, r.bar))
	}
	v.partsBox.Hidden = len(cs) < 2
	v.partsBox.Refresh()
}

// onPartEvent shows one part's own news: its length once found, its progress.
func (v *downloadView) onPartEvent(e backend.PartEvent) {
	if e.Part < 0 || e.Part >= len(v.partRows) {
		return
	}
	r := v.partRows[e.Part]
	switch pe := e.Event.(type) {
	case backend.Found:
		r.c.Duration, r.c.Size = pe.Duration, pe.Size
		r.line.SetText(partLine(e.Part, r.c, v.u.num))
	case backend.Measured:
		r.c.Duration = pe.Duration
		r.line.SetText(partLine(e.Part, r.c, v.u.num))
	case backend.Progress:
		if pe.Total > 0 {
			r.bar.SetValue(float64(pe.Done) / float64(pe.Total))
		}
	}
}

// partSync is the edit screen's sync per part: a choice of part, whose
// offset the sync slider then shows and moves.
type partSync struct {
	v       *editView
	choose  *widget.Select
	names   []string // choose's options, one per part
	lengths []time.Duration
	offsets []time.Duration
	current int
}

// newPartSync offers the parts of v's job when it has several; nil otherwise.
func newPartSync(v *editView) *partSync {
	pr, ok := v.job.(backend.PartsRunner)
	if !ok {
		return nil
	}
	lengths := pr.PartLengths()
	if len(lengths) < 2 {
		return nil
	}
	ps := &partSync{v: v, lengths: lengths, offsets: make([]time.Duration, len(lengths))}
	var at time.Duration
	for i, d := range lengths {
		ps.names = append(ps.names, lang.L("Part {{.N}} (from {{.Time}})", map[string]any{"N": i + 1, "Time": backend.FormatClock(at)}))
		at += d
	}
	ps.choose = widget.NewSelect(ps.names, ps.onChosen)
	ps.choose.SetSelectedIndex(0)
	return ps
}

// onChosen keeps the offset of the part shown so far and shows the chosen
// part's on the sync slider.
func (ps *partSync) onChosen(name string) {
	i := slices.Index(ps.names, name)
	if i < 0 || i == ps.current {
		return
	}
	ps.offsets[ps.current] = ps.v.audioOffset
	ps.current = i
	ps.v.setOffset(ps.offsets[i])
	ps.v.showPlan()
}

// follow chooses the part playing at time at, so that the slider shows and
// moves the sync of what is heard: playing on into the next part hears that
// part's own sync.
func (ps *partSync) follow(at time.Duration) {
	i, start := 0, time.Duration(0)
	for i < len(ps.lengths)-1 && at >= start+ps.lengths[i] {
		start += ps.lengths[i]
		i++
	}
	if i != ps.current {
		ps.choose.SetSelectedIndex(i)
	}
}

// all are the offsets of every part, the slider's for the chosen one.
func (ps *partSync) all(current time.Duration) []time.Duration {
	out := slices.Clone(ps.offsets)
	out[ps.current] = current
	return out
}

// partsNote tells where each part starts on the joined timeline.
func partsNote(lengths []time.Duration) string {
	var at time.Duration
	text := ""
	for i, d := range lengths {
		if i > 0 {
			text += ", "
		}
		text += fmt.Sprintf("%d: %s", i+1, backend.FormatClock(at))
		at += d
	}
	return lang.L("This talk is joined from {{.N}} broadcasts; parts start at {{.Starts}}. Each part has its own audio sync.", map[string]any{"N": len(lengths), "Starts": text})
}
