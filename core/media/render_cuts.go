package media

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Cutting parts out of a talk (save --cut). The pieces kept between the
// cuts are joined as a talk's parts are (join.go): each piece is a part
// whose window is the piece, several of them reading one job folder. So a
// cut is as clean as a join: the pictures follow one frame apart (copied,
// each piece entered at its keyframe, when the stream allows it; else
// encoded once, on the very frames), every piece starts its sound with its
// picture, and the sound, encoded across the join, fades out and in over
// cutFadeLength there so that the cut does not click.

// cutFadeLength is how long the sound fades out before a cut and in after
// it: long enough that the jump between two unrelated waveforms is no
// click, far too short to hear as a fade (10-20 ms).
const cutFadeLength = 15 * time.Millisecond

// cutFade fades a piece's sound a (samples long at rate) in where a cut
// comes before it and out where one comes after it.
func cutFade(ps RenderSpec, rate int, samples int64, a *ffmpeg.Stream) *ffmpeg.Stream {
	n := min(samplesOf(cutFadeLength, rate), samples/2)
	if n <= 0 {
		return a
	}
	if ps.CutBefore {
		a = a.Filter("afade", nil, ffmpeg.KwArgs{"t": "in", "ss": "0", "ns": strconv.FormatInt(n, 10)})
	}
	if ps.CutAfter {
		a = a.Filter("afade", nil, ffmpeg.KwArgs{"t": "out", "ss": strconv.FormatInt(samples-n, 10), "ns": strconv.FormatInt(n, 10)})
	}
	return a
}

// tagPieces gives every part that reads a job folder an earlier part
// already reads a tag of its own, so that each piece's lists (whose
// chunks differ with its window) have names of their own.
func tagPieces(parts []RenderSpec) {
	seen := map[string]int{}
	for i := range parts {
		dir := filepath.Clean(parts[i].Dir)
		if n := seen[dir]; n > 0 {
			parts[i].listTag = fmt.Sprintf("-piece%d", n)
		}
		seen[dir]++
	}
}

// listName is the list named base (render.ffconcat...) of this piece:
// render-piece2.ffconcat for a piece tagged -piece2.
func (s RenderSpec) listName(base string) string {
	if s.listTag == "" {
		return base
	}
	ext := filepath.Ext(base)
	return strings.TrimSuffix(base, ext) + s.listTag + ext
}
