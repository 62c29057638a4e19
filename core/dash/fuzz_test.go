package dash

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzManifest feeds the reader arbitrary manifests, and the same bytes as
// the segment index a SegmentBase asks for: it must never panic, and what
// it lists must stay within the caps.
func FuzzManifest(f *testing.F) {
	for _, name := range []string{"ffmpeg-timeline.mpd", "ffmpeg-single-file.mpd"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(head + `mediaPresentationDuration="PT5.5S"><Period><AdaptationSet mimeType="video/mp4"><Representation id="v" bandwidth="1"><BaseURL>talk.mp4</BaseURL><SegmentBase indexRange="0-67"/></Representation></AdaptationSet></Period></MPD>`))
	f.Add([]byte(head + `mediaPresentationDuration="PT6S"><Period><AdaptationSet contentType="video"><SegmentTemplate timescale="90000" presentationTimeOffset="900000" media="$Bandwidth$/$Time%08d$.mp4"><SegmentTimeline><S t="900000" d="180000" r="-1"/></SegmentTimeline></SegmentTemplate><Representation id="v" bandwidth="800"/></AdaptationSet></Period></MPD>`))
	f.Add(append([]byte(head+`><Period duration="PT4S"><AdaptationSet contentType="audio"><Representation id="a" bandwidth="1"><SegmentList duration="2"><SegmentURL mediaRange="10-20"/></SegmentList></Representation></AdaptationSet></Period></MPD>`), sidxBox(1000, 0, [][2]uint32{{100, 1000}})...))
	base := mustURL(f, "https://host.example/v/talk.mpd")
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data, base)
		if err != nil {
			return
		}
		m.Representations()
		sel, err := m.Select(context.Background(), 0, func(context.Context, string, Range) ([]byte, error) { return data, nil })
		if err != nil {
			return
		}
		if len(sel.Video)+len(sel.Audio) > MaxSegments {
			t.Fatalf("%d segments", len(sel.Video)+len(sel.Audio))
		}
		if sel.Duration() > 2*MaxTotalLength || sel.Duration() < 0 {
			t.Fatalf("duration %v", sel.Duration())
		}
	})
}
