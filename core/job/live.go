package job

import (
	"context"
	"time"

	"replayrescue/core/playlist"
	"replayrescue/core/web"
)

// Following a live broadcast. A playlist without EXT-X-ENDLIST is still
// growing (EVENT) or sliding (a window of the last minutes): the download
// re-reads it about once per target duration, fetches what is new, and goes
// on until the broadcast ends, the host stops adding chunks for a while, or
// the user says stop (Options.Stop). Chunks keep their place by media
// sequence number, so a chunk the host dropped before we saw it leaves a
// hole that is reported (Live.Missing), never hidden.

const (
	minPoll = time.Second
	maxPoll = 10 * time.Second
	// idlePolls without a new chunk end the following: the broadcast has
	// stopped without saying so.
	idlePolls = 12
	// pollFailures in a row give up; one failed poll is normal on a busy host.
	pollFailures = 5
)

// follow keeps fetching a live playlist's new chunks into the job folder.
func (j *Job) follow(ctx context.Context) error {
	first := j.pl.Segments[0].Seq - uint64(j.pl.Segments[0].Index)
	idle, failures := 0, 0
	for !j.pl.Ended && idle < idlePolls {
		wait := j.opts.tuning.livePoll
		if wait <= 0 {
			wait = min(max(j.pl.TargetDuration, minPoll), maxPoll)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-j.opts.Stop:
			return nil
		case <-time.After(wait):
		}
		next, err := playlist.LoadQuality(ctx, j.client, j.src.URL, j.opts.Quality)
		if err != nil {
			// A refused redirect answers the same every time: no retry.
			if failures++; failures >= pollFailures || ctx.Err() != nil || !web.Connection(err) {
				return j.sourceError(err)
			}
			continue
		}
		failures = 0
		added, missing := j.merge(next, first)
		if len(added) == 0 && !j.pl.Ended {
			idle++
			continue
		}
		idle = 0
		j.emit(Live{Chunks: len(j.pl.Segments), Duration: j.pl.Duration(), Missing: missing, Ended: j.pl.Ended})
		if err := j.download(ctx, added); err != nil {
			return err
		}
		if err := j.saveState(); err != nil {
			return err
		}
	}
	return nil
}

// merge appends next's segments that come after the last one known, each
// indexed by its media sequence number counted from first, and returns them
// with the number of sequence numbers skipped on the way.
func (j *Job) merge(next *playlist.Playlist, first uint64) (added []playlist.Segment, missing int) {
	last := j.pl.Segments[len(j.pl.Segments)-1].Seq
	for _, s := range next.Segments {
		if s.Seq <= last {
			continue
		}
		if gap := s.Seq - last - 1; gap > 0 && len(added) == 0 {
			missing = int(gap)
		}
		s.Index = int(s.Seq - first)
		added = append(added, s)
		last = s.Seq
	}
	j.pl.Segments = append(j.pl.Segments, added...)
	j.pl.Ended = next.Ended
	return added, missing
}
