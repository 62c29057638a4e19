//go:build windows

package media

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// TestToolDiesWithUs kills a process that started a long-running tool with
// start, as Task Manager would kill Replay Rescue during a render, and
// checks the tool went with it (the job object's kill-on-close). The test
// binary plays all three parts; `make check-windows` runs it under Wine.
func TestToolDiesWithUs(t *testing.T) {
	switch os.Getenv("RR_JOB_TEST") {
	case "tool":
		time.Sleep(time.Minute)
		os.Exit(0)
	case "app":
		cmd := command(context.Background(), os.Args[0], "-test.run=^TestToolDiesWithUs$")
		cmd.Env = append(os.Environ(), "RR_JOB_TEST=tool")
		if err := start(cmd); err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString(strconv.Itoa(cmd.Process.Pid) + "\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	app := exec.Command(os.Args[0], "-test.run=^TestToolDiesWithUs$")
	app.Env = append(os.Environ(), "RR_JOB_TEST=app")
	out, err := app.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	defer app.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the app did not start its tool: %v", err)
	}
	pid, err := strconv.Atoi(line[:len(line)-1])
	if err != nil {
		t.Fatal(err)
	}
	tool, err := windows.OpenProcess(windows.SYNCHRONIZE|windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		t.Fatalf("the tool (pid %d) is not running: %v", pid, err)
	}
	defer windows.CloseHandle(tool)
	if ev, _ := windows.WaitForSingleObject(tool, 0); ev == windows.WAIT_OBJECT_0 {
		t.Fatal("the tool ended before the app was killed")
	}
	app.Process.Kill()
	app.Wait()
	if ev, _ := windows.WaitForSingleObject(tool, 10000); ev != windows.WAIT_OBJECT_0 {
		windows.TerminateProcess(tool, 1)
		t.Fatal("the tool kept running 10 s after the app was killed")
	}
}
