package media

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// voiced makes (once per test binary) 30 s of chunks whose sound is like
// speech at about lufs LUFS: pink noise in the voice's band, its level
// rising and falling as syllables and sentences do, brought up to a loud
// level through a limiter as a phone's automatic gain does. The picture is
// x264's defaults (B-frames), a keyframe every 2 s, 4 s chunks in MPEG-TS.
func voiced(t *testing.T, lufs int) (Tools, string, []string) {
	t.Helper()
	slow(t)
	tl := tools(t)
	kind := fixtureKind(fmt.Sprintf("voiced%d", lufs))
	fixtures.Lock()
	src, ok := fixtures.dirs[kind]
	if !ok {
		var err error
		if src, err = os.MkdirTemp("", "media-voiced-"); err != nil {
			fixtures.Unlock()
			t.Fatal(err)
		}
		// The chain measures -27 LUFS at 0 dB; the limiter holds the
		// loud one's peaks under full scale.
		gain := map[int]string{-30: "-3dB", -8: "22dB"}[lufs]
		voice := `anoisesrc=color=pink:amplitude=0.5:seed=7:d=30:r=48000,` +
			`volume='0.6+0.4*sin(2*PI*3.7*t)*sin(2*PI*0.31*t)':eval=frame,highpass=f=100,lowpass=f=6000,` +
			`volume=` + gain + `,alimiter=limit=1:level=false:attack=1:release=20`
		cmd := exec.Command(tl.FFmpeg, "-hide_banner", "-loglevel", "error",
			"-f", "lavfi", "-i", "testsrc2=s=320x180:r=30:d=30", "-f", "lavfi", "-i", voice,
			"-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-b:v", "300k",
			"-c:a", "aac", "-b:a", "128k", "-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod",
			"-hls_segment_filename", filepath.Join(src, "chunk_%06d.ts"), filepath.Join(src, "list.m3u8"))
		if out, err := cmd.CombinedOutput(); err != nil {
			fixtures.Unlock()
			t.Fatalf("making the voiced fixture: %v\n%s", err, out)
		}
		fixtures.dirs[kind] = src
	}
	fixtures.Unlock()
	dir, names := copyChunks(t, src, "chunk_*.ts")
	return tl, dir, names
}

// ebur128 measures path's sound as loudness meters do (EBU R 128, ffmpeg's
// ebur128 filter): integrated loudness in LUFS, true peak in dBTP.
func ebur128(t *testing.T, tl Tools, path string) (lufs, peak float64) {
	t.Helper()
	out, err := exec.Command(tl.FFmpeg, "-hide_banner", "-nostats", "-i", path, "-map", "0:a:0",
		"-af", "ebur128=peak=true", "-f", "null", "-").CombinedOutput()
	if err != nil {
		t.Fatalf("ebur128: %v\n%s", err, out)
	}
	summary := string(out)
	if i := strings.LastIndex(summary, "Summary:"); i >= 0 {
		summary = summary[i:]
	}
	num := func(re string) float64 {
		m := regexp.MustCompile(re).FindStringSubmatch(summary)
		if m == nil {
			t.Fatalf("ebur128 said no %s:\n%s", re, summary)
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		return v
	}
	return num(`I:\s+(-?[0-9.]+) LUFS`), num(`(?s)True peak:\s+Peak:\s+(-?[0-9.]+) dBFS`)
}

// --loudness brings a quiet (-30 LUFS) and a loud (-8 LUFS) talk to
// -16 LUFS within 1 LU, true peaks at or under -1.5 dBTP, as ebur128
// measures them; the picture's packets are those of a plain save (copied),
// and the sound still ends with the picture.
func TestRenderLoudness(t *testing.T) {
	for _, lufs := range []int{-30, -8} {
		t.Run(fmt.Sprintf("%d LUFS", lufs), func(t *testing.T) {
			tl, dir, names := voiced(t, lufs)
			before, beforePeak := ebur128(t, tl, filepath.Join(dir, names[0]))
			spec := RenderSpec{Dir: dir, Chunks: names, OneStream: true, Durations: fourSeconds(len(names), 30*time.Second)}
			plain, even := spec, spec
			plain.Output = filepath.Join(t.TempDir(), "plain.mp4")
			even.Output, even.Loudness = filepath.Join(t.TempDir(), "even.mp4"), true
			if _, err := tl.Render(context.Background(), plain); err != nil {
				t.Fatal(err)
			}
			fixture, _ := ebur128(t, tl, plain.Output)
			if math.Abs(fixture-float64(lufs)) > 1.5 {
				t.Fatalf("the fixture measures %.1f LUFS, want about %d", fixture, lufs)
			}
			cut, err := tl.Render(context.Background(), even)
			if err != nil {
				t.Fatal(err)
			}
			got, peak := ebur128(t, tl, even.Output)
			t.Logf("first chunk %.1f LUFS (peak %.1f), saved plainly %.1f LUFS; evened out %.1f LUFS, true peak %.1f dBTP; told %+v",
				before, beforePeak, fixture, got, peak, cut.Levelled)
			if math.Abs(got-TargetLoudness) > 1 {
				t.Errorf("evened out to %.1f LUFS, want %.0f within 1 LU", got, TargetLoudness)
			}
			if peak > TargetPeak {
				t.Errorf("true peak %.1f dBTP, want at most %.1f", peak, TargetPeak)
			}
			if cut.Levelled == nil || math.Abs(cut.Levelled.Before-fixture) > 1 || math.Abs(cut.Levelled.Gain-(TargetLoudness-fixture)) > 1 {
				t.Errorf("told %+v, want the loudness before (%.1f) and the gain to -16", cut.Levelled, fixture)
			}
			if videoMD5s(t, tl, even.Output) != videoMD5s(t, tl, plain.Output) {
				t.Error("the picture is not the plain save's: it must stay copied")
			}
			info, err := tl.Probe(context.Background(), even.Output)
			if err != nil {
				t.Fatal(err)
			}
			v, _ := info.Stream("video")
			a, _ := info.Stream("audio")
			// The sound's samples, played back to back, last as long as
			// the pictures, within a frame.
			_, samples, err := backToBackBeeps(tl, even.Output)
			if err != nil {
				t.Fatal(err)
			}
			if a.Codec != "aac" || (samples-v.Duration).Abs() > 34*time.Millisecond {
				t.Errorf("sound %s %v long, picture %v: want AAC as long as the picture", a.Codec, samples, v.Duration)
			}
		})
	}
}

// Evening out keeps the sound in sync: a B-frame talk trimmed, flash and
// beep within 40 ms read three ways (the beeps are the loudest sound, so
// the gain is large), every picture kept.
func TestRenderLoudnessKeepsSync(t *testing.T) {
	tl, dir, names := encoded(t, encoding{fps: 30, gop: 2 * time.Second})
	out := filepath.Join(t.TempDir(), "out.mp4")
	spec := RenderSpec{Dir: dir, Chunks: names, Output: out, OneStream: true, Loudness: true,
		Start: 5 * time.Second, End: 26 * time.Second, Durations: fourSeconds(len(names), 30*time.Second)}
	cut, err := tl.Render(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if cut.Levelled == nil {
		t.Fatal("the sound was not evened out")
	}
	// Fast mode starts on the keyframe at 0:04.
	r := read(t, tl, out, 30, 22*time.Second)
	faithful(t, r, 30)
	for i, d := range []time.Duration{r.syncTS, r.syncRaw, r.syncB2B} {
		if d > 40*time.Millisecond {
			t.Errorf("sync read way %d off by %v, want within 40 ms", i, d)
		}
	}
}

// videoMD5s are the checksums of path's picture packets.
func videoMD5s(t *testing.T, tl Tools, path string) string {
	t.Helper()
	out, err := exec.Command(tl.FFmpeg, "-v", "error", "-i", path, "-map", "0:v:0", "-c", "copy", "-f", "framemd5", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestParseLoudnorm(t *testing.T) {
	log := "[Parsed_loudnorm_1 @ 0x1] \n{\n\t\"input_i\" : \"-29.87\",\n\t\"input_tp\" : \"-12.01\",\n\t\"input_lra\" : \"3.10\",\n" +
		"\t\"input_thresh\" : \"-40.12\",\n\t\"output_i\" : \"-16.0\",\n\t\"normalization_type\" : \"dynamic\",\n\t\"target_offset\" : \"0.20\"\n}\n"
	l, err := parseLoudnorm(log)
	if err != nil {
		t.Fatal(err)
	}
	if l.I != -29.87 || l.TP != -12.01 || l.LRA != 3.1 || l.Thresh != -40.12 || l.Offset != 0.2 {
		t.Errorf("read %+v", l)
	}
	if _, err := parseLoudnorm("no report"); err == nil {
		t.Error("a log without a report was read")
	}
	silent, err := parseLoudnorm(`{"input_i" : "-inf", "input_tp" : "-inf", "input_lra" : "0.00", "input_thresh" : "-inf", "target_offset" : "inf"}`)
	if err != nil || !math.IsInf(silent.I, -1) {
		t.Errorf("silence read as %+v, %v", silent, err)
	}
}

// benchTalk makes a 5-minute talk of speech-like sound (x264 ultrafast, a
// keyframe every 2 s, 4 s chunks) for the benchmarks.
func benchTalk(b *testing.B) (Tools, string, []string) {
	return benchTalkPreset(b, "ultrafast")
}

// benchTalkPreset is benchTalk encoded with x264's preset: ultrafast has
// no B-frames, veryfast x264's 3 with b-pyramid.
func benchTalkPreset(b *testing.B, preset string) (Tools, string, []string) {
	tl, err := Find()
	if err != nil {
		b.Skip(err)
	}
	src := b.TempDir()
	voice := `anoisesrc=color=pink:amplitude=0.5:seed=7:d=300:r=48000,volume='0.6+0.4*sin(2*PI*3.7*t)*sin(2*PI*0.31*t)':eval=frame,volume=-3dB`
	cmd := exec.Command(tl.FFmpeg, "-hide_banner", "-loglevel", "error",
		"-f", "lavfi", "-i", "testsrc2=s=640x360:r=30:d=300", "-f", "lavfi", "-i", voice,
		"-c:v", "libx264", "-preset", preset, "-g", "60", "-b:v", "800k", "-c:a", "aac", "-b:a", "128k",
		"-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod",
		"-hls_segment_filename", filepath.Join(src, "chunk_%06d.ts"), filepath.Join(src, "list.m3u8"))
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	names, _ := filepath.Glob(filepath.Join(src, "chunk_*.ts"))
	for i := range names {
		names[i] = filepath.Base(names[i])
	}
	return tl, src, names
}

// BenchmarkRenderLoudness compares a plain save (everything copied) with
// --loudness (the sound measured, then encoded in the render) on a 5-minute
// talk: go test -run XXX -bench RenderLoudness ./core/media
func BenchmarkRenderLoudness(b *testing.B) {
	tl, src, names := benchTalk(b)
	for _, loud := range []bool{false, true} {
		b.Run(fmt.Sprintf("loudness=%v", loud), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				spec := RenderSpec{Dir: src, Chunks: names, OneStream: true, Loudness: loud,
					Output: filepath.Join(b.TempDir(), "out.mp4")}
				if _, err := tl.Render(context.Background(), spec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRenderCuts compares a plain save with the same talk with two
// cuts (1:00.5-1:30.5, 3:00.2-3:20.2, each between keyframes), its
// pieces copied, and cut on the very frames (the pictures from each cut
// to the next keyframe encoded), on a talk without B-frames and one with:
// go test -run XXX -bench RenderCuts ./core/media
func BenchmarkRenderCuts(b *testing.B) {
	for _, preset := range []string{"ultrafast", "veryfast"} {
		tl, src, names := benchTalkPreset(b, preset)
		kind := map[string]string{"ultrafast": "no B-frames", "veryfast": "B-frames"}[preset]
		durations := fourSeconds(len(names), 300*time.Second)
		piece := func(from, to time.Duration, before, after bool) RenderSpec {
			return RenderSpec{Dir: src, Chunks: names, Durations: durations, OneStream: true, Start: from, End: to, CutBefore: before, CutAfter: after}
		}
		b.Run(kind+" plain", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				spec := RenderSpec{Dir: src, Chunks: names, OneStream: true, Output: filepath.Join(b.TempDir(), "out.mp4")}
				if _, err := tl.Render(context.Background(), spec); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, exact := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s cuts exact=%v", kind, exact), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					spec := JoinSpec{Output: filepath.Join(b.TempDir(), "out.mp4"), Exact: exact, Parts: []RenderSpec{
						piece(0, 60500*time.Millisecond, false, true), piece(90500*time.Millisecond, 180200*time.Millisecond, true, true),
						piece(200200*time.Millisecond, 0, true, false)}}
					res, err := tl.RenderJoined(context.Background(), spec)
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(res.Encoded), "encoded/op")
				}
			})
		}
	}
}
