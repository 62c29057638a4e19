package safefile

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// A symbolic link planted under the name about to be written is replaced,
// and its target is left exactly as it was.
func TestCreateDoesNotFollowLinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(victim, []byte("the user's notes"), 0o600); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(t.TempDir(), "not-yet")
	for name, target := range map[string]string{"state.json.tmp": victim, "render.ffconcat": dangling} {
		p := filepath.Join(dir, name)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(p, []byte("job data"), 0o600); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		st, err := os.Lstat(p)
		if err != nil || !st.Mode().IsRegular() {
			t.Fatalf("%s is not a plain file after writing: %v %v", name, st, err)
		}
	}
	if got, _ := os.ReadFile(victim); string(got) != "the user's notes" {
		t.Errorf("the link's target was written through: %q", got)
	}
	if _, err := os.Lstat(dangling); !os.IsNotExist(err) {
		t.Errorf("a dangling link's target was created: %v", err)
	}
}

func TestCreateRefusesAFolder(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "chunk_000001.ts.part")
	if err := os.Mkdir(p, 0o700); err != nil {
		t.Fatal(err)
	}
	if f, err := Create(p, 0o600); err == nil {
		f.Close()
		t.Fatal("Create replaced a folder")
	}
}
