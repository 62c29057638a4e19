package app

import (
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
// one chosen; from here it is downloaded, or kept as a part of a talk.
type foundView struct {
	u        *ui
	heading  *widget.Label
	list     *fyne.Container
	rows     []*candidateRow
	chosen   int
	advice   *widget.Label // what to do when the chosen one is not ready
	download *widget.Button
	addPart  *widget.Button // keep the chosen one as a part, add the next
	parts    *partsCard
	back     *widget.Button
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
	v.heading = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.list = container.NewVBox()
	v.advice = widget.NewLabel("")
	v.advice.Wrapping = fyne.TextWrapWord
	v.advice.Importance = widget.WarningImportance
	v.advice.Hide()
	v.download = widget.NewButtonWithIcon(lang.L("Download"), theme.DownloadIcon(), v.onDownload)
	v.addPart = widget.NewButtonWithIcon(lang.L("Add another part"), theme.ContentAddIcon(), v.onAddPart)
	v.parts = newPartsCard(v.u)
	v.download.Importance = widget.HighImportance
	v.back = widget.NewButtonWithIcon(lang.L("Back"), theme.NavigateBackIcon(), v.onBack)
	buttons := container.NewHBox(v.back, layout.NewSpacer(), v.addPart, v.download)
	v.content = container.NewBorder(container.NewVBox(v.parts.card, v.heading), container.NewVBox(v.advice, buttons), nil, nil, container.NewVScroll(v.list))
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
	u.show(screenFound)
}

func (v *foundView) set(cands []backend.Candidate) {
	v.rows = nil
	v.list.Objects = nil
	v.chosen = -1
	for i, c := range cands {
		row := newCandidateRow(c, v.u.num, func() { v.choose(i) })
		v.rows = append(v.rows, row)
		v.list.Add(row)
	}
	if len(cands) == 1 {
		v.heading.SetText(lang.L("We found the video"))
	} else {
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
	if i < 0 || i >= len(v.rows) {
		v.download.Disable()
		v.addPart.Disable()
		v.advice.Hide()
		return
	}
	c := v.rows[i].c
	if c.Ready {
		v.download.Enable()
		v.addPart.Enable()
		v.advice.Hide()
		return
	}
	v.download.Disable()
	v.addPart.Disable()
	v.advice.SetText(nextStep(c))
	v.advice.Show()
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

// nextStep tells the user what to do about a candidate that is not ready.
func nextStep(c backend.Candidate) string {
	switch c.Code {
	case backend.ExitCredentials:
		return lang.L("This one needs fresh sign-in details. Export a new HAR file “with sensitive data” (see “How do I get a HAR file?”) and drop it here.")
	case backend.ExitUsage:
		return lang.L("This is not a video this app can save. Try another one, or go back and paste the broadcast link.")
	}
	return lang.L("This one cannot be reached right now. Check your internet connection, then go back and try again.")
}

// candidateRow shows one candidate as a tappable card.
type candidateRow struct {
	widget.BaseWidget
	c        backend.Candidate
	onTap    func()
	selected bool
	radio    *widget.Icon
	title    *widget.Label
	details  *widget.Label
	verdict  *widget.Label
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
	} else {
		r.verdict = widget.NewLabel(c.Problem)
		r.verdict.Importance = widget.WarningImportance
	}
	r.verdict.Wrapping = fyne.TextWrapWord
	r.bg = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	r.bg.CornerRadius = 8
	r.ExtendBaseWidget(r)
	return r
}

// candidateDetails is "42:10 · 1280x720 · found in HAR entry 12".
func candidateDetails(c backend.Candidate, num numbers) string {
	var parts []string
	if c.Duration > 0 {
		parts = append(parts, lang.L("length {{.Length}}", map[string]any{"Length": backend.FormatClock(c.Duration)}))
	}
	if c.Quality != "" {
		parts = append(parts, strings.Replace(c.Quality, "x", "×", 1))
	}
	if c.Live {
		parts = append(parts, lang.L("still live: saves what is there so far"))
	}
	if c.From != "" {
		parts = append(parts, lang.L("found in: {{.Where}}", map[string]any{"Where": c.From}))
	}
	return strings.Join(parts, " · ")
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

func (r *candidateRow) CreateRenderer() fyne.WidgetRenderer {
	text := container.NewVBox(r.title, r.details, r.verdict)
	body := container.NewBorder(nil, nil, container.NewVBox(r.radio), nil, text)
	return widget.NewSimpleRenderer(container.NewStack(r.bg, container.NewPadded(body)))
}
