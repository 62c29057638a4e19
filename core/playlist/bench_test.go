package playlist

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkParse normalises the playlist of a 3-hour replay: 3,600 chunks
// with signed addresses, as a Periscope replay lists them.
func BenchmarkParse(b *testing.B) {
	var src strings.Builder
	src.WriteString("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n#EXT-X-PLAYLIST-TYPE:VOD\n")
	for i := range 3600 {
		fmt.Fprintf(&src, "#EXTINF:3.000,\nchunk_%d.ts?Policy=eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoiaHR0cHM6&Signature=abcdef%d&Key-Pair-Id=APKA\n", i, i)
	}
	data := []byte(src.String())
	base := mustURL(b, "https://replay.example/hls/abc/playlist_1.m3u8?type=replay")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		pl, _, err := Parse(data, base)
		if err != nil || len(pl.Segments) != 3600 {
			b.Fatal(err)
		}
	}
}
