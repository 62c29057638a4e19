package media

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"time"
)

// The concat demuxer places each chunk after the previous one's duration,
// and ffmpeg's mov demuxer reports an fMP4 fragment's duration as its end
// time (its first timestamp plus its length), which would leave a gap as
// long as the time before each chunk. Chunks of one encoder run are read
// joined instead, but across encoder restarts (a manifest's periods, a
// playlist's discontinuities) they go through the concat demuxer, so each
// fMP4 chunk is given its length: up to the next chunk's start by their
// decode times (tfdt), within a run. The demuxer places a chunk by its
// first timestamp, which for a run's first chunk includes what its edit
// list hides (the sound encoder's priming, a frame of AAC): the run's last
// chunk therefore ends where the run's presented length (the playlist's
// durations) does, and the packet that would overlap the next run's
// priming is left out (an outpoint). So every run's sound starts as late
// against its picture as the first run's does (the priming), instead of
// the delays adding up run after run.

// fragmentTimes gives fMP4 chunks their concat directives; none for other
// chunks.
func fragmentTimes(dir string, fragmented bool, chunks []string, durations []time.Duration) entryTimes {
	if !fragmented || len(chunks) != len(durations) {
		return entryTimes{}
	}
	out := entryTimes{durations: map[string]time.Duration{}, outpoints: map[string]time.Duration{}}
	starts := make([]fragmentStart, len(chunks))
	for i, c := range chunks {
		starts[i], _ = readFragmentStart(filepath.Join(dir, c))
	}
	runStart := 0
	for i, c := range chunks {
		d := durations[i]
		a := starts[i]
		if i+1 < len(chunks) {
			b := starts[i+1]
			// The same run: same timescale, and the next starts later,
			// within twice the playlist's length of this one.
			if a.ok && b.ok && a.timescale == b.timescale && b.decode > a.decode {
				if gap := a.seconds(b.decode - a.decode); gap < 2*d+time.Second {
					out.durations[c] = gap
					continue
				}
			}
			// The last chunk of a run with another after it.
			if a.ok && starts[runStart].ok && starts[runStart].timescale == a.timescale && a.decode >= starts[runStart].decode {
				var presented time.Duration
				for _, pd := range durations[runStart : i+1] {
					presented += pd
				}
				before := a.seconds(a.decode - starts[runStart].decode)
				if last := presented - before; last > 0 {
					out.outpoints[c] = a.start() + last
					runStart = i + 1
					continue
				}
			}
			runStart = i + 1
		}
		if d > 0 {
			out.durations[c] = d
		}
	}
	return out
}

// fragmentStart is an fMP4 chunk's first decode time in its timescale.
type fragmentStart struct {
	decode    uint64
	timescale uint32
	shift     int64 // the edit list's media time: what it hides at the start
	cts       int64 // the first sample's composition offset (B-frames)
	ok        bool
}

func (f fragmentStart) seconds(n uint64) time.Duration {
	return time.Duration(float64(n) / float64(f.timescale) * float64(time.Second))
}

// start is the chunk's first timestamp as ffmpeg reads it: its first
// picture's presentation time (a fragment starts with a keyframe), less
// what the edit list hides.
func (f fragmentStart) start() time.Duration {
	return time.Duration(float64(int64(f.decode)+f.cts-f.shift) / float64(f.timescale) * float64(time.Second))
}

// readFragmentStart reads the first track's timescale (moov/trak/mdia/mdhd)
// and the first fragment's decode time (moof/traf/tfdt) from the front of
// an fMP4 chunk.
func readFragmentStart(path string) (fragmentStart, error) {
	f, err := os.Open(path)
	if err != nil {
		return fragmentStart{}, err
	}
	defer f.Close()
	head := make([]byte, 256<<10)
	n, _ := f.ReadAt(head, 0)
	head = head[:n]
	var out fragmentStart
	for _, b := range boxesIn(head) {
		switch b.typ {
		case "moov":
			if elst := findBox(b.body, "trak", "edts", "elst"); len(elst) >= 8 && binary.BigEndian.Uint32(elst[4:]) > 0 {
				// The first entry that is not empty (media time -1).
				e := elst[8:]
				for range binary.BigEndian.Uint32(elst[4:]) {
					var mt int64
					if elst[0] == 1 && len(e) >= 20 {
						mt, e = int64(binary.BigEndian.Uint64(e[8:])), e[20:]
					} else if elst[0] == 0 && len(e) >= 12 {
						mt, e = int64(int32(binary.BigEndian.Uint32(e[4:]))), e[12:]
					} else {
						break
					}
					if mt >= 0 {
						out.shift = mt
						break
					}
				}
			}
			if mdhd := findBox(b.body, "trak", "mdia", "mdhd"); len(mdhd) >= 24 {
				if mdhd[0] == 1 && len(mdhd) >= 24 {
					out.timescale = binary.BigEndian.Uint32(mdhd[20:])
				} else {
					out.timescale = binary.BigEndian.Uint32(mdhd[12:])
				}
			}
		case "moof":
			tfdt := findBox(b.body, "traf", "tfdt")
			if len(tfdt) < 8 || out.timescale == 0 {
				return out, errors.New("no decode time")
			}
			if tfdt[0] == 1 && len(tfdt) >= 12 {
				out.decode = binary.BigEndian.Uint64(tfdt[4:])
			} else {
				out.decode = uint64(binary.BigEndian.Uint32(tfdt[4:]))
			}
			out.cts = firstCompositionOffset(findBox(b.body, "traf", "trun"))
			out.ok = true
			return out, nil
		}
	}
	return out, errors.New("no fragment")
}

type rawBox struct {
	typ  string
	body []byte
}

// boxesIn lists the boxes in p, stopping at the first that does not fit
// (the read may end inside the media data).
func boxesIn(p []byte) []rawBox {
	var out []rawBox
	for len(p) >= 8 {
		size, hdr := uint64(binary.BigEndian.Uint32(p)), uint64(8)
		if size == 1 {
			if len(p) < 16 {
				break
			}
			size, hdr = binary.BigEndian.Uint64(p[8:]), 16
		}
		if size < hdr || size > uint64(len(p)) {
			out = append(out, rawBox{typ: string(p[4:8])}) // cut short: its type only
			break
		}
		out = append(out, rawBox{typ: string(p[4:8]), body: p[hdr:size]})
		p = p[size:]
	}
	return out
}

// findBox follows path down from the boxes in p and returns the last box's
// body, nil when absent.
func findBox(p []byte, path ...string) []byte {
	for _, name := range path {
		var next []byte
		for _, b := range boxesIn(p) {
			if b.typ == name {
				next = b.body
				break
			}
		}
		if next == nil {
			return nil
		}
		p = next
	}
	return p
}

// firstCompositionOffset reads the first sample's composition offset from
// a trun box; 0 when it has none.
func firstCompositionOffset(trun []byte) int64 {
	if len(trun) < 8 {
		return 0
	}
	version, flags := trun[0], binary.BigEndian.Uint32(trun)&0xffffff
	if flags&0x800 == 0 || binary.BigEndian.Uint32(trun[4:]) == 0 {
		return 0
	}
	p := trun[8:]
	skip := 0
	if flags&0x1 != 0 {
		skip += 4 // data offset
	}
	if flags&0x4 != 0 {
		skip += 4 // first sample's flags
	}
	for _, bit := range []uint32{0x100, 0x200, 0x400} {
		if flags&bit != 0 {
			skip += 4
		}
	}
	if len(p) < skip+4 {
		return 0
	}
	v := binary.BigEndian.Uint32(p[skip:])
	if version == 1 {
		return int64(int32(v))
	}
	return int64(v)
}
