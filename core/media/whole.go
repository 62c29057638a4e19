package media

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// A plain video file (an .mp4 a site's <video> plays) is downloaded as
// consecutive byte ranges (RenderSpec.Pieces). One range of it is no video
// of its own: its index may be at the file's end. Previews and the player
// therefore read the pieces joined, as the render does (concatf), and seek
// in the whole file by its index instead of decoding from a piece's start.

// wholeListName is the concatf list that joins a plain file's pieces for
// previews and the player, apart from the render's own list (the job
// folder's clean-up knows render-NAME lists as its own).
const wholeListName = "render-whole.concatf"

// lastSearch is how far before its end a file is read for its last picture.
const lastSearch = 5 * time.Second

// Whole is a plain video file on disk in pieces, measured: what previews,
// the player and the window need to know of it.
type Whole struct {
	url string // the pieces joined (concatf)
	// Length is the file's length, as ffprobe tells it.
	Length time.Duration
	// Width and Height are the picture's size; 0 for a sound-only file.
	Width, Height int
	// start is the file's earliest timestamp, from which an input -ss
	// counts; zero is the first picture's (the first sound's without a
	// picture): the timeline previews count from, as for chunks (Frame).
	start, zero time.Duration
	// sound is where the sound begins against zero; hasSound false when
	// there is none.
	sound    time.Duration
	hasSound bool
	// last is the last picture's time against zero: at the very end, the
	// picture shown.
	last time.Duration
}

// OpenWhole joins the pieces (file names in dir, in order) and measures
// the file they make. It writes a list into dir and reads the file's index
// and its last seconds: moments even for a long talk.
func (t Tools) OpenWhole(ctx context.Context, dir string, pieces []string) (*Whole, error) {
	list, err := writeByteListAs(dir, wholeListName, pieces, false)
	if err != nil {
		return nil, err
	}
	w := &Whole{url: "concatf:" + list}
	info, err := t.probeURL(ctx, w.url, "read the downloaded video")
	if err != nil {
		return nil, err
	}
	w.Length, w.start, w.zero = info.Duration, info.Start, info.Start
	v, hasVideo := info.Stream("video")
	a, hasSound := info.Stream("audio")
	if !hasVideo && !hasSound {
		return nil, errors.New("the downloaded video file holds neither picture nor sound")
	}
	if hasVideo {
		w.Width, w.Height, w.zero = v.Width, v.Height, v.Start
	} else {
		w.zero = a.Start
	}
	if hasSound {
		w.sound, w.hasSound = a.Start-w.zero, true
	}
	if hasVideo {
		if w.last, err = t.lastPicture(ctx, w); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// lastPicture is when the file's last picture is shown, against w.zero:
// the latest picture time among the packets of its last seconds.
func (t Tools) lastPicture(ctx context.Context, w *Whole) (time.Duration, error) {
	from := w.start + max(w.Length-lastSearch, 0)
	out, err := t.ffprobe(w.url, ffmpeg.KwArgs{"select_streams": "v:0", "read_intervals": secs6(from) + "%",
		"show_entries": "packet=pts_time", "of": "csv=p=0"}).output(ctx, "read the end of the downloaded video", 16<<20)
	if err != nil {
		return 0, err
	}
	last, seen := time.Duration(0), false
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.Trim(strings.TrimSpace(line), ",")
		if line == "" || line == "N/A" {
			continue
		}
		last, seen = max(last, seconds(line)), true
	}
	if !seen {
		return 0, errors.New("the downloaded video file has no picture at its end")
	}
	return last - w.zero, nil
}

// seek is the input -ss that starts reading w at time at of its timeline:
// ffmpeg counts it from the file's start, and with its accurate seek
// (the default) drops whatever is shown before, so the first picture out
// is the first at or after at. A microsecond early: times are written to
// the microsecond, and a picture at exactly at must not round past it.
func (w *Whole) seek(at time.Duration) string {
	return secs6(max(w.zero-w.start+at-time.Microsecond, 0))
}

// WholeFrame is Frame of a whole file: the first picture at or after at,
// the last picture past it.
func (t Tools) WholeFrame(ctx context.Context, w *Whole, at time.Duration, maxWidth int) ([]byte, error) {
	if w.Width == 0 {
		return nil, ErrNoFrame // sound only
	}
	if maxWidth <= 0 {
		maxWidth = 640
	}
	in := input(w.url, ffmpeg.KwArgs{"ss": w.seek(min(max(at, 0), w.last))})
	scale := filter("scale", ffmpeg.KwArgs{"w": fmt.Sprintf("min(%d\\,iw)", maxWidth), "h": "-2"})
	out := ffmpeg.Output([]*ffmpeg.Stream{in}, "pipe:1", ffmpeg.KwArgs{
		"frames:v": "1", "an": "", "vf": chain(scale), "c:v": "mjpeg", "q:v": "4", "f": "image2pipe"})
	jpeg, err := t.ffmpeg(out, ffRun{}).output(ctx, "show a preview", 32<<20)
	if err == nil && len(jpeg) == 0 {
		err = ErrNoFrame
	}
	return jpeg, err
}

// wholePictures is PlayPictures of a whole file: read from the seek, so a
// picture an hour in starts as fast as the first.
func (t Tools) wholePictures(ctx context.Context, w *Whole, from time.Duration, width int) (*Pictures, error) {
	if w.Width <= 0 || w.Height <= 0 {
		return nil, errors.New("this video has no picture to play")
	}
	pw := min(width, w.Width) &^ 1
	ph := max(2, (pw*w.Height/w.Width+1)&^1)
	// After the seek, times count from from: the pictures leave the
	// filters from there on, at PlayRate (see PlayPictures).
	vf := chain(
		filter("fps", ffmpeg.KwArgs{"fps": fmt.Sprint(PlayRate), "start_time": "0"}),
		filter("scale", ffmpeg.KwArgs{"w": fmt.Sprint(pw), "h": fmt.Sprint(ph)}),
		filter("format", ffmpeg.KwArgs{"pix_fmts": "rgba"}),
	)
	kw := ffmpeg.KwArgs{"an": "", "sn": "", "vf": vf, "f": "rawvideo", "pix_fmt": "rgba", keepFrameTimes(t): "passthrough"}
	if !atLeast(t.Major, t.Minor, 5, 1) {
		kw[keepFrameTimes(t)] = "0"
	}
	in := input(w.url, ffmpeg.KwArgs{"ss": w.seek(max(from, 0))})
	cmd, stdout, err := t.ffmpeg(ffmpeg.Output([]*ffmpeg.Stream{in}, "pipe:1", kw), ffRun{}).stream(ctx)
	if err != nil {
		return nil, err
	}
	return &Pictures{cmd: cmd, out: stdout, w: pw, h: ph, next: from}, nil
}

// wholeSound is PlaySound of a whole file: the sound that plays with the
// picture at from, silence before the sound begins.
func (t Tools) wholeSound(ctx context.Context, w *Whole, from time.Duration) (*sound, error) {
	from = max(from, 0)
	filters := []*ffmpeg.Node{filter("asetpts", nil, "PTS-STARTPTS")}
	if lead := w.sound - from; lead > 0 {
		filters = append(filters, filter("adelay", ffmpeg.KwArgs{"delays": fmt.Sprint(lead.Milliseconds()), "all": "1"}))
	}
	filters = append(filters, filter("aresample", nil, fmt.Sprint(PlaySampleRate)))
	in := input(w.url, ffmpeg.KwArgs{"ss": w.seek(from)})
	out := ffmpeg.Output([]*ffmpeg.Stream{in}, "pipe:1", ffmpeg.KwArgs{
		"vn": "", "sn": "", "af": chain(filters...), "ac": "2", "f": "s16le", "c:a": "pcm_s16le"})
	cmd, stdout, err := t.ffmpeg(out, ffRun{}).stream(ctx)
	if err != nil {
		return nil, err
	}
	return &sound{cmd: cmd, out: stdout}, nil
}
