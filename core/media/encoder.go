package media

import (
	"context"
	"maps"
	"regexp"
	"slices"
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

// findEncoder asks ffmpeg which video encoders it has; libx264 when it does
// not say (the render then fails with ffmpeg's own message, as before).
func (t Tools) findEncoder(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := output(ctx, t.FFmpeg, "list its encoders", 4<<20, "-hide_banner", "-encoders")
	if err != nil {
		return "libx264"
	}
	return pickEncoder(string(out))
}

// encoder is the video encoder in use: Find's choice, libx264 when Tools
// was made by hand.
func (t Tools) encoder() string {
	if t.Encoder == "" {
		return "libx264"
	}
	return t.Encoder
}

// encodeOptions are the output options that re-encode the picture with
// t's encoder at a quality close to the source's: no B-frames (their delay
// would need an edit list), and the source's pixel format. crf is libx264's
// quality (lower is better); the others get a generous bit rate instead.
func (t Tools) encodeOptions(crf, pixFmt string) ffmpeg.KwArgs {
	enc := t.encoder()
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

// EncoderArgs is encodeOptions as command-line arguments (in a fixed
// order), for callers that build their own ffmpeg command (the sample).
func (t Tools) EncoderArgs(crf, pixFmt string) []string {
	o := t.encodeOptions(crf, pixFmt)
	var args []string
	for _, k := range slices.Sorted(maps.Keys(o)) {
		args = append(args, "-"+k, o[k].(string))
	}
	return args
}
