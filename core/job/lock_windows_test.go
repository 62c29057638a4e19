//go:build windows

package job

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestLockAcrossProcessesOnWindows: while another process (the test binary,
// standing in for a second Replay Rescue) holds a job folder's lock, a save
// there gets the sentence; once that process is killed, as from Task
// Manager, Windows has released the lock and the save goes ahead. Run under
// Wine by `make check-windows`.
func TestLockAcrossProcessesOnWindows(t *testing.T) {
	if dir := os.Getenv("RR_HOLD_LOCK"); dir != "" {
		j := &part{dir: dir}
		if _, err := j.lock(); err != nil {
			os.Stdout.WriteString("error " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	// Not t.TempDir: Go's RemoveAll fails under Wine 8.
	dir, err := os.MkdirTemp("", "lock-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	other := exec.Command(os.Args[0], "-test.run=^TestLockAcrossProcessesOnWindows$")
	other.Env = append(os.Environ(), "RR_HOLD_LOCK="+dir)
	out, err := other.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer other.Process.Kill()
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "locked\n" {
		t.Fatalf("the other process did not take the lock: %q", line)
	}

	j := &part{dir: dir}
	_, err = j.lock()
	var je *Error
	if !errors.As(err, &je) || je.Code != ExitOther || !strings.Contains(je.Msg, "Another Replay Rescue is already saving into "+dir) {
		t.Fatalf("lock held by another process: %v, want the sentence", err)
	}
	t.Log(je.Msg)

	other.Process.Kill()
	other.Wait()
	unlock, err := j.lock()
	if err != nil {
		t.Fatalf("lock after the other process was killed: %v", err)
	}
	unlock()
}
