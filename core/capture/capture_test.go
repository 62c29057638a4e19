package capture

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"replayrescue/core/intake"
	"replayrescue/core/job"
	"replayrescue/core/media"
	"replayrescue/core/sample"
)

// needBrowser skips when no Chromium-family browser is installed (.ci/run
// installs Debian's chromium through scripts/setup.sh).
func needBrowser(t *testing.T) Browser {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test")
	}
	b, err := FindBrowser(runtime.GOOS, os.Getenv, "")
	if err != nil {
		t.Skip("no Chrome, Edge, Brave or Chromium installed")
	}
	return b
}

func needFFmpeg(t *testing.T) media.Tools {
	t.Helper()
	tools, err := media.Find()
	if err != nil {
		t.Skip(err)
	}
	return tools
}

// profilesLeft lists the temporary browser profiles left in dir.
func profilesLeft(t *testing.T, dir string) []string {
	t.Helper()
	left, err := filepath.Glob(filepath.Join(dir, "replayrescue-browser-*"))
	if err != nil {
		t.Fatal(err)
	}
	return left
}

// TestCaptureSample opens the sample broadcast in headless Chromium through
// Capture, once as a Periscope-style page (the player asks the API for the
// replay and its cookies) and once as a plain player page (HttpOnly cookies
// set by the page, the player loads the .m3u8), finds the replay with
// cookies that work, saves a complete MP4 from it, and leaves no profile.
func TestCaptureSample(t *testing.T) {
	b := needBrowser(t)
	tools := needFFmpeg(t)
	m, err := sample.Generate(context.Background(), sample.MediaOptions{FFmpeg: tools.FFmpeg, Duration: 12 * time.Second, ChunkDuration: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sample.Start(sample.ServerOptions{Media: m, Chat: []sample.ChatMessage{}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	for _, tc := range []struct {
		name, page, title string
	}{
		{"periscope api", srv.BroadcastURL(), "Internationalization Done Wrong (sample)"},
		{"plain player", srv.PlayerURL(), "Internationalization Done Wrong (sample)"}, // the page's title
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp) // where the temporary profile goes
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			var (
				mu   sync.Mutex
				logs strings.Builder
			)
			logf := func(format string, a ...any) {
				line := fmt.Sprintf(format, a...)
				mu.Lock()
				logs.WriteString(line + "\n")
				mu.Unlock()
				t.Log(line)
			}
			cands, err := Capture(ctx, Options{Browser: b.Path, URL: tc.page, Headless: true, Settle: 500 * time.Millisecond, Logf: logf})
			if err != nil {
				t.Fatalf("Capture: %v", err)
			}
			if left := profilesLeft(t, tmp); len(left) > 0 {
				t.Errorf("temporary profile left behind: %v", left)
			}
			best := cands[0]
			if best.URL != srv.PlaylistURL() || best.Origin != intake.OriginBrowser || best.Verdict != intake.VerdictReady {
				t.Fatalf("best candidate = %s (%s, %s), want the sample's replay playlist", best.URL, best.Origin, best.Verdict)
			}
			if best.Title != tc.title {
				t.Errorf("title = %q, want %q", best.Title, tc.title)
			}
			names := map[string]bool{}
			for _, c := range best.Creds.Jar.Cookies(mustParse(t, best.URL)) {
				names[c.Name] = true
				if strings.Contains(logs.String(), c.Value) {
					t.Errorf("the value of cookie %s was logged", c.Name)
				}
			}
			for _, n := range []string{"CloudFront-Policy", "CloudFront-Signature", "CloudFront-Key-Pair-Id"} {
				if !names[n] {
					t.Errorf("cookie %s missing from the playlist's jar (have %v)", n, names)
				}
			}

			out := filepath.Join(tmp, "talk.mp4")
			src := job.Source{URL: best.URL, Creds: best.Creds, Title: best.Title, ID: best.BroadcastID, Denied: intake.DeniedWords(best)}
			if err := job.Save(ctx, src, job.Options{Work: filepath.Join(tmp, "job"), Jobs: 4, Tools: tools}, job.Settings{Output: out}); err != nil {
				t.Fatalf("saving the captured replay: %v", err)
			}
			info, err := tools.Probe(ctx, out)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := info.Stream("video"); !ok {
				t.Fatal("the MP4 has no video")
			}
			if _, ok := info.Stream("audio"); !ok {
				t.Fatal("the MP4 has no audio")
			}
			if d := info.Duration - m.Duration; d < -time.Second || d > time.Second {
				t.Errorf("MP4 lasts %v, the broadcast %v", info.Duration, m.Duration)
			}
		})
	}
}

// TestCaptureCancel: cancelling while the user has not found the replay yet
// closes the browser and deletes the profile.
func TestCaptureCancel(t *testing.T) {
	b := needBrowser(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logf := func(format string, a ...any) {
		t.Logf(format, a...)
		if strings.HasPrefix(fmt.Sprintf(format, a...), "browser started") {
			cancel() // as the user pressing Cancel
		}
	}
	_, err := Capture(ctx, Options{Browser: b.Path, Headless: true, Logf: logf})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Capture after cancel: %v", err)
	}
	if left := profilesLeft(t, tmp); len(left) > 0 {
		t.Errorf("temporary profile left behind: %v", left)
	}
}

// TestCaptureBrowserFails: a browser that cannot be started is one sentence.
func TestCaptureBrowserFails(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "chromium")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", dir)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := Capture(ctx, Options{Browser: fake, Headless: true})
	if err == nil {
		t.Fatal("a browser that exits at once captured something")
	}
	msg, code := job.Explain(err)
	if !strings.Contains(msg, "Chromium could not be started") || strings.Count(msg, ". ") > 0 || code != job.ExitOther {
		t.Errorf("message %q (exit %d)", msg, code)
	}
	if left := profilesLeft(t, dir); len(left) > 0 {
		t.Errorf("temporary profile left behind: %v", left)
	}
	if _, err := Capture(ctx, Options{}); !errors.Is(err, ErrNoBrowser) {
		t.Errorf("no browser: %v", err)
	}
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestCaptureBrowserClosed: a user who closes the browser before playing
// the replay gets one sentence, and the profile is deleted. Closing is done
// by ending the browser's main process, found by its temporary profile.
func TestCaptureBrowserClosed(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("finds the browser's process through /proc")
	}
	b := needBrowser(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	logf := func(format string, a ...any) {
		if strings.HasPrefix(fmt.Sprintf(format, a...), "watching for the replay") {
			if err := endBrowser(tmp); err != nil {
				t.Error(err)
			}
		}
	}
	_, err := Capture(ctx, Options{Browser: b.Path, Headless: true, Logf: logf})
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("Capture after the browser closed: %v", err)
	}
	// An input error (exit 2, worded by rescue.Explain) with its sentence.
	var in *intake.InputError
	if !errors.As(err, &in) || !strings.HasPrefix(in.Msg, "The browser was closed before the replay was found") {
		t.Errorf("error %v, want the input error saying the browser was closed", err)
	}
	if left := profilesLeft(t, tmp); len(left) > 0 {
		t.Errorf("temporary profile left behind: %v", left)
	}
}

// endBrowser ends the browser process whose profile is under dir (the main
// one: its helpers have a --type flag).
func endBrowser(dir string) error {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		args := strings.Split(string(data), "\x00")
		main, ours := true, false
		for _, a := range args {
			ours = ours || strings.HasPrefix(a, "--user-data-dir="+filepath.Join(dir, "replayrescue-browser-"))
			main = main && !strings.HasPrefix(a, "--type=")
		}
		if !ours || !main {
			continue
		}
		pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		if err != nil {
			continue
		}
		proc, err := os.FindProcess(pid)
		if err != nil {
			return err
		}
		return proc.Kill()
	}
	return errors.New("the browser's process was not found")
}
