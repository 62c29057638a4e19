package job

import (
	"context"
	"errors"

	"replayrescue/core/media"
	"replayrescue/core/say"
	"replayrescue/core/web"
)

// Exit codes of the CLI contract (docs/cli.md).
const (
	ExitOK          = 0
	ExitOther       = 1
	ExitUsage       = 2
	ExitCredentials = 3
	ExitFFmpeg      = 4
)

// Error is a failure already put into words for the user.
type Error struct {
	Code int    // exit code
	Msg  string // one sentence a non-technical person can act on; no secrets
	Err  error  // the cause, for errors.Is/As
	// Words is Msg as a template and values, when it has been written so,
	// for the window to say in the user's language.
	Words say.Sentence
}

// saying is the error with code whose sentence is words, caused by err.
func saying(code int, err error, words say.Sentence) *Error {
	return &Error{Code: code, Msg: words.String(), Words: words, Err: err}
}

// Words is the sentence Explain gives for err as a template and values, for
// the window to translate; zero when err's sentence was not written so.
func Words(err error) say.Sentence {
	var je *Error
	if errors.As(err, &je) {
		return je.Words
	}
	if errors.Is(err, context.Canceled) {
		return stopped
	}
	return say.Sentence{}
}

// stopped is what a save the user stopped says.
var stopped = say.T("Stopped. Finished chunks are kept; run the same command again to continue.")

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// Explain returns the sentence to show for err and the CLI's exit code, for
// the errors a save meets; rescue.Explain words those of finding the video
// and installing ffmpeg first.
// The sentence may quote what a server, a page or a file said, so it is
// made printable: a terminal shows it and never acts on it.
func Explain(err error) (string, int) {
	msg, code := explain(err)
	return web.Printable(msg), code
}

func explain(err error) (string, int) {
	if err == nil {
		return "", ExitOK
	}
	var je *Error
	if errors.As(err, &je) {
		return web.Redact(je.Msg), je.Code
	}
	var missing *media.MissingError
	if errors.As(err, &missing) {
		return missing.Error(), ExitFFmpeg
	}
	var failed *media.FailedError
	if errors.As(err, &failed) {
		return failed.Error(), ExitFFmpeg
	}
	switch {
	case errors.Is(err, context.Canceled):
		return stopped.String(), ExitOther
	case web.IsCredentialError(err):
		return "The video host refused access: get a fresh link or HAR file and try again.", ExitCredentials
	}
	return sentence(web.Redact(err.Error())), ExitOther
}

// explainMedia wraps ffmpeg errors with the exit code for "ffmpeg missing or failed".
func explainMedia(err error) error {
	var missing *media.MissingError
	var failed *media.FailedError
	if errors.As(err, &missing) || errors.As(err, &failed) {
		return &Error{Code: ExitFFmpeg, Msg: err.Error(), Err: err}
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return &Error{Code: ExitOther, Msg: "Could not write the video: " + sentence(web.Redact(err.Error())), Err: err}
}

// savedElsewhere turns the render's *media.TakenError (the output's name was
// taken while the video was being made, so it went to the next free name)
// into the error the save ends with, and points s at the video's real name
// so its subtitles and Done follow it. Any other err gives nil.
func savedElsewhere(err error, s *Settings) error {
	var taken *media.TakenError
	if !errors.As(err, &taken) {
		return nil
	}
	s.Output = taken.Saved
	return saying(ExitOther, err, say.T("{{.Wanted}} appeared while your video was being saved, so it was left as it was; your video is saved as {{.Saved}}.", "Wanted", taken.Wanted, "Saved", taken.Saved))
}
