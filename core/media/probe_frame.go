package media

import (
	"context"
	"errors"
	"fmt"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Frame returns one JPEG frame of the local file at path, at offset at from
// the file's start, at most maxWidth pixels wide. Seeking before -i makes
// this fast on short chunks: previews must appear within a blink.
func (t Tools) Frame(ctx context.Context, path string, at time.Duration, maxWidth int) ([]byte, error) {
	if maxWidth <= 0 {
		maxWidth = 640
	}
	in := input("file:"+path, ffmpeg.KwArgs{"ss": secs(max(at, 0))})
	scale := filter("scale", ffmpeg.KwArgs{"w": fmt.Sprintf("min(%d,iw)", maxWidth), "h": "-2"})
	out := ffmpeg.Output([]*ffmpeg.Stream{in}, "pipe:1", ffmpeg.KwArgs{"frames:v": "1", "an": "",
		"vf": chain(scale), "c:v": "mjpeg", "q:v": "4", "f": "image2pipe"})
	jpeg, err := t.ffmpeg(out, ffRun{}).output(ctx, "show a preview", 32<<20)
	if err != nil {
		return nil, err
	}
	if len(jpeg) == 0 {
		return nil, errors.New("no picture at that time")
	}
	return jpeg, nil
}
