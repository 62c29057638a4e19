package mp4

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"slices"
)

// FFmpegFlags are the -movflags under which ffmpeg writes what Unfragment
// reads: a fragment at each video keyframe (and every FragmentMicros at
// most, for sound alone or rare keyframes), data offsets counted from each
// moof, and the header written once the first fragment is known, so it
// carries each track's edit list (the delay before a track starts, the
// first picture's composition offset) as the ordinary muxer would.
const (
	FFmpegFlags    = "+frag_keyframe+delay_moov+default_base_moof"
	FragmentMicros = 10_000_000
)

// maxHeader caps the boxes read whole (moov, moof): an init header and a
// fragment's header are kilobytes; this only stops a damaged size from
// allocating gigabytes.
const maxHeader = 64 << 20

// span is one mdat's payload in the fragmented file.
type span struct{ at, size uint64 }

// Options change what Unfragment writes.
type Options struct {
	// EndWithVideo ends every other track where the picture ends: the
	// samples of sound that would start after the last frame are left out
	// of the index (the MP4 then ends where the video ends).
	EndWithVideo bool
	// Copied, when set, is told each range of src whose media has been
	// written to dst, in order: the caller may free that space.
	Copied func(off, n int64)
	// NoReorderDelay shows the video track's first picture at the track's
	// first decode time, where ffmpeg waits out its composition offset
	// (the B-frame reorder delay) behind an edit list: every offset is
	// lowered by that much (negative ones written as ctts version 1) and
	// the edit list loses the delay, so players that ignore edit lists
	// show the pictures when those that honour them do. The picture moves
	// earlier by the delay: the writer must have placed the other tracks
	// accordingly (core/media reads the sound that much earlier).
	NoReorderDelay bool
	// VideoSamples, when above 0, keeps only the first that many
	// samples of the first video track (in decode order): a copy of
	// B-frame pictures cut by decode time keeps pictures shown after its
	// end, which the writer counted (core/media's end on a picture).
	// Applied before EndWithVideo.
	VideoSamples int

	wide bool // 64-bit offsets, which otherwise only a file past 4 GB gets (tests)
}

// Unfragment reads the fragmented MP4 src and writes dst as an ordinary MP4
// with the same samples at the same times: ftyp, a moov holding the whole
// index, then one mdat with the media, copied in file order (from file to
// file that copy stays in the kernel where the system allows). It reads src
// twice, the headers first, and never holds media in memory.
func Unfragment(ctx context.Context, dst io.Writer, src io.ReadSeeker, opts Options) error {
	end, err := src.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return err
	}
	moov, tracks, mdats, err := scan(ctx, src, uint64(end))
	if err != nil {
		return err
	}
	if opts.NoReorderDelay {
		noReorderDelay(moov, tracks)
	}
	if opts.VideoSamples > 0 {
		keepVideo(moov, tracks, opts.VideoSamples)
	}
	if opts.EndWithVideo {
		endWithVideo(moov, tracks)
	}
	wide := opts.wide

	var media uint64
	for _, m := range mdats {
		media += m.size
	}
	mdatHeader := uint64(8)
	if media+8 > 0xFFFFFFFF {
		mdatHeader = 16
	}
	ftyp := brands(moov, tracks)
	// The offsets' width changes the moov's size, not the other way round.
	size := rewrite(moov, tracks, 0, wide).size()
	if !wide && uint64(len(ftyp))+size+mdatHeader+media > 0xFFFFFFFF {
		wide = true
		size = rewrite(moov, tracks, 0, true).size()
	}
	base := uint64(len(ftyp)) + size + mdatHeader

	w := bufio.NewWriterSize(dst, 64<<10)
	w.Write(ftyp)
	rewrite(moov, tracks, base, wide).writeTo(w)
	w.Write(appendHeader(nil, "mdat", media+mdatHeader))
	if err := w.Flush(); err != nil { // a bufio.Writer keeps its first error
		return err
	}
	for _, m := range mdats {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := src.Seek(int64(m.at), io.SeekStart); err != nil {
			return err
		}
		n, err := io.Copy(dst, io.LimitReader(src, int64(m.size)))
		if err != nil {
			return err
		}
		if uint64(n) != m.size {
			return fmt.Errorf("the fragmented video ended early: %w", io.ErrUnexpectedEOF)
		}
		if opts.Copied != nil {
			opts.Copied(int64(m.at), int64(m.size))
		}
	}
	return nil
}

// scan reads the top-level boxes: the init moov, each moof (its samples
// indexed) and the mdat after it (its runs placed), skipping the rest.
func scan(ctx context.Context, src io.ReadSeeker, end uint64) (*box, map[uint32]*track, []span, error) {
	var (
		moov    *box
		tracks  map[uint32]*track
		mdats   []span
		waiting []pending
		media   uint64 // payload bytes of the mdats so far
		pos     uint64
		budget  = end // samples the file can hold
		buf     []byte
	)
	for pos < end {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err
		}
		typ, hdr, size, err := readHeader(src)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("the fragmented video is cut short: %w", unexpected(err))
		}
		if size == 0 {
			size = end - pos
		}
		if size < uint64(hdr) || size > end-pos {
			return nil, nil, nil, formatError("box %q of %d bytes at %d in a file of %d", typ, size, pos, end)
		}
		body := size - uint64(hdr)
		switch typ {
		case "moov", "moof":
			if moov == nil && typ == "moof" {
				return nil, nil, nil, formatError("a fragment before the header")
			}
			if moov != nil && typ == "moov" {
				return nil, nil, nil, formatError("two headers")
			}
			if len(waiting) > 0 {
				return nil, nil, nil, formatError("a fragment without its media")
			}
			if body > maxHeader {
				return nil, nil, nil, formatError("a %s of %d bytes", typ, body)
			}
			// The moov is kept; a moof is done with once read, so its
			// buffer serves the next one.
			var p []byte
			if typ == "moof" {
				buf = slices.Grow(buf[:0], int(body))[:body]
				p = buf
			} else {
				p = make([]byte, body)
			}
			if _, err := io.ReadFull(src, p); err != nil {
				return nil, nil, nil, unexpected(err)
			}
			kids, err := parseBoxes(p)
			if err != nil {
				return nil, nil, nil, err
			}
			b := &box{typ: typ, kids: kids}
			if typ == "moov" {
				moov = b
				if tracks, err = trackList(moov); err != nil {
					return nil, nil, nil, err
				}
			} else if waiting, err = readMoof(b, pos, tracks, &budget); err != nil {
				return nil, nil, nil, err
			}
		case "mdat":
			if len(waiting) == 0 {
				return nil, nil, nil, formatError("media without its fragment header")
			}
			start := pos + uint64(hdr)
			for _, w := range waiting {
				if w.t == nil {
					continue
				}
				if w.pos < start || w.bytes > body || w.pos-start > body-w.bytes {
					return nil, nil, nil, formatError("samples outside the media that follows them")
				}
				w.t.chunks[w.index].at = media + w.pos - start
			}
			waiting = nil
			mdats = append(mdats, span{start, body})
			media += body
			if _, err := src.Seek(int64(body), io.SeekCurrent); err != nil {
				return nil, nil, nil, err
			}
		default: // ftyp (we write our own), free, sidx, mfra...
			if _, err := src.Seek(int64(body), io.SeekCurrent); err != nil {
				return nil, nil, nil, err
			}
		}
		pos += size
	}
	if moov == nil {
		return nil, nil, nil, formatError("no header")
	}
	if len(waiting) > 0 {
		return nil, nil, nil, fmt.Errorf("the fragmented video is cut short: %w", io.ErrUnexpectedEOF)
	}
	return moov, tracks, mdats, nil
}

// trackList reads the init header's tracks and their fragment defaults.
func trackList(moov *box) (map[uint32]*track, error) {
	if mvhd := moov.child("mvhd"); mvhd == nil {
		return nil, formatError("a header without mvhd")
	} else if _, ok := field32(mvhd.data); !ok {
		return nil, formatError("a short mvhd")
	}
	tracks := map[uint32]*track{}
	for _, trak := range moov.kids {
		if trak.typ != "trak" {
			continue
		}
		tkhd := trak.child("tkhd")
		if tkhd == nil || trak.child("mdia") == nil || trak.child("mdia").child("mdhd") == nil {
			return nil, formatError("a track without tkhd or mdhd")
		}
		id, ok := field32(tkhd.data)
		if _, scaled := field32(trak.child("mdia").child("mdhd").data); !ok || !scaled {
			return nil, formatError("a short tkhd or mdhd")
		}
		if tracks[id] != nil {
			return nil, formatError("two tracks numbered %d", id)
		}
		tracks[id] = &track{}
	}
	if mvex := moov.child("mvex"); mvex != nil {
		for _, trex := range mvex.kids {
			if trex.typ != "trex" {
				continue
			}
			r := &reader{p: trex.data}
			r.versionFlags()
			id := r.u32()
			r.u32() // sample description index
			d, s, f := r.u32(), r.u32(), r.u32()
			if t := tracks[id]; t != nil && !r.bad {
				t.defDuration, t.defSize, t.defFlags = d, s, f
			}
		}
	}
	return tracks, nil
}

// field32 reads the 32-bit field after the creation and modification times
// of mvhd, tkhd or mdhd: the time scale, or tkhd's track ID.
func field32(p []byte) (uint32, bool) {
	at := 12
	if len(p) > 0 && p[0] == 1 {
		at = 20
	}
	if len(p) < at+4 {
		return 0, false
	}
	return binary.BigEndian.Uint32(p[at:]), true
}

// withDuration returns a copy of an mvhd, tkhd or mdhd payload with its
// duration set, in version 1 when it does not fit version 0's 32 bits. mid
// is the width of the fields between the times and the duration.
func withDuration(p []byte, mid int, d uint64) []byte {
	if len(p) > 0 && p[0] == 1 {
		at := 4 + 16 + mid
		if len(p) < at+8 {
			return p
		}
		q := slices.Clone(p)
		binary.BigEndian.PutUint64(q[at:], d)
		return q
	}
	at := 4 + 8 + mid
	if len(p) < at+4 {
		return p
	}
	if d <= 0xFFFFFFFF {
		q := slices.Clone(p)
		binary.BigEndian.PutUint32(q[at:], uint32(d))
		return q
	}
	// Version 1: the two times and the duration widen to 64 bits.
	q := []byte{1, p[1], p[2], p[3]}
	q = binary.BigEndian.AppendUint64(q, uint64(binary.BigEndian.Uint32(p[4:])))
	q = binary.BigEndian.AppendUint64(q, uint64(binary.BigEndian.Uint32(p[8:])))
	q = append(q, p[12:12+mid]...)
	q = binary.BigEndian.AppendUint64(q, d)
	return append(q, p[at+4:]...)
}

// rescale converts d from one time scale to another, rounding to nearest.
func rescale(d uint64, from, to uint32) uint64 {
	if from == 0 {
		return 0
	}
	// 128-bit safe for any 3-hour or 3-year value at any sane time scale.
	hi, lo := mul64(d, uint64(to))
	if hi != 0 {
		return d / uint64(from) * uint64(to)
	}
	return (lo + uint64(from)/2) / uint64(from)
}

func mul64(a, b uint64) (hi, lo uint64) {
	const mask = 1<<32 - 1
	a0, a1, b0, b1 := a&mask, a>>32, b&mask, b>>32
	w0 := a0 * b0
	t := a1*b0 + w0>>32
	w1, w2 := t&mask, t>>32
	w1 += a0 * b1
	return a1*b1 + w2 + w1>>32, a * b
}

// brands is the ftyp of an ordinary MP4, as ffmpeg's own muxer writes it
// (the fragmented one declares iso5/iso6, which promise fragments).
func brands(moov *box, tracks map[uint32]*track) []byte {
	compatible := []string{"isom", "iso2"}
	if slices.ContainsFunc(slices.Collect(maps.Values(tracks)), func(t *track) bool { return t.negativeShift }) {
		// Signed composition offsets (ctts version 1) came with iso4.
		compatible = append(compatible, "iso4")
	}
	if hasSampleEntry(moov, "avc1") {
		compatible = append(compatible, "avc1")
	}
	compatible = append(compatible, "mp41")
	p := appendHeader(nil, "ftyp", uint64(16+4*len(compatible)))
	p = append(p, "isom"...)
	p = binary.BigEndian.AppendUint32(p, 0x200)
	for _, b := range compatible {
		p = append(p, b...)
	}
	return p
}

func hasSampleEntry(moov *box, format string) bool {
	for _, trak := range moov.kids {
		if trak.typ != "trak" {
			continue
		}
		if stsd := stblOf(trak).child("stsd"); stsd != nil && len(stsd.data) >= 16 && string(stsd.data[12:16]) == format {
			return true
		}
	}
	return false
}

// stblOf is trak/mdia/minf/stbl, or an empty box when one is missing.
func stblOf(trak *box) *box {
	b := trak
	for _, typ := range []string{"mdia", "minf", "stbl"} {
		if b = b.child(typ); b == nil {
			return &box{typ: "stbl"}
		}
	}
	return b
}
