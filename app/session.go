package app

import (
	"context"

	"fyne.io/fyne/v2/lang"

	"replayrescue/app/internal/backend"
)

// session is one talk being saved (usually one broadcast), from Download
// until Start over: its job and what the job is busy with. It is a small
// controller of its own rather than part of a screen because it outlives
// the screens it passes through (download, edit, save): the job's events
// come here and go on to whichever of them they belong to, so each screen
// keeps only its widgets and handlers. The screens reach the session as
// u.sess; work they start for it checks u.sess is still it before showing
// anything. A fresh source for an expired link opens a new session (a new
// job) in the same job folder, so the finished chunks are kept.
type session struct {
	u       *ui
	cand    backend.Candidate
	parts   []backend.Candidate // every part, in order, when the talk has several
	job     backend.JobRunner
	loaded  bool
	cancel  context.CancelFunc // stops the running download or render
	pausing bool               // the download was stopped by Pause
	stop    chan struct{}      // closed by "Stop here" to end following a live broadcast
	stopped bool
	saved   string // the last video written, for cleanup
	// working says what closing the window would stop: "" nothing,
	// workDownload or workSave.
	working string
}

// What a session may be busy with when the window is asked to close.
const (
	workDownload = "download"
	workSave     = "save"
)

// openSession opens a job for the parts cs of one talk (usually one) in job
// folder work ("" lets core choose) and makes it the window's session. When
// the job cannot be opened it says why and returns nil.
func openSession(u *ui, cs []backend.Candidate, work string) *session {
	s := &session{u: u, cand: cs[0], stop: make(chan struct{})}
	events := u.bridge.events(s.onEvent)
	o := backend.OpenOptions{Work: work, Jobs: u.settings.jobs(), Keep: u.settings.keep(), Stop: s.stop}
	var j backend.JobRunner
	var err error
	if len(cs) > 1 {
		s.parts = cs
		j, err = u.backend.OpenParts(cs, o, events)
	} else {
		j, err = u.backend.Open(cs[0], o, events)
	}
	if err != nil {
		msg, _ := backend.Explain(err)
		u.showError(lang.L("Cannot start the download"), msg)
		return nil
	}
	s.job = j
	u.sess = s
	return s
}

// onEvent puts one job event on the screen it belongs to: the download's
// on the download screen, the render's on the save screen, or on the edit
// screen's preview clip.
func (s *session) onEvent(e backend.Event) {
	u := s.u
	if u.sess != s {
		return // a cancelled job's late events are dropped
	}
	switch e.(type) {
	case backend.Rendering, backend.SoundRepaired, backend.ChatSaved, backend.Done:
		if u.screen == screenRender {
			u.rend.onEvent(e)
		} else if u.edit != nil {
			u.edit.onPreviewEvent(e)
		}
	default:
		u.dl.onJobEvent(s, e)
	}
}

// end stops what the session is doing. When a video was saved and the user
// did not ask to keep the downloaded parts, the job folder goes too.
func (s *session) end() error {
	if s.cancel != nil {
		s.cancel()
	}
	if s.saved != "" && !s.u.settings.keep() {
		return s.job.Cleanup()
	}
	return nil
}
