package media

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Frame returns one JPEG frame of the local file at path, at offset at from
// the file's start, at most maxWidth pixels wide. Seeking before -i makes
// this fast on short chunks: previews must appear within a blink.
func (t Tools) Frame(ctx context.Context, path string, at time.Duration, maxWidth int) ([]byte, error) {
	if maxWidth <= 0 {
		maxWidth = 640
	}
	out, err := output(ctx, t.FFmpeg, "show a preview", 32<<20,
		"-hide_banner", "-nostdin", "-loglevel", "error",
		"-protocol_whitelist", "file,pipe",
		"-ss", secs(max(at, 0)), "-i", "file:"+path,
		"-frames:v", "1", "-an",
		"-vf", fmt.Sprintf("scale='min(%d,iw)':-2", maxWidth),
		"-c:v", "mjpeg", "-q:v", "4", "-f", "image2pipe", "pipe:1")
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("no picture at that time")
	}
	return out, nil
}
