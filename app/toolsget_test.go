package app

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"replayrescue/core/media"
	"replayrescue/core/toolget"
	"replayrescue/core/toolget/toolgettest"

	"replayrescue/app/internal/backend"
)

// noFFmpegHere hides every ffmpeg on this computer and gives Replay Rescue
// an empty data folder, which it returns.
func noFFmpegHere(t *testing.T) string {
	t.Helper()
	t.Setenv("PATH", t.TempDir())
	t.Setenv("REPLAYRESCUE_FFMPEG", "")
	t.Setenv("REPLAYRESCUE_FFPROBE", "")
	data := t.TempDir()
	t.Setenv(media.DataDirEnv, data)
	return data
}

func TestFFmpegDownloadDialog(t *testing.T) {
	toolgettest.SkipWithoutShell(t)
	data := noFFmpegHere(t)
	archive := toolgettest.Archive{Version: "7.1", Padding: 400 << 10}.Zip(t)
	srv := toolgettest.Serve(t, archive, 0)
	real := backend.NewCore(toolget.Options{Builds: toolgettest.Table(toolgettest.Sum([]byte("a different build"))), BaseURL: srv.URL})
	h := newHarness(t, &fakeBackend{cands: readyCands(), realTools: real})
	h.u.goos = "windows"

	h.u.checkTools()
	td := h.u.tools
	if td == nil || td.download == nil || !inDialog(h.win, td.download) || td.hint != nil {
		t.Fatal("Windows without ffmpeg is not offered the download")
	}
	if td.bar.Visible() {
		t.Error("the progress bar shows before anything is downloaded")
	}

	// A build that does not match its hash: one sentence, nothing kept,
	// and the way to try again.
	test.Tap(td.download)
	h.q.until(t, "the failed download", func() bool { return td.stop == nil && td.download.Text == "Try again" })
	if !strings.Contains(td.status.Text, "not the one Replay Rescue expects") || td.bar.Visible() || !inDialog(h.win, td.download) || h.u.toolsOK {
		t.Errorf("after a wrong hash: status %q, bar shown %v", td.status.Text, td.bar.Visible())
	}
	if entries, _ := os.ReadDir(data); len(entries) != 0 {
		t.Errorf("a failed download left %d files", len(entries))
	}

	// The right build: progress to the end, then the dialog closes and
	// ffmpeg is found where the download put it.
	h.be.realTools = backend.NewCore(toolget.Options{Builds: toolgettest.Table(toolgettest.Sum(archive)), BaseURL: srv.URL})
	test.Tap(td.download)
	if td.download.Disabled() != true || td.later.Text != "Cancel" {
		t.Error("while downloading, the button is not disabled or Later is not Cancel")
	}
	h.q.until(t, "the dialog to close", func() bool { return !inDialog(h.win, td.download) })
	if !h.u.toolsOK || td.bar.Value != 1 {
		t.Errorf("after the download: tools ok %v, bar %v", h.u.toolsOK, td.bar.Value)
	}
	tools, err := h.be.realTools.Tools()
	if err != nil || !tools.Downloaded || tools.Major != 7 {
		t.Errorf("tools after the download: %+v %v", tools, err)
	}
	if n := srv.Requests.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	if text, ok := h.u.backend.ToolsLicence(); !ok || !strings.Contains(text, "LGPL-3.0-or-later") {
		t.Errorf("licence for About: %q", text)
	}
	// The About box names the downloaded ffmpeg and shows its licence.
	newAboutBox(h.u).show()
	if a := h.u.about; a.licence == nil || !strings.Contains(a.licence.Text, "LGPL-3.0-or-later") || !strings.Contains(a.tools.Text, tools.FFmpeg) {
		t.Errorf("About after the download: tools %q, licence %v", a.tools.Text, a.licence)
	}
	h.u.about.d.Hide()

	// Linux is told its command even where a download exists.
	h.u.goos = "linux"
	newToolsDialog(h.u, media.InstallHint("linux"), &media.MissingError{Tool: "ffmpeg", GOOS: "linux"}).show()
	if h.u.tools.download != nil || h.u.tools.recheck == nil {
		t.Error("Linux is offered a download instead of its command")
	}
}

func TestFFmpegDownloadCancel(t *testing.T) {
	toolgettest.SkipWithoutShell(t)
	data := noFFmpegHere(t)
	archive := toolgettest.Archive{Version: "7.1", Padding: 1 << 20}.Zip(t)
	// A server that sends a quarter and then waits for the client to go.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(archive)))
		w.Write(archive[:len(archive)/4])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	real := backend.NewCore(toolget.Options{Builds: toolgettest.Table(toolgettest.Sum(archive)), BaseURL: srv.URL})
	h := newHarness(t, &fakeBackend{cands: readyCands(), realTools: real})
	h.u.goos = "darwin"
	h.u.checkTools()
	td := h.u.tools
	test.Tap(td.download)
	h.q.until(t, "some progress", func() bool { return td.bar.Value > 0 })
	if !strings.Contains(td.status.Text, "of") {
		t.Errorf("progress text %q", td.status.Text)
	}
	test.Tap(td.later) // Cancel
	h.q.until(t, "the download to stop", func() bool { return td.stop == nil })
	if td.status.Text != "Stopped: nothing was installed." || !inDialog(h.win, td.download) || h.u.toolsOK {
		t.Errorf("after Cancel: %q", td.status.Text)
	}
	if entries, _ := os.ReadDir(data); len(entries) != 0 {
		t.Errorf("a cancelled download left %d files", len(entries))
	}
	test.Tap(td.later) // now Later again: closes
	if inDialog(h.win, td.download) {
		t.Error("Later did not close the dialog")
	}
}
