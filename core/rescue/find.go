package rescue

import (
	"context"
	"errors"
	"os"
	"runtime"

	"replayrescue/core/capture"
	"replayrescue/core/intake"
	"replayrescue/core/job"
)

// Input is what the user gave: a link, a HAR file, a cURL command, cookies.
type Input = intake.Input

// Candidate is one video found in an Input, with the credentials to fetch it.
type Candidate = intake.Candidate

// Verdict is what could be told about a candidate without fetching it.
type Verdict = intake.Verdict

// The verdicts intake gives.
const (
	VerdictReady       = intake.VerdictReady
	VerdictStale       = intake.VerdictStale
	VerdictSanitized   = intake.VerdictSanitized
	VerdictUnreachable = intake.VerdictUnreachable
)

// Find returns the videos in what the user gave, best first. When the
// candidates' credentials look unusable (a HAR file saved without cookies,
// say) they are still returned, with that problem as warning: signed links
// work without cookies, and a refusal is explained in the same terms. err is
// set only when there is nothing to try.
func Find(ctx context.Context, in Input) (cands []Candidate, warning string, err error) {
	return found(intake.Resolve(ctx, in))
}

// found splits what intake or capture returned into candidates worth trying,
// a warning about them, and the error that leaves nothing to try.
func found(cands []Candidate, err error) ([]Candidate, string, error) {
	var credErr *intake.CredentialsError
	switch {
	case err != nil && errors.As(err, &credErr) && len(cands) > 0:
		return cands, credErr.Msg, nil
	case err != nil:
		return nil, "", err
	}
	return cands, "", nil
}

// SourceOf is what a save needs of c, including the sentence to show if the
// video host refuses it.
func SourceOf(c Candidate) Source {
	return job.Source{URL: c.URL, Creds: c.Creds, Title: c.Title, ID: c.BroadcastID, Denied: intake.DeniedWords(c), Chat: c.Chat,
		Presenter: c.Presenter, Sound: c.Sound, Pictures: c.Pictures}
}

// CaptureInstead reports whether err is a link whose site's API could not
// hand out the video (an unknown kind of link, an API that changed, a login
// wall, a Space not kept for replay), which capturing it in the browser may
// still save, and the page to open there. The window offers to; the
// command line names the capture command.
func CaptureInstead(err error) (link string, ok bool) { return intake.CaptureLink(err) }

// Browser is a Chromium-family browser installed on this computer.
type Browser = capture.Browser

// ErrNoBrowser: no browser to capture with was found, so a HAR file is the
// way left.
var ErrNoBrowser = capture.ErrNoBrowser

// FindBrowser finds the browser to capture with: override (a program's path
// or name) when set, else Chrome, Edge, Brave or Chromium.
func FindBrowser(override string) (Browser, error) {
	return capture.FindBrowser(runtime.GOOS, os.Getenv, override)
}

// Capture opens b in a separate, temporary profile (on page when set) and
// returns what Find would for the replay the user plays there.
func Capture(ctx context.Context, b Browser, page string, headless bool) (cands []Candidate, warning string, err error) {
	return found(capture.Capture(ctx, capture.Options{Browser: b.Path, URL: page, Headless: headless}))
}
