package media

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// cornerDiff is the mean absolute difference between the bottom-left
// quarter of two videos' pictures at output time at (grey levels 0-255).
func cornerDiff(t *testing.T, tl Tools, a, b string, at time.Duration) float64 {
	t.Helper()
	grab := func(file string) []byte {
		out, err := exec.Command(tl.FFmpeg, "-hide_banner", "-loglevel", "error", "-ss", secs6(at), "-i", file,
			"-frames:v", "1", "-vf", "crop=iw/2:ih/4:0:ih*3/4,format=gray", "-f", "rawvideo", "-").Output()
		if err != nil || len(out) == 0 {
			t.Fatalf("reading a frame of %s at %v: %v", filepath.Base(file), at, err)
		}
		return out
	}
	pa, pb := grab(a), grab(b)
	if len(pa) != len(pb) {
		t.Fatalf("frames differ in size: %d vs %d", len(pa), len(pb))
	}
	var sum int
	for i := range pa {
		d := int(pa[i]) - int(pb[i])
		sum += max(d, -d)
	}
	return float64(sum) / float64(len(pa))
}

// A burned render draws the subtitles on the picture where they belong in
// time (shifted from the presenter's timeline to the filter's), through a
// folder name full of filter syntax, and is otherwise the plain render.
func TestRenderBurnsSubtitles(t *testing.T) {
	slow(t)
	tl, dir, names := fixtureOf(t, late)
	if out, err := exec.Command(tl.FFmpeg, "-hide_banner", "-filters").Output(); err != nil || !containsWord(string(out), "ass") {
		t.Skip("this ffmpeg has no libass (ass filter)")
	}
	plain := filepath.Join(t.TempDir(), "plain.mp4")
	spec := RenderSpec{Dir: dir, Chunks: names, Durations: threeSeconds(len(names)), Output: plain,
		Start: 10500 * time.Millisecond, End: 22 * time.Second, OneStream: true, Total: 12 * time.Second}
	cut, err := tl.Render(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	odd := filepath.Join(dir, `it's, [odd]: dir;`)
	if err := os.Mkdir(odd, 0o700); err != nil {
		t.Fatal(err)
	}
	var gotStart time.Duration
	spec.Burn = func(start, shift time.Duration) (string, error) {
		gotStart = start
		// One line from presenter time 12 s to 14 s, bottom-left.
		ass := fmt.Sprintf("[Script Info]\nScriptType: v4.00+\nPlayResX: 320\nPlayResY: 180\n\n[V4+ Styles]\n"+
			"Format: Name, Fontname, Fontsize, PrimaryColour, OutlineColour, BackColour, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV\n"+
			"Style: Chat,Arial,22,&H00FFFFFF,&H00000000,&H00000000,3,2,0,1,4,4,4\n\n[Events]\n"+
			"Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"+
			"Dialogue: 0,%s,%s,Chat,,0,0,0,,WWWWWWWWWW\\NWWWWWWWWWW\n", assClock(12*time.Second+shift), assClock(14*time.Second+shift))
		p := filepath.Join(odd, "chat.ass")
		return p, os.WriteFile(p, []byte(ass), 0o600)
	}
	burned := filepath.Join(t.TempDir(), "burned.mp4")
	spec.Output = burned
	var progress int
	spec.Progress = func(done, total time.Duration) { progress++ }
	bcut, err := tl.Render(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if bcut.Start != cut.Start || gotStart != bcut.Start || bcut.Reencoded != -1 {
		t.Fatalf("burned cut %+v (burn told %v), plain %+v", bcut, gotStart, cut)
	}
	if progress == 0 {
		t.Error("no progress reported while re-encoding")
	}
	// In the output, the line shows from 12-cut to 14-cut.
	for _, c := range []struct {
		at    time.Duration // presenter time
		shown bool
	}{{11 * time.Second, false}, {12300 * time.Millisecond, true}, {13700 * time.Millisecond, true}, {14400 * time.Millisecond, false}, {18 * time.Second, false}} {
		d := cornerDiff(t, tl, plain, burned, c.at-cut.Start)
		t.Logf("at %v: corner differs by %.1f", c.at, d)
		if c.shown != (d > 20) || (!c.shown && d > 6) {
			t.Errorf("at %v the corner differs by %.1f from the plain render; text shown: want %v", c.at, d, c.shown)
		}
	}
	checkOutput(t, tl, burned, bcut.Start, 22*time.Second, 0)
}

func assClock(d time.Duration) string {
	cs := d.Round(10*time.Millisecond) / (10 * time.Millisecond)
	return fmt.Sprintf("%d:%02d:%02d.%02d", cs/360000, cs/6000%60, cs/100%60, cs%100)
}

func containsWord(s, w string) bool { return slices.Contains(strings.Fields(s), w) }

// TestBurnFilter: the ASS file's path is escaped once for the option, then
// for the graph, so any path reaches the filter as it is.
func TestBurnFilter(t *testing.T) {
	for in, want := range map[string]string{
		`/tmp/a/chat.ass`:     `/tmp/a/chat.ass`,
		`C:\Users\x\chat.ass`: `C\\:\\\\Users\\\\x\\\\chat.ass`,
		`/t/it's, [odd]: d;`:  `/t/it\\\'s\, \[odd\]\\: d\;`,
	} {
		if got := burnFilter(in); got != "ass="+want {
			t.Errorf("burnFilter(%q) = %q, want %q", in, got, "ass="+want)
		}
	}
}
