package media

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A started ffmpeg makes the very picture Frame makes, at every kind of
// position (the first picture, mid-chunk, the last second, the last
// picture, past it), on x264's defaults (B-frames) in MPEG-TS and in fMP4,
// from a folder whose name needs every kind of escaping.
func TestFramesMakeFramesPicture(t *testing.T) {
	for _, e := range []encoding{{fps: 30, gop: 2 * time.Second}, {fps: 25, gop: 2 * time.Second, fmp4: true}} {
		t.Run(e.name(), func(t *testing.T) {
			tl, dir, names := encoded(t, e)
			odd := filepath.Join(t.TempDir(), `Zoë's talks [2026], part: 1; \ 'a'`)
			if err := os.MkdirAll(odd, 0o700); err != nil {
				t.Fatal(err)
			}
			chunk := filepath.Join(odd, names[1])
			data, err := os.ReadFile(filepath.Join(dir, names[1]))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(chunk, data, 0o600); err != nil {
				t.Fatal(err)
			}
			frame := time.Second / time.Duration(e.fps)
			var f Frames
			ctx := context.Background()
			info, err := tl.Probe(ctx, chunk)
			if err != nil || info.Duration < time.Second {
				t.Fatalf("probing the chunk: %+v, %v", info, err)
			}
			end := info.Duration
			for _, at := range []time.Duration{0, end / 2, end - 900*time.Millisecond, end - frame, end + frame} {
				want, werr := tl.Frame(ctx, chunk, at, 160)
				got, gerr := f.Frame(ctx, tl, chunk, at, 160)
				if (gerr == nil) != (werr == nil) || errors.Is(gerr, ErrNoFrame) != errors.Is(werr, ErrNoFrame) {
					t.Fatalf("at %v: Frames says %v, Frame says %v", at, gerr, werr)
				}
				if werr == nil && !bytes.Equal(got, want) {
					t.Errorf("at %v: Frames made another picture (%d bytes) than Frame (%d bytes)", at, len(got), len(want))
				}
				if at > end && !errors.Is(gerr, ErrNoFrame) {
					t.Errorf("past the last picture: %v, want ErrNoFrame", gerr)
				}
			}
			if f.plain != "" {
				t.Errorf("this ffmpeg (%s) has the movie filter, yet Frames made its pictures a process each", tl.FFmpeg)
			}
		})
	}
}

// After a picture an ffmpeg is started for the next, which makes it; an
// ffmpeg nobody asks ends by itself, and the next picture starts another.
func TestFramesSpareAndIdle(t *testing.T) {
	tl, dir, names := fixture(t)
	chunk := filepath.Join(dir, names[0])
	var f Frames
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.Frame(ctx, tl, chunk, time.Second, 160); !errors.Is(err, context.Canceled) {
		t.Fatalf("a picture no longer wanted: %v", err)
	}
	if jpeg, err := f.Frame(context.Background(), tl, chunk, 0, 160); err != nil || len(jpeg) < 100 {
		t.Fatalf("the first picture: %d bytes, %v", len(jpeg), err)
	}
	s := waitSpare(t, &f)
	if jpeg, err := f.Frame(context.Background(), tl, chunk, time.Second, 160); err != nil || len(jpeg) < 100 {
		t.Fatalf("the spare's picture: %d bytes, %v", len(jpeg), err)
	}
	select {
	case <-s.done:
	default:
		t.Error("the spare was not the one that made the picture")
	}
	// The next spare, ended as if it had waited sparesIdle: taking it
	// starts another instead.
	s = waitSpare(t, &f)
	if !s.idle.Stop() {
		t.Fatal("the spare's idle timer had already fired")
	}
	s.idle.Reset(0)
	<-s.done
	if jpeg, err := f.Frame(context.Background(), tl, chunk, 2*time.Second, 160); err != nil || len(jpeg) < 100 {
		t.Fatalf("after an idle spare ended: %d bytes, %v", len(jpeg), err)
	}
}

// An ffmpeg that does not take the spare's way of being asked (here one
// refusing -filter_complex_script, as a future ffmpeg may) still gives
// every picture, made a process each from then on; a chunk that has no
// picture still says so.
func TestFramesFallBack(t *testing.T) {
	needShell(t)
	tl, dir, names := fixture(t)
	chunk := filepath.Join(dir, names[0])
	strict := filepath.Join(t.TempDir(), "ffmpeg")
	script := "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = -filter_complex_script ] && { cat >/dev/null; echo 'Unrecognized option' >&2; exit 1; }; done\nexec '" + tl.FFmpeg + "' \"$@\"\n"
	if err := os.WriteFile(strict, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	st := tl
	st.FFmpeg = strict
	var f Frames
	ctx := context.Background()
	for _, at := range []time.Duration{500 * time.Millisecond, 2 * time.Second} {
		want, err := tl.Frame(ctx, chunk, at, 160)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.Frame(ctx, st, chunk, at, 160)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("at %v: %d bytes, %v; want Frame's %d bytes", at, len(got), err, len(want))
		}
	}
	if f.plain != strict {
		t.Errorf("the refusing ffmpeg is still asked through a spare")
	}
	if _, err := f.Frame(ctx, st, chunk, time.Hour, 160); !errors.Is(err, ErrNoFrame) {
		t.Errorf("past the end: %v, want ErrNoFrame", err)
	}
}

// waitSpare is f's spare ffmpeg, once the last picture's refill has
// started it.
func waitSpare(t *testing.T, f *Frames) *spareFFmpeg {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		f.mu.Lock()
		s := f.spare
		f.mu.Unlock()
		if s != nil {
			return s
		}
	}
	t.Fatal("no spare ffmpeg was started after the last picture")
	return nil
}
