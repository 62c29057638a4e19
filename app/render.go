package app

import (
	"context"
	"path/filepath"
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

// renderView shows the video being written, then where it is.
type renderView struct {
	u       *ui
	heading *widget.Label
	path    *widget.Label
	bar     *widget.ProgressBar
	detail  *widget.Label
	cancel  *button
	working *fyne.Container

	doneMsg    *widget.Label
	chatMsg    string // what became of the chat (rescue.ChatSaved), shown with the result
	soundMsg   string // what was repaired in the sound (rescue.SoundRepaired), likewise
	open       *button
	showFolder *button
	another    *button
	backToEdit *button
	done       *fyne.Container

	card    *problemCard
	problem *widget.Label // card's sentence
	retry   *button
	failed  *fyne.Container

	content fyne.CanvasObject

	output   string
	result   *backend.Done
	stopWork context.CancelFunc
}

func newRenderView(u *ui) *renderView {
	v := &renderView{u: u}
	v.build()
	return v
}

// build makes the screen's widgets and layout: the progress, and in its
// place at the end either the result or the problem.
func (v *renderView) build() {
	v.heading = widget.NewLabelWithStyle(lang.L("Saving your video"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.path = widget.NewLabel("")
	v.path.Wrapping = fyne.TextWrapBreak
	v.bar = widget.NewProgressBar()
	v.detail = widget.NewLabel("")
	u := v.u
	v.cancel = u.newButton(lang.L("Cancel"), theme.CancelIcon(), v.onCancel)
	v.working = container.NewVBox(v.bar, v.detail, container.NewHBox(layout.NewSpacer(), v.cancel))

	check := canvas.NewImageFromResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	check.SetMinSize(fyne.NewSize(64, 64))
	check.FillMode = canvas.ImageFillContain
	v.doneMsg = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	v.doneMsg.Wrapping = fyne.TextWrapWord
	v.open = u.newButton(lang.L("Open"), theme.MediaPlayIcon(), v.onOpen)
	v.open.Importance = widget.HighImportance
	v.showFolder = u.newButton(lang.L("Show in folder"), theme.FolderOpenIcon(), v.onShowFolder)
	v.another = u.newButton(lang.L("Save another broadcast"), theme.HomeIcon(), v.onAnother)
	v.backToEdit = u.newButton(lang.L("Change cuts and save again"), theme.NavigateBackIcon(), v.onBackToEdit)
	v.done = container.NewVBox(
		container.NewCenter(check), v.doneMsg,
		container.NewCenter(container.NewHBox(v.open, v.showFolder)),
		widget.NewSeparator(),
		container.NewCenter(container.NewHBox(v.backToEdit, v.another)),
	)
	v.done.Hide()

	v.card = newProblemCard()
	v.problem = v.card.text
	v.retry = u.newButton(lang.L("Back to editing"), theme.NavigateBackIcon(), v.onBackToEdit)
	v.retry.Importance = widget.HighImportance
	v.failed = container.NewVBox(v.card.box, container.NewHBox(layout.NewSpacer(), v.retry))
	v.failed.Hide()

	v.content = container.NewVScroll(container.New(&maxWidthLayout{width: 720}, container.NewVBox(
		v.heading, v.path, widget.NewSeparator(), v.working, v.done, v.failed,
	)))
}

// rebuild makes the view anew (in the language now chosen) in the same
// state: saving, saved or failed.
func (v *renderView) rebuild() {
	old := *v
	*v = renderView{u: old.u, output: old.output, stopWork: old.stopWork}
	v.build()
	v.path.SetText(old.path.Text)
	v.bar.SetValue(old.bar.Value)
	switch {
	case old.result != nil:
		v.finished(*old.result)
	case old.failed.Visible():
		v.fail(old.problem.Text)
	}
}

// render writes the video for session s with settings (its Output set) and
// shows how it goes; ended shows how it ended.
func (v *renderView) render(s *session, settings backend.Settings) {
	out := settings.Output
	v.output = out
	v.path.SetText(out)
	s.working = workSave
	v.u.settings.p.SetString(prefSaving, out)
	v.u.show(screenRender)
	cancel := background(context.Background(), v.u.bridge, only(func(ctx context.Context) error { return s.job.Render(ctx, settings) }), func(_ struct{}, err error, stopped bool) {
		v.ended(s, out, err, stopped)
	})
	v.stopWork = cancel
	s.cancel = cancel
}

// ended shows where the video is and says so in a notification; or the
// problem; or, when the user cancelled, the edit screen again.
func (v *renderView) ended(s *session, out string, err error, stopped bool) {
	u := v.u
	s.working = ""
	u.settings.p.SetString(prefSaving, "")
	if u.sess != s {
		return
	}
	v.stopWork = nil
	if err != nil {
		// The render writes under a temporary name, so out is at most
		// the save dialog's empty file: that goes, a video never does.
		backend.RemoveUnfinished(out)
		if stopped {
			u.show(screenEdit)
			return
		}
		msg, _ := backend.Explain(err)
		v.fail(msg)
		return
	}
	s.saved = out
	if v.result == nil { // a backend that reports no Done event
		v.finished(backend.Done{Output: out})
	}
	u.app.SendNotification(fyne.NewNotification(lang.L("Your video is ready"),
		lang.L("{{.Name}} is saved.", map[string]any{"Name": filepath.Base(out)})))
}

// onCancel stops the save; ended then goes back to editing.
func (v *renderView) onCancel() {
	if v.stopWork != nil {
		v.stopWork()
	}
}

// onOpen opens the video in the system's player.
func (v *renderView) onOpen() {
	if err := v.u.openURL(fileURL(v.output)); err != nil {
		v.u.showError(lang.L("Cannot open the video"), lang.L("Open {{.Path}} with your video player.", map[string]any{"Path": v.output}))
	}
}

// onShowFolder opens the folder the video is in.
func (v *renderView) onShowFolder() {
	if err := v.u.openURL(fileURL(filepath.Dir(v.output))); err != nil {
		v.u.showError(lang.L("Cannot open the folder"), filepath.Dir(v.output))
	}
}

func (v *renderView) onAnother() { v.u.startOver() }

// onBackToEdit goes back to the cuts and sync, to save again or after a
// problem.
func (v *renderView) onBackToEdit() { v.u.show(screenEdit) }

// onEvent follows the render's progress.
func (v *renderView) onEvent(e backend.Event) {
	switch e := e.(type) {
	case backend.Rendering:
		if e.Total > 0 {
			f := min(max(float64(e.Done)/float64(e.Total), 0), 1)
			v.bar.SetValue(f)
			// The total to the tenth, as the edit screen gave the length.
			times := map[string]any{"Done": backend.FormatClock(min(e.Done, e.Total).Truncate(1e9)), "Total": backend.FormatClock(e.Total),
				"Left": backend.FormatClock(e.ETA.Round(1e9))}
			switch {
			case e.Burning && e.ETA > 0:
				v.detail.SetText(lang.L("Drawing the chat into the video: {{.Done}} of {{.Total}} written, about {{.Left}} left", times))
			case e.Burning:
				v.detail.SetText(lang.L("Drawing the chat into the video: {{.Done}} of {{.Total}} written", times))
			default:
				v.detail.SetText(lang.L("{{.Done}} of {{.Total}} written", times))
			}
		}
	case backend.SoundRepaired:
		var said []string
		for _, s := range e.Said() {
			said = append(said, backend.Say(s))
		}
		v.soundMsg = strings.Join(said, "\n")
	case backend.ChatSaved:
		v.chatMsg = e.Problem
		if e.Problem == "" {
			v.chatMsg = lang.L("The chat is saved beside it as {{.Name}}.", map[string]any{"Name": filepath.Base(e.SRT) + ", " + filepath.Base(e.ASS)})
		}
	case backend.Done:
		v.finished(e)
	}
}

// finished shows where the video is, with buttons to open it.
func (v *renderView) finished(d backend.Done) {
	v.result = &d
	v.bar.SetValue(1)
	v.working.Hide()
	v.heading.SetText(lang.L("Your video is ready"))
	msg := lang.L("Saved as {{.Name}}", map[string]any{"Name": filepath.Base(d.Output)})
	if d.Duration > 0 && d.Size > 0 {
		msg += " (" + backend.FormatClock(d.Duration) + ", " + v.u.num.size(d.Size) + ")"
	}
	if v.soundMsg != "" {
		msg += "\n" + v.soundMsg
	}
	if d.Loudness != nil {
		msg += "\n" + backend.Say(d.Loudness.Sentence())
	}
	if v.chatMsg != "" {
		msg += "\n" + v.chatMsg
	}
	v.doneMsg.SetText(msg)
	v.done.Show()
	v.u.focusOn(screenRender, v.open)
}

func (v *renderView) fail(msg string) {
	v.working.Hide()
	v.heading.SetText(lang.L("The video could not be saved"))
	v.card.show("", msg) // the heading above says what failed
	v.failed.Show()
	v.u.focusOn(screenRender, v.retry)
}

// cleanInterruptedSave tidies up after a save that was killed with the app
// (a crash, a forced quit): its unfinished files go, and the user is told
// what was removed and that the downloaded parts are kept.
func (u *ui) cleanInterruptedSave() {
	out := u.settings.p.String(prefSaving)
	if out == "" {
		return
	}
	u.settings.p.SetString(prefSaving, "")
	removed := backend.RemoveUnfinished(out)
	if len(removed) == 0 {
		return
	}
	u.notice = u.inform(lang.L("The last save did not finish"),
		lang.L("Replay Rescue was closed while it saved {{.Name}}, so its unfinished file was removed. The downloaded parts are kept: open the same broadcast again to save it.",
			map[string]any{"Name": filepath.Base(out)}))
}
