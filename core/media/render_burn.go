package media

import (
	"context"
	"time"
)

// Burning subtitles (a broadcast's chat) into the picture re-encodes the
// whole picture in the render's one ffmpeg run (the sound is still copied),
// drawing an ASS file with libass's ass filter. ffmpeg reads only that
// local file.

// BurnFunc writes the ASS file to draw on the picture and returns its path
// (in the job folder). start is where the video starts on the presenter's
// timeline (lines said before it are not wanted); a line said at
// presenter time d must be drawn at d+shift, the timeline the filter sees.
type BurnFunc func(start, shift time.Duration) (path string, err error)

// reencodes says the render re-encodes the picture, which it then reads
// the concat demuxer's way (see plan).
func (s RenderSpec) reencodes() bool { return s.Exact || s.Burn != nil }

// burnArgs re-encodes the picture from the cut (the keyframe, or with
// Exact the very frame asked for) with the subtitles drawn on it.
func (t Tools) burnArgs(ctx context.Context, spec RenderSpec, p *plan, tmp string) (ffcmd, error) {
	if spec.Exact {
		if _, err := p.exactStart(spec); err != nil {
			return ffcmd{}, err
		}
	}
	// Without -copyts the filter sees the list's timeline, on which the
	// presenter's time d stands at p.toList(d).
	path, err := spec.Burn(p.cut.Start, p.toList(0))
	if err != nil {
		return ffcmd{}, err
	}
	return t.fullEncodeArgs(ctx, p, spec, tmp, burnFilter(path)), nil
}

// burnFilter draws the ASS file at path (-vf): any path (Windows drive
// letters, quotes, commas) reaches the filter as it is.
func burnFilter(path string) string {
	return chain(filter("ass", nil, optionValue(path)))
}
