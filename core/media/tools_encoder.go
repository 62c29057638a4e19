package media

import (
	"context"
	"regexp"
	"sync"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Re-encoding (an exact start, burned-in chat, the sample) needs a video
// encoder, and which ones an ffmpeg has depends on its build: Debian's and
// GPL builds have libx264; LGPL builds, such as the one Replay Rescue
// downloads on Windows, do not, but often have OpenH264 or the system's own
// (Media Foundation on Windows, VideoToolbox on macOS). mpeg4 is built into
// every ffmpeg and every player reads it in MP4, so it is the last resort.
var encoderPreference = []string{"libx264", "libopenh264", "h264_videotoolbox", "h264_mf", "mpeg4"}

var encoderLine = regexp.MustCompile(`(?m)^\s*V\S*\s+(\S+)`)

// pickEncoder chooses from ffmpeg -encoders' listing.
func pickEncoder(listing string) string {
	have := map[string]bool{}
	for _, m := range encoderLine.FindAllStringSubmatch(listing, -1) {
		have[m[1]] = true
	}
	for _, e := range encoderPreference {
		if have[e] {
			return e
		}
	}
	return "mpeg4"
}

// encoderProbe asks ffmpeg for its encoders once, when a re-encode first
// needs one (it takes about 0.1 s, which a save that copies, inspect, or
// the window's start should not pay). Find gives every copy of its Tools
// the same probe.
type encoderProbe struct {
	once sync.Once
	name string
}

// VideoEncoder is the video encoder re-encoding uses: Tools.Encoder when
// set, else the best this ffmpeg has (asked once per Find).
func (t Tools) VideoEncoder(ctx context.Context) string {
	switch {
	case t.Encoder != "":
		return t.Encoder
	case t.probe != nil:
		t.probe.once.Do(func() { t.probe.name = t.findEncoder(ctx) })
		return t.probe.name
	}
	return t.findEncoder(ctx)
}

// findEncoder asks ffmpeg which video encoders it has; libx264 when it does
// not say (the render then fails with ffmpeg's own message, as before).
func (t Tools) findEncoder(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := ask(t.FFmpeg, "encoders").output(ctx, "list its encoders", 4<<20)
	if err != nil {
		return "libx264"
	}
	return pickEncoder(string(out))
}

// encodeOptions are the output options that re-encode the picture with enc
// at a quality close to the source's: no B-frames (their delay would need
// an edit list), and the source's pixel format. crf is libx264's quality
// (lower is better); the others get a generous bit rate instead.
func encodeOptions(enc, crf, pixFmt string) ffmpeg.KwArgs {
	o := ffmpeg.KwArgs{"c:v": enc}
	switch enc {
	case "libx264":
		o["preset"], o["crf"], o["bf"] = "veryfast", crf, "0"
	case "mpeg4":
		o["q:v"], o["bf"] = "2", "0"
	default:
		o["b:v"] = "8M"
	}
	if pixFmt != "" {
		o["pix_fmt"] = pixFmt
	}
	return o
}
