package media

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// ErrNoFrame means a file has no picture at or after the time asked.
var ErrNoFrame = errors.New("no picture at that time")

// Frame returns one JPEG of the local file at path, at most maxWidth pixels
// wide: the first picture shown at or after at, counted from the file's
// first picture (as ffmpeg's accurate seek picks on a video that starts
// with a picture). ErrNoFrame when at is past the last one: the picture
// at that time is then the next chunk's first (see LastFrame for the end).
//
// The file is decoded from its start and the pictures before at dropped.
// A chunk starts with a keyframe, and a 3-second chunk decodes in a few
// milliseconds. Seeking before -i would be faster on long chunks, but
// MPEG-TS seeks by timestamp search, and in the last second of a chunk whose
// only keyframe is its first it lands past that keyframe: no picture at
// all. Times count from the first picture (setpts's STARTPTS), not from the
// file's first packet, which may be sound.
func (t Tools) Frame(ctx context.Context, path string, at time.Duration, maxWidth int) ([]byte, error) {
	if maxWidth <= 0 {
		maxWidth = 640
	}
	out := ffmpeg.Output([]*ffmpeg.Stream{input("file:"+path, nil)}, "pipe:1",
		ffmpeg.MergeKwArgs([]ffmpeg.KwArgs{frameOutput(), {"an": "", "vf": chain(framePick(at, maxWidth)...)}}))
	jpeg, err := t.ffmpeg(out, ffRun{}).output(ctx, "show a preview", 32<<20)
	if err == nil && len(jpeg) == 0 {
		err = ErrNoFrame
	}
	return jpeg, err
}

// framePick is Frame's filters: the first picture at or after at, counted
// from the file's first picture, at most maxWidth wide.
func framePick(at time.Duration, maxWidth int) []*ffmpeg.Node {
	return []*ffmpeg.Node{
		filter("setpts", nil, "PTS-STARTPTS"),
		// A microsecond early: times are written to the microsecond, and a
		// picture at exactly at must not round past it.
		filter("select", nil, fmt.Sprintf("gte(t\\,%s)", secs6(max(at, 0)-time.Microsecond))),
		filter("scale", ffmpeg.KwArgs{"w": fmt.Sprintf("min(%d\\,iw)", maxWidth), "h": "-2"}),
	}
}

// frameOutput is Frame's output: one picture as a JPEG on a pipe.
func frameOutput() ffmpeg.KwArgs {
	return ffmpeg.KwArgs{"frames:v": "1", "c:v": "mjpeg", "q:v": "4", "f": "image2pipe"}
}

// LastFrame is Frame of the file's last picture: the picture at the very
// end of a video.
func (t Tools) LastFrame(ctx context.Context, path string, maxWidth int) ([]byte, error) {
	out, err := t.ffprobe("file:"+path, ffmpeg.KwArgs{"select_streams": "v:0", "show_entries": "packet=pts_time", "of": "csv=p=0"}).
		output(ctx, "read "+path, 64<<20)
	if err != nil {
		return nil, err
	}
	var first, last time.Duration
	seen := false
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.Trim(strings.TrimSpace(line), ",")
		if line == "" || line == "N/A" {
			continue
		}
		v := seconds(line)
		if !seen {
			first, last, seen = v, v, true
		}
		first, last = min(first, v), max(last, v)
	}
	if !seen {
		return nil, ErrNoFrame
	}
	return t.Frame(ctx, path, last-first, maxWidth)
}
