package media

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
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
func seamDurations(dir string, chunks []string, playlist []time.Duration) map[string]time.Duration {
	if len(playlist) != len(chunks) || len(chunks) < 2 {
		return nil
	}
	starts := make([]int64, len(chunks)) // 90 kHz ticks; -1: unknown
	for i, c := range chunks {
		starts[i] = tsStart(filepath.Join(dir, c))
	}
	out := map[string]time.Duration{}
	for i := 0; i+1 < len(chunks); i++ {
		if starts[i] < 0 || starts[i+1] < 0 {
			continue
		}
		// Timestamps have 33 bits and wrap every 26.5 hours.
		ticks := (starts[i+1] - starts[i]) & (1<<33 - 1)
		d := time.Duration(ticks) * time.Second / 90000
		if (d - playlist[i]).Abs() <= max(time.Second, playlist[i]/4) {
			out[chunks[i]] = d
		}
	}
	return out
}

// tsStart is the earliest first presentation time of the MPEG-TS chunk's
// picture and sound streams, in 90 kHz ticks, as ffmpeg takes a file's
// start: the first timestamp of each stream, the earliest of those. -1
// when the file is not MPEG-TS or shows no timestamp early on. Timed
// metadata (ID3) streams are left out, as ffmpeg leaves data streams out.
func tsStart(path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return -1
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
			return -1
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
		case pid == pmt:
			for k, v := range pmtStreams(payload) {
				streams[k] = v
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
	return best
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

// pmtStreams reads a PMT section: each elementary PID, and whether it is a
// picture or sound stream (not timed metadata).
func pmtStreams(p []byte) map[int]bool {
	out := map[int]bool{}
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
		out[pid] = kind != 0x15 && kind != 0x05 && kind != 0x86
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
