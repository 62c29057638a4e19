package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"replayrescue/core/media"
	"replayrescue/core/sample"
)

// TestWindowsSampleSave checks, with this computer's ffmpeg, the MP4 that
// the Windows exe saved from the built-in sample under Wine (`make
// check-windows` sets RR_WINDOWS_DEMO): all of it, every frame, and each
// flash's beep within 40 ms (the demo fixes the sample's 2 s audio lead).
func TestWindowsSampleSave(t *testing.T) {
	out := os.Getenv("RR_WINDOWS_DEMO")
	if out == "" {
		t.Skip("RR_WINDOWS_DEMO is not set: make check-windows sets it")
	}
	tools, err := media.Find()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	info, err := tools.Probe(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	// The demo moves the sound 2 s later, so the first 2 s of picture have
	// no sound and are left out: 1:58 remain.
	length := demoLength - 2*time.Second
	v, _ := info.Stream("video")
	if (v.Duration-length).Abs() > 100*time.Millisecond || v.Width != 640 {
		t.Errorf("video %v %dpx wide, want %v, 640", v.Duration, v.Width, length)
	}
	if _, ok := info.Stream("audio"); !ok {
		t.Error("no audio")
	}
	want := int(length.Seconds() * 30)
	if n, err := tools.PresentedFrames(ctx, out); err != nil || n != want {
		t.Errorf("%d frames shown (%v), want %d", n, err, want)
	}
	flashes, beeps, err := tools.SyncMarkers(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	if want := int(length / (5 * time.Second)); len(flashes) != want {
		t.Errorf("flashes at %v, want %d", flashes, want)
	}
	for _, f := range flashes {
		if f < 2500*time.Millisecond {
			continue // its beep came before the broadcast began
		}
		gap := time.Hour
		for _, b := range beeps {
			gap = min(gap, (b - f).Abs())
		}
		if gap > 40*time.Millisecond {
			t.Errorf("flash at %v: nearest beep %v away, want within 40ms", f, gap)
		}
	}
	t.Logf("%s: %v, %d flashes, each beep within 40 ms", out, v.Duration, len(flashes))
}

// winRun is replayrescue-cli.exe running under Wine, started by a test on
// Linux: its --json lines as they come, its standard error at the end.
type winRun struct {
	cmd    *exec.Cmd
	lines  chan string
	stderr bytes.Buffer
}

// wineEnv is this test's environment for a Windows program: the Windows
// tools `make check-windows` names in RR_WINDOWS_FFMPEG and _FFPROBE (this
// test itself uses this computer's).
func wineEnv() []string {
	return append(os.Environ(), "REPLAYRESCUE_FFMPEG="+os.Getenv("RR_WINDOWS_FFMPEG"), "REPLAYRESCUE_FFPROBE="+os.Getenv("RR_WINDOWS_FFPROBE"))
}

func startWine(t *testing.T, exe string, args ...string) *winRun {
	t.Helper()
	r := &winRun{cmd: exec.Command("wine", append([]string{exe}, args...)...), lines: make(chan string, 1000)}
	r.cmd.Env = wineEnv()
	r.cmd.Stderr = &r.stderr
	out, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			r.lines <- strings.TrimRight(sc.Text(), "\r")
		}
		close(r.lines)
	}()
	return r
}

// until waits up to limit for ready (given each --json line, and "" every
// few milliseconds) and tells whether it came true while the program ran.
func (r *winRun) until(limit time.Duration, ready func(line string) bool) bool {
	deadline := time.After(limit)
	for {
		select {
		case l, ok := <-r.lines:
			if !ok {
				return false // the program ended
			}
			if ready(l) {
				return true
			}
		case <-time.After(10 * time.Millisecond):
			if ready("") {
				return true
			}
		case <-deadline:
			return false
		}
	}
}

// kill ends the program as Task Manager's "End task" or a crash would,
// and tells whether it was still running.
func (r *winRun) kill() bool {
	killed := r.cmd.Process.Kill() == nil
	go func() {
		for range r.lines {
		}
	}()
	err := r.cmd.Wait()
	var exit *exec.ExitError
	return killed && errors.As(err, &exit) && !exit.Exited()
}

// wait lets the program finish and returns its exit status.
func (r *winRun) wait() int {
	for range r.lines {
	}
	r.cmd.Wait()
	return r.cmd.ProcessState.ExitCode()
}

// winpath is the Windows name of a path on this computer (Wine's Z: drive).
func winpath(p string) string {
	abs, _ := filepath.Abs(p)
	return "Z:" + strings.ReplaceAll(abs, "/", `\`)
}

// windowsFFmpegs lists the ffmpeg.exe processes under Wine whose command
// line holds marker (a folder only this test uses), as "pid: command line".
func windowsFFmpegs(marker string) []string {
	var found []string
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		cmdline, err := os.ReadFile(p + "/cmdline")
		if err != nil {
			continue
		}
		line := strings.ReplaceAll(string(cmdline), "\x00", " ")
		if !strings.Contains(strings.ToLower(line), "ffmpeg.exe") || !strings.Contains(line, marker) {
			continue
		}
		if stat, err := os.ReadFile(p + "/stat"); err == nil {
			if f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:])); len(f) > 0 && f[0] == "Z" {
				continue // ended, not yet reaped
			}
		}
		found = append(found, filepath.Base(p)+": "+line)
	}
	return found
}

// TestWindowsKillAndResume runs replayrescue-cli.exe (RR_WINDOWS_CLI) under
// Wine against a cookie-gated loopback replay served here, into a job folder
// and an output in RR_WINDOWS_OUT (`make check-windows` names one with
// spaces, an apostrophe and a non-ASCII letter), and checks what only a real
// run on Windows code paths shows:
//   - killed mid-download and run again, no chunk already on disk is fetched
//     again, and the MP4 has exactly the packets of a save of the same chunks
//     by this computer's build;
//   - a second exe saving into the same folder meanwhile gets the sentence
//     (the job lock across processes);
//   - killed during the render, no ffmpeg.exe it started keeps running (the
//     job object) and nothing is left under the output's name;
//   - a file that takes the output's name during the render is left alone
//     and the video goes to "talk (2).mp4" (the no-replace rename).
func TestWindowsKillAndResume(t *testing.T) {
	cli, dir := os.Getenv("RR_WINDOWS_CLI"), os.Getenv("RR_WINDOWS_OUT")
	if cli == "" || dir == "" {
		t.Skip("RR_WINDOWS_CLI and RR_WINDOWS_OUT are not set: make check-windows sets them")
	}
	began := time.Now()
	since := func() string { return fmt.Sprintf("%.0f s", time.Since(began).Seconds()) }
	tools, m := minuteSample(t)
	save := func(srv *sample.Server, work, out string) []string {
		return []string{"save", srv.PlaylistURL(), "--cookies", cookieString(srv), "--jobs", "4", "--json",
			"--audio-offset", "2s", "--start", "0:10", "--work", work, "-o", out}
	}

	// The same chunks saved by this computer's build, from a server of its own.
	refSrv, err := sample.Start(sample.ServerOptions{Media: m})
	if err != nil {
		t.Fatal(err)
	}
	defer refSrv.Close()
	ref := filepath.Join(t.TempDir(), "reference.mp4")
	if code, _, stderr := runCLI(t, "", save(refSrv, filepath.Join(t.TempDir(), "job"), ref)...); code != 0 {
		t.Fatalf("the save on this computer: exit %d: %s", code, stderr)
	}

	// Slow enough per connection that the download takes several seconds
	// even after Wine has started the exe.
	srv, err := sample.Start(sample.ServerOptions{Media: m, RateLimit: 48 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	work, out := filepath.Join(dir, "job"), filepath.Join(dir, "talk.mp4")
	args := save(srv, winpath(work), winpath(out))
	requests := func() map[string]int {
		n := map[string]int{}
		for _, c := range m.Chunks {
			n[c.Name] = srv.Requests(c.Name)
		}
		return n
	}
	// fetchedAgain fails for every chunk of had requested since before.
	fetchedAgain := func(run string, had []string, before map[string]int) {
		t.Helper()
		for _, name := range had {
			if got := srv.Requests(name); got != before[name] {
				t.Errorf("%s: %s was on disk and was fetched again (%d -> %d requests)", run, name, before[name], got)
			}
		}
	}

	// 1. Killed mid-download; meanwhile a second exe is refused the folder.
	first := startWine(t, cli, args...)
	if !first.until(2*time.Minute, func(string) bool { return len(chunksOnDisk(work)) >= 10 }) {
		first.kill()
		t.Fatalf("the exe did not get 10 chunks into %s: %s", work, first.stderr.String())
	}
	second := startWine(t, cli, args...)
	code := second.wait()
	if msg := second.stderr.String(); code != 1 || !strings.Contains(msg, "Another Replay Rescue is already saving into "+winpath(work)) {
		t.Errorf("a second save into the folder in use: exit %d, %q; want 1 and the sentence", code, msg)
	}
	if !first.kill() {
		t.Fatalf("the first save ended before it was killed: %s", first.stderr.String())
	}
	t.Logf("%s: killed mid-download with %d of %d chunks on disk; the second exe meanwhile: %s", since(), len(chunksOnDisk(work)), len(m.Chunks), strings.TrimSpace(second.stderr.String()))

	// 2. Run again and killed while its ffmpeg.exe renders.
	had, before := chunksOnDisk(work), requests()
	resumed := startWine(t, cli, args...)
	rendering := false
	var ffmpegs []string
	if !resumed.until(2*time.Minute, func(l string) bool {
		rendering = rendering || strings.Contains(l, `"event":"rendering"`)
		if rendering {
			ffmpegs = windowsFFmpegs(filepath.Base(dir))
		}
		return len(ffmpegs) > 0
	}) {
		resumed.kill()
		t.Fatalf("no ffmpeg.exe seen rendering (rendering event: %v): %s", rendering, resumed.stderr.String())
	}
	if !resumed.kill() {
		t.Fatal("the resumed save ended before it was killed")
	}
	fetchedAgain("run again", had, before)
	gone := false
	for range 100 {
		if gone = len(windowsFFmpegs(filepath.Base(dir))) == 0; gone {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !gone {
		t.Errorf("ffmpeg.exe still running 10 s after the exe was killed: %v", windowsFFmpegs(filepath.Base(dir)))
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a file is under the output's name after the kill (%v)", err)
	}
	t.Logf("%s: killed during the render, its ffmpeg.exe went with it: %s", since(), ffmpegs[0])

	// 3. Run to the end; the output's name is taken while it renders.
	had, before = chunksOnDisk(work), requests()
	last := startWine(t, cli, args...)
	var planted error = errors.New("no rendering event")
	last.until(2*time.Minute, func(l string) bool {
		if !strings.Contains(l, `"event":"rendering"`) {
			return false
		}
		f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			_, err = f.WriteString("the presenter's own file")
			f.Close()
		}
		planted = err
		return true
	})
	code = last.wait()
	if planted != nil {
		t.Fatalf("could not take the output's name during the render: %v", planted)
	}
	saved := filepath.Join(dir, "talk (2).mp4")
	if msg := last.stderr.String(); code != 1 || !strings.Contains(msg, "appeared while your video was being saved") || !strings.Contains(msg, winpath(saved)) {
		t.Errorf("output name taken during the render: exit %d, %q; want 1 and the sentence naming %s", code, msg, winpath(saved))
	}
	if b, _ := os.ReadFile(out); string(b) != "the presenter's own file" {
		t.Errorf("the file that took the output's name was changed: %d bytes", len(b))
	}
	fetchedAgain("last run", had, before)
	// Beyond that, only chunks cut off by the first kill (one per
	// connection) may have been asked for twice.
	total, fetched := 0, 0
	for name, n := range requests() {
		total += n
		if n > 0 {
			fetched++
		}
		if n > 2 {
			t.Errorf("%s requested %d times", name, n)
		}
	}
	if total-fetched > 4 {
		t.Errorf("%d chunks fetched twice, more than the 4 connections the kill cut off", total-fetched)
	}
	t.Logf("%s: saved as %s; %d chunk requests for the %d chunks fetched (%d in the playlist)", since(), filepath.Base(saved), total, fetched, len(m.Chunks))
	if got, want := packetHashes(t, tools, saved), packetHashes(t, tools, ref); got != want {
		t.Errorf("the MP4 the exe saved differs from this computer's save of the same chunks, packet by packet")
	}
}
