package job

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A broadcast whose camera dropped out for two chunks (0:08 to 0:16), the
// host serving them with their sound only, saves every picture sent in
// sync, the last one before the drop-out held while the sound goes on, and
// says so in one sentence.
func TestSavePictureMissing(t *testing.T) {
	tools := needFFmpeg(t)
	dir := t.TempDir()
	runFFmpeg(t, tools.FFmpeg, dir, append(flashBeep(24), "-map", "[v]", "-map", "1:a", "-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
		"-b:v", "300k", "-c:a", "aac", "-b:a", "64k", "-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod",
		"-hls_segment_filename", "c%d.ts", "list.m3u8")...)
	for _, i := range []int{2, 3} {
		name := fmt.Sprintf("c%d.ts", i)
		runFFmpeg(t, tools.FFmpeg, dir, "-v", "error", "-i", name, "-map", "0:a", "-c", "copy", "-copyts", "-muxdelay", "0",
			"-muxpreload", "0", "-streamid", "0:257", "-f", "mpegts", "sound.ts")
		if err := os.Rename(filepath.Join(dir, "sound.ts"), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	out, log := saveServed(t, tools, dir, "list.m3u8")
	n, err := tools.PresentedFrames(context.Background(), out)
	if err != nil || n != 16*30 {
		t.Errorf("%d pictures, want the %d sent (%v)", n, 16*30, err)
	}
	info, err := tools.Probe(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := info.Stream("video")
	a, _ := info.Stream("audio")
	if (v.Duration-24*time.Second).Abs() > 50*time.Millisecond || (a.Duration-v.Duration).Abs() > 50*time.Millisecond {
		t.Errorf("picture %v, sound %v; want both 24 s", v.Duration, a.Duration)
	}
	var said []string
	for _, e := range log.all() {
		if r, ok := e.(SoundRepaired); ok {
			said = append(said, r.Sentences()...)
		}
	}
	want := "The picture was missing for 8 s at 0:08; the last picture before it stays on screen while the sound goes on."
	if strings.Join(said, " ") != want {
		t.Errorf("said %q, want %q", said, want)
	}
}
