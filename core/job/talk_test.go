package job

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"replayrescue/core/media"
	"replayrescue/core/sample"
)

// talkPart is one broadcast of a talk in the tests: its media and its audio
// offset (the phone's own).
type talkPart struct {
	length        time.Duration
	lead          time.Duration // how early its sound runs; the offset that fixes it is the same
	width, height int
	style         string // sample.MediaOptions.Style: "" phone-like, "studio" (B-frames), "open-gop"
	rate          int    // frames per second; 0 is 30
}

// partSamples makes and serves the parts' broadcasts on loopback.
func partSamples(t *testing.T, parts []talkPart) ([]Source, []*sample.Media, media.Tools) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test")
	}
	tools := needFFmpeg(t)
	var srcs []Source
	var ms []*sample.Media
	for i, p := range parts {
		m, err := sample.Generate(context.Background(), sample.MediaOptions{FFmpeg: tools.FFmpeg, Duration: p.length,
			ChunkDuration: 2 * time.Second, AudioLead: p.lead, NoLead: p.lead == 0, Width: p.width, Height: p.height,
			Style: p.style, Rate: p.rate})
		if err != nil {
			t.Fatal(err)
		}
		srv := startServer(t, sample.ServerOptions{Media: m, BroadcastID: fmt.Sprintf("part%dTalk", i+1), Chat: []sample.ChatMessage{}})
		srcs = append(srcs, sourceFor(t, srv, srv.Cookies()))
		ms = append(ms, m)
	}
	return srcs, ms, tools
}

// videoTimes lists the output's video timestamps in presentation order.
func videoTimes(t *testing.T, tools media.Tools, path string) []time.Duration {
	t.Helper()
	out, err := exec.Command(tools.FFprobe, "-v", "error", "-select_streams", "v:0",
		"-show_entries", "packet=pts_time", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var ts []time.Duration
	for _, l := range strings.Fields(string(out)) {
		f, err := strconv.ParseFloat(strings.TrimSuffix(l, ","), 64)
		if err != nil {
			t.Fatalf("pts %q: %v", l, err)
		}
		ts = append(ts, time.Duration(math.Round(f*1e6))*time.Microsecond)
	}
	slices.Sort(ts)
	return ts
}

// TestSaveTalkInThreeParts is issue 13's acceptance case: three broadcasts
// of different lengths, each with its own audio offset, the middle one at
// another resolution, trimmed inside the first and inside the last part.
func TestSaveTalkInThreeParts(t *testing.T) {
	parts := []talkPart{
		{length: 20 * time.Second, lead: 2 * time.Second, width: 640, height: 360},
		{length: 30 * time.Second, lead: 0, width: 480, height: 270},
		{length: 15 * time.Second, lead: -300 * time.Millisecond, width: 640, height: 360},
	}
	srcs, ms, tools := partSamples(t, parts)
	offsets := []time.Duration{2 * time.Second, 0, -300 * time.Millisecond}
	// Cut 7.5 s into the first part and 9.3 s into the last.
	start := 7500 * time.Millisecond
	end := ms[0].Duration + ms[1].Duration + 9300*time.Millisecond
	out := filepath.Join(t.TempDir(), "talk.mp4")
	var log eventLog
	opts := Options{Work: filepath.Join(t.TempDir(), "talk"), Tools: tools, Events: log.add, tuning: fast(), Jobs: 6}
	if err := SaveTalk(context.Background(), srcs, opts, Settings{Output: out, Start: start, End: end, PartOffsets: offsets}); err != nil {
		msg, code := Explain(err)
		t.Fatalf("save: exit %d: %s", code, msg)
	}

	// Each part's window on its own timeline, and where it starts in the output.
	type window struct{ from, to, at time.Duration }
	wins := []window{{start, ms[0].Duration, 0}, {0, ms[1].Duration, 0}, {0, 9300 * time.Millisecond, 0}}
	const frame = time.Second / 30
	wantFrames := 0
	var at time.Duration
	for i := range wins {
		w := &wins[i]
		w.at = at
		// Pictures every 1/30 s from the part's zero.
		n := 0
		for k := 0; time.Duration(k)*time.Second/30 < ms[i].Duration; k++ {
			if pts := time.Duration(k) * time.Second / 30; pts >= w.from-time.Millisecond && pts < w.to-time.Millisecond {
				n++
			}
		}
		wantFrames += n
		at += time.Duration(n) * time.Second / 30
	}

	// Every picture between the cuts, one frame apart across the joins.
	ts := videoTimes(t, tools, out)
	if len(ts) != wantFrames {
		t.Errorf("video frames = %d, want %d", len(ts), wantFrames)
	}
	if len(ts) > 0 && ts[0].Abs() > time.Millisecond {
		t.Errorf("video starts at %v, want 0", ts[0])
	}
	for i := 1; i < len(ts); i++ {
		if d := ts[i] - ts[i-1]; (d - frame).Abs() > time.Millisecond {
			t.Errorf("frame %d at %v follows %v: step %v, want one frame (%v)", i, ts[i], ts[i-1], d, frame)
		}
	}
	info, err := tools.Probe(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := info.Stream("video")
	a, ok := info.Stream("audio")
	if v.Width != 640 || v.Height != 360 {
		t.Errorf("picture %dx%d, want the first part's 640x360", v.Width, v.Height)
	}
	wantLen := time.Duration(wantFrames) * frame
	if !ok || (a.Duration-wantLen).Abs() > 50*time.Millisecond || a.Start.Abs() > 30*time.Millisecond {
		t.Errorf("sound starts %v lasts %v, want 0 and %v", a.Start, a.Duration, wantLen)
	}

	// Each part's flashes where its pictures are, each with its beep.
	flashes, beeps, err := tools.SyncMarkers(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	var want []time.Duration
	for _, w := range wins {
		for f := time.Duration(0); f < w.to; f += 5 * time.Second {
			if f >= w.from {
				want = append(want, w.at+f-w.from)
			}
		}
	}
	checkFlashes(t, flashes, want, beeps)
	d := doneEvent(t, log.all())
	if d.Start != start || (d.Duration-wantLen).Abs() > time.Millisecond {
		t.Errorf("done: start %v length %v, want %v and %v", d.Start, d.Duration, start, wantLen)
	}
	parted := 0
	for _, e := range log.all() {
		if p, ok := e.(PartEvent); ok {
			if _, ok := p.Event.(Found); ok {
				parted++
			}
		}
	}
	if parted != 3 {
		t.Errorf("%d parts found, want 3", parted)
	}
	t.Logf("%d frames, %d flashes in sync, %v", len(ts), len(flashes), wantLen)
}

// TestTalkOffsetsMustMatchParts: one offset per part, or one sentence.
// checkFlashes wants each flash within half a frame (at 30 fps) of want,
// and a beep within 40 ms of each.
func checkFlashes(t *testing.T, flashes, want, beeps []time.Duration) {
	t.Helper()
	const frame = time.Second / 30
	if len(flashes) != len(want) {
		t.Fatalf("flashes at %v, want at %v", flashes, want)
	}
	for i, f := range flashes {
		if (f - want[i]).Abs() > frame/2 {
			t.Errorf("flash %d at %v, want %v", i+1, f, want[i])
		}
		if gap := nearest(f, beeps); gap > 40*time.Millisecond {
			t.Errorf("flash at %v: nearest beep %v away, want within 40ms", f, gap)
		}
	}
}

func TestTalkOffsetsMustMatchParts(t *testing.T) {
	err := SaveTalk(context.Background(), []Source{{URL: "http://127.0.0.1:1/a.m3u8"}, {URL: "http://127.0.0.1:1/b.m3u8"}},
		Options{}, Settings{Output: filepath.Join(t.TempDir(), "x.mp4"), PartOffsets: []time.Duration{0, 0, 0}})
	var je *Error
	if !errors.As(err, &je) || je.Code != ExitUsage || !strings.Contains(je.Msg, "one audio offset per part") {
		t.Fatalf("err = %v, want a usage error naming the offsets", err)
	}
}

func TestWindowsOnTheJoinedTimeline(t *testing.T) {
	s := time.Second
	lengths := []time.Duration{20 * s, 30 * s, 15 * s}
	for _, c := range []struct {
		start, end time.Duration
		want       []partWindow
	}{
		{0, 0, []partWindow{{0, 0, 0, 0, false, false}, {1, 0, 0, 20 * s, false, false}, {2, 0, 0, 50 * s, false, false}}},
		{7 * s, 59 * s, []partWindow{{0, 7 * s, 0, 0, false, false}, {1, 0, 0, 20 * s, false, false}, {2, 0, 9 * s, 50 * s, false, false}}},
		{25 * s, 40 * s, []partWindow{{1, 5 * s, 20 * s, 20 * s, false, false}}},
		{20 * s, 50 * s, []partWindow{{1, 0, 0, 20 * s, false, false}}},
		{55 * s, 0, []partWindow{{2, 5 * s, 0, 50 * s, false, false}}},
	} {
		if got := windows(lengths, c.start, c.end); !slices.Equal(got, c.want) {
			t.Errorf("windows(%v, %v) = %+v, want %+v", c.start, c.end, got, c.want)
		}
	}
}

// The cuts split the kept stretch into pieces: overlapping cuts merged,
// cuts outside the start and end ignored, the joins marked, and a cut
// across a join of parts leaving the parts' own windows.
func TestKeptWindows(t *testing.T) {
	s := time.Second
	lengths := []time.Duration{20 * s, 30 * s}
	got, err := keptWindows(Settings{Start: 2 * s, End: 45 * s, Cuts: []Span{{15 * s, 18 * s}, {16 * s, 25 * s}, {1 * s, 3 * s}, {50 * s, 55 * s}}}, lengths)
	if err != nil {
		t.Fatal(err)
	}
	want := []partWindow{{0, 3 * s, 15 * s, 0, false, true}, {1, 5 * s, 25 * s, 20 * s, true, false}}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if _, err := keptWindows(Settings{Cuts: []Span{{0, 60 * s}}}, lengths); err == nil {
		t.Error("a cut of everything was taken")
	}
	if _, err := keptWindows(Settings{Cuts: []Span{{9 * s, 8 * s}}}, lengths); err == nil {
		t.Error("a cut ending before it starts was taken")
	}
}
