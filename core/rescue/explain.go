package rescue

import (
	"context"
	"errors"

	"replayrescue/core/intake"
	"replayrescue/core/job"
	"replayrescue/core/media"
	"replayrescue/core/say"
	"replayrescue/core/toolget"
	"replayrescue/core/web"
)

// Explain returns the one sentence to show for err, and the command line's
// exit code for it. Errors from finding the video and from installing ffmpeg
// are worded here; the rest by job, which words the save's own. The sentence
// may quote what a server, a page or a file said, so it is made printable: a
// terminal shows it and never acts on it.
func Explain(err error) (string, int) {
	var (
		inputErr *intake.InputError
		credErr  *intake.CredentialsError
		netErr   *intake.NetworkError
		install  *toolget.Error
		je       *job.Error
	)
	switch {
	case errors.As(err, &je):
		// Already in words: job's own, or one of ours wrapped (FindTools).
	case errors.As(err, &inputErr):
		return web.Printable(inputErr.Msg), ExitUsage
	case errors.As(err, &credErr):
		return web.Printable(credErr.Msg), ExitCredentials
	case errors.As(err, &netErr):
		return web.Printable(netErr.Msg), ExitOther
	case errors.As(err, new(*media.MissingError)), errors.As(err, new(*media.FailedError)):
		// job words ffmpeg's own failures, also when an install ends in one.
	case errors.As(err, &install):
		if errors.Is(err, context.Canceled) {
			return web.Printable(install.Msg), ExitOther
		}
		return web.Printable(install.Msg), ExitFFmpeg
	case errors.Is(err, intake.ErrNoSource) && !errors.Is(err, context.Canceled):
		return web.Printable(web.Sentence(web.Redact(err.Error())) + " Give a broadcast link, a video or playlist link (.m3u8, .mpd, .mp4) or a HAR file."), ExitUsage
	}
	return job.Explain(err)
}

// Sentence is a sentence for the user kept as its English template and
// values (see core/say), so the window can say it in the user's language.
type Sentence = say.Sentence

// Words is the sentence Explain gives for err as a template and values,
// made printable; zero when the sentence was not written so, and Explain's
// is then the one to show. It picks the sentence Explain picks.
func Words(err error) Sentence {
	var (
		inputErr *intake.InputError
		credErr  *intake.CredentialsError
		netErr   *intake.NetworkError
		install  *toolget.Error
		je       *job.Error
	)
	switch {
	case errors.As(err, &je):
		return agree(je.Words.Map(web.Printable), err)
	case errors.As(err, &inputErr):
		return agree(inputErr.Words.Map(web.Printable), err)
	case errors.As(err, &credErr):
		return agree(credErr.Words.Map(web.Printable), err)
	case errors.As(err, &netErr):
		return agree(netErr.Words.Map(web.Printable), err)
	case errors.As(err, &install) && !errors.As(err, new(*media.MissingError)) && !errors.As(err, new(*media.FailedError)),
		errors.Is(err, intake.ErrNoSource) && !errors.Is(err, context.Canceled):
		return Sentence{} // not written as templates yet
	}
	return agree(job.Words(err).Map(web.Printable), err)
}

// agree is w when it says what Explain says of err, else nothing: the
// sentence shown is always Explain's, translated or not.
func agree(w Sentence, err error) Sentence {
	if msg, _ := Explain(err); w.String() != msg {
		return Sentence{}
	}
	return w
}
