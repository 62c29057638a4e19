package dash

import (
	"encoding/binary"
	"fmt"
	"time"
)

// maxIndexBytes bounds a SegmentBase's index: a sidx lists 12 bytes a
// segment, so a megabyte is some 87,000 segments.
const maxIndexBytes = 1 << 20

// sidxRef is one subsegment a segment index lists.
type sidxRef struct {
	Offset, Size int64 // absolute, in the file
	Duration     uint64
}

// parseSidx reads the segment index box at the start of data, which was
// read from the file at offset at. It returns its timescale, earliest
// presentation time and subsegments. An index pointing at further indexes
// (reference_type 1, seen in no on-demand file we know) is refused.
func parseSidx(data []byte, at int64) (timescale uint32, earliest uint64, refs []sidxRef, err error) {
	bad := func(why string) (uint32, uint64, []sidxRef, error) {
		return 0, 0, nil, fmt.Errorf("the video's segment index is damaged (%s): %w", why, ErrNotManifest)
	}
	// Skip boxes before the sidx (a styp, say) within what was read.
	for {
		if len(data) < 8 {
			return bad("no sidx box")
		}
		size := int64(binary.BigEndian.Uint32(data))
		typ := string(data[4:8])
		hdr := int64(8)
		if size == 1 {
			if len(data) < 16 {
				return bad("truncated")
			}
			size, hdr = int64(binary.BigEndian.Uint64(data[8:])), 16
		}
		if size < hdr || size > int64(len(data)) {
			return bad("box size")
		}
		if typ != "sidx" {
			data, at = data[size:], at+size
			continue
		}
		body := data[hdr:size]
		end := at + size
		if len(body) < 12 {
			return bad("truncated")
		}
		version := body[0]
		timescale = binary.BigEndian.Uint32(body[8:])
		body = body[12:]
		var first uint64
		if version == 0 {
			if len(body) < 8 {
				return bad("truncated")
			}
			earliest, first = uint64(binary.BigEndian.Uint32(body)), uint64(binary.BigEndian.Uint32(body[4:]))
			body = body[8:]
		} else {
			if len(body) < 16 {
				return bad("truncated")
			}
			earliest, first = binary.BigEndian.Uint64(body), binary.BigEndian.Uint64(body[8:])
			body = body[16:]
		}
		if len(body) < 4 {
			return bad("truncated")
		}
		count := int(binary.BigEndian.Uint16(body[2:]))
		body = body[4:]
		if len(body) < 12*count {
			return bad("truncated")
		}
		if timescale == 0 {
			return bad("no timescale")
		}
		if first > 1<<50 {
			return bad("offset")
		}
		off := end + int64(first)
		for i := range count {
			e := body[12*i:]
			ref := binary.BigEndian.Uint32(e)
			if ref>>31 != 0 {
				return 0, 0, nil, fmt.Errorf("the video's segment index points to further indexes, which this app cannot read yet: %w", ErrNotManifest)
			}
			size := int64(ref & 0x7fffffff)
			if size == 0 {
				return bad("empty subsegment")
			}
			refs = append(refs, sidxRef{Offset: off, Size: size, Duration: uint64(binary.BigEndian.Uint32(e[4:]))})
			off += size
		}
		return timescale, earliest, refs, nil
	}
}

// ticks converts n units of timescale ts to a duration without overflow for
// any length under the caps.
func ticks(n, ts uint64) time.Duration {
	if ts == 0 {
		return 0
	}
	sec := n / ts
	rem := n % ts
	if sec > uint64(MaxTotalLength/time.Second)*2 {
		return MaxTotalLength * 2
	}
	return time.Duration(sec)*time.Second + time.Duration(float64(rem)/float64(ts)*float64(time.Second))
}
