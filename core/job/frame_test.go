package job

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"replayrescue/core/media"
	"replayrescue/core/sample"
)

// The edit screen's picture is right at every position: Frame gives the
// picture ffmpeg's accurate seek gives on the saved video at the same time,
// in every chunk's last 0.8 s too (where a seek inside the chunk used to
// land past its only keyframe and give nothing), and at the very end. Both
// a phone-style stream and x264's defaults (B-frames, a keyframe every 2 s).
func TestFramesAtEveryPosition(t *testing.T) {
	if testing.Short() {
		t.Skip("makes a sample and saves it with ffmpeg")
	}
	tools, err := media.Find()
	if err != nil {
		t.Skip("ffmpeg is not installed")
	}
	for _, style := range []string{"", "studio"} {
		t.Run("style="+style, func(t *testing.T) {
			m, err := sample.Generate(context.Background(), sample.MediaOptions{FFmpeg: tools.FFmpeg, Duration: 18 * time.Second,
				ChunkDuration: 3 * time.Second, NoLead: true, Width: 320, Height: 180, Style: style, CacheDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			srv := startServer(t, sample.ServerOptions{Media: m})
			j, err := Open(sourceFor(t, srv, srv.Cookies()), Options{Work: t.TempDir(), Tools: tools, tuning: fast()})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if err := j.Load(ctx); err != nil {
				t.Fatal(err)
			}
			if err := j.Download(ctx); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "talk.mp4")
			if err := j.Render(ctx, Settings{Output: out}); err != nil {
				t.Fatal(err)
			}
			// Every chunk: inside, in its last 0.8 s, and just before
			// its end; the very last picture.
			var at []time.Duration
			var start time.Duration
			for _, s := range j.Playlist().Segments {
				d := s.Duration
				for _, off := range []time.Duration{310 * time.Millisecond, d - 790*time.Millisecond, d - 420*time.Millisecond, d - 50*time.Millisecond, d - 10*time.Millisecond} {
					at = append(at, start+off)
				}
				start += d
			}
			if len(at) < 30 {
				t.Fatalf("only %d positions", len(at))
			}
			at[len(at)-1] = start - 40*time.Millisecond // the last picture (30 fps)
			wrong := 0
			var took []time.Duration
			for _, a := range at {
				began := time.Now()
				got, err := j.Frame(ctx, a, 160)
				took = append(took, time.Since(began))
				if err != nil {
					t.Errorf("at %v: %v", a, err)
					wrong++
					continue
				}
				if want := accurateFrame(t, tools, out, a, 160); !bytes.Equal(got, want) {
					t.Errorf("at %v: not the picture ffmpeg's accurate seek shows (%d vs %d bytes)", a, len(got), len(want))
					wrong++
				}
			}
			// The poster (save --poster T) is the picture ffmpeg's accurate
			// seek shows at T of the saved video, past its end its last.
			total := start
			for i, at := range []time.Duration{0, 310 * time.Millisecond, time.Second, 2970 * time.Millisecond, 3 * time.Second,
				4500 * time.Millisecond, 5990 * time.Millisecond, 7 * time.Second, 11 * time.Second, 14500 * time.Millisecond,
				total - 100*time.Millisecond, total + 5*time.Second} {
				if _, err := j.writePoster(ctx, Settings{Output: out, SavePoster: true, Poster: at, Force: true}); err != nil {
					t.Fatal(err)
				}
				got, err := os.ReadFile(PosterPath(out))
				if err != nil {
					t.Fatal(err)
				}
				ref := min(at, total-40*time.Millisecond)
				if want := accurateFrame(t, tools, out, ref, posterWidth); !bytes.Equal(got, want) {
					t.Errorf("poster %d at %v: not the picture ffmpeg's accurate seek shows", i+1, at)
				}
			}
			// Without --force an existing file is never replaced.
			if err := CheckPoster(Settings{Output: out, SavePoster: true}); err == nil {
				t.Error("CheckPoster let a poster replace an existing file")
			}
			if _, err := j.writePoster(ctx, Settings{Output: out, SavePoster: true}); err == nil {
				t.Error("a poster replaced a file that appeared during the save")
			}
			slices.Sort(took)
			t.Logf("%d positions, %d wrong; Frame took %v (median), %v (slowest)", len(at), wrong, took[len(took)/2], took[len(took)-1])
		})
	}
}

// accurateFrame is the picture ffmpeg's accurate seek gives at time at of
// the file, encoded as Frame encodes.
func accurateFrame(t *testing.T, tools media.Tools, path string, at time.Duration, width int) []byte {
	t.Helper()
	cmd := exec.Command(tools.FFmpeg, "-hide_banner", "-loglevel", "error", "-ss", fmt.Sprintf("%.6f", at.Seconds()), "-i", path,
		"-frames:v", "1", "-an", "-vf", fmt.Sprintf("scale=min(%d\\,iw):-2", width), "-c:v", "mjpeg", "-q:v", "4", "-f", "image2pipe", "pipe:1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || len(out) == 0 {
		var ee *exec.ExitError
		errors.As(err, &ee)
		t.Fatalf("ffmpeg -ss %v: %v %s", at, err, stderr.String())
	}
	return out
}
