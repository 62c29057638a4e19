// Package mp4 turns the fragmented MP4 ffmpeg writes in flat memory into an
// ordinary MP4 with its index at the front, the file every player and editor
// opens.
//
// Why: ffmpeg's MP4 muxer keeps about 70 bytes per video frame and per audio
// frame until it writes the index at the end, so a 3-hour talk grows it by
// some 60 MB; in fragmented mode it forgets each fragment once written. The
// index built here keeps 4 bytes per frame (a sample's size) plus a few
// bytes per second (runs of equal durations, keyframes, one entry per
// fragment), and the media itself is copied, not read into memory.
package mp4

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// errFormat wraps everything that is not the fragmented MP4 we expect.
var errFormat = errors.New("not a fragmented MP4 this program can read")

func formatError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errFormat, fmt.Sprintf(format, args...))
}

// containers are the boxes whose payload is only other boxes and which the
// rewrite needs to look into; every other box is kept as raw bytes.
var containers = map[string]bool{
	"moov": true, "trak": true, "mdia": true, "minf": true, "stbl": true,
	"mvex": true, "edts": true, "moof": true, "traf": true,
}

// box is one ISO BMFF box: a container's children, or a leaf's payload
// (for full boxes the payload starts with version and flags), or for the
// one table that grows with every frame (stsz) a payload of n bytes that
// put writes straight from the index, never held encoded in memory.
type box struct {
	typ  string
	data []byte
	kids []*box
	n    uint64
	put  func(w *bufio.Writer)
}

// child returns the first child of type typ, or nil.
func (b *box) child(typ string) *box {
	for _, k := range b.kids {
		if k.typ == typ {
			return k
		}
	}
	return nil
}

// size is the encoded size, header included.
func (b *box) size() uint64 {
	n := uint64(len(b.data))
	if b.put != nil {
		n = b.n
	} else if containers[b.typ] {
		n = 0
		for _, k := range b.kids {
			n += k.size()
		}
	}
	if n+8 > 0xFFFFFFFF {
		return n + 16
	}
	return n + 8
}

// writeTo writes the encoded box to w.
func (b *box) writeTo(w *bufio.Writer) {
	w.Write(appendHeader(nil, b.typ, b.size()))
	switch {
	case b.put != nil:
		b.put(w)
	case containers[b.typ]:
		for _, k := range b.kids {
			k.writeTo(w)
		}
	default:
		w.Write(b.data)
	}
}

// appendHeader writes a box header for a box of total size n, switching to
// the 64-bit form when n does not fit 32 bits.
func appendHeader(p []byte, typ string, n uint64) []byte {
	if n > 0xFFFFFFFF {
		p = binary.BigEndian.AppendUint32(p, 1)
		p = append(p, typ...)
		return binary.BigEndian.AppendUint64(p, n)
	}
	p = binary.BigEndian.AppendUint32(p, uint32(n))
	return append(p, typ...)
}

// parseBoxes parses a run of boxes that fills p exactly.
func parseBoxes(p []byte) ([]*box, error) {
	var out []*box
	for len(p) > 0 {
		typ, hdr, size, err := header(p)
		if err != nil {
			return nil, err
		}
		if size == 0 {
			size = uint64(len(p)) // "to the end": only the last box
		}
		if size < uint64(hdr) || size > uint64(len(p)) {
			return nil, formatError("box %q of %d bytes in %d", typ, size, len(p))
		}
		b := &box{typ: typ}
		payload := p[hdr:size]
		if containers[typ] {
			if b.kids, err = parseBoxes(payload); err != nil {
				return nil, err
			}
		} else {
			b.data = payload
		}
		out = append(out, b)
		p = p[size:]
	}
	return out, nil
}

// header decodes the box header at the start of p: type, header length and
// total size (0: to the end of the enclosing space).
func header(p []byte) (typ string, hdr int, size uint64, err error) {
	if len(p) < 8 {
		return "", 0, 0, formatError("a box header cut short")
	}
	size, typ, hdr = uint64(binary.BigEndian.Uint32(p)), string(p[4:8]), 8
	if size == 1 {
		if len(p) < 16 {
			return "", 0, 0, formatError("a box header cut short")
		}
		size, hdr = binary.BigEndian.Uint64(p[8:]), 16
	}
	return typ, hdr, size, nil
}

// readHeader reads a top-level box header from r; size 0 means to the end
// of the file.
func readHeader(r io.Reader) (typ string, hdr int, size uint64, err error) {
	var p [16]byte
	if _, err := io.ReadFull(r, p[:8]); err != nil {
		return "", 0, 0, err
	}
	if binary.BigEndian.Uint32(p[:]) == 1 {
		if _, err := io.ReadFull(r, p[8:16]); err != nil {
			return "", 0, 0, unexpected(err)
		}
		return header(p[:16])
	}
	return header(p[:8])
}

// unexpected turns a clean end of file in the middle of something into the
// error it is.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// reader decodes big-endian fields from a full box's payload and remembers
// the first read past its end, so parsers check once.
type reader struct {
	p   []byte
	bad bool
}

func (r *reader) take(n int) []byte {
	if r.bad || n > len(r.p) {
		r.bad = true
		return make([]byte, n)
	}
	b := r.p[:n]
	r.p = r.p[n:]
	return b
}

func (r *reader) u32() uint32 { return binary.BigEndian.Uint32(r.take(4)) }
func (r *reader) u64() uint64 { return binary.BigEndian.Uint64(r.take(8)) }

// optional reads the next 32-bit field into v when flags has bit: the
// fields tfhd and trun carry only when their flags say so.
func (r *reader) optional(flags, bit uint32, v *uint32) {
	if flags&bit != 0 {
		*v = r.u32()
	}
}

// versionFlags reads a full box's version and 24-bit flags.
func (r *reader) versionFlags() (uint8, uint32) {
	v := r.u32()
	return uint8(v >> 24), v & 0xFFFFFF
}
