package job

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"replayrescue/core/media"
	"replayrescue/core/sample"
)

// TestSaveTalkCopiesSamePhoneParts: three parts of the same size, lengths
// and audio offsets of their own, cut inside the first part (on a keyframe,
// and between keyframes) and inside the last. Their pictures are copied:
// the output's decoded pictures are the sources' own, each part from the
// keyframe at or before its start, one frame apart across the joins, with
// every flash's beep in place.
func TestSaveTalkCopiesSamePhoneParts(t *testing.T) {
	parts := []talkPart{
		{length: 20 * time.Second, lead: 2 * time.Second, width: 640, height: 360},
		{length: 24 * time.Second, lead: 0, width: 640, height: 360},
		{length: 15 * time.Second, lead: -300 * time.Millisecond, width: 640, height: 360},
	}
	srcs, ms, tools := partSamples(t, parts)
	offsets := []time.Duration{2 * time.Second, 0, -300 * time.Millisecond}
	const frame = time.Second / 30
	// The sample has a keyframe every second.
	for _, start := range []time.Duration{7 * time.Second, 7500 * time.Millisecond} {
		t.Run(start.String(), func(t *testing.T) {
			key := start.Truncate(time.Second)
			end := ms[0].Duration + ms[1].Duration + 9300*time.Millisecond
			out := filepath.Join(t.TempDir(), "talk.mp4")
			var log eventLog
			opts := Options{Work: filepath.Join(t.TempDir(), "talk"), Tools: tools, Events: log.add, tuning: fast(), Jobs: 6, Keep: true}
			tl, err := OpenTalk(srcs, opts)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if err := tl.Load(ctx); err != nil {
				t.Fatal(err)
			}
			if err := tl.Download(ctx); err != nil {
				t.Fatal(err)
			}
			s := Settings{Output: out, Start: start, End: end, PartOffsets: offsets}
			began := time.Now()
			if err := tl.Render(ctx, s); err != nil {
				msg, code := Explain(err)
				t.Fatalf("render: exit %d: %s", code, msg)
			}
			copied := time.Since(began)

			// Each part's copied window in pictures from the part's zero:
			// from the keyframe to the last picture before its end.
			ends := []time.Duration{ms[0].Duration, ms[1].Duration, 9300 * time.Millisecond}
			firsts := []int{int(key / frame), 0, 0}
			counts := make([]int, 3)
			wantFrames := 0
			for i, e := range ends {
				counts[i] = int((e-time.Millisecond)/frame) + 1 - firsts[i]
				wantFrames += counts[i]
			}
			ts := videoTimes(t, tools, out)
			if len(ts) != wantFrames || len(ts) == 0 || ts[0].Abs() > time.Millisecond {
				t.Errorf("%d video frames from %v, want %d from 0", len(ts), ts[:min(1, len(ts))], wantFrames)
			}
			for i, pts := range ts {
				if want := time.Duration(i) * time.Second / 30; (pts - want).Abs() > time.Millisecond {
					t.Fatalf("frame %d at %v, want %v: one frame after another across the joins", i, pts, want)
				}
			}

			// Copied, not re-encoded: the same profile, and every decoded
			// picture of each part identical to its source's.
			got := frameHashes(t, tools, out)
			n := 0
			for i, m := range ms {
				src := frameHashes(t, tools, chunksOf(m))
				if firsts[i]+counts[i] > len(src) || n+counts[i] > len(got) {
					t.Fatalf("part %d: %d source pictures, %d output pictures", i+1, len(src), len(got))
				}
				for k := range counts[i] {
					if got[n+k] != src[firsts[i]+k] {
						t.Fatalf("part %d: picture %d differs from its source's picture %d", i+1, k, firsts[i]+k)
					}
				}
				n += counts[i]
			}
			info, err := tools.Probe(ctx, out)
			if err != nil {
				t.Fatal(err)
			}
			srcInfo, err := tools.Probe(ctx, filepath.Join(ms[1].Dir, ms[1].Chunks[0].Name))
			if err != nil {
				t.Fatal(err)
			}
			v, _ := info.Stream("video")
			sv, _ := srcInfo.Stream("video")
			if v.Codec != "h264" || v.Profile != sv.Profile || v.Width != 640 || v.Height != 360 {
				t.Errorf("video %s %q %dx%d, want the sources' h264 %q 640x360", v.Codec, v.Profile, v.Width, v.Height, sv.Profile)
			}
			wantLen := time.Duration(wantFrames) * frame
			if a, ok := info.Stream("audio"); !ok || (a.Duration-wantLen).Abs() > 50*time.Millisecond || a.Start.Abs() > 30*time.Millisecond {
				t.Errorf("sound starts %v lasts %v, want 0 and %v", a.Start, a.Duration, wantLen)
			}

			flashes, beeps, err := tools.SyncMarkers(ctx, out)
			if err != nil {
				t.Fatal(err)
			}
			// A flash every 150 pictures (5 s) of each part.
			var want []time.Duration
			n = 0
			for i := range ends {
				for k := firsts[i]; k < firsts[i]+counts[i]; k++ {
					if k%150 == 0 {
						want = append(want, time.Duration(n+k-firsts[i])*time.Second/30)
					}
				}
				n += counts[i]
			}
			checkFlashes(t, flashes, want, beeps)
			d := doneEvent(t, log.all())
			if d.Start != key || (d.Duration-wantLen).Abs() > time.Millisecond {
				t.Errorf("done: start %v length %v, want the keyframe %v and %v", d.Start, d.Duration, key, wantLen)
			}

			if p, err := tl.Plan(ctx, s); err != nil || p.Start != key {
				t.Errorf("plan: start %v (%v), want the keyframe %v", p.Start, err, key)
			}

			// The same join re-encoded, for the record (not asserted).
			lengths := tl.PartLengths()
			if err := tl.missing(false); err != nil {
				t.Fatal(err)
			}
			spec := tl.joinSpec(s, windows(lengths, start, end), offsets)
			var took [2]time.Duration
			for k, reencode := range []bool{false, true} {
				spec.Output, spec.Reencode = filepath.Join(t.TempDir(), "again.mp4"), reencode
				began = time.Now()
				if _, err := tools.RenderJoined(ctx, spec); err != nil {
					t.Fatal(err)
				}
				took[k] = time.Since(began).Round(time.Millisecond)
			}
			t.Logf("%d frames: save %v; join copied %v, re-encoded %v", len(ts), copied.Round(time.Millisecond), took[0], took[1])
		})
	}
}

// chunksOf is m's chunks read as one stream.
func chunksOf(m *sample.Media) string {
	names := make([]string, len(m.Chunks))
	for i, c := range m.Chunks {
		names[i] = filepath.Join(m.Dir, c.Name)
	}
	return "concat:" + strings.Join(names, "|")
}

// frameHashes are the MD5s of the decoded pictures of input, in order.
func frameHashes(t *testing.T, tools media.Tools, input string) []string {
	t.Helper()
	out, err := exec.Command(tools.FFmpeg, "-v", "error", "-i", input, "-map", "0:v:0", "-f", "framemd5", "-").Output()
	if err != nil {
		t.Fatalf("framemd5 %s: %v", input, err)
	}
	var hs []string
	for _, l := range strings.Split(string(out), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, ",")
		hs = append(hs, strings.TrimSpace(f[len(f)-1]))
	}
	return hs
}
