package main

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"replayrescue/core/media"
	"replayrescue/core/sample"
)

// cutCase is one save with cuts, checked against a plain save of the same
// source and offset.
type cutCase struct {
	name  string
	link  string   // the source
	args  []string // its credentials, offset...
	exact bool
}

// The cuts of every case: 0:06-0:09.51, and 0:14-0:16 with 0:15-0:17.01,
// which overlap (one cut, 0:14-0:17.01): 106 and 91 pictures at 30 fps.
// Not whole tenths of a second, so that the sample's 220 Hz hum does not
// happen to go on in step across a join, which would hide a click.
var cutArgs = []string{"--cut", "0:06-0:09.51", "--cut", "0:14-0:16", "--cut", "0:15-0:17.01"}

const cutFrames = 106 + 91

// save --cut removes exactly its spans (within a keyframe's GOP per cut in
// fast mode, to the frame with --exact), with every join as clean as a
// trim: pictures one frame apart, the sound continuous, flash and beep
// within 40 ms after every join (read by timestamps and ignoring edit
// lists), and no click where the sound was joined. On the phone-made
// sample (copied pictures) and on x264's defaults (B-frames, encoded).
func TestSaveCuts(t *testing.T) {
	srv := startSample(t, sample.ServerOptions{})
	tools, err := media.Find()
	if err != nil {
		t.Skip("ffmpeg not found")
	}
	studio := serveStyled(t, tools, "cliCutStudio", "studio")
	cookies := []string{"--cookies", cookieString(srv), "--audio-offset", "2s"}
	for _, c := range []cutCase{
		{"phone sample, fast", srv.PlaylistURL(), cookies, false},
		{"phone sample, exact", srv.PlaylistURL(), cookies, true},
		{"x264 defaults, fast", studio, nil, false},
		{"x264 defaults, exact", studio, nil, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			plain, cut := filepath.Join(dir, "plain.mp4"), filepath.Join(dir, "cut.mp4")
			base := append([]string{"save", c.link, "--keep", "--work", filepath.Join(dir, "job")}, c.args...)
			if code, _, stderr := runCLI(t, "", append(base, "-o", plain)...); code != 0 {
				t.Fatalf("plain save: exit %d: %s", code, stderr)
			}
			args := append(append(base, "-o", cut), cutArgs...)
			if c.exact {
				args = append(args, "--exact")
			}
			if code, _, stderr := runCLI(t, "", args...); code != 0 {
				t.Fatalf("save with cuts: exit %d: %s", code, stderr)
			}
			ctx := context.Background()
			all, err := tools.PresentedFrames(ctx, plain)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tools.PresentedFrames(ctx, cut)
			if err != nil {
				t.Fatal(err)
			}
			// Both start where the sound begins (0:02 with the phone
			// sample's offset).
			want := all - cutFrames
			// Fast mode enters each piece on its keyframe: up to a GOP
			// (the phone's 1 s, x264 defaults' 2 s) more per cut.
			slack := 0
			if !c.exact {
				slack = 2 * 60
			}
			t.Logf("plain %d pictures, with cuts %d (want %d, up to %d more)", all, got, want, slack)
			if got < want || got > want+slack {
				t.Errorf("%d pictures, want %d (up to %d more)", got, want, slack)
			}
			checkJoins(t, tools, cut, plain)
		})
	}
}

// serveStyled serves a 30 s sample broadcast encoded in style, with the
// sound in step with the picture.
func serveStyled(t *testing.T, tools media.Tools, id, style string) string {
	t.Helper()
	m, err := sample.Generate(context.Background(), sample.MediaOptions{FFmpeg: tools.FFmpeg, Duration: 30 * time.Second, NoLead: true, Style: style})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sample.Start(sample.ServerOptions{Media: m, NoCookies: true, BroadcastID: id, Chat: []sample.ChatMessage{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv.PlaylistURL()
}

// checkJoins checks a video with cuts against the plain save of its
// source: sync, timestamps and clicks.
func checkJoins(t *testing.T, tools media.Tools, cut, plain string) {
	t.Helper()
	ctx := context.Background()
	info, err := tools.Probe(ctx, cut)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := info.Stream("video")
	for i, read := range []func(context.Context, string) ([]time.Duration, []time.Duration, error){tools.SyncMarkers, tools.SyncMarkersIgnoringEditList} {
		flashes, beeps, err := read(ctx, cut)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, f := range flashes {
			if f < 500*time.Millisecond || f > v.Duration-500*time.Millisecond {
				continue
			}
			n++
			best := time.Hour
			for _, b := range beeps {
				best = min(best, (b - f).Abs())
			}
			if best > 40*time.Millisecond {
				t.Errorf("flash at %v: nearest beep %v away (read %s), want within 40 ms", f, best, []string{"by timestamps", "ignoring edit lists"}[i])
			}
		}
		if n < 3 {
			t.Errorf("only %d flashes to compare (%v)", n, flashes)
		}
	}
	// Timestamps: pictures one frame apart, sound packets end to end.
	for _, kind := range []string{"v", "a"} {
		out, err := exec.Command(tools.FFprobe, "-v", "error", "-select_streams", kind+":0", "-show_entries", "packet=pts_time,duration_time",
			"-of", "csv=p=0", cut).Output()
		if err != nil {
			t.Fatal(err)
		}
		var pts, dur []float64
		for _, l := range strings.Fields(string(out)) {
			f := strings.Split(strings.TrimSuffix(l, ","), ",")
			p, _ := strconv.ParseFloat(f[0], 64)
			d, _ := strconv.ParseFloat(f[len(f)-1], 64)
			pts, dur = append(pts, p), append(dur, d)
		}
		if kind == "v" {
			slices.Sort(pts)
		}
		for i := 1; i < len(pts); i++ {
			step, want := pts[i]-pts[i-1], 1.0/30
			if kind == "a" {
				want = dur[i-1]
			}
			if math.Abs(step-want) > 0.0015 {
				t.Errorf("%s: a step of %.4f s at %.3f s, want %.4f", map[string]string{"v": "picture", "a": "sound"}[kind], step, pts[i-1], want)
				break
			}
		}
	}
	// No click: outside the beeps the sound is a faint hum, whose largest
	// sample-to-sample jump a join must not exceed (an unfaded join of two
	// points of the hum jumps up to 60 times more).
	if j, ref := quietJump(t, tools, cut), quietJump(t, tools, plain); j > 1.5*ref {
		t.Errorf("the sound jumps by %.5f between two quiet samples, %.1f times the most it does without cuts (%.5f): a join clicks", j, j/ref, ref)
	} else {
		t.Logf("largest quiet jump %.5f, without cuts %.5f", j, ref)
	}
}

// quietJump is the largest jump between two samples of path's sound
// (mono, 48 kHz) away from the beeps: at least 0.15 s from any loud
// sample, where only the hum plays. Without the fade at the joins the
// phone sample's joins jumped 29 times as far as the plain save's hum.
func quietJump(t *testing.T, tools media.Tools, path string) float64 {
	t.Helper()
	pcm, err := exec.Command(tools.FFmpeg, "-v", "error", "-i", path, "-map", "0:a:0", "-ac", "1", "-ar", "48000", "-f", "f32le", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	s := make([]float64, len(pcm)/4)
	for i := range s {
		s[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(pcm[4*i:])))
	}
	const near = 7200 // 0.15 s
	loud := make([]bool, len(s))
	for i, v := range s {
		if math.Abs(v) > 0.05 {
			for k := max(i-near, 0); k < min(i+near, len(s)); k++ {
				loud[k] = true
			}
		}
	}
	// The last 50 ms are no join: a joined video's sound, encoded, ends
	// in the encoder's silence after the last picture (the picture's
	// end, which a plain save copies without it).
	var most float64
	for i := 1; i < len(s)-2400; i++ {
		if !loud[i] && !loud[i-1] {
			most = max(most, math.Abs(s[i]-s[i-1]))
		}
	}
	return most
}

// The chat follows the cuts: lines said inside a cut are gone, later ones
// move earlier by what was cut before them, so each is shown where it is
// spoken.
func TestSaveCutsChat(t *testing.T) {
	srv := startSample(t, sample.ServerOptions{})
	t.Setenv("REPLAYRESCUE_PERISCOPE_API", srv.APIBase())
	dir := t.TempDir()
	out := filepath.Join(dir, "talk.mp4")
	code, _, stderr := runCLI(t, "", append([]string{"save", "https://www.pscp.tv/w/1sampleTalk42", "-o", out, "--work", filepath.Join(dir, "job"),
		"--audio-offset", "2s", "--exact"}, cutArgs...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	srt, err := os.ReadFile(filepath.Join(dir, "talk.srt"))
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string]time.Duration{}
	cue := regexp.MustCompile(`(\d\d):(\d\d):(\d\d),(\d\d\d) --> .*\n(.*)`)
	for _, m := range cue.FindAllStringSubmatch(string(srt), -1) {
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		s, _ := strconv.Atoi(m[3])
		ms, _ := strconv.Atoi(m[4])
		shown[m[5]] = time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(s)*time.Second + time.Duration(ms)*time.Millisecond
	}
	// The video starts at 0:02 (where the sound, moved 2 s, begins); the
	// cuts are 0:06-0:09.51 and 0:14-0:17.01, each piece after them
	// starting on the first picture after the cut (9.533 s, 17.033 s).
	output := func(at time.Duration) (time.Duration, bool) {
		switch {
		case at < 2*time.Second:
			return 0, false
		case at < 6*time.Second:
			return at - 2*time.Second, true
		case at < 9510*time.Millisecond:
			return 0, false
		case at < 14*time.Second:
			return at - 5533*time.Millisecond, true
		case at < 17010*time.Millisecond:
			return 0, false
		}
		return at - 8567*time.Millisecond, true
	}
	kept := 0
	for _, m := range sample.DemoChat(30 * time.Second) {
		if m.Heart {
			continue
		}
		line := m.Name + ": " + m.Text
		at, ok := shown[line]
		want, keep := output(m.At)
		switch {
		case keep && !ok:
			t.Errorf("%q said at %v is not shown", line, m.At)
		case !keep && ok:
			// A line said in a cut may only be shown if the same
			// words are said again elsewhere (the lines repeat).
		case keep && (at-want).Abs() > 20*time.Millisecond:
			t.Errorf("%q said at %v shown at %v, want %v", line, m.At, at, want)
		}
		if keep {
			kept++
		}
	}
	if kept < 8 {
		t.Errorf("only %d lines checked", kept)
	}
}

// A --cut that is not a stretch is refused before anything slow, in one
// sentence, with exit 2.
func TestCutFlagChecked(t *testing.T) {
	out := filepath.Join(t.TempDir(), "talk.mp4")
	for _, v := range []string{"12:30-10:00", "10:00", "ten-twelve", "5-5"} {
		code, _, stderr := runCLI(t, "", "save", "--cut", v, "-o", out, "https://127.0.0.1:1/talk.m3u8")
		if code != 2 || !strings.Contains(stderr, "--cut") {
			t.Errorf("--cut %s: exit %d, %q", v, code, stderr)
		}
		oneSentence(t, stderr)
	}
}
