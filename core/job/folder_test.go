package job

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"replayrescue/core/sample"
)

// userFiles puts a user's files (and a sub-folder) into dir and returns a
// check that they are all still there, unchanged.
func userFiles(t *testing.T, dir string) func() {
	t.Helper()
	files := map[string]string{"notes.txt": "my notes", "slides/deck.pdf": "%PDF", "chunk_1.ts": "not ours: wrong digits"}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return func() {
		t.Helper()
		for name, body := range files {
			if got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))); err != nil || string(got) != body {
				t.Errorf("the user's %s was lost or changed: %q, %v", name, got, err)
			}
		}
	}
}

// --work pointing at a folder of the user's that holds their files is
// refused before anything is written, and the files stay.
func TestWorkFolderWithUserFilesRefused(t *testing.T) {
	m, tools := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m})
	talks := t.TempDir()
	intact := userFiles(t, talks)
	for _, work := range []string{talks, filepath.Join(talks, "slides", "..")} {
		err := Save(context.Background(), sourceFor(t, srv, srv.Cookies()),
			Options{Work: work, Tools: tools, tuning: fast()},
			Settings{Output: filepath.Join(talks, "talk.mp4")})
		msg, code := Explain(err)
		if code != ExitUsage || !strings.Contains(msg, "already holds other files") {
			t.Fatalf("--work %s: code %d, %q", work, code, msg)
		}
	}
	if srv.Requests("playlist") != 0 {
		t.Error("the refused save fetched the playlist")
	}
	intact()
	if _, err := os.Stat(filepath.Join(talks, stateFile)); !os.IsNotExist(err) {
		t.Error("the refused save wrote its state into the user's folder")
	}
	// A talk of several parts gets the same rule.
	_, err := OpenTalk([]Source{sourceFor(t, srv, srv.Cookies()), sourceFor(t, srv, srv.Cookies())}, Options{Work: talks, Tools: tools})
	if _, code := Explain(err); code != ExitUsage {
		t.Errorf("talk into the user's folder: %v", err)
	}
	intact()
}

// The case: save --work ~/talks -o ~/talks/talk.mp4 into an empty
// folder. The saved video stays, and so does everything the user adds to
// the folder meanwhile; only the job's own files go.
func TestWorkFolderKeepsTheVideoAndTheUsersFiles(t *testing.T) {
	m, tools := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m})
	talks := filepath.Join(t.TempDir(), "talks")
	if err := os.Mkdir(talks, 0o755); err != nil { // the user's new, empty folder
		t.Fatal(err)
	}
	out := filepath.Join(talks, "talk.mp4")
	var intact func()
	opts := Options{Work: talks, Tools: tools, tuning: fast(), Events: func(e Event) {
		if _, ok := e.(Found); ok && intact == nil {
			intact = userFiles(t, talks) // the user saves something there during the download
		}
	}}
	if err := Save(context.Background(), sourceFor(t, srv, srv.Cookies()), opts, Settings{Output: out, Start: 170e9}); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("the saved video is gone: %v", err)
	}
	intact()
	entries, _ := os.ReadDir(talks)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "chunk_1.ts notes.txt slides talk.mp4" {
		t.Errorf("after the save the folder holds %v, want the user's files and the video only", names)
	}
}

// In a folder only the job used, the clean-up leaves nothing.
func TestCleanupRemovesAnEmptiedFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "job")
	if err := prepareFolder(dir, false); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{stateFile, lockFile, "chunk_000000.ts", "chunk_000001.ts.part", "audio_000003.ts", "render.ffconcat", "render-head.ts", chatFile, ".chat.json.0a1b2c.part"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := removeOwn(dir, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		entries, _ := os.ReadDir(dir)
		t.Errorf("job folder left with %v", entries)
	}
}

// A folder every account may write into (like /tmp) is refused: anyone
// could plant links there under the names the job writes.
func TestWorldWritableWorkFolderRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows folders use ACLs")
	}
	dir := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o1777); err != nil {
		t.Fatal(err)
	}
	_, err := Open(Source{URL: "http://127.0.0.1:1/p.m3u8"}, Options{Work: dir})
	if msg, code := Explain(err); code != ExitUsage || !strings.Contains(msg, "every account") {
		t.Fatalf("code %d, %q", code, msg)
	}
}

// Links planted in the job folder under the names the job writes (a
// chunk's temporary name, a chunk, the state file's temporary name, the
// render's list) are never written through: their targets stay as they
// were and the save still succeeds.
func TestPlantedLinksAreNotWrittenThrough(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	m, tools := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m})
	work := filepath.Join(t.TempDir(), "job")
	if err := os.Mkdir(work, 0o700); err != nil {
		t.Fatal(err)
	}
	victims := t.TempDir()
	names := []string{"chunk_000199.ts.part", "chunk_000198.ts", stateFile + ".tmp", "render.ffconcat", "render.concatf", lockFile}
	for _, n := range names {
		v := filepath.Join(victims, n)
		if err := os.WriteFile(v, []byte("precious"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(v, filepath.Join(work, n)); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "talk.mp4")
	err := Save(context.Background(), sourceFor(t, srv, srv.Cookies()),
		Options{Work: work, Keep: true, Tools: tools, tuning: fast()}, Settings{Output: out, Start: 170e9})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if got, _ := os.ReadFile(filepath.Join(victims, n)); string(got) != "precious" {
			t.Errorf("written through the link %s: %q", n, got)
		}
	}
	if st, err := os.Lstat(filepath.Join(work, "chunk_000198.ts")); err != nil || !st.Mode().IsRegular() {
		t.Errorf("the planted chunk link was taken for a chunk: %v %v", st, err)
	}
}

// A file that takes the output's name while the video is being made (a
// second save to the same default name, the user's own file) is never
// replaced without --force: the video goes to the next free name, the
// sentence says where, subtitles follow it, and the exit is not 0.
func TestOutputTakenDuringTheSaveIsKept(t *testing.T) {
	m, tools := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m})
	dir := t.TempDir()
	out := filepath.Join(dir, "talk.mp4")
	var once bool
	var log eventLog
	opts := Options{Work: filepath.Join(t.TempDir(), "job"), Tools: tools, tuning: fast(), Events: func(e Event) {
		log.add(e)
		if _, ok := e.(Rendering); ok && !once {
			once = true
			if err := os.WriteFile(out, []byte("the user's file"), 0o644); err != nil {
				t.Error(err)
			}
		}
	}}
	err := Save(context.Background(), sourceFor(t, srv, srv.Cookies()), opts, Settings{Output: out, Start: 170e9})
	msg, code := Explain(err)
	saved := filepath.Join(dir, "talk (2).mp4")
	if code != ExitOther || !strings.Contains(msg, "appeared while your video was being saved") || !strings.Contains(msg, saved) {
		t.Fatalf("code %d, %q", code, msg)
	}
	if got, _ := os.ReadFile(out); string(got) != "the user's file" {
		t.Errorf("the file that appeared was replaced: %d bytes", len(got))
	}
	if n, err := tools.PresentedFrames(context.Background(), saved); err != nil || n != 30*30 {
		t.Errorf("the video under its new name: %d frames, %v", n, err)
	}
	if d := doneEvent(t, log.all()); d.Output != saved {
		t.Errorf("Done.Output = %s, want %s", d.Output, saved)
	}
}

// -o naming the video like its own subtitles would make the subtitles
// replace the video: refused before anything starts.
func TestOutputNamedLikeItsSubtitlesRefused(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"talk.srt", "talk.ass", "Talk.SRT"} {
		err := CheckOutput(filepath.Join(dir, name), true)
		if msg, code := Explain(err); code != ExitUsage || !strings.Contains(msg, "subtitles") {
			t.Errorf("-o %s --force: code %d, %q", name, code, msg)
		}
	}
	if err := CheckOutput(filepath.Join(dir, "talk.mp4"), true); err != nil {
		t.Errorf("talk.mp4: %v", err)
	}
}

// Replacing a video (--force) takes its old subtitles with it when the new
// save has no chat, so players do not show the old talk's chat; without a
// video to replace, subtitles of that name are left alone.
func TestSubtitlesFollowTheirVideo(t *testing.T) {
	m, tools := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m})
	dir := t.TempDir()
	out := filepath.Join(dir, "talk.mp4")
	srt, ass := SubtitlePaths(out)
	for _, p := range []string{out, srt, ass} {
		if err := os.WriteFile(p, []byte("the old talk's"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	save := func(out string) {
		t.Helper()
		err := Save(context.Background(), sourceFor(t, srv, srv.Cookies()),
			Options{Work: filepath.Join(t.TempDir(), "job"), Tools: tools, tuning: fast()}, Settings{Output: out, Start: 170e9, Force: true})
		if err != nil {
			t.Fatal(err)
		}
	}
	save(out)
	for _, p := range []string{srt, ass} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s of the replaced video is still there", filepath.Base(p))
		}
	}
	// A new name: subtitles already there are not this program's to remove.
	other := filepath.Join(dir, "other.mp4")
	otherSRT, _ := SubtitlePaths(other)
	if err := os.WriteFile(otherSRT, []byte("the user's"), 0o644); err != nil {
		t.Fatal(err)
	}
	save(other)
	if got, _ := os.ReadFile(otherSRT); string(got) != "the user's" {
		t.Errorf("subtitles beside a new video were removed or changed: %q", got)
	}
}

// What a killed save leaves (the render's hidden temporary files and the
// save dialog's empty file) is removed at the next start; a video with
// content under that name, or another file, never is.
func TestRemoveUnfinished(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "talk.mp4")
	files := map[string]string{
		"talk.mp4": "", ".talk.mp4.0a1b2c3d4e5f.part": "half a video", ".talk.mp4.ffffffffffff.part": "",
		".talk.mp4.notes.part": "the user's", "talk.srt": "subtitles", ".other.mp4.0a1b2c3d4e5f.part": "another save's",
	}
	for n, body := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	removed := RemoveUnfinished(out)
	if len(removed) != 3 {
		t.Errorf("removed %v, want the two temporary files and the empty talk.mp4", removed)
	}
	for n := range files {
		_, err := os.Stat(filepath.Join(dir, n))
		gone := os.IsNotExist(err)
		if want := n == "talk.mp4" || strings.HasSuffix(n, "e5f.part") && strings.HasPrefix(n, ".talk") || n == ".talk.mp4.ffffffffffff.part"; gone != want {
			t.Errorf("%s: removed %v, want %v", n, gone, want)
		}
	}
	// A finished video under that name stays.
	if err := os.WriteFile(out, []byte("a video"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := RemoveUnfinished(out); len(r) != 0 {
		t.Errorf("removed %v", r)
	}
}
