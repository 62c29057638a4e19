package app

import (
	"context"
	"image/color"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"replayrescue/app/internal/backend"
)

// startView is the first screen: paste the broadcast's link (the common
// way), or for a private replay capture it from the browser or open a HAR
// file, or try the sample. Each of them looks for videos on a goroutine,
// with a Stop button, and ends on the found screen (or straight on the
// download when there is one ready video) or with the problem and what to
// do about it, in one place under the link.
type startView struct {
	u       *ui
	paste   *linkEntry
	find    *button
	openHAR *button
	capture *button // opens the browser and catches the replay: no HAR file
	sample  *button
	help    *button
	problem *problemCard
	status  *widget.Label // the problem's sentence: what went wrong, and what to do
	busy    *fyne.Container
	busyMsg *widget.Label
	stop    *button
	content fyne.CanvasObject

	cancel        context.CancelFunc // stops the search under way
	captureDialog *modal             // "open the broadcast and press play", while a capture waits

	// captureLink opens the browser on a link the core could not resolve
	// (captureURL), shown under the sentence saying why.
	captureLink *button
	captureURL  string
}

func newStartView(u *ui) *startView {
	v := &startView{u: u}
	v.build()
	return v
}

// build makes the screen's widgets and layout: the link with Find at the
// top, the other ways and the sample at the bottom, and between them the
// place where the search's progress or its problem shows, so that neither
// moves anything else.
func (v *startView) build() {
	u := v.u
	title := widget.NewLabelWithStyle(lang.L("Paste the link to your broadcast"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	intro := widget.NewLabel(lang.L("Replay Rescue saves the replay of your live-streamed talk as one video file you can keep, trim and share."))
	intro.Wrapping = fyne.TextWrapWord
	v.paste = newLinkEntry(u, v.resolve)
	v.paste.SetPlaceHolder(lang.L("https://… the address of the broadcast or its replay"))
	v.paste.SetMinRowsVisible(2)
	v.paste.OnChanged = v.onPasteChanged
	v.find = u.newButton(lang.L("Find the video"), theme.SearchIcon(), v.onFind)
	v.find.Importance = widget.HighImportance
	v.find.tip = withKey(lang.L("Find the video"), lang.L("Enter"))
	v.setFindEnabled()
	where := widget.NewLabel(lang.L("Copy it from your browser's address bar, or with the Share button of the broadcast."))
	where.Wrapping = fyne.TextWrapWord
	top := container.NewVBox(title, intro, bigText(v.paste), container.NewBorder(nil, nil, nil, v.find, where))

	v.busyMsg = widget.NewLabel("")
	v.stop = u.newButton(lang.L("Stop"), theme.CancelIcon(), v.onStop)
	v.stop.tip = withKey(lang.L("Stop looking"), lang.L("Esc"))
	v.busy = container.NewBorder(nil, nil, nil, container.NewCenter(v.stop), container.NewVBox(v.busyMsg, widget.NewProgressBarInfinite()))
	v.busy.Hide()
	v.problem = newProblemCard()
	v.status = v.problem.text

	// The second way, for private replays: capture first, HAR second.
	private := widget.NewLabelWithStyle(lang.L("Private replay? Capture it from your browser"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	privateHint := widget.NewLabel(lang.L("A browser window opens: sign in, play the replay, and Replay Rescue catches it."))
	privateHint.Wrapping = fyne.TextWrapWord
	v.capture = u.newButton(lang.L("Capture from browser"), theme.ComputerIcon(), v.onCapture)
	harTitle := widget.NewLabel(lang.L("Or drop a HAR file anywhere on this window, or open one:"))
	harTitle.Wrapping = fyne.TextWrapWord
	v.openHAR = u.newButton(lang.L("Open HAR file…"), theme.FolderOpenIcon(), v.onOpenHAR)
	v.openHAR.tip = withKey(lang.L("Open a HAR file"), keyName(shortcutOpen))
	v.help = u.newButton(lang.L("How do I get a HAR file?"), theme.HelpIcon(), v.onHelp)
	v.help.Importance = widget.LowImportance

	v.sample = u.newButton(lang.L("Try the sample broadcast"), theme.MediaPlayIcon(), v.onSample)
	sampleHint := widget.NewLabel(lang.L("No broadcast at hand? The sample runs on this computer and shows every step."))
	sampleHint.Wrapping = fyne.TextWrapWord
	sampleHint.Importance = widget.LowImportance

	bottom := container.NewVBox(
		widget.NewSeparator(),
		private,
		container.NewBorder(nil, nil, nil, v.capture, privateHint),
		container.NewBorder(nil, nil, nil, container.NewHBox(v.openHAR, v.help), harTitle),
		widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, v.sample, sampleHint),
	)
	// The search's progress and its problem show in a place of their own,
	// kept for them (a long problem scrolls in it), so the other ways
	// below never move.
	room := canvas.NewRectangle(color.Transparent)
	room.SetMinSize(fyne.NewSize(0, 140))
	v.captureLink = u.newButton(lang.L("Open it in the browser and capture"), theme.ComputerIcon(), v.onCaptureLink)
	v.captureLink.Hide()
	middle := container.NewStack(room, container.NewVScroll(container.NewVBox(v.busy, v.problem.box, container.NewHBox(v.captureLink))))
	form := container.NewVBox(top, middle, bottom)
	v.content = container.NewVScroll(container.New(&maxWidthLayout{width: 720}, form))
}

// rebuild makes the widgets again (in the language now chosen), keeping
// what was pasted and the problem shown.
func (v *startView) rebuild() {
	text, head, problem := v.paste.Text, v.problem.head.Text, v.status.Text
	v.build()
	v.paste.SetText(text)
	v.showProblem(head, problem)
}

func (v *startView) setFindEnabled() {
	if strings.TrimSpace(v.paste.Text) == "" || v.searching() {
		v.find.Disable()
	} else {
		v.find.Enable()
	}
}

// searching reports whether a search (or capture, or the sample) is under way.
func (v *startView) searching() bool { return v.busy.Visible() }

// reset clears the screen for a new broadcast.
func (v *startView) reset() {
	v.paste.SetText("")
	v.setBusy("")
	v.showProblem("", "")
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
		v.showProblem("", "")
	} else {
		v.busy.Hide()
		v.cancel = nil
		v.setFindEnabled()
	}
}

// showProblem shows what went wrong under a heading saying so; "" hides it.
func (v *startView) showProblem(heading, msg string) {
	v.captureLink.Hide()
	v.problem.show(heading, msg)
}

func (v *startView) onPasteChanged(string) { v.setFindEnabled() }

// onFind looks for videos in what was pasted.
func (v *startView) onFind() { v.resolve(v.paste.Text) }

func (v *startView) onOpenHAR() { v.u.chooseHAR(v.u.useSource) }

func (v *startView) onHelp() { v.u.showHelp(helpPrivate) }

// onStop stops the search under way.
func (v *startView) onStop() {
	if v.cancel != nil {
		v.cancel()
	}
}

// resolve looks for videos in a dropped file or pasted text, then shows them.
func (v *startView) resolve(src string) {
	if src = strings.TrimSpace(src); src == "" || v.searching() {
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
		msg, code := backend.Explain(err)
		v.showProblem(problemHeading(code), msg)
		if page, ok := backend.CaptureInstead(err); ok {
			v.captureURL = page
			v.captureLink.Show()
		}
		return false
	case len(cands) == 0:
		v.showProblem(lang.L("No video in there"), lang.L("No video was found in that. Check that the replay was playing while the HAR file was recorded, or paste the link instead."))
		return false
	}
	if c, ok := oneProblem(cands); ok {
		// Nothing to choose from: say why here, where the link can be
		// fixed or another way tried.
		v.showProblem(problemHeading(c.Code), c.Problem)
		return false
	}
	v.u.showFound(cands)
	return true
}

// oneProblem is the candidate whose problem says it all when none of cands
// can be downloaded and they all fail alike.
func oneProblem(cands []backend.Candidate) (backend.Candidate, bool) {
	for _, c := range cands {
		if c.Ready || c.Problem != cands[0].Problem {
			return backend.Candidate{}, false
		}
	}
	return cands[0], true
}

// problemHeading names what happened, by the kind of problem (its exit code).
func problemHeading(code int) string {
	switch code {
	case backend.ExitCredentials:
		return lang.L("The video host refused access")
	case backend.ExitUsage:
		return lang.L("Replay Rescue cannot use this")
	}
	return lang.L("The video could not be loaded")
}

// onCaptureLink captures from the browser, opened on the link the core
// could not resolve.
func (v *startView) onCaptureLink() { v.captureOn(v.captureURL) }

// onCapture opens the user's browser in a temporary profile and waits,
// with a Cancel button, until the replay plays there; captured then shows
// what was found as a pasted link would.
func (v *startView) onCapture() { v.captureOn("") }

// captureOn is onCapture with the browser opened on page ("" for none).
func (v *startView) captureOn(page string) {
	v.u.show(screenStart)
	v.setBusy(lang.L("Waiting for the replay to play in the browser…"))
	msg := widget.NewLabel(lang.L("A browser window opens: open the broadcast there (log in first if it is private) and press play. Replay Rescue goes on by itself once the replay is found."))
	msg.Wrapping = fyne.TextWrapWord
	note := widget.NewLabel(lang.L("It uses a separate, temporary profile: your own browser profile, bookmarks and passwords are not touched."))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	var wait *modal
	cancelButton := v.u.newButton(lang.L("Cancel"), theme.CancelIcon(), func() { wait.hide() })
	wait = v.u.newModal(lang.L("Capture from browser"), container.NewVBox(msg, note, widget.NewProgressBarInfinite()), func() { wait.hide() }, cancelButton)
	wait.resize(560, 0)
	v.captureDialog = wait
	be, browser := v.u.backend, v.u.settings.browser()
	cancel := background(context.Background(), v.u.bridge, func(ctx context.Context) ([]backend.Candidate, error) {
		return be.Capture(ctx, browser, page)
	}, v.captured)
	v.cancel = cancel
	wait.d.SetOnClosed(cancel) // Cancel, or closed by the capture's end
	wait.show()
}

// captured ends a capture: the found screen and a word that the browser is
// closed. With no browser installed it says so and shows how to get a HAR
// file instead.
func (v *startView) captured(cands []backend.Candidate, err error, stopped bool) {
	v.captureDialog.hide() // its OnClosed cancels the capture: harmless now
	v.captureDialog = nil
	if !v.showResult(cands, err, stopped) {
		if !stopped && backend.NoBrowser(err) {
			v.u.showHelp(helpPrivate)
		}
		return
	}
	c := cands[best(cands)]
	title := c.Title
	if title == "" {
		title = lang.L("replay")
	}
	v.u.inform(lang.L("Capture from browser"), lang.L("Found it: {{.Title}}, {{.Length}}. The browser is closed and its temporary profile deleted.",
		map[string]any{"Title": title, "Length": backend.FormatClock(c.Duration)}))
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
func (u *ui) chooseHAR(use func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		use(path)
	}, u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".har", ".HAR", ".txt"}))
	if dir := downloadsFolder(); dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	u.showFileDialog(d)
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
