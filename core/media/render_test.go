package media

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"replayrescue/core/mp4"
)

// Fixtures: 30 s, 30 fps, keyframe every second, 3 s chunks, a white flash at
// 0, 5, 10 ... and a beep.
//   - lead: the beep's content runs 2 s early (at 3, 8, 13 ...), both tracks'
//     timestamps start together: the content itself is off.
//   - late: the beep is with the flash, but the audio track's timestamps start
//     2 s after the video's (the audio's first 2 s are missing): the stream
//     is right, and only players that honour MP4 edit lists would agree.
type fixtureKind string

const (
	lead fixtureKind = "lead"
	late fixtureKind = "late"
	// single: lead's content in one 30 s chunk, so no chunk boundary
	// follows a cut (exact mode must re-encode all of the picture).
	single fixtureKind = "single"
)

var fixtures = struct {
	sync.Mutex
	dirs map[fixtureKind]string
}{dirs: map[fixtureKind]string{}}

func tools(t *testing.T) Tools {
	t.Helper()
	tl, err := Find()
	if err != nil {
		t.Skipf("ffmpeg not installed: %v", err)
	}
	return tl
}

func fixture(t *testing.T) (Tools, string, []string) { return fixtureOf(t, lead) }

// slow skips t in -short runs (make test-short), which keep one real render
// (TestRenderSyncAndTrim's trim with an offset) and the quick runs of the
// tools.
func slow(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("slow: not in -short")
	}
}

func fixtureOf(t *testing.T, kind fixtureKind) (Tools, string, []string) {
	t.Helper()
	tl := tools(t)
	fixtures.Lock()
	src, ok := fixtures.dirs[kind]
	if !ok {
		var err error
		if src, err = os.MkdirTemp("", "media-fixture-"); err != nil {
			fixtures.Unlock()
			t.Fatal(err)
		}
		beep, audio, hlsTime := "mod(t+2\\,5)", "[1:a]anull[a]", "3"
		if kind == late {
			beep, audio = "mod(t\\,5)", "[1:a]atrim=start=2,asetpts=PTS-STARTPTS+2/TB[a]"
		}
		if kind == single {
			hlsTime = "60"
		}
		cmd := exec.Command(tl.FFmpeg, "-hide_banner", "-loglevel", "error",
			"-f", "lavfi", "-i", "testsrc2=s=320x180:r=30:d=30",
			"-f", "lavfi", "-i", `aevalsrc='if(lt(`+beep+`\,0.1)\,0.6*sin(2*PI*1000*t)\,0.01*sin(2*PI*220*t))':s=48000:d=30`,
			"-filter_complex", `[0:v]drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(t\,5)\,0.034)'[v];`+audio,
			"-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-keyint_min", "30",
			"-sc_threshold", "0", "-b:v", "300k", "-c:a", "aac", "-b:a", "64k",
			"-f", "hls", "-hls_time", hlsTime, "-hls_playlist_type", "vod",
			"-hls_segment_filename", filepath.Join(src, "chunk_%06d.ts"), filepath.Join(src, "list.m3u8"))
		if out, err := cmd.CombinedOutput(); err != nil {
			fixtures.Unlock()
			t.Fatalf("making the %s fixture: %v\n%s", kind, err, out)
		}
		fixtures.dirs[kind] = src
	}
	fixtures.Unlock()
	dir, names := copyChunks(t, src, "chunk_*.ts")
	return tl, dir, names
}

// copyChunks copies the files of src matching pattern into a folder of the
// test's own and returns it with their names in order: each test renders
// from its own copy, as each job has its own folder.
func copyChunks(t *testing.T, src, pattern string) (string, []string) {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(src, pattern))
	for i := range names {
		names[i] = filepath.Base(names[i])
	}
	slices.Sort(names)
	dir := t.TempDir()
	for _, n := range names {
		data, _ := os.ReadFile(filepath.Join(src, n))
		os.WriteFile(filepath.Join(dir, n), data, 0o600)
	}
	return dir, names
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range fixtures.dirs {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// nearest returns the distance from d to the closest of ts.
func nearest(d time.Duration, ts []time.Duration) time.Duration {
	best := time.Duration(1 << 62)
	for _, x := range ts {
		best = min(best, (x - d).Abs())
	}
	return best
}

func TestRenderSyncAndTrim(t *testing.T) {
	cases := []struct {
		name        string
		kind        fixtureKind
		start, end  time.Duration
		offset      time.Duration
		cut         time.Duration // where the output really starts on the source timeline
		beepVsFlash time.Duration // beep time minus flash time in the output
	}{
		// +2 s moves the early beeps onto the flashes; the video's first 2 s
		// have no audio any more, so the output starts at the keyframe at 2 s.
		{"lead, +2s", lead, 0, 0, 2 * time.Second, 2 * time.Second, 0},
		// Fast mode lands on the keyframe at or before 7.2 s.
		{"lead, 7.2s to 22s, +2s", lead, 7200 * time.Millisecond, 22 * time.Second, 2 * time.Second, 7 * time.Second, 0},
		// -1 s moves the beeps 1 s earlier still: 3 s before each flash.
		{"lead, -1s", lead, 0, 0, -time.Second, 0, -3 * time.Second},
		// Without an offset the content's own 2 s lead stays.
		{"lead, start 5s", lead, 5 * time.Second, 0, 0, 5 * time.Second, -2 * time.Second},
		// The stream's timestamps say the audio starts 2 s late: trusting
		// them (offset 0) keeps beep and flash together, and the output
		// starts where both tracks have content.
		{"late, auto", late, 0, 0, 0, 2 * time.Second, 0},
		{"late, 10.5s to 20s", late, 10500 * time.Millisecond, 20 * time.Second, 0, 10 * time.Second, 0},
		{"late, -0.5s", late, 0, 0, -500 * time.Millisecond, 2 * time.Second, -500 * time.Millisecond},
	}
	// Each case reads the chunks as one stream (the usual path) and, for
	// the two kinds of fixture, through the concat demuxer as well.
	type mode struct{ oneStream bool }
	for i, c := range cases {
		for _, m := range []mode{{true}, {false}} {
			if !m.oneStream && i != 1 && i != 5 {
				continue
			}
			name := c.name
			if !m.oneStream {
				name += ", concat demuxer"
			}
			t.Run(name, func(t *testing.T) {
				if i != 1 || !m.oneStream {
					slow(t)
				}
				renderCase(t, c.kind, c.start, c.end, c.offset, c.cut, c.beepVsFlash, m.oneStream)
			})
		}
	}
}

func renderCase(t *testing.T, kind fixtureKind, start, end, offset, cut, beepVsFlash time.Duration, oneStream bool) {
	c := struct {
		kind               fixtureKind
		start, end, offset time.Duration
		cut, beepVsFlash   time.Duration
	}{kind, start, end, offset, cut, beepVsFlash}
	{
		{
			tl, dir, names := fixtureOf(t, c.kind)
			ctx := context.Background()
			out := filepath.Join(t.TempDir(), "out.mp4")
			spec := RenderSpec{Dir: dir, Chunks: names, Output: out, OneStream: oneStream,
				Start: c.start, End: c.end, AudioOffset: c.offset, Total: 30 * time.Second}
			plan, err := tl.PlanCut(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			if (plan.Start - c.cut).Abs() > 25*time.Millisecond {
				t.Errorf("cut at %v, want %v", plan.Start, c.cut)
			}
			var calls int
			var last time.Duration
			spec.Progress = func(done, total time.Duration) { calls++; last = done }
			if _, err := tl.Render(ctx, spec); err != nil {
				t.Fatal(err)
			}

			end := c.end
			if end == 0 {
				end = 30 * time.Second
			}
			checkOutput(t, tl, out, c.cut, end, c.beepVsFlash)
			if calls == 0 || last <= 0 {
				t.Errorf("progress: %d calls, last %v", calls, last)
			}
			if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 1 {
				t.Errorf("files beside the output: %v", entries)
			}
		}
	}
}

// checkOutput checks a render that starts at cut on the source timeline and
// ends at end: beep and flash in sync for players that honour edit lists and
// for those that do not (the tracks start together), every source frame
// between the cuts kept, and the video decoding without an error.
func checkOutput(t *testing.T, tl Tools, out string, cut, end, beepVsFlash time.Duration) {
	t.Helper()
	ctx := context.Background()
	const fps = 30
	for _, ignore := range []bool{false, true} {
		markers := tl.SyncMarkers
		if ignore {
			markers = tl.SyncMarkersIgnoringEditList
		}
		flashes, beeps, err := markers(ctx, out)
		if err != nil {
			t.Fatal(err)
		}
		// Flashes are every 5 s of the source.
		firstFlash := (5*time.Second - cut%(5*time.Second)) % (5 * time.Second)
		if len(flashes) == 0 || (flashes[0]-firstFlash).Abs() > 40*time.Millisecond {
			t.Errorf("ignore edit list %v: first flash at %v, want %v", ignore, flashes, firstFlash)
		}
		checked := 0
		for _, f := range flashes {
			want := f + beepVsFlash
			// A beep at the very start has no silence before it to end.
			if want < 500*time.Millisecond {
				continue
			}
			checked++
			if d := nearest(want, beeps); d > 40*time.Millisecond {
				t.Errorf("ignore edit list %v: flash at %v: no beep within 40ms of %v (beeps %v)", ignore, f, want, beeps)
			}
		}
		if checked == 0 {
			t.Errorf("no flash checked")
		}
	}
	info, err := tl.Probe(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := info.Stream("video")
	a, ok := info.Stream("audio")
	if !ok {
		t.Fatal("no audio in the output")
	}
	if v.Start.Abs() > 25*time.Millisecond || a.Start.Abs() > 25*time.Millisecond {
		t.Errorf("tracks start at video %v, audio %v; want both at 0", v.Start, a.Start)
	}
	wantFrames := int((end - cut).Round(time.Second/fps) / (time.Second / fps))
	if n, err := tl.PresentedFrames(ctx, out); err != nil || n != wantFrames {
		t.Errorf("video frames = %d, want %d (%v)", n, wantFrames, err)
	}
	if want := end - cut; (v.Duration - want).Abs() > 50*time.Millisecond {
		t.Errorf("video duration %v, want %v", v.Duration, want)
	}
	// The output ends where the video ends (docs/cli.md): sound moved later
	// does not play on over the last picture, but for the last AAC frame
	// that starts before it ends.
	if aEnd, vEnd := a.Start+a.Duration, v.Start+v.Duration; aEnd > vEnd+25*time.Millisecond {
		t.Errorf("sound ends at %v, after the video's end at %v", aEnd, vEnd)
	}
	cmd := exec.Command(tl.FFmpeg, "-v", "error", "-i", out, "-f", "null", "-")
	if msg, err := cmd.CombinedOutput(); err != nil || len(msg) != 0 {
		t.Errorf("the output does not decode cleanly: %v %s", err, msg)
	}
}

// Exact mode lands on the frame asked for (within one frame), re-encoding
// only up to the next chunk, or all of the picture when no chunk follows.
func TestRenderExact(t *testing.T) {
	slow(t)
	cases := []struct {
		name         string
		kind         fixtureKind
		start, end   time.Duration
		offset       time.Duration
		beepVsFlash  time.Duration
		reencoded    time.Duration // -1: the whole picture
		fastStartsAt time.Duration // where fast mode would start, for comparison
	}{
		{"lead, 7.2s to 22s, +2s", lead, 7200 * time.Millisecond, 22 * time.Second, 2 * time.Second, 0, 1800 * time.Millisecond, 7 * time.Second},
		{"late, from 10.5s", late, 10500 * time.Millisecond, 0, 0, 0, 1500 * time.Millisecond, 10 * time.Second},
		{"lead, on a keyframe", lead, 12 * time.Second, 0, 2 * time.Second, 0, 0, 12 * time.Second},
		{"single chunk, 7.2s", single, 7200 * time.Millisecond, 20 * time.Second, 2 * time.Second, 0, -1, 7 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tl, dir, names := fixtureOf(t, c.kind)
			out := filepath.Join(t.TempDir(), "out.mp4")
			spec := RenderSpec{Dir: dir, Chunks: names, Output: out,
				Start: c.start, End: c.end, AudioOffset: c.offset, Total: 30 * time.Second}
			began := time.Now()
			fast, err := tl.Render(context.Background(), spec)
			if err != nil {
				t.Fatal(err)
			}
			fastTook := time.Since(began)
			if fast.Start != c.fastStartsAt {
				t.Errorf("fast mode starts at %v, want %v", fast.Start, c.fastStartsAt)
			}
			os.Remove(out)
			spec.Exact = true
			began = time.Now()
			cut, err := tl.Render(context.Background(), spec)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("exact %v vs fast %v; re-encoded %v", time.Since(began).Round(time.Millisecond), fastTook.Round(time.Millisecond), cut.Reencoded)
			if (cut.Start-c.start).Abs() > time.Second/30 || !cut.Exact || cut.Reencoded != c.reencoded {
				t.Errorf("cut %+v, want exact at %v re-encoding %v", cut, c.start, c.reencoded)
			}
			end := c.end
			if end == 0 {
				end = 30 * time.Second
			}
			checkOutput(t, tl, out, cut.Start, end, c.beepVsFlash)
			for _, left := range []string{headName, videoListName, headListName} {
				if _, err := os.Stat(filepath.Join(dir, left)); err == nil {
					t.Errorf("%s left in the job folder", left)
				}
			}
		})
	}
}

// With the playlist's durations the render reads only from near the cut,
// and the result is the same as reading everything.
func TestRenderWindow(t *testing.T) {
	slow(t)
	tl, dir, names := fixture(t)
	durations := threeSeconds(len(names))
	spec := RenderSpec{Dir: dir, Chunks: names, Durations: durations, Output: filepath.Join(t.TempDir(), "out.mp4"),
		Start: 20 * time.Second, AudioOffset: 2 * time.Second}
	if first, base := window(spec); first != 5 || base != 15*time.Second {
		t.Errorf("window = chunk %d at %v, want chunk 5 at 15s", first, base)
	}
	cut, err := tl.Render(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if cut.Start != 20*time.Second {
		t.Errorf("starts at %v, want 20s", cut.Start)
	}
	list, _ := os.ReadFile(filepath.Join(dir, ListName))
	if !strings.Contains(string(list), "\nfile '"+names[5]+"'\n") || strings.Contains(string(list), names[4]) {
		t.Errorf("render list does not start at chunk 5:\n%s", list)
	}
	checkOutput(t, tl, spec.Output, 20*time.Second, 30*time.Second, 0)

	spec.Start, spec.AudioOffset = 0, 0
	if first, base := window(spec); first != 0 || base != 0 {
		t.Errorf("window from the start = chunk %d at %v", first, base)
	}
}

func TestPlanCut(t *testing.T) {
	keys := []time.Duration{0, 3 * time.Second, 6 * time.Second, 9 * time.Second}
	both := Tracks{HasVideo: true, HasAudio: true}
	lateAudio := Tracks{HasVideo: true, HasAudio: true, AudioStart: 1979 * time.Millisecond}
	cases := []struct {
		name          string
		tr            Tracks
		asked, offset time.Duration
		want          time.Duration
	}{
		{"at a keyframe", both, 3 * time.Second, 0, 3 * time.Second},
		{"between keyframes: the one before", both, 7 * time.Second, 0, 6 * time.Second},
		{"start of stream", both, 0, 0, 0},
		{"audio moved later: first keyframe with audio", both, 0, 2 * time.Second, 3 * time.Second},
		{"audio moved later, asked past it", both, 4 * time.Second, 2 * time.Second, 3 * time.Second},
		{"audio moved earlier", both, 0, -2 * time.Second, 0},
		{"audio starts late", lateAudio, 0, 0, 3 * time.Second},
		{"audio starts late, moved earlier", lateAudio, 0, -time.Second, 0 + 3*time.Second},
		{"audio starts late, moved earlier enough", lateAudio, 0, -2 * time.Second, 0},
		{"audio only", Tracks{HasAudio: true}, 7 * time.Second, 0, 7 * time.Second},
	}
	for _, c := range cases {
		got, err := planCut(c.tr, keys, c.asked, c.offset)
		if err != nil || got != c.want {
			t.Errorf("%s: got %v, %v; want %v", c.name, got, err, c.want)
		}
	}
	if _, err := planCut(both, keys, 0, 10*time.Second); err == nil {
		t.Error("no keyframe after the audio starts: want an error")
	}
}

func TestRenderFailureLeavesNothing(t *testing.T) {
	tl, dir, names := fixture(t)
	// A chunk missing on disk must fail the render, not shorten the video.
	names = append(names[:4], append([]string{"chunk_999999.ts"}, names[4:]...)...)
	outDir := t.TempDir()
	out := filepath.Join(outDir, "out.mp4")
	_, err := tl.Render(context.Background(), RenderSpec{Dir: dir, Chunks: names, Output: out})
	var fe *FailedError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want *FailedError", err)
	}
	if !strings.HasPrefix(fe.Error(), "The video tool ffmpeg could not write the video") {
		t.Errorf("message %q", fe.Error())
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
		t.Errorf("files left in the output folder: %v", entries)
	}
}

func TestRenderCancelLeavesNothing(t *testing.T) {
	tl, dir, names := fixture(t)
	outDir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := tl.Render(ctx, RenderSpec{Dir: dir, Chunks: names, Output: filepath.Join(outDir, "out.mp4")})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
		t.Errorf("files left: %v", entries)
	}
}

func TestChunkNamesValidated(t *testing.T) {
	dir := t.TempDir()
	for _, bad := range []string{"../x.ts", "a/b.ts", `a\b.ts`, "x.ts\nfile '/etc/passwd'", "it's.ts", ".hidden", "", "c:evil.ts"} {
		if _, err := writeLayout(dir, ListName, []string{"chunk_000000.ts", bad}, entryTimes{}, nil); err == nil {
			t.Errorf("name %q accepted", bad)
		}
	}
	if _, err := writeLayout(dir, ListName, []string{"chunk_000000.ts", "chunk_000001.ts"}, entryTimes{}, nil); err != nil {
		t.Error(err)
	}
}

func TestRenderArgsReadOnlyLocalFiles(t *testing.T) {
	spec := RenderSpec{Start: 165 * time.Second, AudioOffset: 2 * time.Second}
	args := strings.Join(Tools{}.renderArgs(concatSource("/job/render.ffconcat"), "/out/.talk.mp4.part", spec, Cut{at: 164 * time.Second}).args, " ")
	for _, want := range []string{"-protocol_whitelist file,pipe", "-itsoffset 2.000000", "-ss 163.999900", "-map 0:v:0?", "-map 1:a:0?", "-c copy", "aac_adtstoasc", mp4.FFmpegFlags} {
		if !strings.Contains(args, want) {
			t.Errorf("args lack %q: %s", want, args)
		}
	}
	if n := strings.Count(args, "-i /job/render.ffconcat"); n != 2 {
		t.Errorf("the list must be read twice (video, shifted audio), got %d: %s", n, args)
	}
	if strings.Contains(args, "http") {
		t.Errorf("network in ffmpeg args: %s", args)
	}
	// The cut is on the output side, after both inputs.
	if strings.LastIndex(args, "-i ") > strings.Index(args, "-ss") {
		t.Errorf("-ss must follow the inputs: %s", args)
	}
	// No trim: no -ss at all.
	if args := strings.Join(Tools{}.renderArgs(concatSource("l"), "o", RenderSpec{}, Cut{}).args, " "); strings.Contains(args, "-ss") || strings.Contains(args, " -t ") {
		t.Errorf("untrimmed render has -ss/-t: %s", args)
	}
}

func TestFindMissing(t *testing.T) {
	t.Setenv("REPLAYRESCUE_FFMPEG", filepath.Join(t.TempDir(), "nothing"))
	_, err := Find()
	var me *MissingError
	if !errors.As(err, &me) || !strings.Contains(me.Error(), "REPLAYRESCUE_FFMPEG") {
		t.Fatalf("err = %v", err)
	}
	for _, goos := range []string{"windows", "darwin", "linux", "plan9"} {
		msg := (&MissingError{Tool: "ffmpeg", GOOS: goos}).Error()
		if !strings.HasSuffix(msg, ".") || !strings.Contains(msg, "ffmpeg") {
			t.Errorf("%s: %q", goos, msg)
		}
	}
	if !strings.Contains(InstallHint("windows"), "winget install ffmpeg") || !strings.Contains(InstallHint("linux"), "install") {
		t.Error("install hints lack the commands")
	}
}

func TestProgressParser(t *testing.T) {
	var p progressParser
	lines := []struct {
		in   string
		done time.Duration
		ok   bool
	}{
		{"frame=10", 0, false},
		{"out_time_us=1500000", 0, false},
		{"out_time=00:00:01.500000", 0, false},
		{"progress=continue", 1500 * time.Millisecond, true},
		{"out_time_ms=2500000", 0, false},
		{"progress=end", 2500 * time.Millisecond, true},
		{"out_time_us=N/A", 0, false},
		{"garbage", 0, false},
	}
	for _, l := range lines {
		done, ok := p.line(l.in)
		if ok != l.ok || (ok && done != l.done) {
			t.Errorf("line %q: %v %v, want %v %v", l.in, done, ok, l.done, l.ok)
		}
	}
}

func TestProbeFrameKeyframes(t *testing.T) {
	tl, dir, names := fixture(t)
	path := filepath.Join(dir, names[2])
	info, err := tl.Probe(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	v, okv := info.Stream("video")
	a, oka := info.Stream("audio")
	if !okv || !oka || v.Codec != "h264" || a.Codec != "aac" || v.Width != 320 || v.FrameRate != 30 || a.SampleRate != 48000 {
		t.Errorf("probe: %+v", info)
	}
	keys, err := tl.Keyframes(context.Background(), path)
	if err != nil || len(keys) != 3 {
		t.Fatalf("keyframes %v %v, want 3 (one a second)", keys, err)
	}
	if d := keys[1] - keys[0]; (d - time.Second).Abs() > time.Millisecond {
		t.Errorf("keyframe spacing %v", d)
	}
	img, err := tl.Frame(context.Background(), path, 1500*time.Millisecond, 160)
	if err != nil {
		t.Fatal(err)
	}
	if len(img) < 100 || img[0] != 0xFF || img[1] != 0xD8 {
		t.Errorf("not a JPEG: % x", img[:min(4, len(img))])
	}
}

// A render killed with its parent leaves its temporary file; the next render
// of the same output removes it and never writes into it.
func TestTempOutputRemovesLeftovers(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "my [talk]*.mp4")
	stale := filepath.Join(dir, ".my [talk]*.mp4.0123456789ab.part") // as CreateTemp names them
	other := filepath.Join(dir, ".other.mp4.123456.part")
	for _, f := range []string{stale, other} {
		if err := os.WriteFile(f, []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tmp, err := tempOutput(final)
	if err != nil {
		t.Fatal(err)
	}
	if tmp == stale || filepath.Dir(tmp) != dir || !strings.HasSuffix(tmp, ".part") {
		t.Errorf("temporary name %q", tmp)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("leftover of a killed render kept")
	}
	if _, err := os.Stat(other); err != nil {
		t.Error("another output's temporary file removed")
	}
}

// A fragmented render that cannot be rewritten (damaged, or cancelled) leaves
// neither the video nor a temporary file, and keeps an older video there.
func TestUnfragmentFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "talk.mp4")
	if err := os.WriteFile(final, []byte("the older video"), 0o644); err != nil {
		t.Fatal(err)
	}
	frag, err := tempOutput(final)
	if err != nil {
		t.Fatal(err)
	}
	// A header and nothing else: no moov.
	if err := os.WriteFile(frag, []byte("\x00\x00\x00\x10ftypiso5\x00\x00\x02\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = unfragment(context.Background(), frag, final, false, mp4.Options{})
	if err == nil || !strings.Contains(err.Error(), "cannot save the video as "+final) {
		t.Errorf("error %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := unfragment(ctx, frag, final, false, mp4.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if got, _ := os.ReadFile(final); string(got) != "the older video" {
		t.Errorf("the older video became %q", got)
	}
	parts, _ := filepath.Glob(filepath.Join(dir, ".talk.mp4.*.part"))
	if len(parts) != 1 || parts[0] != frag {
		t.Errorf("temporary files %v, want only ffmpeg's own %s (Render removes it)", parts, frag)
	}
}

// readyAfter returns a Ready func for chunks that appear in dir over time:
// it polls for the file, as a job waits for its download.
func readyAfter(dir string, names []string, fail map[int]error) func(context.Context, int) error {
	return func(ctx context.Context, i int) error {
		for {
			if err, ok := fail[i]; ok {
				return err
			}
			if _, err := os.Stat(filepath.Join(dir, names[i])); err == nil {
				return nil
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
}

// trickle moves the chunks from src into dst one by one, a little out of
// order, as parallel downloads finish.
func trickle(src, dst string, names []string) {
	order := make([]int, len(names))
	for i := range order {
		order[i] = i
	}
	for i := 0; i+1 < len(order); i += 3 {
		order[i], order[i+1] = order[i+1], order[i]
	}
	for _, i := range order {
		time.Sleep(40 * time.Millisecond)
		os.Rename(filepath.Join(src, names[i]), filepath.Join(dst, names[i]))
	}
}

func packetMD5s(t *testing.T, tl Tools, path string) string {
	t.Helper()
	out, err := exec.Command(tl.FFmpeg, "-v", "error", "-i", path, "-map", "0", "-c", "copy", "-f", "framemd5", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// Rendering while the chunks arrive gives the very packets of rendering
// after they all arrived.
func TestRenderWhileDownloading(t *testing.T) {
	slow(t)
	tl, src, names := fixture(t)
	durations := threeSeconds(len(names))
	base := RenderSpec{Chunks: names, Durations: durations, OneStream: true,
		Start: 7 * time.Second, End: 25 * time.Second, AudioOffset: 2 * time.Second, Total: 18 * time.Second}

	after := base
	after.Dir, after.Output = src, filepath.Join(t.TempDir(), "after.mp4")
	if _, err := tl.Render(context.Background(), after); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	while := base
	while.Dir, while.Output = dir, filepath.Join(t.TempDir(), "while.mp4")
	while.Ready = readyAfter(dir, names, nil)
	go trickle(src, dir, names)
	cut, err := tl.Render(context.Background(), while)
	if err != nil {
		t.Fatal(err)
	}
	if cut.Start != 7*time.Second {
		t.Errorf("starts at %v", cut.Start)
	}
	if packetMD5s(t, tl, while.Output) != packetMD5s(t, tl, after.Output) {
		t.Error("rendering while downloading gave other packets")
	}
	checkOutput(t, tl, while.Output, 7*time.Second, 25*time.Second, 0)
}

// A download that fails half-way stops the render: the download's error
// comes back, and nothing is left under the final name or beside it.
func TestRenderWhileDownloadingFails(t *testing.T) {
	tl, src, names := fixture(t)
	durations := threeSeconds(len(names))
	dir, outDir := t.TempDir(), t.TempDir()
	expired := errors.New("the host stopped accepting the cookies")
	spec := RenderSpec{Dir: dir, Chunks: names, Durations: durations, OneStream: true,
		Output: filepath.Join(outDir, "talk.mp4"), Ready: readyAfter(dir, names, map[int]error{6: expired})}
	go trickle(src, dir, names)
	_, err := tl.Render(context.Background(), spec)
	if !errors.Is(err, expired) {
		t.Fatalf("err = %v, want the download's", err)
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
		t.Errorf("left in the output folder: %v", entries)
	}
}

// Drift: a sound track whose timestamps run 0.5% slow ends 150 ms later
// than the picture over 30 s; a steady one ends with it.
func TestDriftMeasured(t *testing.T) {
	slow(t)
	tl, dir, names := fixture(t)
	durations := threeSeconds(len(names))
	steady, err := tl.Render(context.Background(), RenderSpec{Dir: dir, Chunks: names, Durations: durations, OneStream: true, Output: filepath.Join(t.TempDir(), "steady.mp4")})
	if err != nil {
		t.Fatal(err)
	}
	if steady.Drift.Abs() > 50*time.Millisecond {
		t.Errorf("steady stream: drift %v", steady.Drift)
	}

	slow := t.TempDir()
	cmd := exec.Command(tl.FFmpeg, "-hide_banner", "-loglevel", "error",
		"-f", "lavfi", "-i", "testsrc2=s=160x90:r=30:d=30", "-f", "lavfi", "-i", "sine=d=30",
		"-filter_complex", "[1:a]asetpts=PTS*1.005[a]", "-map", "0:v", "-map", "[a]",
		"-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-c:a", "aac",
		"-f", "hls", "-hls_time", "3", "-hls_playlist_type", "vod",
		"-hls_segment_filename", filepath.Join(slow, "chunk_%06d.ts"), filepath.Join(slow, "list.m3u8"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	slowNames, _ := filepath.Glob(filepath.Join(slow, "chunk_*.ts"))
	for i := range slowNames {
		slowNames[i] = filepath.Base(slowNames[i])
	}
	c, err := tl.Render(context.Background(), RenderSpec{Dir: slow, Chunks: slowNames, Durations: durations[:len(slowNames)], OneStream: true, Output: filepath.Join(t.TempDir(), "slow.mp4")})
	if err != nil {
		t.Fatal(err)
	}
	if (c.Drift - 150*time.Millisecond).Abs() > 40*time.Millisecond {
		t.Errorf("drifting stream: drift %v, want about 150ms", c.Drift)
	}
	t.Logf("steady drift %v, drifting %v", steady.Drift, c.Drift)
}

func TestVersion(t *testing.T) {
	tl := tools(t)
	major, minor, line, err := tl.Version(context.Background())
	if err != nil || !strings.HasPrefix(line, "ffmpeg version") {
		t.Fatalf("%d.%d %q %v", major, minor, line, err)
	}
	if tl.Major != major || tl.Minor != minor {
		t.Errorf("Find read %d.%d, Version %d.%d", tl.Major, tl.Minor, major, minor)
	}
	if TooOld(4, 2, "linux") == "" || TooOld(5, 1, "linux") != "" || TooOld(0, 0, "linux") != "" {
		t.Error("TooOld")
	}
	if !atLeast(5, 1, 5, 0) || atLeast(4, 4, 5, 0) || !atLeast(6, 0, 5, 1) {
		t.Error("atLeast")
	}
	// The licence follows the build's configuration: Debian's is GPL.
	described, lic, err := tl.Describe(context.Background())
	if err != nil || !strings.Contains(lic, "GPL") || described != line {
		t.Errorf("Describe of the installed ffmpeg: %q, licence %q, %v (Version said %q)", described, lic, err, line)
	}
	for conf, want := range map[string]string{
		"configuration: --enable-shared":                               "GNU LGPL version 2.1 or later",
		"configuration: --enable-gpl --enable-libx264":                 "GNU GPL version 2 or later",
		"configuration: --enable-gpl --enable-version3":                "GNU GPL version 3 or later",
		"configuration: --enable-version3":                             "GNU LGPL version 3 or later",
		"configuration: --enable-gpl --enable-nonfree --enable-libfdk": "non-free (it may not be redistributed)",
	} {
		if got := licenceOf(conf); got != want {
			t.Errorf("licenceOf(%q) = %q, want %q", conf, got, want)
		}
	}
	// An old ffmpeg renders through the concat demuxer instead of concatf.
	_, dir, names := fixture(t)
	old := tl
	old.Major, old.Minor = 4, 3
	p, err := old.plan(context.Background(), RenderSpec{Dir: dir, Chunks: names, OneStream: true}, len(names))
	if err != nil || p.src.copyts {
		t.Errorf("ffmpeg 4.3 plan: %+v %v", p.src, err)
	}
}

// threeSeconds are the playlist durations of n fixture chunks.
func threeSeconds(n int) []time.Duration {
	d := make([]time.Duration, n)
	for i := range d {
		d[i] = 3 * time.Second
	}
	return d
}

// The concatf list names every chunk so ffmpeg finds it in any job folder:
// one whose name has spaces, an apostrophe and a non-ASCII letter, and (on
// Windows, under `make check-windows`) one named with backslashes.
func TestByteListInAnyFolder(t *testing.T) {
	tl, src, names := fixture(t)
	dir := filepath.Join(t.TempDir(), `Zoë's talks 2026`)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if err := os.Rename(filepath.Join(src, n), filepath.Join(dir, n)); err != nil {
			t.Fatal(err)
		}
	}
	list, err := writeByteList(dir, names, false)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tl.FFprobe, "-v", "error", "-f", "mpegts", "-protocol_whitelist", "file,concatf,subfile,pipe",
		"-show_entries", "format=duration", "-of", "csv=p=0", "concatf:"+list).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe on the list in %q: %v: %s", dir, err, out)
	}
	if d, _ := strconv.ParseFloat(strings.TrimSpace(string(out)), 64); d < 29 || d > 31 {
		t.Errorf("the list in %q lasts %s s, want the fixture's 30", dir, out)
	}
	if got := tokenEscape(`C:\Users\Zoë\Zoë's talks 2026\chunk_000001.ts`); got != `C:\\Users\\Zoë\\Zoë\'s\ talks\ 2026\\chunk_000001.ts` {
		t.Errorf("tokenEscape gives %s", got)
	}
}
