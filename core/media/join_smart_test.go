package media

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The cuts of the smart join tests: 0:06.51-0:09.51 and 0:14.2-0:17.01,
// every one between two keyframes (one every 2 s), so that each piece
// after a cut starts with a head to encode and, with B-frames, may end
// with a tail.
var smartCuts = [][2]time.Duration{{6510 * time.Millisecond, 9510 * time.Millisecond}, {14200 * time.Millisecond, 17010 * time.Millisecond}}

// smartPieces are the pieces a talk of chunks total long keeps with
// smartCuts, as core/job hands them over.
func smartPieces(dir string, names []string, total time.Duration) []RenderSpec {
	durations := fourSeconds(len(names), total)
	var ps []RenderSpec
	from := time.Duration(0)
	for i, c := range append(smartCuts, [2]time.Duration{0, 0}) {
		ps = append(ps, RenderSpec{Dir: dir, Chunks: names, Durations: durations, OneStream: true,
			Start: from, End: c[0], CutBefore: i > 0, CutAfter: c[0] > 0})
		from = c[1]
	}
	return ps
}

// keptPictures is how many of a fps talk's pictures (total long) fall
// outside smartCuts, and how many lie between each cut's end and the
// first keyframe (every gop) after it: the heads smart joins encode.
func keptPictures(fps int, gop, total time.Duration) (kept, heads int) {
	frame := time.Second / time.Duration(fps)
	var at time.Duration
	for n := 0; at < total-time.Millisecond; n++ {
		at = time.Duration(n) * time.Second / time.Duration(fps)
		if at >= total-time.Millisecond {
			break
		}
		cut, head := false, false
		for _, c := range smartCuts {
			cut = cut || (at >= c[0]-time.Millisecond && at < c[1]-time.Millisecond)
			next := (c[1] + gop - frame) / gop * gop // the first keyframe at or after it
			head = head || (at >= c[1]-time.Millisecond && at < next-time.Millisecond)
		}
		if !cut {
			kept++
		}
		if head {
			heads++
		}
	}
	return kept, heads
}

// pictureMD5s are the checksums of path's picture packets, in decode
// order (ffmpeg's framemd5 of a copy: one line per packet).
func pictureMD5s(t *testing.T, tl Tools, args ...string) []string {
	t.Helper()
	cmd := append([]string{"-v", "error"}, args...)
	out, err := exec.Command(tl.FFmpeg, append(cmd, "-map", "0:v:0", "-c", "copy", "-f", "framemd5", "-")...).Output()
	if err != nil {
		t.Fatal(err)
	}
	var sums []string
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Split(l, ","); len(f) == 6 && !strings.HasPrefix(l, "#") {
			sums = append(sums, strings.TrimSpace(f[5]))
		}
	}
	return sums
}

// A talk with two cuts between keyframes, joined smart: --exact keeps
// exactly the pictures outside the cuts, encodes only those from each cut
// to the next keyframe (and, with B-frames, at most the few pictures
// before a cut that depend on one after it), and copies every other
// picture: the output's packets but those are byte for byte the source's.
// Fast mode copies every picture. Either way the joins are clean: flash
// and beep within 40 ms read three ways, pictures one frame apart.
func TestRenderCutsSmart(t *testing.T) {
	for _, c := range []struct {
		name   string
		x264   []string
		exact  bool
		bframe bool
	}{
		{"x264 defaults, exact", nil, true, true},
		{"x264 defaults, fast", nil, false, true},
		{"no B-frames, exact", []string{"-bf", "0"}, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			const fps, gop, total = 30, 2 * time.Second, 30 * time.Second
			tl, dir, names := encoded(t, encoding{fps: fps, gop: gop, x264: c.x264})
			if tl.VideoEncoder(context.Background()) != "libx264" {
				t.Skip("no libx264")
			}
			source := pictureMD5s(t, tl, "-i", sourceMP4(t, tl, dir, names))
			out := filepath.Join(t.TempDir(), "out.mp4")
			spec := JoinSpec{Output: out, Exact: c.exact, Parts: smartPieces(dir, names, total)}
			res, err := tl.RenderJoined(context.Background(), spec)
			if err != nil {
				t.Fatal(err)
			}
			kept, heads := keptPictures(fps, gop, total)
			r := read(t, tl, out, fps, time.Duration(kept)*time.Second/fps)
			t.Logf("%v; encoded %d, copied %d (heads %d)", r, res.Encoded, res.Copied, heads)

			// Which pictures were copied: those whose packets are the
			// source's, byte for byte.
			inSource := map[string]bool{}
			for _, s := range source {
				inSource[s] = true
			}
			got := pictureMD5s(t, tl, "-i", out)
			copied := 0
			for _, s := range got {
				if inSource[s] {
					copied++
				}
			}
			if len(got) != r.frames || copied != res.Copied || len(got)-copied != res.Encoded {
				t.Errorf("%d packets, %d of them the source's: told %d copied and %d encoded", len(got), copied, res.Copied, res.Encoded)
			}
			switch {
			case c.exact && r.frames != kept:
				t.Errorf("%d pictures, want exactly the %d outside the cuts", r.frames, kept)
			case !c.exact && (r.frames < kept || r.frames > kept+2*2*fps):
				t.Errorf("%d pictures, want the %d outside the cuts and at most a GOP more per cut", r.frames, kept)
			}
			// Encoded: the heads; with B-frames, a tail of at most 3
			// pictures (x264's B-frames in a row) before each cut.
			tails := 0
			if c.bframe {
				tails = 3 * len(smartCuts)
			}
			switch {
			case !c.exact && res.Encoded != 0:
				t.Errorf("fast mode encoded %d pictures, want none", res.Encoded)
			case c.exact && (res.Encoded < heads || res.Encoded > heads+tails):
				t.Errorf("encoded %d pictures, want the %d from the cuts to the next keyframes (and up to %d before the cuts)", res.Encoded, heads, tails)
			}
			for i, d := range []time.Duration{r.syncTS, r.syncRaw, r.syncB2B} {
				if d > 40*time.Millisecond {
					t.Errorf("sync read way %d off by %v, want within 40 ms", i, d)
				}
			}
			if r.maxStep > time.Second/fps+2*time.Millisecond {
				t.Errorf("pictures %v apart at a join, want one frame", r.maxStep)
			}
		})
	}
}

// sourceMP4 is dir's chunks names copied into an MP4 as they are: its
// packets are stored as the MP4 muxer stores them in a render.
func sourceMP4(t *testing.T, tl Tools, dir string, names []string) string {
	t.Helper()
	list, err := writeByteList(dir, names, false)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "source.mp4")
	if b, err := exec.Command(tl.FFmpeg, "-v", "error", "-i", "concatf:"+list, "-map", "0:v:0", "-c", "copy", out).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return out
}
