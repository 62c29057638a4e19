package media

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A file that took the output's name while the video was made is never
// replaced: the video goes to the next free name, and the error says so.
func TestPlaceNeverReplacesWithoutReplace(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "talk.mp4")
	writeFile(t, final, "the user's own video")
	writeFile(t, filepath.Join(dir, "talk (2).mp4"), "an earlier save")
	tmp := filepath.Join(dir, ".talk.mp4.0123.part")
	writeFile(t, tmp, "the new video")

	err := place(tmp, final, false)
	var taken *TakenError
	if !errors.As(err, &taken) || taken.Wanted != final || taken.Saved != filepath.Join(dir, "talk (3).mp4") {
		t.Fatalf("place: %v", err)
	}
	if got := readFile(t, final); got != "the user's own video" {
		t.Errorf("talk.mp4 replaced: %q", got)
	}
	if got := readFile(t, filepath.Join(dir, "talk (2).mp4")); got != "an earlier save" {
		t.Errorf("talk (2).mp4 replaced: %q", got)
	}
	if got := readFile(t, taken.Saved); got != "the new video" {
		t.Errorf("saved video holds %q", got)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Error("temporary file left behind")
	}
}

func TestPlaceReplacesOnlyWhenAsked(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "talk.mp4")
	tmp := filepath.Join(dir, ".talk.mp4.0123.part")
	writeFile(t, tmp, "first")
	if err := place(tmp, final, false); err != nil {
		t.Fatalf("free name: %v", err)
	}
	writeFile(t, tmp, "second")
	if err := place(tmp, final, true); err != nil {
		t.Fatalf("replace: %v", err)
	}
	if got := readFile(t, final); got != "second" {
		t.Errorf("with replace the video holds %q", got)
	}
}

// The fallback for systems without a no-replace rename refuses an existing
// name too.
func TestLinkThenUnlinkRefusesAnExistingName(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "talk.mp4")
	tmp := filepath.Join(dir, "tmp")
	writeFile(t, final, "user")
	writeFile(t, tmp, "video")
	if err := linkThenUnlink(tmp, final); !errors.Is(err, os.ErrExist) {
		t.Fatalf("got %v, want an exists error", err)
	}
	if readFile(t, final) != "user" || readFile(t, tmp) != "video" {
		t.Error("files changed")
	}
	if err := linkThenUnlink(tmp, filepath.Join(dir, "free.mp4")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Error("temporary name kept")
	}
}
