package media

import (
	"context"
	"slices"
	"time"
)

// Holes in the picture. A live encoder whose camera drops out, or a host
// that serves some chunks with their sound only, leaves stretches with no
// picture while the sound goes on. The render keeps the timeline: the MP4
// shows each picture until the next one's time, so the last picture
// before the hole stays on screen while the sound plays on, and every
// picture after it is in sync. The presenter is told where (Cut.PictureHoles).

// pictureHoleToTell is the shortest stretch without a picture the
// presenter is told of; shorter ones are frames an encoder dropped.
const pictureHoleToTell = 500 * time.Millisecond

// pictureHoles are the stretches between from and upto (on the list's
// timeline) where shown, the times the pictures are shown, has none, on
// the output's timeline: each starts one frame after the picture before
// it (which stays on screen) and ends with the next picture.
func pictureHoles(shown []time.Duration, from, upto time.Duration) []Hole {
	if len(shown) < 2 {
		return nil
	}
	shown = slices.Clone(shown)
	slices.Sort(shown)
	frame := time.Duration(-1) // the shortest step between two pictures
	for i := 1; i < len(shown); i++ {
		if d := shown[i] - shown[i-1]; d > 0 && (frame < 0 || d < frame) {
			frame = d
		}
	}
	var holes []Hole
	for i := 1; i < len(shown); i++ {
		at, until := max(shown[i-1]+frame, from), min(shown[i], upto)
		if until-at >= pictureHoleToTell {
			// Times stored in microseconds: a frame of 33.333 ms
			// would place a hole at 7.999999 s, said as 0:07.
			holes = append(holes, Hole{At: (at - from).Round(time.Millisecond), Length: (until - at).Round(time.Millisecond)})
		}
	}
	return holes
}

// listPictures lists when the first picture track's pictures are shown,
// on the list's timeline, up to limit (0: all), for a render whose sound
// is read from another list.
func (t Tools) listPictures(ctx context.Context, src source, limit time.Duration) ([]time.Duration, error) {
	if limit <= 0 {
		limit = 100 * 24 * time.Hour
	}
	pkts, err := t.listVideo(ctx, src, src.origin, limit)
	if err != nil {
		return nil, err
	}
	shown := make([]time.Duration, len(pkts))
	for i, p := range pkts {
		shown[i] = p.pts
	}
	return shown, nil
}
