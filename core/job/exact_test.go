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
	opts := Options{Work: filepath.Join(t.TempDir(), "job"), Tools: tools, Events: log.add, tuning: fast()}
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

// Plan tells the app where the video would start, and the broadcast's own
// gap between sound and picture, without rendering.
func TestPlan(t *testing.T) {
	m, tools := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m})
	j, err := Open(sourceFor(t, srv, srv.Cookies()), Options{Work: filepath.Join(t.TempDir(), "job"), Tools: tools, tuning: fast()})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := j.Download(context.Background()); err != nil {
		t.Fatal(err)
	}
	asked := 165*time.Second + 500*time.Millisecond
	fast, err := j.Plan(context.Background(), Settings{Start: asked})
	if err != nil {
		t.Fatal(err)
	}
	if fast.Start != 165*time.Second || fast.AudioGap.Abs() > 50*time.Millisecond {
		t.Errorf("fast plan %+v, want the keyframe at 2:45 and no gap", fast)
	}
	exact, err := j.Plan(context.Background(), Settings{Start: asked, Exact: true})
	if err != nil || exact.Start != asked {
		t.Errorf("exact plan %+v, %v", exact, err)
	}
}
