package job

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"replayrescue/core/sample"
)

// --exact through the whole job: the video starts on the frame asked for,
// between two keyframes, and stays in sync.
func TestSaveExact(t *testing.T) {
	m, tools := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m})
	out := filepath.Join(t.TempDir(), "talk.mp4")
	var log eventLog
	opts := Options{Work: filepath.Join(t.TempDir(), "job"), Tools: tools, Events: log.add, Fetch: fastFetch()}
	asked := 165*time.Second + 500*time.Millisecond
	settings := Settings{Output: out, AudioOffset: sampleLead, Start: asked, End: 190 * time.Second, Exact: true}
	if err := Save(context.Background(), sourceFor(t, srv, srv.Cookies()), opts, settings); err != nil {
		t.Fatal(err)
	}
	d := doneEvent(t, log.all())
	if (d.Start - asked).Abs() > time.Second/30 {
		t.Errorf("starts at %v, want %v within a frame", d.Start, asked)
	}
	if n, err := tools.PresentedFrames(context.Background(), out); err != nil || n != 735 {
		t.Errorf("frames = %d, want 735 (24.5 s at 30 fps): %v", n, err)
	}
	checkSync(t, tools, out)
}
