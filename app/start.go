package app

import (
	"context"
	"image/color"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"replayrescue/app/internal/backend"
)

// startView is the first screen: drop a HAR file, paste a link or a cURL
// command, capture from the browser, or try the sample. Each of them looks
// for videos on a goroutine, with a Stop button, and ends on the found
// screen or with one sentence saying what went wrong.
type startView struct {
	u       *ui
	paste   *widget.Entry
	find    *widget.Button
	openHAR *widget.Button
	capture *widget.Button // opens the browser and catches the replay: no HAR file
	sample  *widget.Button
	help    *widget.Button
	status  *widget.Label // what went wrong, and what to do next
	busy    *fyne.Container
	busyMsg *widget.Label
	stop    *widget.Button
	content fyne.CanvasObject

	cancel        context.CancelFunc // stops the search under way
	captureDialog dialog.Dialog      // "open the broadcast and press play", while a capture waits

	// captureLink opens the browser on a link the core could not resolve
	// (captureURL), shown under the sentence saying why.
	captureLink *widget.Button
	captureURL  string
}

func newStartView(u *ui) *startView {
	v := &startView{u: u}
	v.build()
	return v
}

// build makes the screen's widgets and layout.
func (v *startView) build() {
	dropTitle := widget.NewLabelWithStyle(lang.L("Drop a HAR file here"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	dropHint := widget.NewLabelWithStyle(lang.L("Anywhere on this window works."), fyne.TextAlignCenter, fyne.TextStyle{})
	dropIcon := canvas.NewImageFromResource(theme.UploadIcon())
	dropIcon.SetMinSize(fyne.NewSize(48, 48))
	dropIcon.FillMode = canvas.ImageFillContain
	v.openHAR = widget.NewButtonWithIcon(lang.L("Open HAR file…"), theme.FolderOpenIcon(), v.onOpenHAR)
	v.capture = widget.NewButtonWithIcon(lang.L("Capture from browser"), theme.ComputerIcon(), v.onCapture)
	v.captureLink = widget.NewButtonWithIcon(lang.L("Open it in the browser and capture"), theme.ComputerIcon(), v.onCaptureLink)
	v.captureLink.Hide()
	v.help = widget.NewButtonWithIcon(lang.L("How do I get a HAR file?"), theme.HelpIcon(), v.onHelp)
	v.help.Importance = widget.LowImportance
	border := canvas.NewRectangle(color.Transparent)
	border.StrokeColor = theme.Color(theme.ColorNamePrimary)
	border.StrokeWidth = 2
	border.CornerRadius = 12
	dropZone := container.NewStack(border, container.NewPadded(container.NewVBox(
		dropIcon, dropTitle, dropHint,
		container.NewCenter(container.NewHBox(v.openHAR, v.capture)),
		container.NewCenter(v.help),
	)))

	v.paste = widget.NewMultiLineEntry()
	v.paste.SetPlaceHolder(lang.L("…or paste the broadcast link, or a “Copy as cURL” command from your browser"))
	v.paste.Wrapping = fyne.TextWrapBreak
	v.paste.SetMinRowsVisible(3)
	v.find = widget.NewButtonWithIcon(lang.L("Find the video"), theme.SearchIcon(), v.onFind)
	v.find.Importance = widget.HighImportance
	v.paste.OnChanged = v.onPasteChanged
	v.setFindEnabled()

	v.sample = widget.NewButtonWithIcon(lang.L("Try the sample broadcast"), theme.MediaPlayIcon(), v.onSample)
	sampleHint := widget.NewLabel(lang.L("No broadcast at hand? The sample runs on this computer and shows every step."))
	sampleHint.Wrapping = fyne.TextWrapWord
	sampleHint.Importance = widget.LowImportance

	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.status.Importance = widget.DangerImportance
	v.status.Hide()

	v.busyMsg = widget.NewLabel("")
	v.stop = widget.NewButton(lang.L("Stop"), v.onStop)
	v.busy = container.NewBorder(nil, nil, nil, container.NewCenter(v.stop), container.NewVBox(v.busyMsg, widget.NewProgressBarInfinite()))
	v.busy.Hide()

	intro := widget.NewLabel(lang.L("Save the replay of your live-streamed talk as one video file you can keep, trim and share."))
	intro.Wrapping = fyne.TextWrapWord

	form := container.NewVBox(
		intro,
		dropZone,
		v.paste,
		container.NewHBox(layout.NewSpacer(), v.find),
		v.busy,
		v.status,
		container.NewHBox(v.captureLink),
		widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, v.sample, sampleHint),
	)
	v.content = container.NewVScroll(container.New(&maxWidthLayout{width: 720}, form))
}

// rebuild makes the widgets again (in the language now chosen), keeping
// what was pasted and the problem shown.
func (v *startView) rebuild() {
	text, problem, page := v.paste.Text, v.status.Text, v.captureURL
	v.build()
	v.paste.SetText(text)
	v.showProblem(problem)
	if page != "" {
		v.offerCapture(page)
	}
}

func (v *startView) setFindEnabled() {
	if v.paste.Text == "" {
		v.find.Disable()
	} else {
		v.find.Enable()
	}
}

// reset clears the screen for a new broadcast.
func (v *startView) reset() {
	v.paste.SetText("")
	v.setBusy("")
	v.showProblem("")
}

// setBusy shows msg with a spinner and a Stop button; "" hides them.
func (v *startView) setBusy(msg string) {
	busy := msg != ""
	v.busyMsg.SetText(msg)
	for _, w := range []fyne.Disableable{v.find, v.openHAR, v.capture, v.captureLink, v.sample} {
		if busy {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	if busy {
		v.busy.Show()
		v.status.Hide()
		v.captureLink.Hide()
	} else {
		v.busy.Hide()
		v.cancel = nil
		v.setFindEnabled()
	}
}

// showProblem shows one sentence in red; "" hides it.
func (v *startView) showProblem(msg string) {
	v.captureLink.Hide()
	v.captureURL = ""
	v.status.SetText(msg)
	if msg == "" {
		v.status.Hide()
	} else {
		v.status.Show()
	}
}

func (v *startView) onPasteChanged(string) { v.setFindEnabled() }

// onFind looks for videos in what was pasted.
func (v *startView) onFind() { v.resolve(v.paste.Text) }

func (v *startView) onOpenHAR() { chooseHAR(v.u.win, v.u.useSource) }

func (v *startView) onHelp() { showHARHelp(v.u.win) }

// onStop stops the search under way.
func (v *startView) onStop() {
	if v.cancel != nil {
		v.cancel()
	}
}

// resolve looks for videos in a dropped file or pasted text, then shows them.
func (v *startView) resolve(src string) {
	if src == "" {
		return
	}
	v.u.show(screenStart)
	v.setBusy(lang.L("Looking for the video…"))
	be := v.u.backend
	v.cancel = background(context.Background(), v.u.bridge, func(ctx context.Context) ([]backend.Candidate, error) {
		return be.Resolve(ctx, src)
	}, func(cands []backend.Candidate, err error, stopped bool) { v.showResult(cands, err, stopped) })
}

// showResult ends a search: the found screen with cands, or one sentence
// saying why there is nothing to show (nothing when the user stopped it).
// It reports whether the found screen is shown.
func (v *startView) showResult(cands []backend.Candidate, err error, stopped bool) bool {
	v.setBusy("")
	switch {
	case err != nil && stopped:
		return false // the user pressed Stop or Cancel
	case err != nil:
		msg, _ := backend.Explain(err)
		v.showProblem(msg)
		if page, ok := backend.CaptureInstead(err); ok {
			v.offerCapture(page)
		}
		return false
	case len(cands) == 0:
		v.showProblem(lang.L("No video was found in that. Check that the replay was playing while the HAR file was recorded, or paste the link instead."))
		return false
	}
	v.u.showFound(cands)
	return true
}

// offerCapture shows "Open it in the browser and capture" for page, a link
// the core could not resolve (under the sentence saying why).
func (v *startView) offerCapture(page string) {
	v.captureURL = page
	v.captureLink.Show()
}

// onCapture opens the user's browser in a temporary profile and waits,
// with a Cancel button, until the replay plays there; captured then shows
// what was found as a pasted link would.
func (v *startView) onCapture() { v.captureAt("") }

// onCaptureLink captures the link the core could not resolve, the browser
// opening on it.
func (v *startView) onCaptureLink() { v.captureAt(v.captureURL) }

// captureAt is onCapture with the browser opening on page ("" for none).
func (v *startView) captureAt(page string) {
	win := v.u.win
	v.u.show(screenStart)
	v.setBusy(lang.L("Waiting for the replay to play in the browser…"))
	msg := widget.NewLabel(lang.L("A browser window opens: open the broadcast there (log in first if it is private) and press play. Replay Rescue goes on by itself once the replay is found."))
	msg.Wrapping = fyne.TextWrapWord
	note := widget.NewLabel(lang.L("It uses a separate, temporary profile: your own browser profile, bookmarks and passwords are not touched."))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	wait := dialog.NewCustom(lang.L("Capture from browser"), lang.L("Cancel"), container.NewVBox(msg, note, widget.NewProgressBarInfinite()), win)
	wait.Resize(fyne.NewSize(min(560, win.Canvas().Size().Width-40), 0))
	v.captureDialog = wait
	be, browser := v.u.backend, v.u.settings.browser()
	cancel := background(context.Background(), v.u.bridge, func(ctx context.Context) ([]backend.Candidate, error) {
		return be.Capture(ctx, browser, page)
	}, v.captured)
	v.cancel = cancel
	wait.SetOnClosed(cancel) // Cancel, or closed by the capture's end
	wait.Show()
}

// captured ends a capture: the found screen and a word that the browser is
// closed. With no browser installed it says so and shows how to get a HAR
// file instead.
func (v *startView) captured(cands []backend.Candidate, err error, stopped bool) {
	v.captureDialog.Hide() // its OnClosed cancels the capture: harmless now
	v.captureDialog = nil
	if !v.showResult(cands, err, stopped) {
		if !stopped && backend.NoBrowser(err) {
			showHARHelp(v.u.win)
		}
		return
	}
	c := cands[best(cands)]
	title := c.Title
	if title == "" {
		title = lang.L("replay")
	}
	dialog.ShowInformation(lang.L("Capture from browser"), lang.L("Found it: {{.Title}}, {{.Length}}. The browser is closed and its temporary profile deleted.",
		map[string]any{"Title": title, "Length": backend.FormatClock(c.Duration)}), v.u.win)
}

// sampleBroadcast is the built-in sample, served until stop is called.
type sampleBroadcast struct {
	c    backend.Candidate
	stop func()
}

// onSample starts the built-in sample broadcast and shows it as found.
func (v *startView) onSample() {
	if !v.u.requireTools() {
		return
	}
	v.setBusy(lang.L("Preparing the sample broadcast (the first time takes a few seconds)…"))
	be := v.u.backend
	v.cancel = background(context.Background(), v.u.bridge, func(ctx context.Context) (sampleBroadcast, error) {
		c, stop, err := be.Sample(ctx)
		return sampleBroadcast{c, stop}, err
	}, v.sampleReady)
}

// sampleReady shows the sample as found; the window serves it until it
// closes or another sample replaces it.
func (v *startView) sampleReady(smp sampleBroadcast, err error, stopped bool) {
	if err == nil {
		if v.u.stopSample != nil {
			v.u.stopSample()
		}
		v.u.stopSample = smp.stop
	}
	v.showResult([]backend.Candidate{smp.c}, err, stopped)
}

// chooseHAR asks for a HAR file, in the Downloads folder where browsers
// save their exports, and hands its path to use.
func chooseHAR(win fyne.Window, use func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		use(path)
	}, win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".har", ".HAR", ".txt"}))
	if dir := downloadsFolder(); dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Show()
}

// maxWidthLayout centres its content and keeps it no wider than width, so
// text lines stay readable on a wide window.
type maxWidthLayout struct{ width float32 }

func (l *maxWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, l.width)
	for _, o := range objs {
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
		o.Resize(fyne.NewSize(w, max(size.Height, o.MinSize().Height)))
	}
}

func (l *maxWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// downloadsFolder is the user's Downloads folder, or "" when there is none.
func downloadsFolder() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	dir := filepath.Join(home, "Downloads")
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return dir
	}
	return ""
}
