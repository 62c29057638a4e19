package dash

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkThreeHours reads a three-hour talk's manifest written the way
// ffmpeg's dash muxer writes it (every sound segment its own <S>, as AAC
// frames do not divide the segment length) and lists its segments.
func BenchmarkThreeHours(b *testing.B) {
	var sound strings.Builder
	for i := range 5400 {
		fmt.Fprintf(&sound, `<S d="%d"/>`, 95232+1024*(i%2))
	}
	manifest := []byte(head + `mediaPresentationDuration="PT3H"><Period>
<AdaptationSet contentType="video"><Representation id="0" bandwidth="3000000" width="1920" height="1080" codecs="avc1.640028">
<SegmentTemplate timescale="15360" initialization="init-$RepresentationID$.m4s" media="chunk-$RepresentationID$-$Number%05d$.m4s" startNumber="1">
<SegmentTimeline><S t="0" d="30720" r="5399"/></SegmentTimeline></SegmentTemplate></Representation></AdaptationSet>
<AdaptationSet contentType="audio"><Representation id="1" bandwidth="128000" codecs="mp4a.40.2">
<SegmentTemplate timescale="48000" initialization="init-$RepresentationID$.m4s" media="chunk-$RepresentationID$-$Number%05d$.m4s" startNumber="1">
<SegmentTimeline><S t="0" d="95232"/>` + sound.String() + `</SegmentTimeline></SegmentTemplate></Representation></AdaptationSet></Period></MPD>`)
	base := mustURL(b, "https://cdn.example/talk/m.mpd")
	b.SetBytes(int64(len(manifest)))
	b.ReportAllocs()
	for b.Loop() {
		m, err := Parse(manifest, base)
		if err != nil {
			b.Fatal(err)
		}
		sel, err := m.Select(context.Background(), 0, nil)
		if err != nil || len(sel.Video) != 5400 {
			b.Fatal(err, len(sel.Video))
		}
	}
}
