package job

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"replayrescue/core/fetch"
	"replayrescue/core/sample"
)

// A hold that ends within milliseconds (a child ffmpeg between fork and exec
// keeps a copy of the lock file open) is waited out, not reported as a
// second Replay Rescue.
func TestLockWaitsOutAMomentaryHold(t *testing.T) {
	j := &part{dir: t.TempDir()}
	hold, err := tryLock(filepath.Join(j.dir, lockFile))
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(20 * time.Millisecond)
		hold.Close()
		close(released)
	}()
	unlock, err := j.lock()
	if err != nil {
		t.Fatalf("lock held for 20 ms: %v", err)
	}
	unlock()
	<-released
}

// A second Replay Rescue on the same job folder refuses politely while the
// first works, and goes ahead once it has finished.
func TestSecondInstanceRefused(t *testing.T) {
	m, _ := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m})
	work := filepath.Join(t.TempDir(), "job")
	first, err := Open(sourceFor(t, srv, srv.Cookies()), Options{Work: work})
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := first.lock() // as during its Load, Download or Render
	if err != nil {
		t.Fatal(err)
	}
	second, err := Open(sourceFor(t, srv, srv.Cookies()), Options{Work: work})
	if err != nil {
		t.Fatal(err)
	}
	err = second.Load(context.Background())
	msg, code := Explain(err)
	if code != ExitOther || !strings.Contains(msg, "Another Replay Rescue is already saving into") {
		t.Fatalf("second instance: code %d, %q", code, msg)
	}
	if srv.Requests("playlist") != 0 {
		t.Error("the refused instance fetched the playlist")
	}
	if err := second.Cleanup(); err == nil {
		t.Error("the refused instance removed the folder in use")
	}
	if _, err := os.Stat(work); err != nil {
		t.Fatal("job folder gone")
	}
	unlock()
	if err := second.Load(context.Background()); err != nil {
		t.Fatalf("after the first finished: %v", err)
	}
}

// mountTmpfs mounts a small RAM file system at a new folder, for disk-full
// and read-only cases, owned by us and not writable by others (as a tmpfs
// is by default, which a job folder refuses). It needs root on Linux;
// elsewhere the test is skipped.
func mountTmpfs(t *testing.T, opts string) string {
	t.Helper()
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("needs root on Linux to mount a small file system")
	}
	dir := filepath.Join(t.TempDir(), "mnt")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts+",mode=0755", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// The job folder's disk fills up during the download: one sentence, and the
// chunks finished before are kept for the next run.
func TestDiskFullWhileDownloading(t *testing.T) {
	m, tools := testSample(t)
	work := mountTmpfs(t, "size=3m")
	srv := startServer(t, sample.ServerOptions{Media: m})
	out := filepath.Join(t.TempDir(), "talk.mp4")
	opts := Options{Work: work, Tools: tools, tuning: fast()}
	err := Save(context.Background(), sourceFor(t, srv, srv.Cookies()), opts, Settings{Output: out})
	msg, code := Explain(err)
	if code != ExitOther || !strings.Contains(msg, "is full") || !strings.Contains(msg, "finished chunks are kept") {
		t.Fatalf("code %d, %q", code, msg)
	}
	kept := 0
	for i := range m.Chunks {
		if _, ok := fetch.Complete(work, i); ok {
			kept++
		}
	}
	if kept == 0 {
		t.Error("no finished chunk kept")
	}
	if parts, _ := filepath.Glob(filepath.Join(work, "*.part")); len(parts) != 0 {
		t.Errorf("partial chunks left: %v", parts)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("an output file was written")
	}
	t.Logf("disk full after %d of %d chunks: %s", kept, len(m.Chunks), msg)
}

// The output folder's disk fills up during the render: no truncated MP4 under
// the final name, no temporary file, and the downloaded chunks stay.
func TestDiskFullWhileRendering(t *testing.T) {
	m, tools := testSample(t)
	outDir := mountTmpfs(t, "size=2m")
	srv := startServer(t, sample.ServerOptions{Media: m})
	work := filepath.Join(t.TempDir(), "job")
	out := filepath.Join(outDir, "talk.mp4")
	opts := Options{Work: work, Tools: tools, tuning: fast()}
	err := Save(context.Background(), sourceFor(t, srv, srv.Cookies()), opts, Settings{Output: out})
	msg, code := Explain(err)
	if code != ExitOther || !strings.Contains(msg, "disk is full") || !strings.Contains(msg, "chunks are kept") {
		t.Fatalf("code %d, %q", code, msg)
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
		t.Errorf("files left in the full folder: %v", entries)
	}
	for i := range m.Chunks {
		if _, ok := fetch.Complete(work, i); !ok {
			t.Fatalf("chunk %d lost after the failed render", i)
		}
	}
}

// Finishing the video frees ffmpeg's fragmented file as its media is copied
// into the ordinary one (Linux), so a disk with room for the video and a
// fifth more is enough.
func TestFinishingTheVideoNeedsItsSizeOnce(t *testing.T) {
	m, tools := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m})
	work := filepath.Join(t.TempDir(), "job")
	opts := Options{Work: work, Tools: tools, tuning: fast(), Keep: true}
	first := filepath.Join(t.TempDir(), "talk.mp4")
	if err := Save(context.Background(), sourceFor(t, srv, srv.Cookies()), opts, Settings{Output: first}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(first)
	if err != nil {
		t.Fatal(err)
	}
	outDir := mountTmpfs(t, fmt.Sprintf("size=%dk", st.Size()*6/5/1024))
	out := filepath.Join(outDir, "talk.mp4")
	if err := Save(context.Background(), sourceFor(t, srv, srv.Cookies()), opts, Settings{Output: out}); err != nil {
		t.Fatalf("save onto a disk with room for 1.2 videos: %v", err)
	}
	again, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := os.ReadFile(first); string(again) != string(want) {
		t.Error("the video differs from the same save on a roomy disk")
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 1 {
		t.Errorf("files beside the video: %v", entries)
	}
}

// An output folder nobody can write to is reported before anything is
// downloaded.
func TestUnwritableOutputFolder(t *testing.T) {
	m, tools := testSample(t)
	var outDir string
	if os.Geteuid() == 0 {
		outDir = mountTmpfs(t, "ro,size=1m")
	} else {
		outDir = t.TempDir()
		if err := os.Chmod(outDir, 0o555); err != nil {
			t.Fatal(err)
		}
	}
	srv := startServer(t, sample.ServerOptions{Media: m})
	opts := Options{Work: filepath.Join(t.TempDir(), "job"), Tools: tools, tuning: fast()}
	err := Save(context.Background(), sourceFor(t, srv, srv.Cookies()), opts, Settings{Output: filepath.Join(outDir, "talk.mp4")})
	msg, code := Explain(err)
	if code != ExitUsage || !strings.HasPrefix(msg, "Cannot save into the folder") {
		t.Fatalf("code %d, %q", code, msg)
	}
	if srv.Requests("playlist") != 0 {
		t.Error("downloaded before finding out the output cannot be written")
	}
	var je *Error
	if !errors.As(err, &je) {
		t.Errorf("not a job error: %T", err)
	}
}
