package job

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cameraFrames decodes the speaker's camera (the sample's moving corner) in
// path's pictures as small grey images, in order.
func cameraFrames(t *testing.T, ffmpeg, path string) [][]byte {
	t.Helper()
	const w, h = 80, 45
	out, err := exec.Command(ffmpeg, "-v", "error", "-i", path, "-vf", "crop=iw/4:ih/4:iw*11/16:ih*6/10,scale=80:45,format=gray",
		"-f", "rawvideo", "-").Output()
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	var frames [][]byte
	for len(out) >= w*h {
		frames = append(frames, out[:w*h])
		out = out[w*h:]
	}
	return frames
}

// meanDiff is the mean absolute difference between two grey images.
func meanDiff(a, b []byte) float64 {
	var sum int
	for i := range a {
		d := int(a[i]) - int(b[i])
		sum += max(d, -d)
	}
	return float64(sum) / float64(len(a))
}

// blendOf is the average of two grey images.
func blendOf(a, b []byte) []byte {
	m := make([]byte, len(a))
	for i := range a {
		m[i] = byte((int(a[i]) + int(b[i]) + 1) / 2)
	}
	return m
}

// TestTalkCrossfade joins two broadcasts (each with its own audio offset)
// end to end and with a 0.5 s cross-fade, and compares the two videos.
func TestTalkCrossfade(t *testing.T) {
	parts := []talkPart{
		{length: 12 * time.Second, lead: -300 * time.Millisecond, width: 640, height: 360},
		{length: 10 * time.Second, lead: 0, width: 640, height: 360},
	}
	srcs, ms, tools := partSamples(t, parts)
	ctx := context.Background()
	talk, err := OpenTalk(srcs, Options{Work: filepath.Join(t.TempDir(), "talk"), Tools: tools, tuning: fast(), Jobs: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := talk.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if err := talk.Download(ctx); err != nil {
		t.Fatal(err)
	}
	offsets := []time.Duration{-300 * time.Millisecond, 0}
	dir := t.TempDir()
	plain, faded := filepath.Join(dir, "plain.mp4"), filepath.Join(dir, "faded.mp4")
	// Cut 1 s into the first part: a beep at the very start would end no
	// silence, so could not be found.
	const start = time.Second
	if err := talk.Render(ctx, Settings{Output: plain, Start: start, PartOffsets: offsets}); err != nil {
		t.Fatal(err)
	}
	const fade = 500 * time.Millisecond
	if err := talk.Render(ctx, Settings{Output: faded, Start: start, PartOffsets: offsets, Crossfade: fade}); err != nil {
		msg, _ := Explain(err)
		t.Fatal(msg)
	}

	// Shorter by the fade, every picture one frame after the one before.
	const frame = time.Second / 30
	ts := videoTimes(t, tools, faded)
	first := ms[0].Duration - start // the first part's share
	sum := first + ms[1].Duration
	if got := time.Duration(len(ts)) * frame; (got - (sum - fade)).Abs() > frame/2 {
		t.Errorf("%d frames (%v), want %v", len(ts), got, sum-fade)
	}
	for i := 1; i < len(ts); i++ {
		if d := ts[i] - ts[i-1]; (d - frame).Abs() > time.Millisecond {
			t.Errorf("frame %d at %v follows %v: step %v, want one frame", i, ts[i], ts[i-1], d)
		}
	}
	info, err := tools.Probe(ctx, faded)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := info.Stream("audio"); !ok || (a.Duration-(sum-fade)).Abs() > 50*time.Millisecond {
		t.Errorf("sound lasts %v, want %v", a.Duration, sum-fade)
	}

	// Flashes every 5 s of each part, the second part's 0.5 s earlier,
	// each with its beep; the fade's own half-seen flash is left out.
	fadeFrom, fadeTo := first-fade, first
	var want []time.Duration
	for i, m := range ms {
		for f := time.Duration(0); f < m.Duration; f += 5 * time.Second {
			at := f - start + time.Duration(i)*(fadeFrom+start)
			if (at >= 0 && at < fadeFrom) || at > fadeTo {
				want = append(want, at)
			}
		}
	}
	flashes, beeps, err := tools.SyncMarkers(ctx, faded)
	if err != nil {
		t.Fatal(err)
	}
	var seen []time.Duration
	for _, f := range flashes {
		if f < fadeFrom-frame || f > fadeTo+frame {
			seen = append(seen, f)
		}
	}
	checkFlashes(t, seen, want, beeps)

	// Mid-fade, a blend of the first part's picture and the second's.
	p, x := cameraFrames(t, tools.FFmpeg, plain), cameraFrames(t, tools.FFmpeg, faded)
	firstFrames := int(first / frame)
	fadeFrames := int(fade / frame)
	mid := firstFrames - fadeFrames + fadeFrames/2
	if len(p) < firstFrames+2*fadeFrames || len(x) <= firstFrames+fadeFrames {
		t.Fatalf("%d and %d pictures decoded", len(p), len(x))
	}
	a, b := p[mid], p[firstFrames+fadeFrames/2]
	apart, toA, toB, toBlend := meanDiff(a, b), meanDiff(x[mid], a), meanDiff(x[mid], b), meanDiff(x[mid], blendOf(a, b))
	if toA < apart/4 || toB < apart/4 || toBlend > min(toA, toB)/2 {
		t.Errorf("mid-fade picture: %.2f from the first part's, %.2f from the second's, %.2f from their blend (they are %.2f apart)", toA, toB, toBlend, apart)
	}
	// Outside the fade the pictures are the plain join's: before it the
	// same, after it the second part's, a fade earlier.
	if d := meanDiff(x[mid-fadeFrames], p[mid-fadeFrames]); d > apart/4 {
		t.Errorf("before the fade: %.2f from the plain join's picture", d)
	}
	if d := meanDiff(x[firstFrames+fadeFrames], p[firstFrames+2*fadeFrames]); d > apart/4 {
		t.Errorf("after the fade: %.2f from the plain join's picture", d)
	}
	t.Logf("%d frames, %d flashes in sync; mid-fade %.2f/%.2f from the parts, %.2f from their blend", len(ts), len(seen), toA, toB, toBlend)
}

// TestCrossfadeLimits: a fade out of range, or with one broadcast, is one
// sentence.
func TestCrossfadeLimits(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.mp4")
	two := []Source{{URL: "http://127.0.0.1:1/a.m3u8"}, {URL: "http://127.0.0.1:1/b.m3u8"}}
	for _, c := range []struct {
		srcs []Source
		fade time.Duration
		want string
	}{
		{two, 3 * time.Second, "between 0 and 2 seconds"},
		{two, -time.Second, "between 0 and 2 seconds"},
		{two[:1], time.Second / 2, "at least two broadcasts"},
	} {
		err := SaveTalk(context.Background(), c.srcs, Options{}, Settings{Output: out, Crossfade: c.fade})
		var je *Error
		if !errors.As(err, &je) || je.Code != ExitUsage || !strings.Contains(je.Msg, c.want) {
			t.Errorf("fade %v with %d sources: err = %v, want a usage error saying %q", c.fade, len(c.srcs), err, c.want)
		}
	}
}
