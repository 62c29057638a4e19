package job

import (
	"context"
	"io"
	"time"

	"replayrescue/core/fetch"
	"replayrescue/core/media"
	"replayrescue/core/player"
)

// PlaySource is what the window's player plays of t: the pictures and sound
// of the downloaded chunks, on the timeline the previews use. A talk in
// several parts plays one part at a time: pictures and sound end with the
// part they start in (each part has its own sync).
func (t *Talk) PlaySource() player.Source { return playSource{t} }

type playSource struct{ t *Talk }

func (s playSource) Pictures(ctx context.Context, from time.Duration, width int) (player.Pictures, error) {
	i, local := s.t.PartAt(from)
	p := s.t.parts[i]
	if err := p.downloaded(); err != nil {
		return nil, err
	}
	pics, err := s.t.opts.Tools.PlayPictures(ctx, p.playSpec(), local, width)
	if err != nil {
		return nil, explainMedia(err)
	}
	return partPictures{pics: pics, shift: from - local}, nil
}

func (s playSource) Sound(ctx context.Context, from time.Duration) (io.ReadCloser, error) {
	i, local := s.t.PartAt(from)
	p := s.t.parts[i]
	if err := p.downloaded(); err != nil {
		return nil, err
	}
	snd, err := s.t.opts.Tools.PlaySound(ctx, p.playSpec(), local)
	if err != nil {
		return nil, explainMedia(err)
	}
	return snd, nil
}

// partPictures are one part's pictures on the talk's timeline.
type partPictures struct {
	pics  *media.Pictures
	shift time.Duration // where the part starts on the talk's timeline
}

func (p partPictures) Next() (player.Frame, error) {
	at, img, err := p.pics.Next()
	if err != nil {
		return player.Frame{}, err
	}
	return player.Frame{At: at + p.shift, Image: img}, nil
}

func (p partPictures) Close() error { return p.pics.Close() }

// playSpec names p's chunks for the player.
func (p *part) playSpec() media.PlaySpec {
	spec := media.PlaySpec{Dir: p.dir}
	for _, seg := range p.pl.Segments {
		spec.Chunks = append(spec.Chunks, fetch.FileName(seg))
		spec.Durations = append(spec.Durations, seg.Duration)
	}
	if p.pl.Audio != nil {
		for _, seg := range p.pl.Audio.Segments {
			spec.AudioChunks = append(spec.AudioChunks, fetch.FileName(seg))
			spec.AudioDurations = append(spec.AudioDurations, seg.Duration)
		}
	}
	return spec
}

// downloaded is nil once p's chunks are all on disk, else ErrNotDownloaded.
func (p *part) downloaded() error {
	if p.pl == nil {
		return ErrNotDownloaded
	}
	segs := p.pl.Segments
	if p.pl.Audio != nil {
		segs = append(segs[:len(segs):len(segs)], p.pl.Audio.Segments...)
	}
	for _, seg := range segs {
		if _, ok := fetch.Stored(p.dir, seg); !ok {
			return ErrNotDownloaded
		}
	}
	return nil
}
