package rescue

import (
	"context"
	"errors"
	"os"
	"sync"
	"time"

	"replayrescue/core/job"
	"replayrescue/core/playlist"
	"replayrescue/core/web"
)

// Report is what checking a candidate found: its playlist loaded the way a
// save loads it (never its chunks), or why it could not be.
type Report struct {
	Source   Source // what Open and Save take
	Title    string // the broadcast's title; "" when unknown
	From     string // where it was found ("pasted link", "HAR entry 12")
	Kind     string // "master" (several qualities) or "media"; intake's guess when not loaded
	Quality  string // the picture chosen from a master, "1280x720"; "" otherwise
	Live     bool   // still being broadcast
	Chunks   int
	Duration time.Duration
	// Size is a plain video file's size in bytes (0 for a playlist): its
	// Duration is only known once it is downloaded.
	Size    int64
	Started time.Time // when the broadcast started, from its metadata; zero when unknown
	// Renditions are the pictures and sounds a manifest offers.
	Renditions []Rendition

	Ready   bool     // it can be downloaded now
	Verdict Verdict  // VerdictReady, an intake verdict, or "not a playlist", "damaged playlist", "unreachable"
	Problem string   // when not Ready: one sentence for the user, no secrets
	Words   Sentence // Problem as a template and values, when written so (see Words)
	Code    int      // the exit code Problem gives; ExitCredentials asks for a fresh source
}

// Verdicts a check adds to intake's.
const (
	VerdictNotPlaylist Verdict = "not a playlist"
	VerdictDamaged     Verdict = "damaged playlist"
)

// checkers bounds how many playlists CheckAll loads at once.
const checkers = 4

// CheckAll checks cands in parallel and returns their reports in the same
// order. warning is what Find said about their credentials: a candidate
// that is not ready without a problem of its own gets it.
func CheckAll(ctx context.Context, cands []Candidate, warning string) ([]Report, error) {
	out := make([]Report, len(cands))
	sem := make(chan struct{}, checkers)
	var wg sync.WaitGroup
	for i, c := range cands {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = Check(ctx, c)
			if !out[i].Ready && out[i].Problem == "" {
				out[i].Problem = warning
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Check loads c's playlist as a save would and judges it. What intake saw
// (a HAR saved without cookies, a browser's stale session) outranks one
// lucky playlist fetch: the chunks may still be refused.
func Check(ctx context.Context, c Candidate) Report {
	r := CheckSource(ctx, SourceOf(c))
	r.From = c.From
	r.Live = r.Live || c.Live
	if r.Kind == "" {
		r.Kind = c.Kind
	}
	if r.Ready && c.Verdict != "" && c.Verdict != VerdictReady {
		r.Ready, r.Verdict, r.Problem, r.Words, r.Code = false, c.Verdict, c.Problem, Sentence{}, ExitCredentials
		if c.Verdict == VerdictUnreachable {
			r.Code = ExitOther
		}
	}
	if r.Verdict == VerdictStale && c.Verdict == VerdictSanitized {
		r.Verdict = VerdictSanitized // the cause, not the symptom
	}
	return r
}

// CheckSource is Check for a source that did not come from Find (the sample).
// Its throwaway job folder only holds the state file a load writes.
func CheckSource(ctx context.Context, src Source) Report {
	r := Report{Source: src, Title: src.Title, Started: src.Chat.Start}
	dir, err := os.MkdirTemp("", "replayrescue-probe-")
	if err != nil {
		return r.failed(err)
	}
	defer os.RemoveAll(dir)
	var found *job.Found
	j, err := job.Open(src, job.Options{Work: dir, Jobs: 2, Events: func(e job.Event) {
		if f, ok := e.(job.Found); ok {
			found = &f
		}
	}})
	if err == nil {
		err = j.Load(ctx)
	}
	if err != nil {
		return r.failed(err)
	}
	if found != nil {
		if found.Title != "" {
			r.Title = found.Title
		}
		r.Duration, r.Quality, r.Chunks, r.Live = found.Duration, found.Quality, found.Chunks, !found.Ended
		r.Size = found.Size
		r.Renditions = found.Renditions
	}
	r.Kind = "media"
	if r.Quality != "" {
		r.Kind = "master"
	}
	r.Ready, r.Verdict = true, VerdictReady
	return r
}

// failed is r for a playlist that could not be loaded because of err.
func (r Report) failed(err error) Report {
	r.Problem, r.Code = Explain(err)
	r.Words = Words(err)
	switch {
	case web.IsCredentialError(err):
		r.Verdict = VerdictStale
	case errors.Is(err, playlist.ErrNotPlaylist):
		r.Verdict = VerdictNotPlaylist
	case errors.Is(err, playlist.ErrDamaged):
		r.Verdict = VerdictDamaged
	default:
		r.Verdict = VerdictUnreachable
	}
	return r
}
