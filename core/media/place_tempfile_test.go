//go:build unix

package media

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A saved video gets a document's usual permissions (0666 less the umask),
// not os.CreateTemp's owner-only 0600, and names never collide.
func TestCreateTempPermissions(t *testing.T) {
	dir := t.TempDir()
	for _, mask := range []int{0o022, 0o077} {
		old := syscall.Umask(mask)
		f, err := CreateTemp(dir, ".talk.mp4.*.part")
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		st, err := os.Stat(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		if want := os.FileMode(0o666 &^ mask); st.Mode().Perm() != want {
			t.Errorf("umask %o: mode %v, want %v", mask, st.Mode().Perm(), want)
		}
		base := filepath.Base(f.Name())
		if !strings.HasPrefix(base, ".talk.mp4.") || !strings.HasSuffix(base, ".part") || len(base) != len(".talk.mp4..part")+12 {
			t.Errorf("name %q", base)
		}
	}
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		f, err := CreateTemp(dir, "x*")
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		if seen[f.Name()] {
			t.Fatalf("%s made twice", f.Name())
		}
		seen[f.Name()] = true
	}
	if _, err := CreateTemp(filepath.Join(dir, "missing"), "x*"); err == nil {
		t.Error("a file was made in a folder that does not exist")
	}
}
