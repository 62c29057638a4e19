package media

import (
	"cmp"
	"context"
	"slices"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// The end of a copied picture with B-frames. ffmpeg ends a copy by decode
// time, and a picture shown just before the end may depend on one shown
// after it, which is decoded first: the copy kept that later picture but
// not the ones shown between, so the video ended a frame or two late with
// a jump before its last picture (17.07 s for 17 s, a 67 ms step). The
// end moves instead to the first picture after which nothing shown
// earlier is still to be decoded: the pictures kept are then exactly those
// shown before it, one frame apart, and the copy keeps that many pictures
// whatever their decode times: the copy runs on a little, and the MP4
// rewrite keeps that many pictures (mp4.Options.VideoSamples) and ends the
// sound with them (mp4.Options.EndWithVideo).

// endOnPicture moves p's end, when one was asked, to where the pictures
// kept from the cut on are those shown before it (see above), and sets
// how many those are. copied is the first picture copied: the cut, or in
// exact mode the keyframe after the re-encoded head, whose pictures (one
// per picture shown from the cut to copied) count too. Nothing changes
// without B-frames (every picture is decoded when it is shown), when the
// end comes before copied, or when the pictures around the end cannot be
// read.
func (t Tools) endOnPicture(ctx context.Context, p *plan, copied time.Duration) {
	end := p.cut.at + p.cut.Duration
	if p.cut.Duration <= 0 || p.cut.reorder <= 0 || end <= copied {
		return
	}
	pkts := p.video
	if len(pkts) == 0 || pkts[len(pkts)-1].pts < end+time.Second {
		var err error
		if pkts, err = t.listVideo(ctx, p.src, p.origin, end+2*time.Second); err != nil {
			return
		}
	}
	n, last := picturesBefore(pkts, copied, end)
	if n == 0 {
		return
	}
	for _, pk := range pkts { // the re-encoded head's
		if pk.pts >= p.cut.at-100*time.Microsecond && pk.pts < copied-100*time.Microsecond {
			n++
		}
	}
	p.cut.frames, p.cut.Duration = n, last-p.cut.at
}

// picturesBefore is how many packets a copy from the picture shown at
// from keeps so that it holds every picture shown from there to end and
// none after a picture it lacks, and where the first picture it does not
// keep is shown (the copy's end). 0 when pkts do not reach past end.
func picturesBefore(pkts []videoPacket, from, end time.Duration) (int, time.Duration) {
	const slack = 100 * time.Microsecond
	var first *videoPacket
	for i := range pkts {
		if (pkts[i].pts - from).Abs() <= slack {
			first = &pkts[i]
			break
		}
	}
	if first == nil {
		return 0, 0
	}
	// Decode order from the cut's picture on.
	var order []videoPacket
	for _, pk := range pkts {
		if pk.dts >= first.dts-slack {
			order = append(order, pk)
		}
	}
	slices.SortStableFunc(order, func(a, b videoPacket) int { return cmp.Compare(a.dts, b.dts) })
	// The last picture to be shown before the end, in decode order.
	need := -1
	for i, pk := range order {
		if pk.pts < end-slack {
			need = i
		}
	}
	if need < 0 {
		return 0, 0
	}
	// Suffix minima of the times shown: the first place at or after need
	// where everything kept is shown before everything left out.
	rest := make([]time.Duration, len(order)+1)
	rest[len(order)] = -1
	for i := len(order) - 1; i >= 0; i-- {
		rest[i] = order[i].pts
		if i+1 < len(order) && rest[i+1] < rest[i] {
			rest[i] = rest[i+1]
		}
	}
	var shown time.Duration
	for i, pk := range order {
		shown = max(shown, pk.pts)
		if i >= need && i+1 < len(order) && shown < rest[i+1] {
			return i + 1, rest[i+1]
		}
	}
	return 0, 0 // the listed pictures end before the end's successor
}

// endPictures gives out, a copy's output options, room for c.frames
// pictures when set: the copy ends a second past them, and the MP4
// rewrite keeps that many (RenderSpec.pictures), ending the sound with
// them. (ffmpeg's -frames:v would end the sound too, at that picture's
// decode time.)
func endPictures(out ffmpeg.KwArgs, c Cut) {
	if c.frames > 0 {
		out["t"] = secs6(c.Duration + c.reorder + time.Second)
	}
}
