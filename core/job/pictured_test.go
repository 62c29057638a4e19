package job

import (
	"context"
	"testing"
	"time"

	"replayrescue/core/sample"
)

// A pasted media playlist names no picture size: it is read from the first
// chunk on disk and told once, to a user who has not asked for it by any
// flag.
func TestPictureSizeReadFromTheFirstChunk(t *testing.T) {
	m, tools := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m})
	var log eventLog
	j, err := Open(sourceFor(t, srv, srv.Cookies()), Options{Work: t.TempDir(), Tools: tools, Events: log.add, tuning: fast()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := j.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if f := log.all()[0].(Found); f.Quality != "" {
		t.Fatalf("the sample's media playlist said a size (%q): this test needs one that does not", f.Quality)
	}
	if err := j.Download(ctx); err != nil {
		t.Fatal(err)
	}
	var sizes []string
	for deadline := time.Now().Add(30 * time.Second); len(sizes) == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, e := range log.all() {
			if p, ok := e.(Pictured); ok {
				sizes = append(sizes, p.Quality)
			}
		}
	}
	if len(sizes) != 1 || sizes[0] != "640x360" {
		t.Fatalf("picture sizes told: %q, want one 640x360", sizes)
	}
	// A second download (the render's) does not read it again.
	if err := j.Download(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // a second reading would have come by now
	n := 0
	for _, e := range log.all() {
		if _, ok := e.(Pictured); ok {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the size was told %d times", n)
	}
	line, err := MarshalEvent(Pictured{Quality: "640x360"})
	if err != nil || string(line) != `{"event":"picture","quality":"640x360"}` {
		t.Errorf("NDJSON: %s %v", line, err)
	}
}
