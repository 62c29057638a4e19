package mp4

import (
	"bufio"
	"encoding/binary"
	"math"
	"sort"
)

// nonSync is the sample flag bit "sample_is_non_sync_sample".
const nonSync = 0x10000

// track gathers one track's sample tables as the fragments are read: the
// sizes one by one (4 bytes a sample), everything else as runs.
type track struct {
	// trex defaults, for fragments that give neither tfhd nor trun values.
	defDuration, defSize, defFlags uint32

	sizes  sizeList
	stts   []timeRun  // decode durations, run-length
	ctts   []shiftRun // composition offsets, run-length
	stss   []uint32   // 1-based numbers of the sync samples, once one is not
	notAll bool       // some sample is not a sync sample (sound: never)
	chunks []chunk    // one per trun, in file order

	anyShift      bool // some composition offset is not zero
	negativeShift bool // and some is below zero (ctts version 1)

	started     bool
	start, next uint64 // decode time of the first sample, and of the next
}

// sizeList is the samples' sizes, in blocks of a fixed length: a long
// track grows a block at a time instead of being copied whenever an
// append doubles it (4 bytes a sample, not up to 12 for a moment).
type sizeList struct {
	blocks [][]uint32
	n      int
	differ bool // not all the same size
}

const sizeBlock = 1 << 15

func (l *sizeList) add(size uint32) {
	if l.n%sizeBlock == 0 {
		l.blocks = append(l.blocks, make([]uint32, 0, sizeBlock))
	}
	last := &l.blocks[len(l.blocks)-1]
	*last = append(*last, size)
	l.differ = l.differ || size != l.blocks[0][0]
	l.n++
}

type timeRun struct{ count, delta uint32 }

type shiftRun struct {
	count  uint32
	offset int32
}

// chunk is a trun's samples, stored one after the other.
type chunk struct {
	at      uint64 // where its data starts, counted from the start of the copied media
	samples uint32
}

func (t *track) samples() uint32 { return uint32(t.sizes.n) }

// mediaDuration is the track's length in its own time scale.
func (t *track) mediaDuration() uint64 { return t.next - t.start }

// decodeTime places the next fragment: the first one gives the track's start;
// a later one that does not follow on closes the gap (or overlap) by
// stretching the sample before it, as ffmpeg's own muxer does.
func (t *track) decodeTime(dts uint64) {
	if !t.started {
		t.started, t.start, t.next = true, dts, dts
		return
	}
	if dts == t.next || len(t.stts) == 0 {
		t.next = dts
		return
	}
	last := &t.stts[len(t.stts)-1]
	delta := int64(last.delta) + int64(dts) - int64(t.next)
	if delta < 1 || delta > 0xFFFFFFFF {
		return // nonsense time stamps: keep the samples back to back
	}
	if last.count > 1 {
		last.count--
		t.stts = append(t.stts, timeRun{1, uint32(delta)})
	} else {
		last.delta = uint32(delta)
	}
	t.next = dts
}

func (t *track) add(duration, size, flags uint32, shift int32) {
	if !t.started {
		t.started = true
	}
	if n := len(t.stts); n > 0 && t.stts[n-1].delta == duration {
		t.stts[n-1].count++
	} else {
		t.stts = append(t.stts, timeRun{1, duration})
	}
	if n := len(t.ctts); n > 0 && t.ctts[n-1].offset == shift {
		t.ctts[n-1].count++
	} else {
		t.ctts = append(t.ctts, shiftRun{1, shift})
	}
	t.anyShift = t.anyShift || shift != 0
	t.negativeShift = t.negativeShift || shift < 0
	t.sizes.add(size)
	// Sound has only sync samples and needs no list: it starts with the
	// first sample that is not one.
	n := t.samples()
	switch {
	case flags&nonSync == 0 && t.notAll:
		t.stss = append(t.stss, n)
	case flags&nonSync != 0 && !t.notAll:
		t.notAll = true
		for i := uint32(1); i < n; i++ {
			t.stss = append(t.stss, i)
		}
	}
	t.next += uint64(duration)
}

// tables are the stbl boxes for this track's samples, after stsd; base is
// the file offset of the copied media, wide says to write 64-bit offsets.
func (t *track) tables(base uint64, wide bool) []*box {
	var out []*box
	stts := fullBox(0, 0, uint32(len(t.stts)))
	for _, r := range t.stts {
		stts = binary.BigEndian.AppendUint32(stts, r.count)
		stts = binary.BigEndian.AppendUint32(stts, r.delta)
	}
	out = append(out, &box{typ: "stts", data: stts})
	if t.anyShift {
		version := uint8(0)
		if t.negativeShift {
			version = 1
		}
		ctts := fullBox(version, 0, uint32(len(t.ctts)))
		for _, r := range t.ctts {
			ctts = binary.BigEndian.AppendUint32(ctts, r.count)
			ctts = binary.BigEndian.AppendUint32(ctts, uint32(r.offset))
		}
		out = append(out, &box{typ: "ctts", data: ctts})
	}
	if t.notAll { // no stss: every sample is a sync sample
		stss := fullBox(0, 0, uint32(len(t.stss)))
		for _, n := range t.stss {
			stss = binary.BigEndian.AppendUint32(stss, n)
		}
		out = append(out, &box{typ: "stss", data: stss})
	}

	var stsc []byte
	var entries uint32
	for i, r := range t.chunks {
		if i == 0 || r.samples != t.chunks[i-1].samples {
			stsc = binary.BigEndian.AppendUint32(stsc, uint32(i+1)) // first chunk
			stsc = binary.BigEndian.AppendUint32(stsc, r.samples)
			stsc = binary.BigEndian.AppendUint32(stsc, 1) // sample description
			entries++
		}
	}
	out = append(out, &box{typ: "stsc", data: append(fullBox(0, 0, entries), stsc...)})

	if t.sizes.n > 0 && !t.sizes.differ {
		stsz := fullBox(0, 0, t.sizes.blocks[0][0])
		out = append(out, &box{typ: "stsz", data: binary.BigEndian.AppendUint32(stsz, t.samples())})
	} else {
		out = append(out, &box{typ: "stsz", n: 12 + 4*uint64(t.sizes.n), put: func(w *bufio.Writer) {
			var p [4]byte
			w.Write(binary.BigEndian.AppendUint32(fullBox(0, 0, 0), t.samples()))
			for _, b := range t.sizes.blocks {
				for _, s := range b {
					binary.BigEndian.PutUint32(p[:], s)
					w.Write(p[:])
				}
			}
		}})
	}

	typ, co := "stco", fullBox(0, 0, uint32(len(t.chunks)))
	if wide {
		typ = "co64"
	}
	for _, r := range t.chunks {
		if wide {
			co = binary.BigEndian.AppendUint64(co, base+r.at)
		} else {
			co = binary.BigEndian.AppendUint32(co, uint32(base+r.at))
		}
	}
	return append(out, &box{typ: typ, data: co})
}

// fullBox starts a full box's payload: version, flags and a first field.
func fullBox(version uint8, flags, first uint32) []byte {
	p := binary.BigEndian.AppendUint32(nil, uint32(version)<<24|flags&0xFFFFFF)
	return binary.BigEndian.AppendUint32(p, first)
}

// truncate keeps the first n sizes.
func (l *sizeList) truncate(n int) {
	b := (n - 1) / sizeBlock
	l.blocks = l.blocks[:b+1]
	l.blocks[b] = l.blocks[b][:n-b*sizeBlock]
	l.n = n
}

// keep drops every sample after the first n (0 < n < samples): the
// tables, the chunks holding them and the track's length follow.
func (t *track) keep(n int) {
	if n <= 0 || n >= t.sizes.n {
		return
	}
	t.sizes.truncate(n)
	t.stts = cutRuns(t.stts, uint32(n), func(r *timeRun) *uint32 { return &r.count })
	t.ctts = cutRuns(t.ctts, uint32(n), func(r *shiftRun) *uint32 { return &r.count })
	t.chunks = cutRuns(t.chunks, uint32(n), func(c *chunk) *uint32 { return &c.samples })
	t.next = t.start
	for _, r := range t.stts {
		t.next += uint64(r.count) * uint64(r.delta)
	}
	t.stss = t.stss[:sort.Search(len(t.stss), func(i int) bool { return t.stss[i] > uint32(n) })]
	// What the dropped samples alone made true goes with them.
	if len(t.stss) == n {
		t.stss, t.notAll = nil, false
	}
	t.anyShift, t.negativeShift = false, false
	for _, r := range t.ctts {
		t.anyShift = t.anyShift || r.offset != 0
		t.negativeShift = t.negativeShift || r.offset < 0
	}
	t.sizes.differ = false
	for _, b := range t.sizes.blocks {
		for _, s := range b {
			t.sizes.differ = t.sizes.differ || s != t.sizes.blocks[0][0]
		}
	}
}

// cutRuns keeps the runs that hold the first n samples, the last of them
// shortened to end there; count points at a run's number of samples.
func cutRuns[T any](runs []T, n uint32, count func(*T) *uint32) []T {
	for i := range runs {
		c := count(&runs[i])
		if n <= *c {
			*c = n
			return runs[:i+1]
		}
		n -= *c
	}
	return runs
}

// firstAtOrAfter is the number of the first sample (0-based) whose decode
// time, counted from the track's first sample, is at least limit; samples
// when there is none.
func (t *track) firstAtOrAfter(limit float64) int {
	n, dts := 0, 0.0
	for _, r := range t.stts {
		end := dts + float64(r.count)*float64(r.delta)
		if end > limit || (r.delta == 0 && dts >= limit) {
			if dts >= limit {
				return n
			}
			return n + int(math.Ceil((limit-dts)/float64(r.delta)))
		}
		n, dts = n+int(r.count), end
	}
	return n
}

// isVideo tells whether trak is a video track (its handler is "vide").
func isVideo(trak *box) bool {
	hdlr := trak.child("mdia").child("hdlr")
	return hdlr != nil && len(hdlr.data) >= 12 && string(hdlr.data[8:12]) == "vide"
}

// keepVideo keeps the first n samples of the first video track.
func keepVideo(moov *box, tracks map[uint32]*track, n int) {
	for _, trak := range moov.kids {
		if trak.typ != "trak" || !isVideo(trak) {
			continue
		}
		id, _ := field32(trak.child("tkhd").data)
		if t := tracks[id]; t != nil {
			t.keep(n)
		}
		return
	}
}

// noReorderDelay moves the first video track's pictures earlier by the
// first one's composition offset (see Options.NoReorderDelay): the offsets
// are lowered, and the edit list's delay and media time lose as much.
func noReorderDelay(moov *box, tracks map[uint32]*track) {
	movieScale, _ := field32(moov.child("mvhd").data)
	for _, trak := range moov.kids {
		if trak.typ != "trak" || !isVideo(trak) {
			continue
		}
		id, _ := field32(trak.child("tkhd").data)
		mediaScale, _ := field32(trak.child("mdia").child("mdhd").data)
		t := tracks[id]
		if t == nil || len(t.ctts) == 0 || t.ctts[0].offset <= 0 {
			return
		}
		shift := t.ctts[0].offset
		t.anyShift, t.negativeShift = false, false
		for i := range t.ctts {
			t.ctts[i].offset -= shift
			t.anyShift = t.anyShift || t.ctts[i].offset != 0
			t.negativeShift = t.negativeShift || t.ctts[i].offset < 0
		}
		edts := trak.child("edts")
		if edts == nil || edts.child("elst") == nil {
			return
		}
		elst := edts.child("elst")
		delay := int64(rescale(uint64(shift), mediaScale, movieScale))
		var kept []edit
		for _, e := range readEdits(elst.data) {
			switch {
			case e.mediaTime < 0 && delay > 0:
				// The empty edit that waited out the offset (ffmpeg
				// rounds it down; what is left of it is a real delay).
				taken := min(delay, int64(e.duration))
				delay -= taken
				if e.duration -= uint64(taken); e.duration == 0 {
					continue
				}
			case e.mediaTime >= 0:
				e.mediaTime = max(e.mediaTime-int64(shift), 0)
				delay = 0
			}
			kept = append(kept, e)
		}
		elst.data = editsBox(kept)
		return
	}
}

// editsBox is an elst payload listing edits.
func editsBox(edits []edit) []byte {
	version := uint8(0)
	for _, e := range edits {
		if e.duration > 0xFFFFFFFF || e.mediaTime > 0x7FFFFFFF || e.mediaTime < -0x80000000 {
			version = 1
		}
	}
	p := fullBox(version, 0, uint32(len(edits)))
	for _, e := range edits {
		if version == 1 {
			p = binary.BigEndian.AppendUint64(p, e.duration)
			p = binary.BigEndian.AppendUint64(p, uint64(e.mediaTime))
		} else {
			p = binary.BigEndian.AppendUint32(p, uint32(e.duration))
			p = binary.BigEndian.AppendUint32(p, uint32(int32(e.mediaTime)))
		}
		p = binary.BigEndian.AppendUint32(p, e.rate)
	}
	return p
}
