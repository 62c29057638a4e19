package app

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"replayrescue/app/internal/backend"
)

// foundView lists what the source points at, in plain words, with the best
// one chosen; from here it is downloaded, or kept as a part of a talk. A
// video that cannot be downloaded says why, and what to do, on its own row.
type foundView struct {
	u        *ui
	heading  *widget.Label
	list     *fyne.Container
	rows     []*candidateRow
	chosen   int
	download *button
	addPart  *button // keep the chosen one as a part, add the next
	parts    *partsCard
	back     *button
	content  fyne.CanvasObject
}

func newFoundView(u *ui) *foundView {
	v := &foundView{u: u, chosen: -1}
	v.build()
	v.set(u.cands)
	return v
}

// build makes the screen's widgets and layout; set fills the list.
func (v *foundView) build() {
	u := v.u
	v.heading = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.heading.Wrapping = fyne.TextWrapWord
	v.list = container.NewVBox()
	v.download = u.newButton(lang.L("Download"), theme.DownloadIcon(), v.onDownload)
	v.addPart = u.newButton(lang.L("Add another part"), theme.ContentAddIcon(), v.onAddPart)
	v.parts = newPartsCard(u)
	v.download.Importance = widget.HighImportance
	v.back = u.newButton(lang.L("Back"), theme.NavigateBackIcon(), v.onBack)
	top := container.NewVBox(v.parts.card, v.heading)
	buttons := container.NewHBox(v.back, layout.NewSpacer(), v.addPart, v.download)
	list := container.NewVScroll(v.list)
	// In reading order, so Tab goes top to bottom: the parts, the list,
	// the buttons.
	v.content = container.New(layout.NewBorderLayout(top, buttons, nil, nil), top, list, buttons)
}

// rebuild makes the widgets again (in the language now chosen), with the
// same one chosen.
func (v *foundView) rebuild() {
	chosen := v.chosen
	v.build()
	v.set(v.u.cands)
	if chosen >= 0 && chosen < len(v.u.cands) {
		v.choose(chosen)
	}
}

// showFound lists cands and preselects the best: the first ready one, since
// core ranks them best first.
func (u *ui) showFound(cands []backend.Candidate) {
	u.cands = cands
	u.found.set(cands)
	if oneChoice(cands) && len(u.parts) == 0 {
		// Nothing to choose: straight to the download, which has a way
		// back here.
		u.found.startDownload(cands[:1])
		if u.screen == screenDownload {
			u.dl.setSkipped()
			return
		}
	}
	u.show(screenFound)
}

// oneChoice tells whether cands leave nothing to choose: the best of them
// is ready and no other is (a worse one that is refused is no choice).
func oneChoice(cands []backend.Candidate) bool {
	if len(cands) == 0 || !cands[0].Ready {
		return false
	}
	for _, c := range cands[1:] {
		if c.Ready {
			return false
		}
	}
	return true
}

func (v *foundView) set(cands []backend.Candidate) {
	v.rows = nil
	v.list.Objects = nil
	v.chosen = -1
	for i, c := range cands {
		row := newCandidateRow(c, v.u.num, func() { v.choose(i) })
		row.onMove = func(delta int) { v.onMove(i, delta) }
		row.keys = v.u.onTypedKey
		v.rows = append(v.rows, row)
		v.list.Add(row)
	}
	ready := 0
	for _, c := range cands {
		if c.Ready {
			ready++
		}
	}
	switch {
	case ready == 0 && len(cands) == 1:
		v.heading.SetText(lang.L("This video cannot be downloaded"))
	case ready == 0:
		v.heading.SetText(lang.L("We found {{.N}} videos, but none of them can be downloaded. Each says why and what to do.", map[string]any{"N": len(cands)}))
	case len(cands) == 1:
		v.heading.SetText(lang.L("We found the video"))
	default:
		v.heading.SetText(lang.L("We found {{.N}} videos. The best one is chosen; tap another to change.", map[string]any{"N": len(cands)}))
	}
	if len(cands) > 0 {
		v.choose(best(cands))
	} else {
		v.choose(-1)
	}
	v.list.Refresh()
}

// choose selects candidate i and says whether it can be downloaded.
func (v *foundView) choose(i int) {
	v.chosen = i
	for j, r := range v.rows {
		r.setSelected(j == i)
	}
	if i >= 0 && i < len(v.rows) && v.rows[i].c.Ready {
		v.download.Enable()
		v.addPart.Enable()
		return
	}
	// What to do instead is on the row itself.
	v.download.Disable()
	v.addPart.Disable()
}

// onMove chooses the row delta places from row i, and moves the focus there.
func (v *foundView) onMove(i, delta int) {
	j := i + delta
	if j < 0 || j >= len(v.rows) {
		return
	}
	v.choose(j)
	v.u.win.Canvas().Focus(v.rows[j])
}

// best is the one to choose of cands, which core ranks best first: the
// first that is ready, else the first.
func best(cands []backend.Candidate) int {
	for i, c := range cands {
		if c.Ready {
			return i
		}
	}
	return 0
}

// onDownload downloads the chosen one, with the parts kept before it when
// the talk has several.
func (v *foundView) onDownload() {
	u := v.u
	if v.chosen < 0 || v.chosen >= len(u.cands) {
		return
	}
	v.startDownload(append(slices.Clone(u.parts), u.cands[v.chosen]))
}

// startDownload opens one talk of cs (usually one broadcast) and downloads
// it on a new download screen, with a bar for each part when it has
// several.
func (v *foundView) startDownload(cs []backend.Candidate) {
	u := v.u
	if !u.requireTools() {
		return
	}
	dl := newDownloadView(u)
	u.dl = dl
	dl.setCandidate(cs[0])
	dl.setParts(cs)
	if openSession(u, cs, "") == nil {
		return
	}
	u.show(screenDownload)
	dl.run()
}

// onAddPart keeps the chosen one as a part of the talk and asks for the
// next.
func (v *foundView) onAddPart() {
	if v.chosen >= 0 && v.chosen < len(v.u.cands) {
		v.parts.askNext(append(slices.Clone(v.u.parts), v.u.cands[v.chosen]))
	}
}

func (v *foundView) onBack() { v.u.show(screenStart) }

// candidateRow shows one candidate as a card to tap, or to reach with Tab
// and choose with Space or Enter (the arrow keys move between them).
type candidateRow struct {
	widget.BaseWidget
	c        backend.Candidate
	onTap    func()
	onMove   func(delta int) // the arrow keys: to the row above or below
	keys     func(*fyne.KeyEvent)
	selected bool
	focused  bool
	radio    *widget.Icon
	title    *widget.Label
	details  *widget.Label
	verdict  *widget.Label
	mark     *widget.Icon
	bg       *canvas.Rectangle
}

func newCandidateRow(c backend.Candidate, num numbers, onTap func()) *candidateRow {
	r := &candidateRow{c: c, onTap: onTap}
	r.radio = widget.NewIcon(theme.RadioButtonIcon())
	title := c.Title
	if title == "" {
		title = lang.L("Untitled broadcast")
	}
	r.title = widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.details = widget.NewLabel(candidateDetails(c, num))
	r.details.Wrapping = fyne.TextWrapWord
	if c.Ready {
		r.verdict = widget.NewLabel(lang.L("Ready to download"))
		r.verdict.Importance = widget.SuccessImportance
		r.mark = widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	} else {
		r.verdict = widget.NewLabel(c.Problem) // what happened, and what to do
		r.mark = widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon()))
	}
	r.verdict.Wrapping = fyne.TextWrapWord
	r.bg = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	r.bg.CornerRadius = 8
	r.ExtendBaseWidget(r)
	return r
}

// candidateDetails says how long the video is and how large its picture,
// in words: "42 min 10 s long · HD picture, 1280 × 720". A video file's
// length is only known once it is downloaded: until then, its size.
func candidateDetails(c backend.Candidate, num numbers) string {
	var parts []string
	switch {
	case c.Duration > 0:
		parts = append(parts, lang.L("{{.Length}} long", map[string]any{"Length": num.span(c.Duration)}))
	case c.Size > 0:
		parts = append(parts, lang.L("a video file of {{.Size}}", map[string]any{"Size": num.size(c.Size)}),
			lang.L("its length is known once it is downloaded"))
	}
	if p := pictureWords(c.Quality); p != "" {
		parts = append(parts, p)
	}
	if c.Live {
		parts = append(parts, lang.L("still live: saves what is there so far"))
	}
	return strings.Join(parts, " · ")
}

// pictureWords names a picture size ("1280x720") the way TV sets are sold:
// "HD picture, 1280 × 720"; "" when the size is not known.
func pictureWords(quality string) string {
	var w, h int
	if _, err := fmt.Sscanf(quality, "%dx%d", &w, &h); err != nil || w <= 0 || h <= 0 {
		return ""
	}
	size := map[string]any{"Size": fmt.Sprintf("%d × %d", w, h)}
	switch short := min(w, h); {
	case short >= 2160:
		return lang.L("4K picture, {{.Size}}", size)
	case short >= 1080:
		return lang.L("Full HD picture, {{.Size}}", size)
	case short >= 720:
		return lang.L("HD picture, {{.Size}}", size)
	case short >= 480:
		return lang.L("standard picture, {{.Size}}", size)
	}
	return lang.L("small picture, {{.Size}}", size)
}

func (r *candidateRow) setSelected(on bool) {
	r.selected = on
	if on {
		r.radio.SetResource(theme.RadioButtonCheckedIcon())
		r.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
		r.bg.StrokeWidth = 2
	} else {
		r.radio.SetResource(theme.RadioButtonIcon())
		r.bg.StrokeWidth = 0
	}
	r.bg.Refresh()
}

func (r *candidateRow) Tapped(*fyne.PointEvent) {
	if r.onTap != nil {
		r.onTap()
	}
}

func (r *candidateRow) FocusGained() {
	r.focused = true
	r.Refresh()
}

func (r *candidateRow) FocusLost() {
	r.focused = false
	r.Refresh()
}

func (r *candidateRow) TypedRune(rune) {}

func (r *candidateRow) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeySpace, fyne.KeyReturn, fyne.KeyEnter:
		r.Tapped(nil)
	case fyne.KeyUp, fyne.KeyDown:
		if r.onMove != nil {
			r.onMove(map[fyne.KeyName]int{fyne.KeyUp: -1, fyne.KeyDown: 1}[k.Name])
		}
	default:
		if r.keys != nil && windowKey(k) {
			r.keys(k)
		}
	}
}

func (r *candidateRow) CreateRenderer() fyne.WidgetRenderer {
	verdict := container.NewBorder(nil, nil, container.NewVBox(r.mark), nil, r.verdict)
	text := container.NewVBox(r.title, r.details, verdict)
	body := container.NewBorder(nil, nil, container.NewVBox(r.radio), nil, text)
	return newRingRenderer(widget.NewSimpleRenderer(container.NewStack(r.bg, container.NewPadded(body))), func() bool { return r.focused })
}
