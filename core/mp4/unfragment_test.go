package mp4

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// slow skips t in -short runs (make test-short), which keep the render's
// own case of TestUnfragmentMatchesFFmpeg and the quick tests.
func slow(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("slow: not in -short")
	}
}

func needFFmpeg(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// source writes a few seconds of MPEG-TS like a broadcast's chunks: H.264
// (with bframes B-frames) and AAC, a keyframe every second.
func source(t testing.TB, dir string, seconds string, bframes int) string {
	t.Helper()
	ts := filepath.Join(dir, "source-"+seconds+"s-"+strconv.Itoa(bframes)+".ts")
	run(t, "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=s=320x180:r=30",
		"-f", "lavfi", "-i", "sine=f=440:r=44100",
		"-t", seconds, "-c:v", "libx264", "-preset", "ultrafast", "-bf", strconv.Itoa(bframes), "-g", "30",
		"-c:a", "aac", "-b:a", "64k", "-f", "mpegts", ts)
	return ts
}

// mux runs ffmpeg with input args ins and output args outs twice: once as
// ffmpeg's ordinary MP4 (the reference) and once fragmented, which
// Unfragment with opts turns into the file tested.
func mux(t *testing.T, dir string, ins, outs []string, ext string, opts Options) (ref, got string) {
	var frag string
	t.Helper()
	ref, frag, got = filepath.Join(dir, "ref"+ext), filepath.Join(dir, "frag"+ext), filepath.Join(dir, "got"+ext)
	base := append([]string{"-hide_banner", "-loglevel", "error", "-y"}, ins...)
	run(t, "ffmpeg", append(append(append([]string{}, base...), outs...), "-movflags", "+faststart", "-f", "mp4", ref)...)
	run(t, "ffmpeg", append(append(append([]string{}, base...), outs...),
		"-movflags", FFmpegFlags, "-frag_duration", strconv.Itoa(FragmentMicros), "-f", "mp4", frag)...)
	src, err := os.Open(frag)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(got)
	if err != nil {
		t.Fatal(err)
	}
	if err := Unfragment(context.Background(), dst, src, opts); err != nil {
		t.Fatalf("Unfragment: %v", err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return ref, got
}

// probe is what a player sees: every stream's start and length and every
// packet's stream, times, size and flags.
func probe(t *testing.T, file string) (streams, packets string) {
	t.Helper()
	streams = run(t, "ffprobe", "-v", "error", "-show_entries",
		"stream=index,codec_type,codec_name,profile,width,height,sample_rate,channels,time_base,start_pts,start_time,duration_ts,duration,nb_frames",
		"-of", "compact", file)
	packets = run(t, "ffprobe", "-v", "error", "-show_entries", "packet=stream_index,pts,dts,duration,size,pos,flags",
		"-of", "compact", file)
	return streams, packets
}

// samePackets compares the two packet lists stream by stream, but for the
// byte positions: the fragments interleave the tracks at each keyframe,
// ffmpeg's own muxer about every second, so the files' orders differ.
func samePackets(t *testing.T, ref, got string) {
	t.Helper()
	strip := func(s string) []string {
		lines := strings.Split(strings.TrimSpace(s), "\n")
		for i, l := range lines {
			var keep []string
			for _, f := range strings.Split(l, "|") {
				if !strings.HasPrefix(f, "pos=") {
					keep = append(keep, f)
				}
			}
			lines[i] = strings.Join(keep, "|")
		}
		stream := func(l string) string { // "packet|stream_index=N|..."
			f := strings.SplitN(l, "|", 3)
			return f[min(1, len(f)-1)]
		}
		slices.SortStableFunc(lines, func(a, b string) int { return strings.Compare(stream(a), stream(b)) })
		return lines
	}
	r, g := strip(ref), strip(got)
	if len(r) != len(g) {
		t.Fatalf("%d packets, ffmpeg's own MP4 has %d", len(g), len(r))
	}
	for i := range r {
		if r[i] != g[i] {
			t.Fatalf("packet %d differs:\n got %s\nwant %s", i, g[i], r[i])
		}
	}
}

// layout is the file's top-level box types.
func layout(t *testing.T, file string) []string {
	t.Helper()
	p, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for len(p) >= 8 {
		typ, _, size, err := header(p)
		if err != nil || size < 8 || size > uint64(len(p)) {
			t.Fatalf("bad box at the end of %v", types)
		}
		types = append(types, typ)
		p = p[size:]
	}
	return types
}

func TestUnfragmentMatchesFFmpeg(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	plain := source(t, dir, "12", 0)
	bframes := ""
	if !testing.Short() {
		bframes = source(t, dir, "12", 2)
	}
	copyBoth := []string{"-map", "0:v:0", "-map", "1:a:0", "-c", "copy", "-bsf:a", "aac_adtstoasc"}
	cases := []struct {
		name      string
		ins, outs []string
		ext       string
		wide      bool
	}{
		// The render's shape: the chunks read twice, the sound shifted,
		// cut on the output side at a keyframe (see media.renderArgs).
		{"render", []string{"-copyts", "-i", plain, "-itsoffset", "0.5", "-i", plain},
			append(append([]string{}, copyBoth...), "-ss", "2.0999", "-t", "8"), ".mp4", false},
		{"sound starts later", []string{"-i", plain, "-itsoffset", "2", "-i", plain}, copyBoth, ".mp4", false},
		{"64-bit offsets", []string{"-i", plain, "-i", plain}, copyBoth, ".mp4", true},
		{"B-frames", []string{"-i", bframes, "-i", bframes}, copyBoth, ".mp4", false},
		{"picture re-encoded", []string{"-i", plain, "-i", plain},
			[]string{"-map", "0:v:0", "-map", "1:a:0", "-c:v", "libx264", "-preset", "ultrafast", "-bf", "0", "-c:a", "copy", "-bsf:a", "aac_adtstoasc"}, ".mp4", false},
		{"sound only", []string{"-i", plain}, []string{"-vn", "-c:a", "copy", "-bsf:a", "aac_adtstoasc"}, ".m4a", false},
	}
	// Not among them: sound encoded by ffmpeg in the same run. Its fragmented
	// muxer gives the encoder's last, shorter or longer packet the default
	// duration, so renders that encode the sound keep the ordinary muxer.
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.name != "render" {
				slow(t)
			}
			d := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-"))
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
			// Copied is told every mdat's media once, in file order.
			var copied [][2]int64
			ref, got := mux(t, d, c.ins, c.outs, c.ext, Options{wide: c.wide,
				Copied: func(off, n int64) { copied = append(copied, [2]int64{off, n}) }})
			frag, err := os.ReadFile(filepath.Join(d, "frag"+c.ext))
			if err != nil {
				t.Fatal(err)
			}
			var end int64
			for _, r := range copied {
				if r[0] < end+8 || r[1] <= 0 || r[0]+r[1] > int64(len(frag)) || string(frag[r[0]-4:r[0]]) != "mdat" {
					t.Fatalf("copied ranges %v: %v is not the next mdat's media", copied, r)
				}
				end = r[0] + r[1]
			}
			if len(copied) == 0 || bytes.Count(frag, []byte("moof")) < len(copied) {
				t.Errorf("%d ranges copied", len(copied))
			}
			refStreams, refPackets := probe(t, ref)
			gotStreams, gotPackets := probe(t, got)
			if gotStreams != refStreams {
				t.Errorf("streams differ from ffmpeg's own MP4:\n got %s\nwant %s", gotStreams, refStreams)
			}
			samePackets(t, refPackets, gotPackets)
			// The index is in front: a player streaming the file can
			// start before the end arrives.
			if l := strings.Join(layout(t, got), " "); l != "ftyp moov mdat" {
				t.Errorf("top-level boxes %q, want ftyp moov mdat", l)
			}
			if c.wide != strings.Contains(dumpStbl(t, got), "co64") {
				t.Errorf("64-bit offsets: %v, want %v", !c.wide, c.wide)
			}
			// And it decodes without a complaint.
			if out := run(t, "ffmpeg", "-v", "error", "-i", got, "-f", "null", "-"); strings.TrimSpace(out) != "" {
				t.Errorf("decoding says: %s", out)
			}
		})
	}
}

// With EndWithVideo, sound moved later than the picture stops where the
// picture stops: the video is ffmpeg's to the packet, the sound is ffmpeg's
// up to the last packet that starts before the video's end.
func TestUnfragmentEndsWithVideo(t *testing.T) {
	slow(t)
	needFFmpeg(t)
	dir := t.TempDir()
	plain := source(t, dir, "12", 0)
	ref, got := mux(t, dir, []string{"-i", plain, "-itsoffset", "1.5", "-i", plain},
		[]string{"-map", "0:v:0", "-map", "1:a:0", "-c", "copy", "-bsf:a", "aac_adtstoasc"}, ".mp4", Options{EndWithVideo: true})
	// Where each track ends on the player's clock: its start plus length.
	ends := func(file string) (video, audio float64) {
		out := run(t, "ffprobe", "-v", "error", "-show_entries", "stream=codec_type,start_time,duration", "-of", "csv=p=0", file)
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			f := strings.Split(l, ",")
			start, err1 := strconv.ParseFloat(f[1], 64)
			length, err2 := strconv.ParseFloat(f[2], 64)
			if len(f) != 3 || err1 != nil || err2 != nil {
				t.Fatalf("stream %q", l)
			}
			if f[0] == "video" {
				video = start + length
			} else {
				audio = start + length
			}
		}
		return video, audio
	}
	refVideo, refAudio := ends(ref)
	video, audio := ends(got)
	if refAudio < refVideo+1.4 {
		t.Fatalf("the reference's sound (%.3f s) does not run past its picture (%.3f s): nothing to test", refAudio, refVideo)
	}
	if video != refVideo {
		t.Errorf("video %.3f s, ffmpeg's %.3f s", video, refVideo)
	}
	// The last sound packet starts before the picture's end: it may run
	// on by less than one AAC frame (1024 samples).
	if audio < video-0.001 || audio > video+1024.0/44100 {
		t.Errorf("sound lasts %.3f s for a picture of %.3f s", audio, video)
	}
	_, refPackets := probe(t, ref)
	_, gotPackets := probe(t, got)
	// The sound's packets that start before the picture's end (ffprobe's
	// times include the 1.5 s delay the edit list gives the sound).
	var want []string
	for _, l := range strings.Split(strings.TrimSpace(refPackets), "\n") {
		if strings.Contains(l, "stream_index=1|") {
			pts, _ := strconv.Atoi(strings.TrimPrefix(strings.Split(l, "|")[2], "pts="))
			if float64(pts)/44100 >= video {
				continue
			}
		}
		want = append(want, l)
	}
	// ffprobe gives a track's last packet the length up to the edit's end,
	// which is in milliseconds: the last sound packet's length is ours alone.
	lastSound := func(lines []string) []string {
		for i := len(lines) - 1; i >= 0; i-- {
			if strings.Contains(lines[i], "stream_index=1|") {
				lines[i] = regexp.MustCompile(`\|duration=\d+`).ReplaceAllString(lines[i], "")
				break
			}
		}
		return lines
	}
	samePackets(t, strings.Join(lastSound(want), "\n"), strings.Join(lastSound(strings.Split(strings.TrimSpace(gotPackets), "\n")), "\n"))
}

// dumpStbl lists the box types in the first track's stbl.
func dumpStbl(t *testing.T, file string) string {
	t.Helper()
	p, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	walk := func(p []byte) {
		boxes, err := parseBoxes(p)
		if err != nil {
			return
		}
		for _, b := range boxes {
			all = append(all, b.typ)
			if b.typ == "moov" {
				for _, k := range b.kids {
					all = append(all, k.typ)
					if k.typ == "trak" {
						all = append(all, strings.Join(boxTypes(stblOf(k)), " "))
					}
				}
			}
		}
	}
	end := bytes.Index(p, []byte("mdat"))
	if end < 4 {
		t.Fatal("no mdat")
	}
	walk(p[:end-4])
	return strings.Join(all, " ")
}

func boxTypes(b *box) []string {
	var out []string
	for _, k := range b.kids {
		out = append(out, k.typ)
	}
	return out
}

func TestUnfragmentRefusesDamage(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	ts := source(t, dir, "4", 0)
	frag := filepath.Join(dir, "frag.mp4")
	run(t, "ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", ts, "-c", "copy", "-bsf:a", "aac_adtstoasc",
		"-movflags", FFmpegFlags, "-frag_duration", strconv.Itoa(FragmentMicros), "-f", "mp4", frag)
	whole, err := os.ReadFile(frag)
	if err != nil {
		t.Fatal(err)
	}
	mdat := bytes.LastIndex(whole, []byte("mdat"))
	moof := bytes.Index(whole, []byte("moof"))
	cases := map[string][]byte{
		"cut in the media":   whole[:mdat+100],
		"cut in a header":    whole[:moof+20],
		"media without moof": append(append([]byte{}, whole[:moof-4]...), whole[mdat-4:]...),
		"not an MP4":         []byte("#EXTM3U\n#EXT-X-ENDLIST\n"),
		"empty":              nil,
	}
	// A moof whose size points past the end of the file.
	huge := bytes.Clone(whole)
	binary.BigEndian.PutUint32(huge[moof-4:], 0x7FFFFFF0)
	cases["a box larger than the file"] = huge

	for name, p := range cases {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			err := Unfragment(context.Background(), &out, bytes.NewReader(p), Options{})
			if err == nil {
				t.Fatalf("no error; wrote %d bytes", out.Len())
			}
		})
	}

	// Cancelled: stops with the context's error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Unfragment(ctx, &bytes.Buffer{}, bytes.NewReader(whole), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestWithDurationWidens(t *testing.T) {
	// An mdhd, version 0: times 1 and 2, time scale 90000, duration 5.
	p := fullBox(0, 0, 1)
	p = binary.BigEndian.AppendUint32(p, 2)
	p = binary.BigEndian.AppendUint32(p, 90000)
	p = binary.BigEndian.AppendUint32(p, 5)
	p = append(p, 0x55, 0xc4, 0, 0)

	same := withDuration(p, 4, 7)
	if len(same) != len(p) || binary.BigEndian.Uint32(same[16:]) != 7 || binary.BigEndian.Uint32(p[16:]) != 5 {
		t.Errorf("version 0 update: % x", same)
	}
	long := uint64(14*3600) * 90000 // past 32 bits at 90 kHz
	q := withDuration(p, 4, long)
	if q[0] != 1 || len(q) != len(p)+12 {
		t.Fatalf("not widened to version 1: % x", q)
	}
	if c, m := binary.BigEndian.Uint64(q[4:]), binary.BigEndian.Uint64(q[12:]); c != 1 || m != 2 {
		t.Errorf("times %d %d, want 1 2", c, m)
	}
	if scale, _ := field32(q); scale != 90000 {
		t.Errorf("time scale %d", scale)
	}
	if d := binary.BigEndian.Uint64(q[24:]); d != long {
		t.Errorf("duration %d, want %d", d, long)
	}
	if !bytes.Equal(q[32:], p[20:]) {
		t.Errorf("language lost: % x", q[32:])
	}
}

func TestRescale(t *testing.T) {
	for _, c := range []struct {
		d        uint64
		from, to uint32
		want     uint64
	}{
		{90000, 90000, 1000, 1000},
		{1024, 44100, 1000, 23},
		{3 * 3600 * 90000, 90000, 1000, 3 * 3600 * 1000},
		{1 << 60, 90000, 1000, (1 << 60) / 90000 * 1000}, // past 64 bits in between
		{5, 0, 1000, 0},
	} {
		if got := rescale(c.d, c.from, c.to); got != c.want {
			t.Errorf("rescale(%d, %d, %d) = %d, want %d", c.d, c.from, c.to, got, c.want)
		}
	}
}

func FuzzUnfragment(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x00\x00\x00\x08moov\x00\x00\x00\x08moof\x00\x00\x00\x08mdat"))
	if _, err := exec.LookPath("ffmpeg"); err == nil {
		// Small, so the fuzzer mutates headers rather than media.
		frag := filepath.Join(f.TempDir(), "frag.mp4")
		run(f, "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
			"-f", "lavfi", "-i", "testsrc2=s=32x32:r=10", "-f", "lavfi", "-i", "sine=r=8000",
			"-t", "1.5", "-c:v", "libx264", "-g", "5", "-c:a", "aac", "-b:a", "8k",
			"-movflags", FFmpegFlags, "-f", "mp4", frag)
		if p, err := os.ReadFile(frag); err == nil {
			f.Add(p)
		}
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		var out bytes.Buffer
		if err := Unfragment(context.Background(), &out, bytes.NewReader(p), Options{EndWithVideo: true}); err != nil {
			return
		}
		// What it accepts, it writes as ftyp, moov, mdat.
		if out.Len() < 8 || string(out.Bytes()[4:8]) != "ftyp" {
			t.Fatalf("output starts % x", out.Bytes()[:min(out.Len(), 16)])
		}
	})
}

// BenchmarkUnfragment rewrites 10 minutes of tiny 30 fps video with sound
// (about 46,000 samples): the cost is the index, per sample, not the media.
func BenchmarkUnfragment(b *testing.B) {
	needFFmpeg(b)
	frag := filepath.Join(b.TempDir(), "frag.mp4")
	run(b, "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=s=32x32:r=30", "-f", "lavfi", "-i", "sine=r=44100",
		"-t", "600", "-c:v", "libx264", "-preset", "ultrafast", "-g", "90", "-c:a", "aac", "-b:a", "8k",
		"-movflags", FFmpegFlags, "-frag_duration", strconv.Itoa(FragmentMicros), "-f", "mp4", frag)
	src, err := os.Open(frag)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	st, _ := src.Stat()
	_, tracks, _, err := scan(context.Background(), src, uint64(st.Size()))
	if err != nil {
		b.Fatal(err)
	}
	samples := 0
	for _, t := range tracks {
		samples += t.sizes.n
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := Unfragment(context.Background(), io.Discard, src, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(samples), "samples")
}

// keep(n) leaves the same tables as a track that only ever had those n
// samples, whatever the runs and chunks they fall in.
func TestKeepMatchesAShorterTrack(t *testing.T) {
	type sample struct {
		duration, size, flags uint32
		shift                 int32
	}
	var samples []sample
	for i := range 3*sizeBlock + 17 {
		s := sample{duration: 3000, size: uint32(100 + i%7), flags: nonSync}
		if i%30 == 0 {
			s.flags = 0
		}
		if i%50 > 45 {
			s.duration = 3003
		}
		s.shift = int32(i%3) * 3000
		samples = append(samples, s)
	}
	build := func(n int) *track {
		tr := &track{}
		tr.decodeTime(900)
		for at := 0; at < n; {
			count := min(n-at, 1+at%41) // chunks of changing sizes
			for _, s := range samples[at : at+count] {
				tr.add(s.duration, s.size, s.flags, s.shift)
			}
			tr.chunks = append(tr.chunks, chunk{at: uint64(at), samples: uint32(count)})
			at += count
		}
		return tr
	}
	encode := func(tr *track) string {
		var b bytes.Buffer
		w := bufio.NewWriter(&b)
		for _, x := range tr.tables(0, false) {
			x.writeTo(w)
		}
		w.Flush()
		return fmt.Sprintf("%x %d", b.Bytes(), tr.mediaDuration())
	}
	for _, n := range []int{1, 2, 29, 30, 31, 47, sizeBlock - 1, sizeBlock, sizeBlock + 1, 2*sizeBlock + 500} {
		// Both tracks' chunks agree up to the n-th sample.
		whole := build(len(samples))
		whole.keep(n)
		if got, want := encode(whole), encode(build(n)); got != want {
			t.Errorf("keep(%d) differs from a track of %d samples", n, n)
		}
		if whole.firstAtOrAfter(float64(whole.mediaDuration())) != n {
			t.Errorf("keep(%d): firstAtOrAfter(the end) = %d", n, whole.firstAtOrAfter(float64(whole.mediaDuration())))
		}
	}
}

// NoReorderDelay: B-frame video copied from zero has its first picture's
// composition offset waited out behind an edit list; the rewrite shows the
// same pictures in the same order a fixed delay earlier, from zero, with
// negative composition offsets and no edit list, so players that ignore
// edit lists see what the others see.
func TestUnfragmentNoReorderDelay(t *testing.T) {
	slow(t)
	needFFmpeg(t)
	dir := t.TempDir()
	ts := source(t, dir, "4", 2)
	ref, got := mux(t, dir, []string{"-i", ts}, []string{"-map", "0:v:0", "-c", "copy"}, ".mp4", Options{NoReorderDelay: true})
	// Presentation times in ms, in decode order.
	times := func(file string, ignore bool) []int {
		args := []string{"-v", "error"}
		if ignore {
			args = append(args, "-ignore_editlist", "1")
		}
		out := run(t, "ffprobe", append(args, "-select_streams", "v:0", "-show_entries", "packet=pts_time", "-of", "csv=p=0", file)...)
		var ms []int
		for _, l := range strings.Fields(out) {
			f, err := strconv.ParseFloat(strings.TrimSuffix(l, ","), 64)
			if err != nil {
				t.Fatalf("pts %q", l)
			}
			ms = append(ms, int(f*1000+0.5))
		}
		return ms
	}
	want := times(ref, false)
	if len(want) != 120 || slices.Min(want) != 0 {
		t.Fatalf("the reference shows %d pictures from %d ms", len(want), slices.Min(want))
	}
	if raw := times(ref, true); slices.Min(raw) == 0 {
		t.Fatalf("the reference's pictures start at 0 without its edit list: nothing to test")
	}
	for _, ignore := range []bool{false, true} {
		if got := times(got, ignore); !slices.Equal(got, want) {
			t.Errorf("ignoring edit lists %v: pictures at %v, want %v", ignore, got[:8], want[:8])
		}
	}
	stbl := dumpStbl(t, got)
	if !strings.Contains(stbl, "ctts") {
		t.Errorf("no composition offsets: %s", stbl)
	}
	p, _ := os.ReadFile(got)
	if bytes.Contains(p, []byte("elst")) || !bytes.Contains(p[:40], []byte("iso4")) {
		t.Errorf("an edit list is left, or iso4 (signed offsets) is not declared: % x", p[:40])
	}
}

// VideoSamples keeps the first so many pictures in decode order, and
// EndWithVideo then ends the sound with them.
func TestUnfragmentVideoSamples(t *testing.T) {
	slow(t)
	needFFmpeg(t)
	dir := t.TempDir()
	ts := source(t, dir, "4", 2)
	_, got := mux(t, dir, []string{"-i", ts}, []string{"-c", "copy", "-bsf:a", "aac_adtstoasc"}, ".mp4", Options{VideoSamples: 61, EndWithVideo: true})
	out := run(t, "ffprobe", "-v", "error", "-show_entries", "stream=codec_type,start_time,duration,nb_frames", "-of", "csv=p=0", got)
	ends := map[string]float64{}
	for _, l := range strings.Fields(out) {
		f := strings.Split(l, ",")
		if len(f) < 4 {
			continue
		}
		start, _ := strconv.ParseFloat(f[1], 64)
		d, _ := strconv.ParseFloat(f[2], 64)
		ends[f[0]] = start + d
		if f[0] == "video" && f[3] != "61" {
			t.Errorf("%s pictures, want 61", f[3])
		}
	}
	// The sound, which ran on for 4 s, ends with the picture (EndWithVideo:
	// no sound frame starts after the picture's last one ends).
	if v, a := ends["video"], ends["audio"]; v < 2 || v > 2.2 || a > v+0.024 || a < 1.9 {
		t.Errorf("picture ends at %v s, sound at %v s: %s", v, a, out)
	}
}
