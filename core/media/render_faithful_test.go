package media

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Media made the way other encoders make it (issue 20): x264 with its
// default B-frames or tuned for zero latency, OBS-like 2 s GOPs, 60 fps,
// sound that stops and resumes, a sound clock that runs slow, AC-3, E-AC-3,
// MP3 and Opus sound, in MPEG-TS or fMP4 chunks. Each carries the sync
// markers (a white flash and a beep every 5 s), so a render is read three
// ways: by its timestamps, ignoring its edit lists, and with the sound's
// samples played back to back.

// encoding describes how a fixture is encoded.
type encoding struct {
	fps    int
	gop    time.Duration // a keyframe every gop
	x264   []string      // extra libx264 options; none: its defaults (B-frames)
	audio  string        // sound codec: aac (default), ac3, eac3, mp3, opus
	fmp4   bool          // fMP4 chunks, each stored with the init section in front
	length time.Duration // 30 s unless set
	// holeFrom..holeTo: the encoder sends no sound then (both streams
	// still declared), as a live encoder whose audio input drops out.
	holeFrom, holeTo time.Duration
	// clock > 1: the sound card's clock runs that much slow. Its samples
	// are stamped by their count (as encoders do), so the beeps, made by
	// the picture's clock, land ever earlier in the sound's timestamps,
	// and the sound ends before the picture.
	clock float64
	// soundOnly are chunks (first, last+1) that carry only the sound, as
	// a live encoder whose camera dropped out sends them (MPEG-TS only).
	soundOnly [2]int
}

func (e encoding) name() string {
	n := fmt.Sprintf("%dfps-gop%v-%s", e.fps, e.gop, cmpOr(strings.Join(e.x264, ""), "bframes"))
	n += "-" + cmpOr(e.audio, "aac")
	if e.fmp4 {
		n += "-fmp4"
	}
	if e.holeTo > 0 {
		n += fmt.Sprintf("-hole%v-%v", e.holeFrom, e.holeTo)
	}
	if e.clock != 0 {
		n += fmt.Sprintf("-clock%g", e.clock)
	}
	if e.soundOnly[1] > 0 {
		n += fmt.Sprintf("-soundonly%d-%d", e.soundOnly[0], e.soundOnly[1])
	}
	return strings.NewReplacer(" ", "", "-tune", "", "/", "").Replace(n)
}

func cmpOr(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func (e encoding) len() time.Duration {
	if e.length == 0 {
		return 30 * time.Second
	}
	return e.length
}

// encoded makes (once per test binary) the chunks of e and returns a copy
// of them in a folder of the test's own, as a job holds them.
func encoded(t *testing.T, e encoding) (Tools, string, []string) {
	t.Helper()
	slow(t) // encodes fixtures
	tl := tools(t)
	kind := fixtureKind("encoding-" + e.name())
	fixtures.Lock()
	src, ok := fixtures.dirs[kind]
	if !ok {
		var err error
		if src, err = os.MkdirTemp("", "media-encoding-"); err != nil {
			fixtures.Unlock()
			t.Fatal(err)
		}
		if err := makeEncoded(tl, e, src); err != nil {
			fixtures.Unlock()
			t.Fatalf("making the %s fixture: %v", e.name(), err)
		}
		fixtures.dirs[kind] = src
	}
	fixtures.Unlock()
	dir, names := copyChunks(t, src, "chunk_*")
	return tl, dir, names
}

func makeEncoded(tl Tools, e encoding, dir string) error {
	secs := e.len().Seconds()
	clock := e.clock
	if clock == 0 {
		clock = 1
	}
	// The beep every 5 s of the picture's clock, at sample time t/clock.
	beep := fmt.Sprintf("mod(t*%g\\,5)", clock)
	audio := fmt.Sprintf(`aevalsrc='if(lt(%s\,0.1)\,0.6*sin(2*PI*1000*t)\,0.01*sin(2*PI*220*t))':s=48000:d=%g`, beep, secs/clock)
	chain := "[1:a]anull"
	if e.holeTo > 0 {
		// Frames dropped with their timestamps: a hole, as a live
		// encoder leaves one.
		chain = fmt.Sprintf("[1:a]aselect='not(between(t\\,%g\\,%g))'", e.holeFrom.Seconds(), e.holeTo.Seconds())
	}
	keyint := fmt.Sprint(int(e.gop.Seconds() * float64(e.fps)))
	args := []string{"-hide_banner", "-loglevel", "error",
		"-f", "lavfi", "-i", fmt.Sprintf("testsrc2=s=320x180:r=%d:d=%g", e.fps, secs),
		"-f", "lavfi", "-i", audio,
		"-filter_complex", `[0:v]drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(t\,5)\,0.016)'[v];` + chain + "[a]",
		"-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "veryfast", "-g", keyint, "-keyint_min", keyint,
		"-sc_threshold", "0", "-b:v", "300k"}
	args = append(args, e.x264...)
	switch e.audio {
	case "", "aac":
		args = append(args, "-c:a", "aac", "-b:a", "64k")
	case "mp3":
		args = append(args, "-c:a", "libmp3lame", "-b:a", "64k")
	case "opus":
		args = append(args, "-c:a", "libopus", "-b:a", "48k")
	default:
		args = append(args, "-c:a", e.audio, "-b:a", "96k")
	}
	ext := "ts"
	args = append(args, "-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod")
	if e.fmp4 {
		ext = "m4s"
		args = append(args, "-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", "init.mp4")
	}
	args = append(args, "-hls_segment_filename", filepath.Join(dir, "chunk_%06d."+ext), filepath.Join(dir, "list.m3u8"))
	if out, err := exec.Command(tl.FFmpeg, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("%v\n%s", err, out)
	}
	for i := e.soundOnly[0]; i < e.soundOnly[1]; i++ {
		// The same chunk without its picture: the sound's packets, times
		// and PID as they were.
		name := filepath.Join(dir, fmt.Sprintf("chunk_%06d.ts", i))
		if out, err := exec.Command(tl.FFmpeg, "-v", "error", "-i", name, "-map", "0:a", "-c", "copy", "-copyts", "-muxdelay", "0",
			"-muxpreload", "0", "-streamid", "0:257", "-f", "mpegts", name+".sound").CombinedOutput(); err != nil {
			return fmt.Errorf("%v\n%s", err, out)
		}
		if err := os.Rename(name+".sound", name); err != nil {
			return err
		}
	}
	if !e.fmp4 {
		return nil
	}
	// The job stores each fMP4 chunk with the init section in front.
	init, err := os.ReadFile(filepath.Join(dir, "init.mp4"))
	if err != nil {
		return err
	}
	os.Remove(filepath.Join(dir, "init.mp4"))
	names, _ := filepath.Glob(filepath.Join(dir, "chunk_*.m4s"))
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			return err
		}
		if err := os.WriteFile(n, append(slices.Clip(init), data...), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// reading is what one render measures.
type reading struct {
	frames, wantFrames int
	wantLength         time.Duration // between the cuts
	videoStart         time.Duration // honouring edit lists
	audioStart         time.Duration
	videoStartRaw      time.Duration // ignoring them
	audioStartRaw      time.Duration
	// The worst distance between a flash and its beep, read by
	// timestamps, ignoring edit lists, and with the sound's samples played
	// back to back from the first; checked counts the flashes compared.
	syncTS, syncRaw, syncB2B time.Duration
	checked                  [3]int
	videoLength              time.Duration
	soundLength              time.Duration // its samples' count over its rate
	// maxStep is the longest time between two pictures shown one after
	// the other: one frame, unless pictures were lost or a seam of chunks
	// left a gap.
	maxStep time.Duration
}

func (r reading) String() string {
	return fmt.Sprintf("frames %d/%d, starts video %v audio %v (ignoring edit lists %v, %v), sync %v / %v / %v (timestamps / ignoring edit lists / back to back, %v flashes), picture %v (longest step %v), sound %v",
		r.frames, r.wantFrames, r.videoStart, r.audioStart, r.videoStartRaw, r.audioStartRaw,
		r.syncTS, r.syncRaw, r.syncB2B, r.checked, r.videoLength, r.maxStep, r.soundLength)
}

// read measures out, a render of fps pictures that should hold want of
// the source. silent are stretches of the output (from, to) that have no
// sound to compare.
func read(t *testing.T, tl Tools, out string, fps int, want time.Duration, silent ...[2]time.Duration) reading {
	t.Helper()
	ctx := context.Background()
	var r reading
	r.wantFrames = int((want * time.Duration(fps)).Round(time.Second) / time.Second)
	r.wantLength = want
	var err error
	if r.frames, err = tl.PresentedFrames(ctx, out); err != nil {
		t.Fatal(err)
	}
	starts := func(ignore bool) (v, a time.Duration) {
		args := []string{"-v", "error"}
		if ignore {
			args = append(args, "-ignore_editlist", "1")
		}
		o, err := exec.Command(tl.FFprobe, append(args, "-show_entries", "stream=codec_type,start_time", "-of", "csv=p=0", out)...).Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Fields(string(o)) {
			kind, at, _ := strings.Cut(strings.TrimSuffix(l, ","), ",")
			switch kind {
			case "video":
				v = seconds(at)
			case "audio":
				a = seconds(at)
			}
		}
		return v, a
	}
	r.videoStart, r.audioStart = starts(false)
	r.videoStartRaw, r.audioStartRaw = starts(true)
	info, err := tl.Probe(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := info.Stream("video")
	r.videoLength = v.Duration
	r.maxStep = longestStep(t, tl, out)

	inSilence := func(at time.Duration) bool {
		for _, s := range silent {
			if at > s[0]-time.Second && at < s[1]+time.Second {
				return true
			}
		}
		return false
	}
	worst := func(flashes, beeps []time.Duration, n *int) time.Duration {
		var w time.Duration
		for _, f := range flashes {
			if f < 500*time.Millisecond || f > r.videoLength-500*time.Millisecond || inSilence(f) {
				continue
			}
			*n++
			d := nearest(f, beeps)
			w = max(w, min(d, 2500*time.Millisecond))
		}
		return w
	}
	flashes, beeps, err := tl.SyncMarkers(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	r.syncTS = worst(flashes, beeps, &r.checked[0])
	rawFlashes, rawBeeps, err := tl.SyncMarkersIgnoringEditList(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	r.syncRaw = worst(rawFlashes, rawBeeps, &r.checked[1])
	b2b, samples, err := backToBackBeeps(tl, out)
	if err != nil {
		t.Fatal(err)
	}
	r.syncB2B = worst(flashes, b2b, &r.checked[2])
	r.soundLength = samples
	return r
}

// longestStep is the longest time between two of out's pictures shown
// one after the other.
func longestStep(t *testing.T, tl Tools, out string) time.Duration {
	t.Helper()
	o, err := exec.Command(tl.FFprobe, "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time", "-of", "csv=p=0", out).Output()
	if err != nil {
		t.Fatal(err)
	}
	var pts []time.Duration
	for _, l := range strings.Fields(string(o)) {
		pts = append(pts, seconds(strings.TrimSuffix(l, ",")))
	}
	slices.Sort(pts)
	var step time.Duration
	for i := 1; i < len(pts); i++ {
		step = max(step, pts[i]-pts[i-1])
	}
	return step
}

// backToBackBeeps decodes out's sound and plays its samples one after the
// other from the first, as an editor imports it: where each beep starts
// counted in samples, whatever the timestamps say, and the sound's length.
func backToBackBeeps(tl Tools, out string) ([]time.Duration, time.Duration, error) {
	const rate = 8000
	pcm, err := exec.Command(tl.FFmpeg, "-v", "error", "-i", out, "-map", "0:a:0", "-ac", "1", "-ar", fmt.Sprint(rate), "-f", "s16le", "-").Output()
	if err != nil {
		return nil, 0, err
	}
	n := len(pcm) / 2
	var beeps []time.Duration
	quiet := 0 // samples since the last loud one
	for i := range n {
		s := int16(binary.LittleEndian.Uint16(pcm[2*i:]))
		if s > 8000 || s < -8000 {
			if quiet > rate/2 {
				beeps = append(beeps, time.Duration(i)*time.Second/rate)
			}
			quiet = 0
			continue
		}
		quiet++
	}
	if len(beeps) > 0 || n > 0 {
		// The very first beep may start the file: count it only after quiet.
		if len(beeps) > 0 && beeps[0] == 0 {
			beeps = beeps[1:]
		}
	}
	return beeps, time.Duration(n) * time.Second / rate, nil
}

// faithful checks r against the bar: every picture between the
// cuts, both tracks at zero read either way, sync within 60 ms read three
// ways, the sound as long as the picture within a frame.
func faithful(t *testing.T, r reading, fps int) {
	t.Helper()
	t.Log(r)
	if r.frames < r.wantFrames || r.frames > r.wantFrames+3 {
		t.Errorf("%d pictures, want the %d between the cuts", r.frames, r.wantFrames)
	}
	for _, s := range []time.Duration{r.videoStart, r.videoStartRaw} {
		if s.Abs() > time.Millisecond {
			t.Errorf("the picture starts at %v (ignoring edit lists %v), want 0", r.videoStart, r.videoStartRaw)
			break
		}
	}
	// The sound may start a part of its first frame late (a frame that
	// straddles the cut is not kept): at most one frame of the codec.
	for _, s := range []time.Duration{r.audioStart, r.audioStartRaw} {
		if s.Abs() > 33*time.Millisecond {
			t.Errorf("the sound starts at %v (ignoring edit lists %v), want 0", r.audioStart, r.audioStartRaw)
			break
		}
	}
	for i, d := range []time.Duration{r.syncTS, r.syncRaw, r.syncB2B} {
		if d > 60*time.Millisecond || r.checked[i] < 2 {
			t.Errorf("sync %s: off by up to %v over %d flashes, want within 60ms", []string{"by timestamps", "ignoring edit lists", "back to back"}[i], d, r.checked[i])
		}
	}
	if d := r.videoLength - r.wantLength; d.Abs() > 2*time.Second/time.Duration(fps) {
		t.Errorf("the picture lasts %v, want %v", r.videoLength, r.wantLength)
	}
	if r.maxStep > time.Second/time.Duration(fps)+time.Millisecond {
		t.Errorf("%v between two pictures, want one frame", r.maxStep)
	}
	if d := r.soundLength - r.videoLength; d.Abs() > time.Second/time.Duration(fps)+time.Millisecond {
		t.Errorf("sound %v long, picture %v: want the same within a frame", r.soundLength, r.videoLength)
	}
}

// chunkDurations reads the fixture's playlist durations (4 s chunks).
func fourSeconds(n int, total time.Duration) []time.Duration {
	d := make([]time.Duration, n)
	for i := range d {
		d[i] = min(4*time.Second, total-time.Duration(i)*4*time.Second)
	}
	return d
}

// endOf is where a render asked to end at end (0: the talk's end) really
// ends on the source's timeline: with B-frames, on the first picture at
// or after end before which every picture is decoded (see endOnPicture),
// which is never earlier and at most a few frames later.
func endOf(t *testing.T, cut Cut, end time.Duration, e encoding) time.Duration {
	t.Helper()
	if end == 0 {
		return e.len()
	}
	got := cut.Start + cut.Duration
	if got < end-time.Millisecond || got > end+5*time.Second/time.Duration(e.fps) {
		t.Errorf("ends at %v, want %v or a few frames later", got, end)
	}
	return got
}

// B-frames (x264's defaults), OBS-like 2 s GOPs: the whole talk and a trim
// keep every picture, both tracks start at zero either way, in sync read
// three ways. The same for -tune zerolatency, 60 fps, and fMP4 chunks.
func TestRenderEncoders(t *testing.T) {
	cases := []struct {
		name       string
		e          encoding
		start, end time.Duration
		exact      bool
		concat     bool // read through the concat demuxer (not one stream)
	}{
		{"x264 defaults, whole", encoding{fps: 30, gop: 2 * time.Second}, 0, 0, false, false},
		{"x264 defaults, from 0:13", encoding{fps: 30, gop: 2 * time.Second}, 13 * time.Second, 0, false, false},
		{"x264 defaults, 0:05 to 0:21", encoding{fps: 30, gop: 2 * time.Second}, 5 * time.Second, 21 * time.Second, false, false},
		{"zerolatency, whole", encoding{fps: 30, gop: 2 * time.Second, x264: []string{"-tune", "zerolatency"}}, 0, 0, false, false},
		{"60 fps x264 defaults, from 0:13", encoding{fps: 60, gop: 2 * time.Second}, 13 * time.Second, 0, false, false},
		{"fMP4, x264 defaults, whole", encoding{fps: 30, gop: 2 * time.Second, fmp4: true}, 0, 0, false, false},
		{"fMP4, x264 defaults, from 0:13", encoding{fps: 30, gop: 2 * time.Second, fmp4: true}, 13 * time.Second, 0, false, false},
		// Exact mode re-encodes up to the next chunk and joins the rest
		// through the concat demuxer, which leaves a frame or two between
		// B-frame chunks in both tracks: the sound's are filled (not told).
		{"x264 defaults, exact from 0:13.5", encoding{fps: 30, gop: 2 * time.Second}, 13*time.Second + 500*time.Millisecond, 0, true, false},
		// The whole talk but its first half second, exact: the head is
		// re-encoded, then seven chunk seams copied.
		{"x264 defaults, exact from 0:00.5", encoding{fps: 30, gop: 2 * time.Second}, 500 * time.Millisecond, 0, true, false},
		{"x264 defaults, exact from 0:00.5 to 0:27.5", encoding{fps: 30, gop: 2 * time.Second}, 500 * time.Millisecond, 27*time.Second + 500*time.Millisecond, true, false},
		{"zerolatency, exact from 0:00.5", encoding{fps: 30, gop: 2 * time.Second, x264: []string{"-tune", "zerolatency"}}, 500 * time.Millisecond, 0, true, false},
		// The first picture is decoded before the concat timeline's zero:
		// the cut (-ss) is below zero.
		{"x264 defaults, whole, concat demuxer", encoding{fps: 30, gop: 2 * time.Second}, 0, 0, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tl, dir, names := encoded(t, c.e)
			out := filepath.Join(t.TempDir(), "out.mp4")
			spec := RenderSpec{Dir: dir, Chunks: names, Output: out, OneStream: !c.concat, Fragmented: c.e.fmp4, Exact: c.exact,
				Start: c.start, End: c.end, Durations: fourSeconds(len(names), c.e.len())}
			cut, err := tl.Render(context.Background(), spec)
			if err != nil {
				t.Fatal(err)
			}
			// Fast mode starts on the keyframe at or before the start,
			// exact mode on the picture asked for.
			want := c.start.Truncate(c.e.gop)
			if c.exact {
				want = c.start
			}
			if (cut.Start - want).Abs() > time.Second/time.Duration(c.e.fps) {
				t.Errorf("starts at %v, want %v", cut.Start, want)
			}
			if len(cut.Holes) > 0 {
				t.Errorf("holes told of: %v", cut.Holes)
			}
			end := endOf(t, cut, c.end, c.e)
			faithful(t, read(t, tl, out, c.e.fps, end-want), c.e.fps)
		})
	}
}

// Sound as live encoders send it: a 21 s drop-out filled with silence, a
// clock 0.3% slow stretched onto the picture's, and AC-3, E-AC-3, MP3 and
// Opus sound, each the only one, rendered in sync.
func TestRenderSound(t *testing.T) {
	bframes := encoding{fps: 30, gop: 2 * time.Second}
	with := func(f func(*encoding)) encoding { e := bframes; f(&e); return e }
	hole := with(func(e *encoding) { e.length, e.holeFrom, e.holeTo = 40*time.Second, 12*time.Second, 33*time.Second })
	cases := []struct {
		name       string
		e          encoding
		start, end time.Duration
		holes      []Hole // in the output
		converted  string
		stretched  bool
	}{
		{"sound missing for 21 s", hole, 0, 0, []Hole{{12 * time.Second, 21 * time.Second}}, "", false},
		{"sound missing for 21 s, from 0:05 to 0:37", hole, 5 * time.Second, 37 * time.Second, []Hole{{8 * time.Second, 21 * time.Second}}, "", false},
		{"sound missing for 21 s, fMP4", with(func(e *encoding) { *e = hole; e.fmp4 = true }), 0, 0, []Hole{{12 * time.Second, 21 * time.Second}}, "", false},
		{"sound clock 0.3% slow", with(func(e *encoding) { e.length, e.clock = 40*time.Second, 1.003 }), 0, 0, nil, "", true},
		{"AC-3", with(func(e *encoding) { e.audio = "ac3" }), 0, 0, nil, "ac3", false},
		{"AC-3, fMP4, from 0:13", with(func(e *encoding) { e.audio, e.fmp4 = "ac3", true }), 13 * time.Second, 0, nil, "ac3", false},
		{"E-AC-3", with(func(e *encoding) { e.audio = "eac3" }), 0, 0, nil, "eac3", false},
		{"MP3", with(func(e *encoding) { e.audio = "mp3" }), 0, 0, nil, "", false},
		{"Opus", with(func(e *encoding) { e.audio = "opus" }), 0, 0, nil, "opus", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tl, dir, names := encoded(t, c.e)
			out := filepath.Join(t.TempDir(), "out.mp4")
			spec := RenderSpec{Dir: dir, Chunks: names, Output: out, OneStream: true, Fragmented: c.e.fmp4,
				Start: c.start, End: c.end, Durations: fourSeconds(len(names), c.e.len())}
			cut, err := tl.Render(context.Background(), spec)
			if err != nil {
				t.Fatal(err)
			}
			end := endOf(t, cut, c.end, c.e)
			var silent [][2]time.Duration
			for _, h := range c.holes {
				silent = append(silent, [2]time.Duration{h.At, h.At + h.Length})
			}
			faithful(t, read(t, tl, out, c.e.fps, end-cut.Start, silent...), c.e.fps)
			if len(cut.Holes) != len(c.holes) {
				t.Fatalf("holes %v, want %v", cut.Holes, c.holes)
			}
			for i, h := range cut.Holes {
				if (h.At-c.holes[i].At).Abs() > 50*time.Millisecond || (h.Length-c.holes[i].Length).Abs() > 50*time.Millisecond {
					t.Errorf("hole %v, want %v", h, c.holes[i])
				}
			}
			if cut.Converted != c.converted || (cut.Stretched != 0) != c.stretched {
				t.Errorf("converted %q, stretched %v (drift %v); want %q, %v", cut.Converted, cut.Stretched, cut.Drift, c.converted, c.stretched)
			}
			info, err := tl.Probe(context.Background(), out)
			if err != nil {
				t.Fatal(err)
			}
			if a, _ := info.Stream("audio"); (c.converted != "") != (a.Codec == "aac" && c.e.audio != "") && c.e.audio != "" {
				t.Errorf("the sound is %s", a.Codec)
			}
		})
	}
}

// Rendered while the chunks arrive, as the CLI does, the sound's holes
// show only once the last chunk is there: the render is done again from
// the chunks on disk with the holes filled.
func TestRenderWhileDownloadingFillsHoles(t *testing.T) {
	e := encoding{fps: 30, gop: 2 * time.Second, length: 40 * time.Second, holeFrom: 12 * time.Second, holeTo: 33 * time.Second}
	tl, src, names := encoded(t, e)
	dir := t.TempDir()
	spec := RenderSpec{Dir: dir, Chunks: names, Durations: fourSeconds(len(names), e.len()), OneStream: true,
		Output: filepath.Join(t.TempDir(), "talk.mp4"), Ready: readyAfter(dir, names, nil)}
	if !tl.streamable(spec) {
		t.Skip("this system renders only once every chunk is there")
	}
	go trickle(src, dir, names)
	cut, err := tl.Render(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(cut.Holes) != 1 || (cut.Holes[0].At-12*time.Second).Abs() > 50*time.Millisecond || (cut.Holes[0].Length-21*time.Second).Abs() > 50*time.Millisecond {
		t.Errorf("holes %v, want 21 s at 0:12", cut.Holes)
	}
	faithful(t, read(t, tl, spec.Output, e.fps, e.len(), [2]time.Duration{12 * time.Second, 33 * time.Second}), e.fps)
	if entries, _ := os.ReadDir(filepath.Dir(spec.Output)); len(entries) != 1 {
		t.Errorf("beside the video: %v", entries)
	}
}

// Rendered while the chunks arrive, a trim of B-frame pictures ends on a
// picture too: the render waits for the chunks around the end.
func TestRenderWhileDownloadingEndsOnPicture(t *testing.T) {
	e := encoding{fps: 30, gop: 2 * time.Second}
	tl, src, names := encoded(t, e)
	dir := t.TempDir()
	spec := RenderSpec{Dir: dir, Chunks: names, Durations: fourSeconds(len(names), e.len()), OneStream: true,
		Start: 5 * time.Second, End: 21 * time.Second, Output: filepath.Join(t.TempDir(), "talk.mp4"), Ready: readyAfter(dir, names, nil)}
	if !tl.streamable(spec) {
		t.Skip("this system renders only once every chunk is there")
	}
	go trickle(src, dir, names)
	cut, err := tl.Render(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	faithful(t, read(t, tl, spec.Output, e.fps, endOf(t, cut, spec.End, e)-cut.Start), e.fps)
}
