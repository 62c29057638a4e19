package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"replayrescue/core/media"
	"replayrescue/core/sample"
)

// TestMain lets the test binary stand in for the real program: the crash test
// runs it as a child process it can kill -9.
func TestMain(m *testing.M) {
	if os.Getenv("REPLAYRESCUE_TEST_AS_CLI") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// child starts the program as its own process, with stdout piped.
func child(t *testing.T, args ...string) (*exec.Cmd, *bufio.Scanner, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "REPLAYRESCUE_TEST_AS_CLI=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(out), &stderr
}

// chunksOnDisk lists the finished chunks in a job folder (a chunk has its
// final name only once complete).
func chunksOnDisk(dir string) []string {
	names, _ := filepath.Glob(filepath.Join(dir, "chunk_*.ts"))
	for i := range names {
		names[i] = filepath.Base(names[i])
	}
	return names
}

// packetHashes lists every packet's timestamp and checksum, for comparing
// two MP4s frame by frame.
func packetHashes(t *testing.T, tools media.Tools, path string) string {
	t.Helper()
	out, err := exec.Command(tools.FFmpeg, "-v", "error", "-i", path, "-map", "0", "-c", "copy", "-f", "framemd5", "-").Output()
	if err != nil {
		t.Fatalf("framemd5 %s: %v", path, err)
	}
	var b strings.Builder
	for _, l := range strings.Split(string(out), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// minuteSample is a one-minute sample in one-second chunks, for tests that
// run the program as a child process.
func minuteSample(t *testing.T) (media.Tools, *sample.Media) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test")
	}
	tools, err := media.Find()
	if err != nil {
		t.Skip(err)
	}
	m, err := sample.Generate(context.Background(), sample.MediaOptions{FFmpeg: tools.FFmpeg, Duration: 60 * time.Second, ChunkDuration: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return tools, m
}

// TestKillNineAndResume kills the program (SIGKILL, no chance to clean up)
// several times during the download and once as the render starts, runs the
// same command again each time, and checks that no finished chunk is fetched
// twice, that no file ever appears under the final name before the end, and
// that the final MP4 has exactly the packets of an uninterrupted run.
func TestKillNineAndResume(t *testing.T) {
	tools, m := minuteSample(t)
	// Slow enough per connection that the download takes seconds.
	srv, err := sample.Start(sample.ServerOptions{Media: m, RateLimit: 96 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	save := func(work, out string) []string {
		return []string{"save", srv.PlaylistURL(), "--cookies", cookieString(srv), "--jobs", "4", "--json",
			"--audio-offset", "2s", "--start", "0:10", "--work", work, "-o", out}
	}

	ref := filepath.Join(dir, "reference.mp4")
	if code, _, stderr := runCLI(t, "", save(filepath.Join(dir, "ref-job"), ref)...); code != 0 {
		t.Fatalf("uninterrupted run: exit %d: %s", code, stderr)
	}

	work, out := filepath.Join(dir, "job"), filepath.Join(dir, "talk.mp4")
	total := len(m.Chunks)
	// The save fetches only the chunks from just before 0:10 on (about 52).
	kills := []struct {
		name  string
		ready func(line string) bool // kill once this is true
	}{
		{"at 8 chunks", func(string) bool { return len(chunksOnDisk(work)) >= 8 }},
		{"at 26 chunks", func(string) bool { return len(chunksOnDisk(work)) >= 26 }},
		{"at 46 chunks", func(string) bool { return len(chunksOnDisk(work)) >= 46 }},
		{"as the render starts", func(line string) bool { return strings.Contains(line, `"event":"rendering"`) }},
	}
	for _, k := range kills {
		before := map[string]int{}
		for _, c := range m.Chunks {
			before[c.Name] = srv.Requests(c.Name)
		}
		had := chunksOnDisk(work)

		cmd, lines, stderr := child(t, save(work, out)...)
		killed := false
		deadline := time.Now().Add(2 * time.Minute)
		lineCh := make(chan string)
		go func() {
			for lines.Scan() {
				lineCh <- lines.Text()
			}
			close(lineCh)
		}()
	watch:
		for time.Now().Before(deadline) {
			select {
			case l, ok := <-lineCh:
				if !ok {
					break watch // the run ended on its own
				}
				if k.ready(l) {
					killed = cmd.Process.Kill() == nil
					break watch
				}
			case <-time.After(5 * time.Millisecond):
				if k.ready("") {
					killed = cmd.Process.Kill() == nil
					break watch
				}
			}
		}
		go func() {
			for range lineCh {
			}
		}()
		err := cmd.Wait()
		if !killed {
			t.Fatalf("%s: the run ended before the kill (%v): %s", k.name, err, stderr)
		}
		// Chunks finished before this run were not fetched again.
		for _, name := range had {
			if got := srv.Requests(name); got != before[name] {
				t.Errorf("%s: finished chunk %s fetched again (%d -> %d)", k.name, name, before[name], got)
			}
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Fatalf("%s: a file exists under the final name after the kill", k.name)
		}
		t.Logf("killed %s: %d of %d chunks on disk", k.name, len(chunksOnDisk(work)), total)
	}

	before := map[string]int{}
	for _, c := range m.Chunks {
		before[c.Name] = srv.Requests(c.Name)
	}
	had := chunksOnDisk(work)
	if code, _, stderr := runCLI(t, "", save(work, out)...); code != 0 {
		t.Fatalf("final run: exit %d: %s", code, stderr)
	}
	for _, name := range had {
		if got := srv.Requests(name); got != before[name] {
			t.Errorf("final run: finished chunk %s fetched again", name)
		}
	}
	if packetHashes(t, tools, out) != packetHashes(t, tools, ref) {
		t.Error("the resumed MP4's packets differ from the uninterrupted run's")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".talk.mp4.*.part")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// A live broadcast that never ends: the first Ctrl+C stops following it and
// saves what has arrived.
func TestCtrlCStopsFollowingAndSaves(t *testing.T) {
	tools, m := minuteSample(t)
	var mu sync.Mutex
	served := 3
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name == "live.m3u8" {
			mu.Lock()
			served = min(served+1, len(m.Chunks))
			n := served
			mu.Unlock()
			fmt.Fprint(w, "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n")
			for _, c := range m.Chunks[:n] {
				fmt.Fprintf(w, "#EXTINF:%.3f,\n%s\n", c.Duration.Seconds(), c.Name)
			}
			return // no ENDLIST: still live
		}
		http.ServeFile(w, r, filepath.Join(m.Dir, filepath.Base(name)))
	}))
	defer srv.Close()

	out := filepath.Join(t.TempDir(), "live.mp4")
	cmd, lines, stderr := child(t, "save", "--work", filepath.Join(t.TempDir(), "job"), "-o", out, "--json", srv.URL+"/live.m3u8")
	lives := 0
	for lines.Scan() {
		if strings.Contains(lines.Text(), `"event":"live"`) {
			if lives++; lives == 3 {
				cmd.Process.Signal(os.Interrupt)
			}
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after Ctrl+C: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr.String(), "Stopping here") {
		t.Errorf("stderr: %s", stderr)
	}
	if n, err := tools.PresentedFrames(context.Background(), out); err != nil || n < 5*30 {
		t.Errorf("saved %d frames (%v), want the chunks that had arrived", n, err)
	}
}
