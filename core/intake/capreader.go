package intake

import (
	"bytes"
	"io"
)

// String limits for HAR files. A video HAR holds hundreds of MB of base64
// chunk bodies; json.Decoder buffers a whole string literal before it can
// hand it over, so capReader cuts long strings before the decoder sees them.
// Strings that start like JSON or a playlist (plain or base64) keep up to
// bigString bytes: API answers and playlists are what intake reads. Every
// other string (media, images, scripts) keeps smallString bytes.
const (
	smallString = 64 << 10
	bigString   = 4 << 20
	headLen     = 16
	readBuf     = 256 << 10
)

// truncMark ends a string that capReader cut: the JSON escape for NUL, which
// never appears in the bodies intake reads.
const truncMark = `\u0000`

// capReader passes JSON through unchanged except that string literals longer
// than their limit are cut, at a character-escape boundary, and end with
// truncMark. Valid JSON in gives valid JSON out; memory stays constant
// whatever the input size. It is not a validator: invalid input gives
// invalid output, which the decoder then reports.
type capReader struct {
	src io.Reader
	in  []byte
	r   int
	w   int
	err error

	inStr bool
	esc   int // bytes of the current escape sequence still to come
	n     int // bytes of the current string passed on so far
	limit int
	skip  bool // past the limit: dropping bytes until the closing quote
	head  [headLen]byte
	headN int

	pending []byte // output owed to the caller (the end of a cut string)

	small, big int // the two limits (smallString and bigString; tests shrink them)
}

func newCapReader(src io.Reader) *capReader {
	return &capReader{src: src, in: make([]byte, readBuf), small: smallString, big: bigString}
}

func (c *capReader) Read(p []byte) (int, error) {
	out := 0
	for out < len(p) {
		if len(c.pending) > 0 {
			k := copy(p[out:], c.pending)
			c.pending = c.pending[k:]
			out += k
			continue
		}
		if c.r == c.w {
			if out > 0 {
				return out, nil
			}
			if c.err != nil {
				return 0, c.err
			}
			c.r = 0
			c.w, c.err = c.src.Read(c.in)
			continue
		}
		out += c.step(p[out:])
	}
	return out, nil
}

// step moves at least one input byte (or sets up pending output) and returns
// the number of bytes written to p, which is not empty.
func (c *capReader) step(p []byte) int {
	buf := c.in[c.r:c.w]
	if !c.inStr {
		i := bytes.IndexByte(buf, '"')
		if i < 0 {
			k := copy(p, buf)
			c.r += k
			return k
		}
		k := copy(p, buf[:i+1])
		c.r += k
		if k == i+1 {
			c.inStr, c.esc, c.n, c.skip, c.headN, c.limit = true, 0, 0, false, 0, c.small
		}
		return k
	}
	if c.esc > 0 {
		b := buf[0]
		c.r++
		if c.esc == 1 && b == 'u' {
			c.esc = 5
		}
		c.esc--
		if c.skip {
			return 0
		}
		p[0] = b
		c.note(p[:1])
		return 1
	}
	if c.skip {
		j := quoteOrBackslash(buf)
		if j < 0 {
			c.r = c.w
			return 0
		}
		c.r += j + 1
		if buf[j] == '\\' {
			c.esc = 1
			return 0
		}
		c.inStr = false
		c.pending = []byte(truncMark + `"`)
		return 0
	}
	if c.n >= c.limit {
		if c.limit == c.small && c.big > c.small && wantedHead(c.head[:c.headN]) {
			c.limit = c.big
		} else {
			c.skip = true
			return 0
		}
	}
	seg := buf
	if room := len(p); len(seg) > room {
		seg = seg[:room]
	}
	if rem := c.limit - c.n; len(seg) > rem {
		seg = seg[:rem]
	}
	j := quoteOrBackslash(seg)
	if j < 0 {
		j = len(seg)
	}
	k := copy(p, seg[:j])
	c.note(p[:k])
	c.r += k
	if k < len(seg) { // stopped at a quote or a backslash, and p has room for it
		b := seg[k]
		p[k] = b
		c.r++
		if b == '"' {
			c.inStr = false
		} else {
			c.esc = 1
			c.note(p[k : k+1])
		}
		k++
	}
	return k
}

// note counts string bytes passed on and keeps the first headLen of them.
func (c *capReader) note(b []byte) {
	if c.headN < headLen {
		c.headN += copy(c.head[c.headN:], b)
	}
	c.n += len(b)
}

func quoteOrBackslash(b []byte) int {
	q := bytes.IndexByte(b, '"')
	if q >= 0 {
		b = b[:q]
	}
	if s := bytes.IndexByte(b, '\\'); s >= 0 {
		return s
	}
	return q
}

// wantedHead reports whether a string starting with head (as written in
// JSON, escapes and all) may be a JSON document or an HLS playlist, plain or
// base64: the bodies intake reads in full.
func wantedHead(head []byte) bool {
	for len(head) > 0 {
		switch {
		case head[0] == ' ':
			head = head[1:]
			continue
		case len(head) >= 2 && head[0] == '\\' && (head[1] == 'n' || head[1] == 'r' || head[1] == 't'):
			head = head[2:]
			continue
		case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
			head = head[3:]
			continue
		case bytes.HasPrefix(head, []byte(`\ufeff`)), bytes.HasPrefix(head, []byte(`\uFEFF`)):
			head = head[6:]
			continue
		}
		break
	}
	for _, p := range wantedPrefixes {
		if bytes.HasPrefix(head, []byte(p)) || (len(head) < len(p) && bytes.HasPrefix([]byte(p), head) && len(head) > 0) {
			return true
		}
	}
	return false
}

// wantedPrefixes: JSON objects and arrays, playlists, and their base64
// forms ("{" -> "ey"/"ew"/"e3", "[" -> "W", "#EXTM3U" -> "I0VYVE0zVQ",
// BOM + "#EXTM3U" -> "77u/I0VYVE0zVQ"), and manifests (XML: "<?xml" or
// "<MPD", "<" written as \u003c by some writers; base64 "PD94bWw",
// "PE1QRA", with a BOM "77u/PD94").
var wantedPrefixes = []string{"{", "[", "#EXTM3U", "ey", "ew", "e3", "W", "I0VYVE0zVQ", "77u/I0VY",
	"<?xml", "<MPD", `\u003c?xml`, `\u003cMPD`, `\u003C?xml`, `\u003CMPD`, "PD94bWw", "PE1QRA", "77u/PD94"}
