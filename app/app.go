// Package app is the Replay Rescue window: views only, plus one bridge that
// turns core's events into widget state. Everything that downloads, probes
// or renders lives in core and is reached through the backend interface, so
// every screen runs in tests against fakes.
package app

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	_ "replayrescue/app/internal/localeenv" // must run before Fyne reads the locale
	"replayrescue/assets"

	"replayrescue/app/internal/backend"
)

// AppID is the ID in FyneApp.toml; preferences are stored under it.
const AppID = "app.replayrescue.desktop"

// screenEnv opens the window on one screen with sample data (for screenshots).
const screenEnv = "REPLAYRESCUE_SCREEN"

// Run opens the window and blocks until it is closed; it returns an exit code.
func Run(version string, stderr io.Writer) int {
	started := time.Now()
	a := fyneapp.NewWithID(AppID)
	a.SetIcon(assets.Icon)
	if err := loadTranslations(); err != nil {
		fmt.Fprintln(stderr, "Some translations could not be loaded:", err)
	}
	w := a.NewWindow("Replay Rescue")
	w.SetIcon(assets.Icon)

	var be backend.Backend = backend.NewCore(backend.ToolsSource{})
	screen := os.Getenv(screenEnv)
	if screen != "" {
		be = newDemoBackend()
	}
	u := newUI(a, w, be)
	u.version = version
	if os.Getenv("REPLAYRESCUE_TIMING") != "" {
		u.timing = stderr
	}
	w.Resize(fyne.NewSize(960, 700))
	w.SetOnDropped(u.dropped)
	w.SetCloseIntercept(u.onCloseRequested)
	a.Lifecycle().SetOnStarted(func() {
		if os.Getenv("REPLAYRESCUE_TIMING") != "" {
			// For measuring start-up: when the first frame is about to be drawn.
			fmt.Fprintf(stderr, "window shown after %v\n", time.Since(started).Round(time.Millisecond))
		}
		if screen != "" {
			openDemoScreen(u, screen)
			return
		}
		u.cleanInterruptedSave()
		u.checkTools()
	})
	w.ShowAndRun()
	return 0
}

// screen names the steps of a save, in order.
type screen int

const (
	screenStart screen = iota
	screenFound
	screenDownload
	screenEdit
	screenRender
)

// ui is the window: which screen shows and the way between them, what comes
// in from anywhere on it (a dropped file, Ctrl+V, keys), and what outlives a
// screen: the candidates found, the parts of a talk, the session being
// saved. Each screen is a view of its own (startView, foundView,
// downloadView, editView, renderView) with a build that makes its widgets
// and on... methods that handle them. All fields are used on the UI thread
// only; goroutines reach them through the bridge.
type ui struct {
	app      fyne.App
	win      fyne.Window
	backend  backend.Backend
	bridge   *bridge
	settings settings
	num      numbers
	version  string

	screen    screen
	body      *fyne.Container // holds the current screen
	steps     []*widget.Label
	stepNames []string
	stepShort *widget.Label
	toolsOK   bool

	start *startView
	found *foundView
	dl    *downloadView
	edit  *editView
	rend  *renderView

	cands      []backend.Candidate
	parts      []backend.Candidate // earlier broadcasts of the same talk ("Add another part")
	sess       *session            // the job being saved; nil on the start screen
	stopSample func()

	// openURL opens files and folders in the system's apps; tests replace it.
	openURL func(*url.URL) error
	temps   []string  // preview clips, removed when the window closes
	timing  io.Writer // REPLAYRESCUE_TIMING: where latencies are reported
	tools   *toolsDialog
	about   *aboutBox
	// goos decides how ffmpeg is offered (a download on Windows and macOS,
	// a command on Linux); tests set it to drive another system's dialog.
	goos string

	quitDialog *modal // "Stop and quit?", while it asks
	notice     *modal // what was tidied up after an interrupted save

	modals []*modal // the dialogs showing, newest last: Escape closes the last
	tips   *tips    // the one tip showing, over the window's content
}

func newUI(a fyne.App, w fyne.Window, be backend.Backend) *ui {
	u := &ui{app: a, win: w, backend: be, bridge: &bridge{}, settings: settings{a.Preferences()}, goos: runtime.GOOS}
	u.openURL = a.OpenURL
	a.Settings().SetTheme(themeFor(u.settings.appearance()))
	if code := u.settings.language(); code != "" { // "" is what Fyne already chose
		if err := applyLanguage(code); err != nil {
			fyne.LogError("applying the language setting", err)
		}
	}
	u.num = numbersFor(languageInUse(u.settings.language()))
	u.body = container.NewStack()
	windows.Store(w, u)
	u.build()
	u.addShortcuts()
	w.Canvas().SetOnTypedKey(u.onTypedKey)
	return u
}

// build makes the window's content: the header above the current screen.
// It runs again when the language or appearance changed: every screen then
// makes its widgets anew too, each keeping what it showed.
func (u *ui) build() {
	if u.start == nil {
		u.start, u.found, u.dl, u.rend = newStartView(u), newFoundView(u), newDownloadView(u), newRenderView(u)
	} else {
		u.start.rebuild()
		u.found.rebuild()
		u.dl.rebuild()
		if u.edit != nil && u.sess != nil {
			u.edit.rebuild()
		}
		u.rend.rebuild()
	}
	// The screen before the header: Tab reaches the screen's controls
	// first, the header's icons last. Tips show over both.
	u.tips = newTips(u.bridge)
	u.win.SetContent(container.NewStack(container.NewBorder(u.header(), nil, nil, nil, u.body), u.tips.layer))
	u.show(u.screen)
}

// header: the app's name, where the user is in the flow, help and settings.
func (u *ui) header() fyne.CanvasObject {
	icon := canvas.NewImageFromResource(assets.Icon)
	icon.SetMinSize(fyne.NewSize(28, 28))
	icon.FillMode = canvas.ImageFillContain
	name := widget.NewLabelWithStyle("Replay Rescue", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})

	names := []string{lang.L("Source"), lang.L("Choose"), lang.L("Download"), lang.L("Trim & sync"), lang.L("Save")}
	u.steps = nil
	stepRow := container.NewHBox()
	for i, n := range names {
		if i > 0 {
			arrow := widget.NewLabel("›")
			arrow.Importance = widget.LowImportance
			stepRow.Add(arrow)
		}
		l := widget.NewLabel(n)
		u.steps = append(u.steps, l)
		stepRow.Add(l)
	}
	// On a narrow window (or in a wordy language) the breadcrumb gives way
	// to "Step 3 of 5: Download".
	u.stepShort = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	u.stepNames = names
	help := u.newIconButton(theme.HelpIcon(), withKey(lang.L("Help"), "F1"), u.onHelp)
	settingsBtn := u.newIconButton(theme.SettingsIcon(), withKey(lang.L("Settings"), keyName(shortcutSettings)), func() { newSettingsDialog(u).show() })
	aboutBtn := u.newIconButton(theme.InfoIcon(), lang.L("About Replay Rescue"), func() { newAboutBox(u).show() })
	help.Importance, settingsBtn.Importance, aboutBtn.Importance = widget.LowImportance, widget.LowImportance, widget.LowImportance

	left := container.NewHBox(icon, name)
	right := container.NewHBox(help, settingsBtn, aboutBtn)
	steps := container.New(&firstThatFits{}, container.NewCenter(stepRow), u.stepShort)
	bar := container.NewBorder(nil, nil, left, right, steps)
	return container.NewVBox(bar, widget.NewSeparator())
}

// show switches to screen s.
func (u *ui) show(s screen) {
	if u.screen == screenEdit && s != screenEdit && s != screenRender && u.edit != nil {
		u.edit.stop()
	}
	u.screen = s
	for i, l := range u.steps {
		l.TextStyle.Bold = i == int(s)
		l.Importance = widget.MediumImportance
		if i != int(s) {
			l.Importance = widget.LowImportance
		}
		l.Refresh()
	}
	if u.stepShort != nil && int(s) < len(u.stepNames) {
		u.stepShort.SetText(lang.L("Step {{.N}} of {{.Total}}: {{.Name}}", map[string]any{"N": int(s) + 1, "Total": len(u.stepNames), "Name": u.stepNames[s]}))
	}
	var view fyne.CanvasObject
	switch s {
	case screenStart:
		view = u.start.content
	case screenFound:
		view = u.found.content
	case screenDownload:
		view = u.dl.content
	case screenEdit:
		view = u.edit.content
		u.edit.activate()
	case screenRender:
		view = u.rend.content
	}
	u.body.Objects = []fyne.CanvasObject{container.NewPadded(view)}
	u.body.Refresh()
	u.focusFor(s)
}

// focusFor gives the keyboard's focus to what the user most likely does
// next on screen s: the link on the start screen, Download on the found
// screen; elsewhere to nothing, so the screen's keys (the arrows that move
// a trim handle) work at once and Tab starts from the top.
func (u *ui) focusFor(s screen) {
	if len(u.modals) > 0 {
		return // the dialog keeps it; its own focus is apart from the window's
	}
	c := u.win.Canvas()
	switch {
	case s == screenStart:
		c.Focus(u.start.paste)
	case s == screenFound && !u.found.download.Disabled():
		c.Focus(u.found.download)
	case s == screenFound && u.found.chosen >= 0 && u.found.chosen < len(u.found.rows):
		c.Focus(u.found.rows[u.found.chosen])
	default:
		c.Unfocus()
	}
}

// focusOn gives o the keyboard's focus while screen s shows and no dialog
// is open: the next step once a screen's work has ended.
func (u *ui) focusOn(s screen, o fyne.Focusable) {
	if u.screen == s && len(u.modals) == 0 {
		u.win.Canvas().Focus(o)
	}
}

// onHelp opens Help on what the screen showing is about.
func (u *ui) onHelp() {
	switch u.screen {
	case screenEdit:
		u.showHelp(helpTrim)
	case screenRender:
		u.showHelp(helpSave)
	default:
		u.showHelp(helpLink)
	}
}

// dropped handles files dropped anywhere on the window. It is a method, not
// a closure, so tests can call it: the test window ignores SetOnDropped.
func (u *ui) dropped(_ fyne.Position, uris []fyne.URI) {
	for _, uri := range uris {
		if uri.Scheme() == "file" {
			u.useSource(uri.Path())
			return
		}
	}
}

// pasted handles Ctrl/Cmd+V when no text field has focus.
func (u *ui) pasted(text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	u.useSource(text)
}

// useSource takes a dropped file or pasted text: a new source on the start
// and found screens, a fresh source when an expired download waits for one.
func (u *ui) useSource(src string) {
	switch {
	case u.screen == screenDownload && u.dl.wantsFresh:
		u.dl.fresh.SetText(src)
		u.dl.continueWith(src)
	case u.screen == screenStart || u.screen == screenFound:
		u.start.paste.SetText(src)
		u.start.resolve(src)
	default:
		u.inform(lang.L("Busy"), lang.L("Finish or cancel this video before starting another."))
	}
}

// onTypedKey gets the keys pressed when no widget has focus, and the
// window's own keys from every control (see keys.go): Escape closes the
// dialog on top (or stops a search), F1 opens Help, Space pauses or resumes
// a download, and on the edit screen the arrow keys nudge the trim handle.
func (u *ui) onTypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		if !u.escapeModal() && u.screen == screenStart && u.start.searching() {
			u.start.onStop()
		}
		return
	}
	if len(u.modals) > 0 {
		return
	}
	switch {
	case k.Name == fyne.KeyF1:
		u.onHelp()
	case u.screen == screenDownload && k.Name == fyne.KeySpace:
		u.dl.onPauseOrResume()
	case u.screen == screenEdit && u.edit != nil:
		u.edit.onTypedKey(k)
	}
}

// checkTools looks for ffmpeg at start-up, so a missing one is explained
// before the user has spent time on a HAR file.
func (u *ui) checkTools() {
	hint, err := u.backend.FindTools()
	u.toolsOK = err == nil
	if err != nil {
		newToolsDialog(u, hint, err).show()
	}
}

// requireTools is checkTools before any step that needs ffmpeg.
func (u *ui) requireTools() bool {
	if !u.toolsOK {
		u.checkTools()
	}
	return u.toolsOK
}

// showError shows err as one sentence in a dialog.
func (u *ui) showError(title string, msg string) { u.inform(title, msg) }

// setLanguage applies and saves a language choice.
func (u *ui) setLanguage(code string) {
	if code == u.settings.language() {
		return
	}
	u.settings.p.SetString(prefLanguage, code)
	u.useLanguage(code)
}

// useLanguage shows the window in code ("" the system's) without saving it.
func (u *ui) useLanguage(code string) {
	if err := applyLanguage(code); err != nil {
		fyne.LogError("applying the language setting", err)
	}
	u.num = numbersFor(languageInUse(code))
	u.build()
}

// setAppearance applies and saves light, dark or system.
func (u *ui) setAppearance(mode string) {
	if mode == u.settings.appearance() {
		return
	}
	u.settings.p.SetString(prefAppearance, mode)
	u.app.Settings().SetTheme(themeFor(mode))
	u.build() // a few colours are picked when widgets are made
}

// startOver drops the current broadcast and shows the start screen. Chunks
// stay in the job folder (so the same broadcast resumes later) unless a
// video was saved and the user did not ask to keep them.
func (u *ui) startOver() {
	if s := u.sess; s != nil {
		if err := s.end(); err != nil {
			fyne.LogError("removing the job folder", err)
		}
	}
	if u.edit != nil {
		u.edit.stop()
	}
	u.sess, u.edit = nil, nil
	u.cands, u.parts = nil, nil
	u.found.set(nil)
	u.dl = newDownloadView(u)
	u.rend = newRenderView(u)
	u.start.reset()
	u.show(screenStart)
}

// onCloseRequested runs when the user closes the window: straight away when
// nothing is running, else after asking, as stopping loses the work under
// way (never what is already downloaded).
func (u *ui) onCloseRequested() {
	if u.sess == nil || u.sess.working == "" {
		u.quit()
		return
	}
	msg := lang.L("The parts downloaded so far are kept: open the same broadcast again to go on.")
	if u.sess.working == workSave {
		msg = lang.L("The video being saved is not finished and will not be kept; the downloaded parts are kept.")
	}
	u.quitDialog = u.ask(lang.L("Stop and quit?"), msg, lang.L("Stop and quit"), lang.L("Keep going"), u.quit)
}

// quit stops everything and closes the window.
func (u *ui) quit() {
	u.shutdown()
	u.win.Close()
}

// shutdown runs when the window closes: stop work, tidy up after a save.
func (u *ui) shutdown() {
	windows.Delete(u.win)
	if s := u.sess; s != nil {
		_ = s.end()
	}
	if u.edit != nil {
		u.edit.stop()
	}
	if u.stopSample != nil {
		u.stopSample()
	}
	for _, t := range u.temps {
		_ = os.Remove(t)
	}
	if u.tools != nil && u.tools.stop != nil {
		u.tools.stop() // a download of ffmpeg removes what it began
	}
}

// firstThatFits shows the first of its objects whose minimum width fits and
// hides the rest; its own minimum is the last (narrowest) object's.
type firstThatFits struct{}

func (firstThatFits) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	shown := false
	for i, o := range objs {
		if !shown && (o.MinSize().Width <= size.Width || i == len(objs)-1) {
			o.Show()
			o.Move(fyne.NewPos(0, 0))
			o.Resize(size)
			shown = true
			continue
		}
		o.Hide()
	}
}

func (firstThatFits) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	if len(objs) == 0 {
		return fyne.Size{}
	}
	return fyne.NewSize(objs[len(objs)-1].MinSize().Width, h)
}
