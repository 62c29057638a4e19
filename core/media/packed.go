package media

import (
	"io"
	"os"
)

// Packed audio: X's Spaces serve their sound as HLS packed audio, each
// chunk AAC in ADTS frames behind an ID3 tag (the chunk's timestamp).
// Joined, such chunks are one ADTS stream, which ffmpeg reads as "aac" (its
// demuxer steps over the tags between frames), not as MPEG-TS; the concat
// demuxer, which probes each chunk, reads them as they are.

// asPacked is src, a joined stream of chunks whose first is at path, read
// as "aac" when that chunk is packed audio.
func asPacked(src source, path string) source {
	if packedAudio(path) {
		src.opts["f"] = "aac"
	}
	return src
}

// packedAudio reports whether the chunk at path is packed audio: an ID3v2
// tag, if any, then an ADTS frame (its 12-bit sync word and layer 0).
// MPEG-TS starts with 0x47, fragmented MP4 with a box.
func packedAudio(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 10)
	n, _ := io.ReadFull(f, head)
	if head = head[:n]; n < 2 {
		return false
	}
	if n == 10 && string(head[:3]) == "ID3" {
		skip := int64(head[6]&0x7f)<<21 | int64(head[7]&0x7f)<<14 | int64(head[8]&0x7f)<<7 | int64(head[9]&0x7f)
		if head[5]&0x10 != 0 { // a footer
			skip += 10
		}
		if _, err := f.Seek(10+skip, io.SeekStart); err != nil {
			return false
		}
		if _, err := io.ReadFull(f, head[:2]); err != nil {
			return false
		}
	}
	return head[0] == 0xff && head[1]&0xf6 == 0xf0
}
