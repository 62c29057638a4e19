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
// command, or try the sample.
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
	cancel  context.CancelFunc
	content fyne.CanvasObject

	// captureLink opens the browser on a link the core could not resolve
	// (captureURL), shown under the sentence saying why.
	captureLink *widget.Button
	captureURL  string
}

func newStartView(u *ui) *startView {
	v := &startView{u: u}

	dropTitle := widget.NewLabelWithStyle(lang.L("Drop a HAR file here"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	dropHint := widget.NewLabelWithStyle(lang.L("Anywhere on this window works."), fyne.TextAlignCenter, fyne.TextStyle{})
	dropIcon := canvas.NewImageFromResource(theme.UploadIcon())
	dropIcon.SetMinSize(fyne.NewSize(48, 48))
	dropIcon.FillMode = canvas.ImageFillContain
	v.openHAR = widget.NewButtonWithIcon(lang.L("Open HAR file…"), theme.FolderOpenIcon(), v.chooseFile)
	v.capture = widget.NewButtonWithIcon(lang.L("Capture from browser"), theme.ComputerIcon(), func() { u.captureFromBrowser("") })
	v.captureLink = widget.NewButtonWithIcon(lang.L("Open it in the browser and capture"), theme.ComputerIcon(), func() { u.captureFromBrowser(v.captureURL) })
	v.captureLink.Hide()
	v.help = widget.NewButtonWithIcon(lang.L("How do I get a HAR file?"), theme.HelpIcon(), u.showHARHelp)
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
	v.find = widget.NewButtonWithIcon(lang.L("Find the video"), theme.SearchIcon(), func() { u.resolve(v.paste.Text) })
	v.find.Importance = widget.HighImportance
	v.paste.OnChanged = func(s string) { v.setFindEnabled() }
	v.setFindEnabled()

	v.sample = widget.NewButtonWithIcon(lang.L("Try the sample broadcast"), theme.MediaPlayIcon(), u.trySample)
	sampleHint := widget.NewLabel(lang.L("No broadcast at hand? The sample runs on this computer and shows every step."))
	sampleHint.Wrapping = fyne.TextWrapWord
	sampleHint.Importance = widget.LowImportance

	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.status.Importance = widget.DangerImportance
	v.status.Hide()

	v.busyMsg = widget.NewLabel("")
	v.stop = widget.NewButton(lang.L("Stop"), func() {
		if v.cancel != nil {
			v.cancel()
		}
	})
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
	return v
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
	v.status.SetText(msg)
	if msg == "" {
		v.status.Hide()
	} else {
		v.status.Show()
	}
}

func (v *startView) chooseFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		v.u.useSource(path)
	}, v.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".har", ".HAR", ".txt"}))
	// Browsers save their exports to Downloads.
	if dir := downloadsFolder(); dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Show()
}

// resolve looks for videos in a dropped file or pasted text, then shows them.
func (u *ui) resolve(src string) {
	if src == "" {
		return
	}
	u.show(screenStart)
	u.start.setBusy(lang.L("Looking for the video…"))
	u.start.cancel = background(context.Background(), u.bridge, func(ctx context.Context) ([]backend.Candidate, error) {
		return u.backend.Resolve(ctx, src)
	}, func(cands []backend.Candidate, err error, stopped bool) {
		u.start.setBusy("")
		if err != nil {
			if stopped {
				return // the user pressed Stop
			}
			msg, _ := backend.Explain(err)
			u.start.showProblem(msg)
			if page, ok := backend.CaptureInstead(err); ok {
				u.start.captureURL = page
				u.start.captureLink.Show()
			}
			return
		}
		if len(cands) == 0 {
			u.start.showProblem(lang.L("No video was found in that. Check that the replay was playing while the HAR file was recorded, or paste the link instead."))
			return
		}
		u.showFound(cands)
	})
}

// captureFromBrowser opens the user's browser in a temporary profile (on
// page, when set) and waits, with a Cancel button, until the replay plays
// there; then it shows what was found as a pasted link would. With no
// browser installed it says so and shows how to get a HAR file instead.
func (u *ui) captureFromBrowser(page string) {
	u.show(screenStart)
	u.start.setBusy(lang.L("Waiting for the replay to play in the browser…"))
	msg := widget.NewLabel(lang.L("A browser window opens: open the broadcast there (log in first if it is private) and press play. Replay Rescue goes on by itself once the replay is found."))
	msg.Wrapping = fyne.TextWrapWord
	note := widget.NewLabel(lang.L("It uses a separate, temporary profile: your own browser profile, bookmarks and passwords are not touched."))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	wait := dialog.NewCustom(lang.L("Capture from browser"), lang.L("Cancel"), container.NewVBox(msg, note, widget.NewProgressBarInfinite()), u.win)
	wait.Resize(fyne.NewSize(min(560, u.win.Canvas().Size().Width-40), 0))
	u.captureDialog = wait
	browser := u.settings.browser()
	cancel := background(context.Background(), u.bridge, func(ctx context.Context) ([]backend.Candidate, error) {
		return u.backend.Capture(ctx, browser, page)
	}, func(cands []backend.Candidate, err error, stopped bool) {
		wait.Hide() // its OnClosed cancels the capture: harmless now
		u.captureDialog = nil
		u.start.setBusy("")
		switch {
		case err != nil && stopped:
			return // the user pressed Cancel
		case err != nil:
			text, _ := backend.Explain(err)
			u.start.showProblem(text)
			if backend.NoBrowser(err) {
				u.showHARHelp()
			}
			return
		case len(cands) == 0:
			u.start.showProblem(lang.L("No video was found in that. Check that the replay was playing while the HAR file was recorded, or paste the link instead."))
			return
		}
		u.showFound(cands)
		c := cands[0]
		for _, x := range cands {
			if x.Ready {
				c = x
				break
			}
		}
		title := c.Title
		if title == "" {
			title = lang.L("replay")
		}
		dialog.ShowInformation(lang.L("Capture from browser"), lang.L("Found it: {{.Title}}, {{.Length}}. The browser is closed and its temporary profile deleted.",
			map[string]any{"Title": title, "Length": backend.FormatClock(c.Duration)}), u.win)
	})
	u.start.cancel = cancel
	wait.SetOnClosed(cancel) // Cancel, or closed by the capture's end
	wait.Show()
}

// trySample starts the built-in sample broadcast and shows it as found.
func (u *ui) trySample() {
	if !u.requireTools() {
		return
	}
	u.start.setBusy(lang.L("Preparing the sample broadcast (the first time takes a few seconds)…"))
	type sample struct {
		c    backend.Candidate
		stop func()
	}
	u.start.cancel = background(context.Background(), u.bridge, func(ctx context.Context) (sample, error) {
		c, stop, err := u.backend.Sample(ctx)
		return sample{c, stop}, err
	}, func(smp sample, err error, stopped bool) {
		u.start.setBusy("")
		if err != nil {
			if !stopped {
				msg, _ := backend.Explain(err)
				u.start.showProblem(msg)
			}
			return
		}
		if u.stopSample != nil {
			u.stopSample()
		}
		u.stopSample = smp.stop
		u.showFound([]backend.Candidate{smp.c})
	})
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
