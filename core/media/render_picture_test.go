package media

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// A live encoder whose camera dropped out for two chunks (0:08 to 0:16)
// sent their sound only. The saved video keeps its timeline: the last
// picture before the drop-out stays on screen while the sound goes on,
// every picture after it is in sync, and the presenter is told.
func TestRenderPictureHoles(t *testing.T) {
	e := encoding{fps: 30, gop: 2 * time.Second, soundOnly: [2]int{2, 4}}
	for _, c := range []struct {
		name   string
		concat bool // read through the concat demuxer (an encoder restart)
		exact  bool
		start  time.Duration
		stream bool // rendered while the chunks arrive, as the CLI does
	}{
		{"one stream", false, false, 0, false},
		{"one stream, while downloading", false, false, 0, true},
		{"one stream, from 0:05", false, false, 5 * time.Second, false},
		{"concat demuxer", true, false, 0, false},
		{"exact from 0:00.5", false, true, 500 * time.Millisecond, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			tl, dir, names := encoded(t, e)
			out := filepath.Join(t.TempDir(), "out.mp4")
			spec := RenderSpec{Dir: dir, Chunks: names, Output: out, OneStream: !c.concat, Exact: c.exact,
				Start: c.start, Durations: fourSeconds(len(names), e.len())}
			if c.stream {
				src := dir
				dir = t.TempDir()
				spec.Dir, spec.Ready = dir, readyAfter(dir, names, nil)
				if !tl.streamable(spec) {
					t.Skip("this system renders only once every chunk is there")
				}
				go trickle(src, dir, names)
			}
			cut, err := tl.Render(context.Background(), spec)
			if err != nil {
				t.Fatal(err)
			}
			// The chunks' own times: 0:08.0 to 0:16.0 less the cut.
			from, to := 8*time.Second-cut.Start, 16*time.Second-cut.Start
			r := read(t, tl, out, e.fps, e.len()-cut.Start, [2]time.Duration{from, to})
			t.Log(r)
			gone := int(8 * e.fps)
			if r.frames != r.wantFrames-gone {
				t.Errorf("%d pictures, want the %d sent", r.frames, r.wantFrames-gone)
			}
			if r.videoStart != 0 || r.videoStartRaw != 0 || r.audioStart.Abs() > 33*time.Millisecond {
				t.Errorf("starts: %v", r)
			}
			for i, d := range []time.Duration{r.syncTS, r.syncRaw, r.syncB2B} {
				if d > 60*time.Millisecond || r.checked[i] < 2 {
					t.Errorf("sync %d: off by %v over %d flashes", i, d, r.checked[i])
				}
			}
			frame := time.Second / time.Duration(e.fps)
			if (r.videoLength-r.wantLength).Abs() > 2*frame || (r.soundLength-r.videoLength).Abs() > frame+time.Millisecond {
				t.Errorf("picture %v, sound %v; want both %v", r.videoLength, r.soundLength, r.wantLength)
			}
			// The last picture before the hole is held until the next.
			if (r.maxStep - (to - from + frame)).Abs() > 2*frame {
				t.Errorf("longest step %v, want the hole's %v", r.maxStep, to-from)
			}
			if len(cut.PictureHoles) != 1 || (cut.PictureHoles[0].At-from).Abs() > 2*frame || (cut.PictureHoles[0].Length-(to-from)).Abs() > 2*frame {
				t.Errorf("picture holes %v, want %v from %v", cut.PictureHoles, to-from, from)
			}
		})
	}
}
