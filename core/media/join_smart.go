package media

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"replayrescue/core/internal/safefile"
	"replayrescue/core/mp4"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Smart joins: the pieces of a talk cut on the very frames (--exact), or
// pieces whose pictures are stored out of order (B-frames), joined with
// their pictures copied wherever they can be. Each piece is made of up to
// three stretches, read in order through one concat list:
//
//   - a head, encoded: the pictures from the piece's first one (on the
//     very frame in exact mode) up to the first keyframe after it, when
//     the piece does not start on a keyframe;
//   - the pictures from that keyframe on, copied, up to the last place
//     where every picture decoded so far is shown before every picture
//     still to come (a B-frame shown before the end may depend on a
//     picture shown after it, which is decoded first: a copy can only end
//     where nothing is missing and nothing is too many);
//   - a tail, encoded: the few pictures between that place and the
//     piece's end, in exact mode (fast mode ends at the next such place
//     instead, a frame or two after the end asked for).
//
// The encoded stretches use the source's codec, profile and pixel format
// without B-frames, as the exact start does (render_smartcut.go), and are
// shown the copy's reorder delay after they are decoded, so that decode
// times run on one frame apart across every seam. The MP4 rewrite then
// shows the first picture at zero (mp4.Options.NoReorderDelay), so players
// that ignore edit lists keep the sound in sync. The sound is encoded
// across the joins as in every join (partSound, cutFade).

// smartPart is one part's share of a smart join's list.
type smartPart struct {
	entries []listEntry
	encoded int      // pictures encoded (head and tail)
	copied  int      // pictures copied
	files   []string // the encoded stretches, removed after the render
}

// listEntry is one file of a smart join's list and its directives; a
// negative time leaves its directive out.
type listEntry struct {
	path                        string // absolute
	inpoint, outpoint, duration time.Duration
}

// smartJoinable tells whether the pictures described by videos can be
// joined smart, as spec asks: one size, profile, pixel format and frame
// rate of H.264 in MPEG-TS chunks, no cross-fade, and exact cuts or
// B-frames to deal with (else the plain copy, copyable, serves). Encoded
// stretches need libx264 (a head that matches the source's profile) and,
// with B-frames, setts (ffmpeg 4.4) to delay them like the copy.
func (t Tools) smartJoinable(ctx context.Context, spec JoinSpec, videos []StreamInfo) bool {
	if spec.Reencode || (spec.Crossfade > 0 && len(videos) > 1) {
		return false
	}
	first, bframes := videos[0], false
	for i, v := range videos {
		if v.Codec != "h264" || v.Width != first.Width || v.Height != first.Height || v.Profile != first.Profile ||
			v.PixFmt != first.PixFmt || math.Abs(v.FrameRate-first.FrameRate) > 0.01 || v.Width <= 0 || v.FrameRate <= 0 ||
			spec.Parts[i].Fragmented || spec.Parts[i].Pieces || len(spec.Parts[i].AudioChunks) > 0 {
			return false
		}
		bframes = bframes || v.BFrames != 0
	}
	if !spec.Exact && (!bframes || !cuts(spec)) {
		// The plain copy (copyWindow), or B-frame parts of several
		// broadcasts, which are joined on the very frames asked for
		// (encoded) as before: only a save with cuts starts its pieces
		// on keyframes.
		return false
	}
	if bframes && !atLeast(t.Major, t.Minor, 4, 4) {
		return false
	}
	// Fast mode with B-frames copies from keyframe to keyframe and
	// encodes nothing.
	return !spec.Exact || t.VideoEncoder(ctx) == "libx264"
}

// cuts tells whether spec joins the pieces of a talk with cuts.
func cuts(spec JoinSpec) bool {
	return slices.ContainsFunc(spec.Parts, func(p RenderSpec) bool { return p.CutBefore || p.CutAfter })
}

// smartJoinArgs builds a smart join's output (see above), and tells where
// each part lands.
func (t Tools) smartJoinArgs(ctx context.Context, spec JoinSpec, parts []joinPart) (Joined, joinOutput, error) {
	parts = slices.Clone(parts) // the cuts move; a failure leaves them for joinArgs
	reorder := time.Duration(-1)
	for _, jp := range parts {
		r := firstReorder(jp.pkts)
		if reorder >= 0 && r != reorder {
			return Joined{}, joinOutput{}, errors.New("the parts' pictures are reordered differently")
		}
		reorder = r
	}
	pid := -1
	var entries []listEntry
	var encoded, copied int
	var files []string
	for i := range parts {
		sp, err := t.smartWindow(ctx, &parts[i], spec.Parts[i], spec.Exact, reorder, i)
		files = append(files, sp.files...)
		if err != nil {
			removeAll(files)
			return Joined{}, joinOutput{}, fmt.Errorf("part %d: %w", i+1, err)
		}
		_, pids := tsHead(filepath.Join(spec.Parts[i].Dir, parts[i].p.chunks[0]))
		if len(pids) == 0 || (pid >= 0 && pids[0] != pid) {
			removeAll(files)
			return Joined{}, joinOutput{}, errors.New("the parts' pictures are not MPEG-TS streams alike")
		}
		pid = pids[0]
		entries = append(entries, sp.entries...)
		encoded, copied = encoded+sp.encoded, copied+sp.copied
	}
	list, err := writeSmartList(filepath.Join(spec.Parts[0].Dir, JoinListName), entries, pid)
	if err != nil {
		removeAll(files)
		return Joined{}, joinOutput{}, err
	}
	res, sounds := joinedParts(spec, parts)
	res.Encoded, res.Copied = encoded, copied
	a := ffmpeg.Filter(sounds, "concat", nil, ffmpeg.KwArgs{"n": fmt.Sprint(len(parts)), "v": "0", "a": "1"})
	// Fragmented, as a single render writes it, for the MP4 rewrite.
	opts := ffmpeg.KwArgs{"c:v": "copy", "c:a": "aac", "b:a": "128k",
		"movflags": mp4.FFmpegFlags, "frag_duration": strconv.Itoa(mp4.FragmentMicros)}
	return res, joinOutput{
		streams:        []*ffmpeg.Stream{concatSource(list).input().Get("v:0"), a},
		opts:           opts,
		sound:          joinedSound(sounds, 0),
		noReorderDelay: reorder > 0,
		temp:           files,
	}, nil
}

// removeAll removes the files made for a render.
func removeAll(files []string) {
	for _, f := range files {
		os.Remove(f)
	}
}

// joinedParts tells where each of parts lands, one after the other, and
// gives each its sound, exactly as long as its pictures.
func joinedParts(spec JoinSpec, parts []joinPart) (Joined, []*ffmpeg.Stream) {
	rate, sound := parts[0].rate, soundRate(parts)
	res := Joined{Width: parts[0].width, Height: parts[0].height}
	var sounds []*ffmpeg.Stream
	for i, jp := range parts {
		long := time.Duration(float64(jp.frames) / rate * float64(time.Second))
		samples := int64(float64(jp.frames) / rate * float64(sound))
		sounds = append(sounds, partSound(jp, spec.Parts[i], i, sound, samples))
		res.Parts = append(res.Parts, JoinedPart{
			Start: jp.p.fromList(jp.first), At: res.Duration, Duration: long, Frames: jp.frames,
			Width: jp.width, Height: jp.height, Gap: jp.p.tracks.Gap(),
		})
		res.Duration += long
	}
	return res, sounds
}

// firstReorder is the reorder delay (see Cut.reorder) of the first
// keyframe listed: x264 keeps it the same for every keyframe of a stream.
func firstReorder(pkts []videoPacket) time.Duration {
	for _, p := range pkts {
		if p.key {
			return max(p.pts-p.dts, 0)
		}
	}
	return 0
}

// smartWindow plans part number n's stretches (see above) and encodes its
// head and tail. jp's pictures move to those kept: in fast mode from the
// keyframe at or before its first (see planCut) to the first clean end at
// or after its last.
func (t Tools) smartWindow(ctx context.Context, jp *joinPart, ps RenderSpec, exact bool, reorder time.Duration, n int) (smartPart, error) {
	pk := jp.pkts
	first := slices.IndexFunc(pk, func(p videoPacket) bool { return p.pts == jp.first })
	last := slices.IndexFunc(pk, func(p videoPacket) bool { return p.pts == jp.last })
	if first < 0 || last < first {
		return smartPart{}, ErrNoPicture
	}
	if !exact {
		key, err := planCut(jp.p.tracks, keyframesOf(pk), jp.first, ps.AudioOffset)
		if err != nil {
			return smartPart{}, err
		}
		first = slices.IndexFunc(pk, func(p videoPacket) bool { return p.pts == key })
		if first < 0 || first > last {
			return smartPart{}, ErrNoPicture
		}
	}
	// The copy: from the first keyframe on, to a clean end.
	from := first
	for from <= last && !pk[from].key {
		from++
	}
	upto := from // pictures from..upto-1 are copied
	if from <= last {
		ends, err := cleanEnds(pk, from)
		if err != nil {
			return smartPart{}, err
		}
		upto = pickEnd(ends, from, last+1, exact, len(pk))
		if upto < 0 {
			return smartPart{}, errors.New("no place to end the copied pictures")
		}
	}
	if upto <= from { // nothing copied: the whole piece is encoded
		from, upto = last+1, last+1
	}
	end := max(last, upto-1) // fast mode may keep a few more
	name := func(what string) string {
		return filepath.Join(ps.Dir, fmt.Sprintf("render-joined-%d-%s.ts", n, what))
	}
	// Whatever of these is made goes once the render is done.
	sp := smartPart{files: []string{name("head"), name("tail")}}
	if from > first {
		e, err := t.encodeStretch(ctx, jp, ps, first, min(from, end+1)-1, reorder, name("head"))
		if err != nil {
			return sp, err
		}
		sp.entries, sp.encoded = append(sp.entries, e), min(from, end+1)-first
	}
	if upto > from {
		es, made, err := t.copyStretch(ctx, jp, ps, from, upto, name("tail"))
		sp.files = append(sp.files, made...)
		if err != nil {
			return sp, err
		}
		sp.entries, sp.copied = append(sp.entries, es...), upto-from
	}
	if upto > from && end >= upto {
		e, err := t.encodeStretch(ctx, jp, ps, upto, end, reorder, name("tail"))
		if err != nil {
			return sp, err
		}
		sp.entries, sp.encoded = append(sp.entries, e), sp.encoded+end-upto+1
	}
	jp.first, jp.last, jp.frames = pk[first].pts, pk[end].pts, end-first+1
	return sp, nil
}

// cleanEnds are the places where a copy of pkts (sorted by the time they
// are shown) from the keyframe at from may end: k such that the first k
// packets in decode order are the k pictures shown first. A stream whose
// pictures after the keyframe refer to pictures before it (an open GOP) is
// refused: its copy would show pictures it cannot decode.
func cleanEnds(pkts []videoPacket, from int) ([]int, error) {
	key := pkts[from]
	var order []videoPacket
	for _, p := range pkts {
		switch before, shownBefore := p.dts < key.dts, p.pts < key.pts; {
		case before && shownBefore:
		case before || shownBefore:
			return nil, errors.New("pictures after the keyframe depend on pictures before it")
		default:
			order = append(order, p)
		}
	}
	slices.SortStableFunc(order, func(a, b videoPacket) int { return cmp.Compare(a.dts, b.dts) })
	// rest[i]: the earliest time shown among order[i:].
	rest := make([]time.Duration, len(order)+1)
	rest[len(order)] = math.MaxInt64
	for i := len(order) - 1; i >= 0; i-- {
		rest[i] = min(order[i].pts, rest[i+1])
	}
	var ends []int
	var shown time.Duration
	for i, p := range order {
		shown = max(shown, p.pts)
		if shown < rest[i+1] {
			ends = append(ends, i+1)
		}
	}
	return ends, nil
}

// pickEnd is where, of ends (see cleanEnds, counted from from), the copy
// of a piece whose pictures end before want stops: exact mode at the last
// end at or before it (the tail encoded up to it), fast mode at the first
// at or after it. When the piece runs to the last listed picture (total),
// only the end of the list is such a place. -1: none.
func pickEnd(ends []int, from, want int, exact bool, total int) int {
	if want >= total {
		return total
	}
	best := -1
	for _, k := range ends {
		at := from + k
		switch {
		case exact && at <= want:
			best = at
		case !exact && at >= want:
			return at
		}
	}
	return best
}

// copyStretch is the list's entries that copy the pictures from..upto-1 of
// jp (from a keyframe; upto a clean end): their chunks, the first entered at
// the keyframe, the last left after the last packet decoded (unless the
// copy runs to the end of the talk), and each given
// the length that puts the next entry right after its last picture.
func (t Tools) copyStretch(ctx context.Context, jp *joinPart, ps RenderSpec, from, upto int, tail string) (es []listEntry, made []string, err error) {
	_, pids := tsHead(filepath.Join(ps.Dir, jp.p.chunks[0]))
	if len(pids) == 0 {
		return nil, nil, errors.New("the chunks are not MPEG-TS")
	}
	pid := pids[0]
	// A copy to the end of the talk reads its last chunk to its end.
	toEnd := upto == len(jp.pkts) && ps.End == 0
	pk := jp.pkts
	// The last packet decoded.
	lastDecoded := from
	for i := from; i < upto; i++ {
		if pk[i].dts > pk[lastDecoded].dts {
			lastDecoded = i
		}
	}
	f0, f1 := pk[from].file, pk[lastDecoded].file
	if pk[upto-1].file != f1 {
		return nil, made, errors.New("the copy would end between two chunks")
	}
	in, err := t.chunkPicture(ctx, ps.Dir, jp.p.chunks, pk, from)
	if err != nil {
		return nil, made, err
	}
	out, err := t.chunkPicture(ctx, ps.Dir, jp.p.chunks, pk, lastDecoded)
	if err != nil {
		return nil, made, err
	}
	// Where the packet after the last one copied is decoded, on the last
	// chunk's clock: decode times run one frame apart.
	step := time.Duration(math.Round(1e6/jp.rate)) * time.Microsecond
	if upto < len(pk) {
		step = pk[upto].pts - pk[upto-1].pts
	}
	stop := out.dts + step
	dir, err := filepath.Abs(ps.Dir)
	if err != nil {
		return nil, made, err
	}

	// The last chunk, read from a copy of its picture alone when the copy
	// ends inside it: the list cuts by decode time, and the first packet
	// of any stream past the outpoint ends the entry, while MPEG-TS
	// muxers write the sound in runs of a few hundred ms, some of it
	// ahead of pictures decoded earlier. (A copy to the chunk's end needs
	// no outpoint.)
	paths := make([]string, f1+1)
	for f := f0; f <= f1; f++ {
		paths[f] = filepath.Join(dir, jp.p.chunks[f])
	}
	outpoint := time.Duration(-1)
	if next, ok := nextDecoded(pk, lastDecoded); ok && !toEnd {
		alone := strings.TrimSuffix(tail, ".ts") + "-end.ts"
		made = append(made, alone)
		if err := t.pictureAlone(ctx, paths[f1], alone, pid); err != nil {
			return nil, made, err
		}
		// Just before the next picture's decode time.
		paths[f1], outpoint = alone, out.dts+next-50*time.Microsecond
	}
	for f := f0; f <= f1; f++ {
		e := listEntry{path: paths[f], inpoint: -1, outpoint: -1, duration: -1}
		// Where the demuxer places the entry's start: its first packet
		// shown (of any stream), or its inpoint.
		start := chunkStart(paths[f])
		if f == f0 {
			// Entered at the keyframe's decode time: MPEG-TS seeks by
			// decode times (at its time shown, the keyframe of a
			// B-frame stream was skipped), and every entry of the list
			// is placed by its first decode time (see encodeStretch).
			e.inpoint, start = in.dts, in.dts
		}
		if start < 0 {
			return nil, made, errors.New("a copied chunk has no start time")
		}
		if f < f1 {
			// Seams on one clock: where the next entry starts.
			next := chunkStart(paths[f+1])
			if _, ok := jp.p.times.durations[jp.p.chunks[f]]; !ok || next < 0 {
				return nil, made, errors.New("the copied chunks are not on one clock")
			}
			e.duration = next - start
		} else {
			e.outpoint, e.duration = outpoint, stop-start
		}
		es = append(es, e)
	}
	return es, made, nil
}

// nextDecoded is how long after pkts[i] the next picture of its chunk is
// decoded; false when pkts[i] is its chunk's last.
func nextDecoded(pkts []videoPacket, i int) (time.Duration, bool) {
	var next time.Duration
	found := false
	for _, p := range pkts {
		if p.file == pkts[i].file && p.dts > pkts[i].dts && (!found || p.dts-pkts[i].dts < next) {
			next, found = p.dts-pkts[i].dts, true
		}
	}
	return next, found
}

// pictureAlone copies the MPEG-TS chunk src's picture alone into dst, its
// timestamps and stream number (pid) as they were.
func (t Tools) pictureAlone(ctx context.Context, src, dst string, pid int) error {
	os.Remove(dst) // -y writes through whatever is at the name
	run := ffmpeg.Output([]*ffmpeg.Stream{input("file:"+src, ffmpeg.KwArgs{"f": "mpegts"}).Get("v:0")}, dst,
		ffmpeg.KwArgs{"c": "copy", "muxdelay": "0", "muxpreload": "0", "streamid": fmt.Sprintf("0:%d", pid), "f": "mpegts"})
	_, err := t.ffmpeg(run, ffRun{strict: true, replace: true, copyts: true}).output(ctx, "copy the pictures at a cut", 1<<20)
	return err
}

// chunkStart is where an MPEG-TS chunk starts, as the concat demuxer places
// it (see tsHead); -1 when unknown.
func chunkStart(path string) time.Duration {
	ticks, _ := tsHead(path)
	if ticks < 0 {
		return -1
	}
	return time.Duration(ticks) * time.Second / 90000
}

// encodeStretch encodes jp's pictures a..b (as listed, both kept) into
// path, a list entry on its own: decoded from the keyframe before a, read
// from the chunks that hold them joined as one stream, encoded as the
// exact start's head is (render_smartcut.go) and shown reorder after they
// are decoded, like the copied pictures around them.
func (t Tools) encodeStretch(ctx context.Context, jp *joinPart, ps RenderSpec, a, b int, reorder time.Duration, path string) (listEntry, error) {
	pk := jp.pkts
	kf := a
	for kf > 0 && !pk[kf].key {
		kf--
	}
	if !pk[kf].key {
		return listEntry{}, errors.New("no keyframe before the pictures to encode")
	}
	// Every chunk with a packet decoded before the last picture to keep.
	f0, f1 := pk[kf].file, pk[kf].file
	for _, p := range pk {
		if p.pts >= pk[kf].pts && p.dts <= pk[b].dts {
			f1 = max(f1, p.file)
		}
	}
	for f := f0; f < f1; f++ {
		if _, ok := jp.p.times.durations[jp.p.chunks[f]]; !ok {
			return listEntry{}, errors.New("the chunks to encode are not on one clock")
		}
	}
	startAt, err := t.chunkPicture(ctx, ps.Dir, jp.p.chunks, pk, a)
	if err != nil {
		return listEntry{}, err
	}
	bytes, err := writeByteListAs(ps.Dir, ps.listName("render-stretch.concatf"), jp.p.chunks[f0:f1+1], false)
	if err != nil {
		return listEntry{}, err
	}
	defer os.Remove(bytes)
	info, err := t.Probe(ctx, filepath.Join(ps.Dir, jp.p.chunks[f0]))
	if err != nil {
		return listEntry{}, err
	}
	v, _ := info.Stream("video")
	_, pids := tsHead(filepath.Join(ps.Dir, jp.p.chunks[f0]))
	if len(pids) == 0 {
		return listEntry{}, errors.New("the chunks are not MPEG-TS")
	}
	half := time.Duration(float64(time.Second) / jp.rate / 2)
	out := encodeOptions("libx264", "16", v.PixFmt)
	maps.Copy(out, ffmpeg.KwArgs{"profile:v": x264Profile(v.Profile), keepFrameTimes(t): "passthrough",
		"frames:v": fmt.Sprint(b - a + 1), "an": "", "streamid": fmt.Sprintf("0:%d", pids[0]), "f": "mpegts"})
	if reorder > 0 {
		// See exactArgs: setts's TB is MPEG-TS's 90 kHz either way.
		out["bsf:v"] = fmt.Sprintf("setts=pts=PTS+%s/TB", secs6(reorder))
		out["enc_time_base:v"] = "1:90000"
	}
	// The stored timestamps (-copyts): the chunks' own clock, on which
	// chunkPicture read where the first picture is shown.
	in := byteSource(bytes, false).input().Get("v:0").
		Filter("trim", nil, ffmpeg.KwArgs{"start": secs6(max(startAt.pts-half, 0))})
	os.Remove(path) // -y writes through whatever is at the name
	run := ffmpeg.Output([]*ffmpeg.Stream{in}, path, out)
	if _, err := t.ffmpeg(run, ffRun{strict: true, replace: true, copyts: true}).output(ctx, "re-encode the pictures at a cut", 1<<20); err != nil {
		return listEntry{}, err
	}
	// Entered at its first decode time, as the copies are (see
	// copyStretch), and as long as its pictures.
	own, err := t.listVideo(ctx, source{url: "file:" + path}, 0, 24*time.Hour)
	if err != nil {
		return listEntry{}, err
	}
	if len(own) != b-a+1 {
		return listEntry{}, fmt.Errorf("%d pictures were encoded at a cut, not %d", len(own), b-a+1)
	}
	firstDecoded := slices.MinFunc(own, func(x, y videoPacket) int { return cmp.Compare(x.dts, y.dts) }).dts
	step := time.Duration(math.Round(1e6/jp.rate)) * time.Microsecond
	stop := pk[b].pts + step
	if b+1 < len(pk) {
		stop = pk[b+1].pts
	}
	return listEntry{path: path, inpoint: firstDecoded, outpoint: -1, duration: stop - pk[a].pts}, nil
}

// writeSmartList writes a smart join's concat list at path: its entries
// with their directives, reading only the picture stream pid (the encoded
// stretches carry no other).
func writeSmartList(path string, entries []listEntry, pid int) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "ffconcat version 1.0\nstream\nexact_stream_id %d\n", pid)
	for _, e := range entries {
		if strings.ContainsAny(e.path, "'\r\n") {
			return "", fmt.Errorf("the job folder's name %q cannot be used in a list", filepath.Dir(e.path))
		}
		if name := filepath.Base(e.path); !chunkNameRE.MatchString(name) || strings.Contains(name, "..") {
			return "", fmt.Errorf("refusing chunk name %q", name)
		}
		fmt.Fprintf(&b, "file '%s'\n", e.path)
		for _, d := range []struct {
			name string
			at   time.Duration
		}{{"inpoint", e.inpoint}, {"outpoint", e.outpoint}, {"duration", e.duration}} {
			if d.at >= 0 {
				fmt.Fprintf(&b, "%s %s\n", d.name, secs6(d.at))
			}
		}
	}
	if err := safefile.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return "", fmt.Errorf("cannot write to the job folder: %w", err)
	}
	return path, nil
}
