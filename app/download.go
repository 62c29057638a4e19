package app

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"replayrescue/app/internal/backend"
)

// downloadView shows the download: progress, pause, resume and cancel, and
// the prompt for a fresh source when the host stops accepting the old one.
// It also runs the download for the window's session (run, ended,
// continueWith), since every step of it shows here; a new download gets a
// new view.
type downloadView struct {
	u        *ui
	title    *widget.Label
	about    *widget.Label
	bar      *widget.ProgressBar
	detail   *widget.Label
	state    *widget.Label
	pause    *button
	resume   *button
	cancel   *button
	back     *button // to the videos found, when the download skipped choosing
	stopLive *button // live broadcasts: stop following and edit what arrived
	card     *problemCard
	problem  *widget.Label // card's sentence
	probBox  *fyne.Container
	retry    *button
	partsBox *fyne.Container // each part's own progress, for a talk in several
	partRows []*partRow
	expired  *fyne.Container // the "link has expired" card
	fresh    *widget.Entry
	useFresh *button
	content  fyne.CanvasObject

	wantsFresh bool // waiting for a new HAR or link
	skipped    bool // started without the found screen: Back goes there
	last       backend.Progress
	cand       backend.Candidate
	mode       downloadMode
}

// downloadMode is what the download screen shows below the progress.
type downloadMode int

const (
	dlRunning downloadMode = iota
	dlPaused
	dlExpired
	dlProblem
)

func newDownloadView(u *ui) *downloadView {
	v := &downloadView{u: u}
	v.build()
	return v
}

// build makes the screen's widgets and layout: what downloads and how far
// it is, with the buttons in a row of their own at the bottom, where
// messages coming and going never move them; the buttons that take turns
// (Pause, Resume, Try again) share one place.
func (v *downloadView) build() {
	u := v.u
	v.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.Truncation = fyne.TextTruncateEllipsis
	v.about = widget.NewLabel("")
	v.bar = widget.NewProgressBar()
	v.detail = widget.NewLabel(lang.L("Connecting to the video host…"))
	v.detail.Wrapping = fyne.TextWrapWord
	v.state = widget.NewLabel("")
	v.state.Wrapping = fyne.TextWrapWord
	v.state.Hide()

	v.pause = u.newButton(lang.L("Pause"), theme.MediaPauseIcon(), v.onPause)
	v.pause.tip = withKey(lang.L("Pause"), lang.L("Space"))
	v.resume = u.newButton(lang.L("Resume"), theme.MediaPlayIcon(), v.onResume)
	v.resume.Importance = widget.HighImportance
	v.resume.tip = withKey(lang.L("Resume"), lang.L("Space"))
	v.resume.Hide()
	v.cancel = u.newButton(lang.L("Cancel"), theme.CancelIcon(), v.onCancel)
	v.back = u.newButton(lang.L("Back"), theme.NavigateBackIcon(), v.onBack)
	v.back.Hide()
	v.stopLive = u.newButton(lang.L("Stop here"), theme.MediaStopIcon(), v.onStopHere)
	v.stopLive.Hide()

	v.card = newProblemCard()
	v.problem = v.card.text
	v.retry = u.newButton(lang.L("Try again"), theme.ViewRefreshIcon(), v.onResume)
	v.retry.Importance = widget.HighImportance
	v.retry.Hide()
	v.probBox = v.card.box

	// The expired-link card: drop or paste a fresh source to continue.
	expiredMsg := widget.NewLabel(lang.L("The link has expired: drop a fresh HAR or paste the link again to continue. The parts already downloaded are kept."))
	expiredMsg.Wrapping = fyne.TextWrapWord
	expiredMsg.Importance = widget.WarningImportance
	v.fresh = widget.NewEntry()
	v.fresh.SetPlaceHolder(lang.L("Paste the link again"))
	v.fresh.OnSubmitted = func(string) { v.onContinue() }
	v.useFresh = u.newButton(lang.L("Continue"), nil, v.onContinue)
	v.useFresh.Importance = widget.HighImportance
	openHAR := u.newButton(lang.L("Open HAR file…"), theme.FolderOpenIcon(), v.onOpenHAR)
	openHAR.tip = withKey(lang.L("Open a HAR file"), keyName(shortcutOpen))
	howTo := u.newButton(lang.L("How do I get a HAR file?"), theme.HelpIcon(), v.onHelp)
	howTo.Importance = widget.LowImportance
	v.expired = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, expiredMsg),
		container.NewBorder(nil, nil, nil, v.useFresh, v.fresh),
		container.NewHBox(openHAR, howTo),
	)
	v.expired.Hide()

	v.partsBox = container.NewVBox()
	v.partsBox.Hide()
	turns := container.New(sameSpot{}, v.pause, v.resume, v.retry)
	buttons := container.NewHBox(v.back, v.cancel, layout.NewSpacer(), v.stopLive, turns)
	body := container.NewVScroll(container.NewVBox(
		v.title, v.about,
		widget.NewSeparator(),
		v.bar, v.detail, v.partsBox, v.state,
		v.expired,
		v.probBox,
	))
	// In reading order, so Tab reaches the messages' controls before
	// the buttons.
	v.content = container.New(&maxWidthLayout{width: 760}, container.New(layout.NewBorderLayout(nil, buttons, nil, nil), body, buttons))
}

// rebuild makes the view anew (in the language now chosen) and shows what
// it showed.
func (v *downloadView) rebuild() {
	old := *v
	*v = downloadView{u: old.u}
	v.build()
	v.copyFrom(&old)
}

// setCandidate shows which broadcast is downloading.
func (v *downloadView) setCandidate(c backend.Candidate) {
	v.cand = c
	title := c.Title
	if title == "" {
		title = lang.L("Untitled broadcast")
	}
	v.title.SetText(title)
	v.about.SetText(candidateDetails(c, v.u.num))
}

// copyFrom shows what old showed (the view is rebuilt for a new language).
func (v *downloadView) copyFrom(old *downloadView) {
	if old.cand.Title == "" && old.last.Total == 0 {
		return // nothing downloading
	}
	v.setCandidate(old.cand)
	if old.skipped {
		v.setSkipped()
	}
	if len(old.partRows) > 1 {
		var cs []backend.Candidate
		for _, r := range old.partRows {
			cs = append(cs, r.c)
		}
		v.setParts(cs)
		for i, r := range old.partRows {
			v.partRows[i].bar.SetValue(r.bar.Value)
		}
	}
	v.setProgress(old.last)
	switch old.mode {
	case dlPaused:
		v.showPaused()
	case dlExpired:
		v.showExpired()
		v.fresh.SetText(old.fresh.Text)
	case dlProblem:
		v.showProblem(old.problem.Text)
	}
}

// setProgress shows chunks, megabytes, speed and time left: "Connecting"
// until the first bytes arrive, then the speed, and the time left as soon
// as it can be told.
func (v *downloadView) setProgress(p backend.Progress) {
	v.last = p
	if p.Total > 0 {
		v.bar.SetValue(float64(p.Done) / float64(p.Total))
	}
	if p.Bytes == 0 && p.Done == 0 {
		v.detail.SetText(lang.L("Connecting to the video host…"))
		return
	}
	data := map[string]any{"Done": p.Done, "Total": p.Total, "Size": v.u.num.size(p.Bytes)}
	text := lang.L("{{.Done}} of {{.Total}} parts · {{.Size}}", data)
	if p.Speed > 0 && p.Done < p.Total {
		text += " · " + v.u.num.speed(p.Speed)
		if p.ETA > 0 {
			text += " · " + lang.L("about {{.Time}} left", map[string]any{"Time": v.u.num.span(p.ETA)})
		} else {
			text += " · " + lang.L("working out the time left…")
		}
	}
	if p.Resumed > 0 {
		text += "\n" + lang.L("{{.N}} parts were already on this computer and are not downloaded again.", map[string]any{"N": p.Resumed})
	}
	v.detail.SetText(text)
}

// running switches the buttons between a running and a stopped download.
func (v *downloadView) running(on bool) {
	if on {
		v.mode = dlRunning
		v.pause.Show()
		v.resume.Hide()
		v.retry.Hide()
		v.state.Hide()
		v.expired.Hide()
		v.wantsFresh = false
		v.card.show("", "")
	} else {
		v.pause.Hide()
	}
}

// setSkipped offers Back to the videos found: the download started
// without asking which, there being one to choose.
func (v *downloadView) setSkipped() {
	v.skipped = true
	v.back.Show()
}

func (v *downloadView) showPaused() {
	v.running(false)
	v.mode = dlPaused
	v.resume.Show()
	v.state.SetText(lang.L("Paused. The parts already downloaded are kept; Resume continues from here."))
	v.state.Show()
}

func (v *downloadView) showExpired() {
	v.running(false)
	v.mode = dlExpired
	v.resume.Hide()
	v.wantsFresh = true
	v.expired.Show()
}

func (v *downloadView) showProblem(msg string) {
	v.running(false)
	v.mode = dlProblem
	v.resume.Hide()
	v.retry.Show()
	v.card.show(lang.L("The download stopped"), msg)
	v.u.focusOn(screenDownload, v.retry)
}

// run loads the playlist (once) and downloads what is missing; ended
// shows how it went.
func (v *downloadView) run() {
	s := v.u.sess
	s.pausing = false
	s.working = workDownload
	v.running(true)
	wasLoaded := s.loaded
	s.cancel = background(context.Background(), v.u.bridge, func(ctx context.Context) (loaded bool, err error) {
		if !wasLoaded {
			if err := s.job.Load(ctx); err != nil {
				return false, err
			}
		}
		return true, s.job.Download(ctx)
	}, func(loaded bool, err error, _ bool) {
		s.loaded = loaded
		s.working = ""
		if v.u.sess != s {
			return // cancelled, or replaced by a fresh source
		}
		v.ended(s, err)
	})
}

// ended goes on to the edit screen when everything is downloaded, else
// says why it stopped: paused, expired (waiting for a fresh source), or a
// problem with Try again.
func (v *downloadView) ended(s *session, err error) {
	if err == nil {
		v.bar.SetValue(1)
		v.u.edit = newEditView(v.u, s.job)
		v.u.show(screenEdit)
		return
	}
	if errors.Is(err, context.Canceled) && s.pausing {
		v.showPaused()
		return
	}
	msg, code := backend.Explain(err)
	if code == backend.ExitCredentials && len(s.parts) == 0 {
		// (A part of a talk says which part needs a fresh source; the
		// whole talk is then started again with it.)
		v.showExpired()
		return
	}
	v.showProblem(msg)
}

// onJobEvent shows what session s's job says about its download.
func (v *downloadView) onJobEvent(s *session, e backend.Event) {
	switch e := e.(type) {
	case backend.Found:
		c := s.cand
		c.Title, c.Duration, c.Quality, c.Chunks, c.Live, c.Size = e.Title, e.Duration, e.Quality, e.Chunks, !e.Ended, e.Size
		if c.Title == "" {
			c.Title = s.cand.Title
		}
		v.setCandidate(c)
		v.showLive(!e.Ended && !s.stopped)
	case backend.Live:
		c := v.cand
		c.Duration, c.Chunks, c.Live = e.Duration, e.Chunks, !e.Ended
		v.setCandidate(c)
		v.showLive(!e.Ended && !s.stopped)
		if e.Missing > 0 {
			v.state.SetText(lang.L("Some parts ({{.N}}) were gone from the site before they could be saved; the video skips them.", map[string]any{"N": e.Missing}))
			v.state.Show()
		}
	case backend.Measured:
		c := v.cand
		c.Duration = e.Duration // a video file, now downloaded
		v.setCandidate(c)
	case backend.Pictured:
		c := v.cand
		c.Quality = e.Quality // read from the first chunk
		v.setCandidate(c)
	case backend.Progress:
		v.setProgress(e)
	case backend.PartEvent:
		v.onPartEvent(e)
	case backend.Paused:
		v.setProgress(backend.Progress{Done: e.Done, Total: e.Total, Bytes: v.last.Bytes})
		v.showExpired()
	}
}

// showLive shows "Stop here" while a live broadcast is being followed.
func (v *downloadView) showLive(live bool) {
	if live {
		v.stopLive.Show()
		v.detail.SetText(lang.L("The broadcast is still live: new parts are saved as they come. “Stop here” goes on with what has arrived."))
	} else {
		v.stopLive.Hide()
	}
}

// onStopHere ends the following of a live broadcast; the download then
// finishes with what has arrived and the edit screen opens.
func (v *downloadView) onStopHere() {
	s := v.u.sess
	if s == nil || s.stopped {
		return
	}
	s.stopped = true
	close(s.stop)
	v.stopLive.Hide()
}

// onPauseOrResume is the Space key: Pause while it runs, Resume or Try
// again when it stopped.
func (v *downloadView) onPauseOrResume() {
	switch {
	case v.pause.Visible():
		v.onPause()
	case v.resume.Visible(), v.retry.Visible():
		v.onResume()
	}
}

// onBack stops the download (what arrived stays on disk) and shows the
// videos found, to choose again.
func (v *downloadView) onBack() {
	u := v.u
	if s := u.sess; s != nil && s.cancel != nil {
		s.cancel()
	}
	u.sess = nil
	u.found.set(u.cands)
	u.show(screenFound)
}

// onPause stops the download; finished chunks stay on disk.
func (v *downloadView) onPause() {
	if s := v.u.sess; s != nil && s.cancel != nil {
		s.pausing = true
		s.cancel()
		v.pause.Hide()
		v.state.SetText(lang.L("Pausing…"))
		v.state.Show()
	}
}

// onResume downloads again with the same job: chunks on disk count. It is
// also Try again after a problem.
func (v *downloadView) onResume() {
	if v.u.sess != nil {
		v.run()
	}
}

// onCancel asks, then stops and goes back to the start.
func (v *downloadView) onCancel() {
	confirm(v.u.win, lang.L("Stop this download?"),
		lang.L("The parts already downloaded stay on this computer, so starting the same broadcast again continues where it stopped."),
		v.u.startOver)
}

// onContinue continues an expired download with the link pasted in its card.
func (v *downloadView) onContinue() { v.continueWith(v.fresh.Text) }

func (v *downloadView) onOpenHAR() { v.u.chooseHAR(v.u.useSource) }

func (v *downloadView) onHelp() { v.u.showHelp(helpPrivate) }

// continueWith continues an expired download with a new HAR file or link: a
// new job for the new source, in the same job folder, so no chunk is lost.
func (v *downloadView) continueWith(src string) {
	old := v.u.sess
	if src == "" || old == nil {
		return
	}
	dir := old.job.Dir()
	v.useFresh.Disable()
	v.state.SetText(lang.L("Checking the new link…"))
	v.state.Show()
	be := v.u.backend
	old.cancel = background(context.Background(), v.u.bridge, func(ctx context.Context) ([]backend.Candidate, error) {
		return be.Resolve(ctx, src)
	}, func(cands []backend.Candidate, err error, _ bool) {
		v.useFresh.Enable()
		if v.u.sess != old {
			return
		}
		if err == nil && len(cands) == 0 {
			v.state.SetText(lang.L("No video was found in that. Try another HAR file or link."))
			return
		}
		if err != nil {
			msg, _ := backend.Explain(err)
			v.state.SetText(msg)
			return
		}
		c := cands[best(cands)]
		if c.Title == "" {
			c.Title = old.cand.Title
		}
		if openSession(v.u, []backend.Candidate{c}, dir) == nil {
			return
		}
		v.fresh.SetText("")
		v.run()
	})
}
