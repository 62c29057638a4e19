package media

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Seams of chunks read through the concat demuxer. The demuxer places
// each chunk after the one before by that chunk's length as it measures
// it: from its earliest timestamp to the end of its latest packet, of
// either track. Chunks of one encoder run overlap by more than that: a
// chunk of x264's defaults (B-frames) starts its sound with its first
// picture's decode time, two frames before that picture is shown, and
// ends with its last picture shown, so each seam added about two frames
// to both tracks (30.4 s for a 30 s talk) and left a step in the picture.
// When the chunks are stamped by one clock, each chunk's true length is
// where the next one starts minus where it starts, which the concat list
// then states (a "duration" line): the chunks then keep the places their
// timestamps give them, as when they are read as one joined stream.
//
// Where each chunk starts is read from its first MPEG-TS packets, in Go:
// one ffprobe per chunk costs a quarter of a second, hours for a long talk.
// Other chunks (fMP4, packed audio) keep the demuxer's own lengths.

// seamDurations are the lengths the concat list gives chunks (by name),
// from where each chunk and the next start; playlist are the chunks'
// durations as the playlist states them, parallel to chunks. A length is
// given only where it agrees with the playlist's within a quarter (at
// least a second): a chunk after an encoder restart starts on another
// clock, and the demuxer's own measure is then the better one. The last
// chunk has none (nothing follows it).
//
// streams, when not nil, are the picture and sound streams (MPEG-TS PIDs)
// the list must declare: some chunks lack one of the first chunk's
// streams (a host that serves some chunks with their sound only), and
// the demuxer, which matches a chunk's streams to the list's by their
// order, would put such a chunk's sound on the picture's track.
func seamDurations(dir string, chunks []string, playlist []time.Duration) (lengths map[string]time.Duration, streams []int) {
	if len(playlist) != len(chunks) || len(chunks) < 2 {
		return nil, nil
	}
	starts := make([]int64, len(chunks)) // 90 kHz ticks; -1: unknown
	pids := make([][]int, len(chunks))
	for i, c := range chunks {
		starts[i], pids[i] = tsHead(filepath.Join(dir, c))
	}
	lengths = map[string]time.Duration{}
	for i := 0; i+1 < len(chunks); i++ {
		if starts[i] < 0 || starts[i+1] < 0 {
			continue
		}
		// Timestamps have 33 bits and wrap every 26.5 hours.
		ticks := (starts[i+1] - starts[i]) & (1<<33 - 1)
		d := time.Duration(ticks) * time.Second / 90000
		if (d - playlist[i]).Abs() <= max(time.Second, playlist[i]/4) {
			lengths[chunks[i]] = d
		}
	}
	return lengths, declared(pids)
}

// declared are the streams a concat list must declare (see
// seamDurations): the first chunk's, when some chunk lacks one of them
// and no chunk has another; else nil (the demuxer's own matching).
func declared(pids [][]int) []int {
	first := pids[0]
	if len(first) < 2 {
		return nil
	}
	lacking := false
	for _, p := range pids[1:] {
		for _, pid := range p {
			if !slices.Contains(first, pid) {
				return nil // another layout: an encoder restart
			}
		}
		lacking = lacking || len(p) < len(first)
	}
	if !lacking {
		return nil
	}
	return first
}

// tsHead is the earliest first presentation time of the MPEG-TS chunk's
// picture and sound streams, in 90 kHz ticks, as ffmpeg takes a file's
// start: the first timestamp of each stream, the earliest of those; -1
// when the file is not MPEG-TS or shows no timestamp early on. Timed
// metadata (ID3) streams are left out, as ffmpeg leaves data streams out.
// pids are the picture and sound streams its program map lists, in order.
func tsHead(path string) (start int64, pids []int) {
	f, err := os.Open(path)
	if err != nil {
		return -1, nil
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	const size = 188
	pkt := make([]byte, size)
	pmt := -1
	streams := map[int]bool{} // PID -> a picture or sound stream, from the PMT
	first := map[int]int64{}  // PID -> its first PTS
	// The first timestamps of every stream come within the first few
	// hundred packets; 8 MB is far beyond.
	for n := 0; n < (8<<20)/size; n++ {
		if _, err := io.ReadFull(r, pkt); err != nil {
			break
		}
		if pkt[0] != 0x47 {
			return -1, nil
		}
		pid := int(pkt[1]&0x1f)<<8 | int(pkt[2])
		start := pkt[1]&0x40 != 0
		payload := pkt[4:]
		switch pkt[3] >> 4 & 3 {
		case 0, 2: // no payload
			continue
		case 3: // adaptation field first
			if int(pkt[4])+1 > len(payload) {
				continue
			}
			payload = payload[int(pkt[4])+1:]
		}
		if !start {
			continue
		}
		switch {
		case pid == 0:
			pmt = patPMT(payload)
		case pid == pmt && len(streams) == 0:
			list := pmtStreams(payload)
			// Pictures first: a list that declares its streams puts
			// the picture first (see exactArgs).
			slices.SortStableFunc(list, func(a, b pmtStream) int { return cmpBool(b.video, a.video) })
			for _, st := range list {
				streams[st.pid] = st.media
				if st.media {
					pids = append(pids, st.pid)
				}
			}
		default:
			if _, seen := first[pid]; seen {
				break
			}
			if pts, ok := pesPTS(payload); ok {
				first[pid] = pts
			}
		}
		if len(streams) > 0 && allSeen(streams, first) {
			break
		}
	}
	best := int64(-1)
	for pid, pts := range first {
		if len(streams) > 0 && !streams[pid] {
			continue
		}
		// Of two times across a wrap, the one before it is the earlier.
		if best < 0 || (pts-best)&(1<<33-1) > 1<<32 {
			best = pts
		}
	}
	return best, pids
}

// allSeen tells whether every picture and sound stream has its first time.
func allSeen(streams map[int]bool, first map[int]int64) bool {
	for pid, media := range streams {
		if _, ok := first[pid]; media && !ok {
			return false
		}
	}
	return true
}

// patPMT is the PID of the first program's map in a PAT section; -1 if none.
func patPMT(p []byte) int {
	if len(p) < 1 || int(p[0])+1 > len(p) {
		return -1
	}
	s := p[int(p[0])+1:] // after the pointer field
	if len(s) < 8 || s[0] != 0 {
		return -1
	}
	end := min(3+(int(s[1]&0x0f)<<8|int(s[2])), len(s)) - 4 // less the CRC
	for i := 8; i+4 <= end; i += 4 {
		if program := int(s[i])<<8 | int(s[i+1]); program != 0 {
			return int(s[i+2]&0x1f)<<8 | int(s[i+3])
		}
	}
	return -1
}

// pmtStream is one elementary stream of a program map.
type pmtStream struct {
	pid   int
	media bool // a picture or sound stream (not timed metadata)
	video bool // a picture stream (MPEG-1, -2, -4 part 2, H.264, HEVC)
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// pmtStreams reads a PMT section's elementary streams, in order.
func pmtStreams(p []byte) []pmtStream {
	var out []pmtStream
	if len(p) < 1 || int(p[0])+1 > len(p) {
		return out
	}
	s := p[int(p[0])+1:]
	if len(s) < 12 || s[0] != 2 {
		return out
	}
	end := min(3+(int(s[1]&0x0f)<<8|int(s[2])), len(s)) - 4
	i := 12 + (int(s[10]&0x0f)<<8 | int(s[11])) // after the program info
	for i+5 <= end {
		kind, pid := s[i], int(s[i+1]&0x1f)<<8|int(s[i+2])
		// 0x15: ID3 timed metadata; 0x05, 0x86: sections (no PES).
		video := kind == 0x01 || kind == 0x02 || kind == 0x10 || kind == 0x1b || kind == 0x24
		out = append(out, pmtStream{pid, kind != 0x15 && kind != 0x05 && kind != 0x86, video})
		i += 5 + (int(s[i+3]&0x0f)<<8 | int(s[i+4]))
	}
	return out
}

// pesPTS is the presentation time a PES header starting p carries.
func pesPTS(p []byte) (int64, bool) {
	if len(p) < 14 || p[0] != 0 || p[1] != 0 || p[2] != 1 || p[7]&0x80 == 0 {
		return 0, false
	}
	b := p[9:14]
	return int64(b[0]>>1&7)<<30 | int64(b[1])<<22 | int64(b[2]>>1)<<15 | int64(b[3])<<7 | int64(b[4]>>1), true
}
