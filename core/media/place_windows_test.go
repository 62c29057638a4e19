//go:build windows

package media

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestPlaceOnWindows: MoveFileEx without MOVEFILE_REPLACE_EXISTING, as
// Windows names files. A name that differs from an existing file's only in
// case is that file (NTFS ignores case), and a file a player holds open is
// still there: neither is replaced, the video goes to the next free name.
// Run under Wine by `make check-windows` (Wine folds case as Windows does).
func TestPlaceOnWindows(t *testing.T) {
	// Not t.TempDir: Go's RemoveAll fails under Wine 8 ("unlinkat: Invalid
	// function"); the files are removed one by one below.
	dir, err := os.MkdirTemp("", "Zoë's talks ")
	if err != nil {
		t.Fatal(err)
	}
	var made []string
	defer func() {
		for _, f := range append(made, dir) {
			if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
				t.Error(err)
			}
		}
	}()
	put := func(name, body string) string {
		p := filepath.Join(dir, name)
		made = append(made, p)
		writeFile(t, p, body)
		return p
	}
	theirs := put("Zoë's Talk.MP4", "the presenter's own video")
	open, err := os.Open(put("Zoë's talk (2).mp4", "an earlier save, open in a player"))
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()
	tmp := put(".Zoë's talk.mp4.0123.part", "the new video")
	want := filepath.Join(dir, "zoë's talk (3).mp4")
	made = append(made, want)

	err = place(tmp, filepath.Join(dir, "zoë's talk.mp4"), false)
	var taken *TakenError
	if !errors.As(err, &taken) || taken.Saved != want {
		t.Fatalf("place: %v, want the video saved as %s", err, want)
	}
	if readFile(t, theirs) != "the presenter's own video" {
		t.Error("the file whose name differs only in case was replaced")
	}
	if readFile(t, filepath.Join(dir, "Zoë's talk (2).mp4")) != "an earlier save, open in a player" {
		t.Error("the open file was replaced")
	}
	if readFile(t, want) != "the new video" {
		t.Error("the video is not under its new name")
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Error("the temporary file is still there")
	}
}
