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
func (p *part) follow(ctx context.Context) error {
	first := p.pl.Segments[0].Seq - uint64(p.pl.Segments[0].Index)
	var audioFirst uint64
	if a := p.pl.Audio; a != nil && len(a.Segments) > 0 {
		audioFirst = a.Segments[0].Seq - uint64(a.Segments[0].Index)
	}
	idle, failures := 0, 0
	for !p.pl.Ended && idle < idlePolls {
		wait := p.opts.tuning.livePoll
		if wait <= 0 {
			wait = min(max(p.pl.TargetDuration, minPoll), maxPoll)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-p.opts.Stop:
			return nil
		case <-time.After(wait):
		}
		next, err := p.loadPlaylist(ctx)
		if err != nil {
			// A refused redirect answers the same every time: no retry.
			if failures++; failures >= pollFailures || ctx.Err() != nil || !web.Connection(err) {
				return p.sourceError(err)
			}
			continue
		}
		failures = 0
		added, missing := p.merge(next, first)
		if p.pl.Audio != nil && next.Audio != nil {
			// A separate sound (a manifest's, an HLS audio rendition's)
			// grows beside the picture.
			sound, _ := mergeTrack(p.pl.Audio, next.Audio, audioFirst)
			added = append(added, sound...)
		}
		if len(added) == 0 && !p.pl.Ended {
			idle++
			continue
		}
		idle = 0
		p.emit(Live{Chunks: len(p.pl.Segments), Duration: p.pl.Duration(), Missing: missing, Ended: p.pl.Ended})
		if err := p.download(ctx, added); err != nil {
			return err
		}
		if err := p.saveState(); err != nil {
			return err
		}
	}
	return nil
}

// merge appends next's segments that come after the last one known, each
// indexed by its media sequence number counted from first, and returns them
// with the number of sequence numbers skipped on the way.
func (p *part) merge(next *playlist.Playlist, first uint64) (added []playlist.Segment, missing int) {
	return mergeTrack(p.pl, next, first)
}

// mergeTrack appends next's segments after pl's last, as merge does.
func mergeTrack(pl, next *playlist.Playlist, first uint64) (added []playlist.Segment, missing int) {
	if len(pl.Segments) == 0 {
		return nil, 0
	}
	last := pl.Segments[len(pl.Segments)-1].Seq
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
	pl.Segments = append(pl.Segments, added...)
	pl.Ended = next.Ended
	return added, missing
}
