package job

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"replayrescue/core/media"
	"replayrescue/core/player"
)

// servedPlainFile serves data as talk.mp4 on loopback, answering Range
// requests, and returns a job that has loaded it (in 256 KiB ranges) and
// the events it told.
func servedPlainFile(t *testing.T, tools media.Tools, data []byte) (*Job, *eventLog) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "talk.mp4", time.Time{}, bytes.NewReader(data))
	}))
	t.Cleanup(srv.Close)
	tune := fast()
	tune.fileChunk = 256 << 10
	log := &eventLog{}
	j, err := Open(Source{URL: srv.URL + "/media/talk.mp4"}, Options{Work: t.TempDir(), Tools: tools, tuning: tune, Events: log.add})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return j, log
}

// lastPictureTime is when the file's last picture is shown, as ffprobe
// lists its packets.
func lastPictureTime(t *testing.T, tools media.Tools, path string) time.Duration {
	t.Helper()
	out, err := exec.Command(tools.FFprobe, "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var last time.Duration
	for _, line := range strings.Fields(string(out)) {
		if s, err := strconv.ParseFloat(strings.Trim(line, ","), 64); err == nil {
			last = max(last, time.Duration(s*1e6)*time.Microsecond)
		}
	}
	return last
}

// A plain video file's length is not known before it is downloaded (its
// index is at its end); once it is, the job knows it exactly as ffprobe
// tells it, and previews, the player and a trimmed save read the file
// whole: the picture ffmpeg's accurate seek shows on the file itself, at
// the start, in the middle, in the last second and at the very end.
func TestPlainFileMeasuredAndPreviewed(t *testing.T) {
	tools := needFFmpeg(t)
	const seconds = 20
	path := filepath.Join(t.TempDir(), "talk.mp4")
	data := makeFlashMP4(t, tools, path, seconds)
	j, log := servedPlainFile(t, tools, data)
	ctx := context.Background()

	found := log.all()[0].(Found)
	if found.Duration != 0 || found.Size != int64(len(data)) {
		t.Errorf("found %v long, %d bytes; want 0 (not known yet) and %d", found.Duration, found.Size, len(data))
	}
	if _, err := j.Frame(ctx, time.Second, 160); !errors.Is(err, ErrNotDownloaded) {
		t.Errorf("a preview before the download: %v, want ErrNotDownloaded", err)
	}
	if err := j.Download(ctx); err != nil {
		t.Fatal(err)
	}
	info, err := tools.Probe(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if j.Duration() != info.Duration {
		t.Errorf("length after the download %v, ffprobe says %v", j.Duration(), info.Duration)
	}
	var measured []Measured
	for _, e := range log.all() {
		if m, ok := e.(Measured); ok {
			measured = append(measured, m)
		}
	}
	if len(measured) != 1 || measured[0].Duration != info.Duration {
		t.Errorf("measured events %v, want one of %v", measured, info.Duration)
	}

	last := lastPictureTime(t, tools, path)
	for _, at := range []time.Duration{0, 7*time.Second + 310*time.Millisecond, j.Duration() - 500*time.Millisecond, j.Duration()} {
		got, err := j.Frame(ctx, at, 160)
		if err != nil {
			t.Errorf("picture at %v: %v", at, err)
			continue
		}
		img, err := jpeg.Decode(bytes.NewReader(got))
		if err != nil {
			t.Errorf("picture at %v: %v", at, err)
			continue
		}
		if b := img.Bounds(); b.Dx() != 160 || b.Dy() != 90 {
			t.Errorf("picture at %v is %v, want 160x90", at, b.Size())
		}
		if want := accurateFrame(t, tools, path, min(at, last), 160); !bytes.Equal(got, want) {
			t.Errorf("picture at %v: not the one ffmpeg's accurate seek shows on the file", at)
		}
	}

	// A reopened job (the window after a restart) knows the length from
	// the state file, before anything is read.
	again, err := Open(Source{URL: j.Playlist().URL}, Options{Work: j.Dir(), Tools: tools, tuning: j.opts.tuning})
	if err != nil {
		t.Fatal(err)
	}
	if err := again.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if again.Duration() != info.Duration {
		t.Errorf("reopened: %v long, want %v", again.Duration(), info.Duration)
	}
}

// The window's player plays a plain file from anywhere in it: from 4.9 s,
// the flash at 5 s is shown 0.1 s in, and its beep heard 0.1 s in.
func TestPlainFilePlays(t *testing.T) {
	tools := needFFmpeg(t)
	data := makeFlashMP4(t, tools, filepath.Join(t.TempDir(), "talk.mp4"), 12)
	j, _ := servedPlainFile(t, tools, data)
	ctx := context.Background()
	if err := j.Download(ctx); err != nil {
		t.Fatal(err)
	}
	src := j.PlaySource()
	from := 4900 * time.Millisecond
	pics, err := src.Pictures(ctx, from, 160)
	if err != nil {
		t.Fatal(err)
	}
	defer pics.Close()
	var flash time.Duration = -1
	for range 30 {
		f, err := pics.Next()
		if err != nil {
			t.Fatal(err)
		}
		if f.At < from {
			t.Fatalf("a picture at %v, before %v", f.At, from)
		}
		if flash < 0 && bright(f.Image.Pix) > 230 {
			flash = f.At
		}
	}
	if (flash - 5*time.Second).Abs() > 40*time.Millisecond {
		t.Errorf("the flash is shown at %v, want 5s", flash)
	}
	snd, err := src.Sound(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	defer snd.Close()
	pcm := make([]byte, player.SoundBytes(time.Second))
	if _, err := io.ReadFull(snd, pcm); err != nil {
		t.Fatal(err)
	}
	beep := time.Duration(-1)
	for i := 0; i+4 <= len(pcm); i += 4 {
		if v := int16(binary.LittleEndian.Uint16(pcm[i:])); v > 8000 || v < -8000 {
			beep = pcmTime(i)
			break
		}
	}
	if (beep - 100*time.Millisecond).Abs() > 20*time.Millisecond {
		t.Errorf("the beep is heard %v in, want 100ms", beep)
	}
}

// bright is the mean of an RGBA picture's colour values, 0 to 255.
func bright(pix []byte) int {
	var sum int
	for i := 0; i < len(pix); i += 4 {
		sum += int(pix[i]) + int(pix[i+1]) + int(pix[i+2])
	}
	return sum / (len(pix) / 4 * 3)
}

// A trimmed save of a plain file has the length and the pictures asked
// for: from the keyframe at 4 s to 14 s, 10 s and 300 pictures, in sync.
func TestPlainFileTrimmed(t *testing.T) {
	tools := needFFmpeg(t)
	data := makeFlashMP4(t, tools, filepath.Join(t.TempDir(), "talk.mp4"), 20)
	j, _ := servedPlainFile(t, tools, data)
	ctx := context.Background()
	if err := j.Download(ctx); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "trimmed.mp4")
	if err := j.Render(ctx, Settings{Output: out, Start: 4 * time.Second, End: 14 * time.Second}); err != nil {
		msg, _ := Explain(err)
		t.Fatal(msg)
	}
	checkSaved(t, tools, out, 300)
}

// --exact on a plain file starts on the very picture asked for, between
// keyframes (every 2 s): from 5.5 s to 15.5 s, 10 s and 300 pictures, in
// sync, the first one the picture at 5.5 s of the file. A start on a
// keyframe is copied as it is.
func TestPlainFileExact(t *testing.T) {
	tools := needFFmpeg(t)
	path := filepath.Join(t.TempDir(), "talk.mp4")
	data := makeFlashMP4(t, tools, path, 20)
	j, log := servedPlainFile(t, tools, data)
	ctx := context.Background()
	if err := j.Download(ctx); err != nil {
		t.Fatal(err)
	}
	start := 5500 * time.Millisecond
	plan, err := j.Plan(ctx, Settings{Start: start, Exact: true})
	if err != nil || plan.Start != start {
		t.Errorf("plan: starts at %v (%v), want %v", plan.Start, err, start)
	}
	out := filepath.Join(t.TempDir(), "exact.mp4")
	if err := j.Render(ctx, Settings{Output: out, Start: start, End: start + 10*time.Second, Exact: true}); err != nil {
		msg, _ := Explain(err)
		t.Fatal(msg)
	}
	if d := doneEvent(t, log.all()); d.Start != start {
		t.Errorf("the video starts at %v, want %v", d.Start, start)
	}
	checkSaved(t, tools, out, 300)
	first := accurateFrame(t, tools, out, 0, 320)
	want := accurateFrame(t, tools, path, start, 320)
	diff := pictureDiff(t, first, want)
	before := pictureDiff(t, first, accurateFrame(t, tools, path, start-time.Second/30, 320))
	t.Logf("the first picture differs by %d from the file's at %v, by %d from the one before", diff, start, before)
	if diff > 1 || before <= diff {
		t.Errorf("the first picture is not the file's at %v: differs by %d from it, by %d from the one before", start, diff, before)
	}
}

// pictureDiff is the mean difference of two JPEGs' grey values, 0 to 255.
func pictureDiff(t *testing.T, a, b []byte) int {
	t.Helper()
	ia, err := jpeg.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	ib, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if ia.Bounds() != ib.Bounds() {
		t.Fatalf("pictures of %v and %v", ia.Bounds(), ib.Bounds())
	}
	var sum, n int
	r := ia.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ga, _, _, _ := color.GrayModel.Convert(ia.At(x, y)).RGBA()
			gb, _, _, _ := color.GrayModel.Convert(ib.At(x, y)).RGBA()
			sum += max(int(ga>>8)-int(gb>>8), int(gb>>8)-int(ga>>8))
			n++
		}
	}
	return sum / n
}
