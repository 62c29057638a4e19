package job

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// Parts encoded the way studio encoders do (x264's defaults: B-frames,
// 2-s keyframes), with open GOPs, and at 60 fps, joined (re-encoded, and
// copied where allowed; end to end and cross-faded) with their own audio
// offsets: every picture between the cuts is kept, one frame apart
// everywhere, joins included, the video as long as the parts' windows, and
// each flash with its beep, read honouring and ignoring edit lists.
func TestJoinedPartsFromOtherEncoders(t *testing.T) {
	cases := []struct {
		style     string
		rate      int
		crossfade time.Duration
		w2, h2    int // the second part's picture size
	}{
		{"studio", 30, 0, 640, 360},
		{"open-gop", 30, 0, 640, 360},
		{"studio", 60, 0, 640, 360},
		{"studio", 30, 500 * time.Millisecond, 640, 360},
		{"studio", 30, 0, 480, 270}, // another phone: scaled to fit
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s-%dfps-fade%v-%dx%d", c.style, c.rate, c.crossfade, c.w2, c.h2), func(t *testing.T) {
			parts := []talkPart{
				{length: 20 * time.Second, lead: 2 * time.Second, width: 640, height: 360, style: c.style, rate: c.rate},
				{length: 16 * time.Second, lead: 0, width: c.w2, height: c.h2, style: c.style, rate: c.rate},
			}
			srcs, ms, tools := partSamples(t, parts)
			offsets := []time.Duration{2 * time.Second, 0}
			start := 3 * time.Second
			end := ms[0].Duration + 11*time.Second
			out := filepath.Join(t.TempDir(), "talk.mp4")
			opts := Options{Work: filepath.Join(t.TempDir(), "talk"), Tools: tools, tuning: fast(), Jobs: 6}
			s := Settings{Output: out, Start: start, End: end, PartOffsets: offsets, Crossfade: c.crossfade}
			if err := SaveTalk(context.Background(), srcs, opts, s); err != nil {
				msg, code := Explain(err)
				t.Fatalf("save: exit %d: %s", code, msg)
			}
			frame := time.Second / time.Duration(c.rate)
			// Part 1 from 3 s to its end (17 s), part 2 from 0 to 11 s.
			windows := []time.Duration{ms[0].Duration - start, 11 * time.Second}
			wantFrames := 0
			for _, w := range windows {
				wantFrames += int(w / frame)
			}
			fadeFrames := int(c.crossfade / frame)
			wantFrames -= fadeFrames
			ts := videoTimes(t, tools, out)
			if len(ts) != wantFrames {
				t.Errorf("video frames = %d, want %d", len(ts), wantFrames)
			}
			if len(ts) > 0 && ts[0].Abs() > time.Millisecond {
				t.Errorf("video starts at %v, want 0", ts[0])
			}
			jumps := 0
			for i := 1; i < len(ts); i++ {
				if d := ts[i] - ts[i-1]; (d - frame).Abs() > time.Millisecond {
					if jumps++; jumps <= 3 {
						t.Errorf("frame %d at %v follows %v: step %v, want one frame (%v)", i, ts[i], ts[i-1], d, frame)
					}
				}
			}
			if jumps > 3 {
				t.Errorf("%d steps of other than one frame", jumps)
			}
			// Flashes every 5 s of each part's own timeline.
			var want []time.Duration
			at := time.Duration(0)
			for i, w := range windows {
				from := time.Duration(0)
				if i == 0 {
					from = start
				}
				for f := time.Duration(0); f < from+w; f += 5 * time.Second {
					if f >= from && (i == 0 || f-from >= c.crossfade) {
						want = append(want, at+f-from)
					}
				}
				at += w - c.crossfade
			}
			for _, ignore := range []bool{false, true} {
				markers := tools.SyncMarkers
				if ignore {
					markers = tools.SyncMarkersIgnoringEditList
				}
				flashes, beeps, err := markers(context.Background(), out)
				if err != nil {
					t.Fatal(err)
				}
				checkFlashes(t, flashes, want, beeps)
			}
			t.Logf("%d frames over %v", len(ts), ts[len(ts)-1]+frame)
		})
	}
}
