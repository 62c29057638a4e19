package media

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The fixture: 30 s, 30 fps, keyframe every second, 3 s chunks; a white flash
// at 0, 5, 10 ... and a beep whose content runs 2 s early (at 3, 8, 13 ...).
var (
	fixtureOnce sync.Once
	fixtureDir  string
	fixtureErr  error
)

func tools(t *testing.T) Tools {
	t.Helper()
	tl, err := Find()
	if err != nil {
		t.Skipf("ffmpeg not installed: %v", err)
	}
	return tl
}

func fixture(t *testing.T) (Tools, string, []string) {
	t.Helper()
	tl := tools(t)
	fixtureOnce.Do(func() {
		fixtureDir, fixtureErr = os.MkdirTemp("", "media-fixture-")
		if fixtureErr != nil {
			return
		}
		cmd := exec.Command(tl.FFmpeg, "-hide_banner", "-loglevel", "error",
			"-f", "lavfi", "-i", "testsrc2=s=320x180:r=30:d=30",
			"-f", "lavfi", "-i", `aevalsrc='if(lt(mod(t+2\,5)\,0.1)\,0.6*sin(2*PI*1000*t)\,0.01*sin(2*PI*220*t))':s=48000:d=30`,
			"-filter_complex", `[0:v]drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(t\,5)\,0.034)'[v]`,
			"-map", "[v]", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-keyint_min", "30",
			"-sc_threshold", "0", "-b:v", "300k", "-c:a", "aac", "-b:a", "64k",
			"-f", "hls", "-hls_time", "3", "-hls_playlist_type", "vod",
			"-hls_segment_filename", filepath.Join(fixtureDir, "chunk_%06d.ts"), filepath.Join(fixtureDir, "list.m3u8"))
		if out, err := cmd.CombinedOutput(); err != nil {
			fixtureErr = errors.New(string(out))
		}
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	names, _ := filepath.Glob(filepath.Join(fixtureDir, "chunk_*.ts"))
	for i := range names {
		names[i] = filepath.Base(names[i])
	}
	slices.Sort(names)
	// Each test renders from its own copy of the folder, as each job has its own.
	dir := t.TempDir()
	for _, n := range names {
		data, _ := os.ReadFile(filepath.Join(fixtureDir, n))
		os.WriteFile(filepath.Join(dir, n), data, 0o600)
	}
	return tl, dir, names
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
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
	tl, dir, names := fixture(t)
	cases := []struct {
		name        string
		start, end  time.Duration
		offset      time.Duration
		firstFlash  time.Duration // where the first flash lands in the output
		frames      int           // video frames between the cuts
		beepVsFlash time.Duration // beep time minus flash time in the output
	}{
		// +2 s moves the early beeps onto the flashes.
		{"offset +2s", 0, 0, 2 * time.Second, 0, 900, 0},
		// Playback starts at 7.2 s itself: the flash at 10 s is at 2.8 s.
		{"trim 7.2s to 22s, +2s", 7200 * time.Millisecond, 22 * time.Second, 2 * time.Second, 2800 * time.Millisecond, 444, 0},
		// -1 s moves the beeps 1 s earlier still: 3 s before each flash.
		{"offset -1s", 0, 0, -time.Second, 0, 900, -3 * time.Second},
		// Without an offset the content's own 2 s lead stays.
		{"no offset, start 5s", 5 * time.Second, 0, 0, 0, 750, -2 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.mp4")
			var calls int
			var last time.Duration
			err := tl.Render(context.Background(), RenderSpec{Dir: dir, Chunks: names, Output: out,
				Start: c.start, End: c.end, AudioOffset: c.offset, Total: 30 * time.Second,
				Progress: func(done, total time.Duration) { calls++; last = done }})
			if err != nil {
				t.Fatal(err)
			}
			flashes, beeps, err := tl.SyncMarkers(context.Background(), out)
			if err != nil {
				t.Fatal(err)
			}
			if len(flashes) == 0 || (flashes[0]-c.firstFlash).Abs() > 40*time.Millisecond {
				t.Errorf("first flash at %v, want %v", flashes, c.firstFlash)
			}
			for _, f := range flashes {
				want := f + c.beepVsFlash
				// Skip flashes whose beep would come from before the source's first beep.
				if f < 4*time.Second {
					continue
				}
				if d := nearest(want, beeps); d > 40*time.Millisecond {
					t.Errorf("flash at %v: no beep within 40ms of %v (beeps %v)", f, want, beeps)
				}
			}
			if c.frames > 0 {
				if n, err := tl.PresentedFrames(context.Background(), out); err != nil || n != c.frames {
					t.Errorf("video frames = %d, want %d", n, c.frames)
				}
			}
			if c.end > 0 {
				info, err := tl.Probe(context.Background(), out)
				if err != nil {
					t.Fatal(err)
				}
				v, _ := info.Stream("video")
				if want := c.end - c.start; (v.Duration - want).Abs() > 50*time.Millisecond {
					t.Errorf("video duration %v, want %v", v.Duration, want)
				}
			}
			if calls == 0 || last <= 0 {
				t.Errorf("progress: %d calls, last %v", calls, last)
			}
			if _, err := os.Stat(out + ".part"); !os.IsNotExist(err) {
				t.Error("temporary file left")
			}
		})
	}
}

func TestRenderFailureLeavesNothing(t *testing.T) {
	tl, dir, names := fixture(t)
	// A chunk missing on disk must fail the render, not shorten the video.
	names = append(names[:4], append([]string{"chunk_999999.ts"}, names[4:]...)...)
	outDir := t.TempDir()
	out := filepath.Join(outDir, "out.mp4")
	err := tl.Render(context.Background(), RenderSpec{Dir: dir, Chunks: names, Output: out})
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
	err := tl.Render(ctx, RenderSpec{Dir: dir, Chunks: names, Output: filepath.Join(outDir, "out.mp4")})
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
		if _, err := writeList(dir, []string{"chunk_000000.ts", bad}); err == nil {
			t.Errorf("name %q accepted", bad)
		}
	}
	if _, err := writeList(dir, []string{"chunk_000000.ts", "chunk_000001.ts"}); err != nil {
		t.Error(err)
	}
}

func TestRenderArgsReadOnlyLocalFiles(t *testing.T) {
	args := strings.Join(renderArgs("/job/render.ffconcat", "/out/.talk.mp4.part", RenderSpec{Start: 165 * time.Second, AudioOffset: 2 * time.Second}), " ")
	for _, want := range []string{"-protocol_whitelist file,pipe", "-itsoffset 2.000", "-ss 165.000", "-map 0:v:0?", "-map 1:a:0?", "-c copy", "aac_adtstoasc", "+faststart"} {
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
	// No trim: no -ss at all (ffmpeg 5.1 mis-times -ss 0 on concat input).
	if args := strings.Join(renderArgs("l", "o", RenderSpec{}), " "); strings.Contains(args, "-ss") || strings.Contains(args, " -t ") {
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
	if !strings.Contains(InstallHint("windows"), "winget install ffmpeg") || !strings.Contains(InstallHint("linux"), "apt install ffmpeg") {
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
