package main

import (
	"bytes"
	"debug/pe"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// A real Windows GUI program (a tiny one, cross-built) comes out as a console
// one that differs in the subsystem field only.
func TestToConsole(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Windows program")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	os.WriteFile(src, []byte("package main\n\nfunc main() { println(\"hi\") }\n"), 0o644)
	gui := filepath.Join(dir, "gui.exe")
	cmd := exec.Command("go", "build", "-ldflags", "-H=windowsgui", "-o", gui, src)
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building a Windows program: %v\n%s", err, out)
	}
	cli := filepath.Join(dir, "cli.exe")
	if err := convert(gui, cli); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(gui)
	after, _ := os.ReadFile(cli)
	if len(before) != len(after) {
		t.Fatalf("size changed: %d -> %d", len(before), len(after))
	}
	differ := 0
	for i := range before {
		if before[i] != after[i] {
			differ++
		}
	}
	if differ != 1 { // 2 (GUI) -> 3 (console): one byte of the little-endian field
		t.Errorf("%d bytes differ, want 1", differ)
	}
	f, err := pe.NewFile(bytes.NewReader(after))
	if err != nil {
		t.Fatal(err)
	}
	if h, ok := f.OptionalHeader.(*pe.OptionalHeader64); !ok || h.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_CUI {
		t.Errorf("optional header after: %#v", f.OptionalHeader)
	}
	// Converting it again is refused: it is no longer a GUI program.
	if err := convert(cli, filepath.Join(dir, "again.exe")); err == nil {
		t.Error("a console program was accepted as a GUI one")
	}
	if err := convert(src, filepath.Join(dir, "x.exe")); err == nil {
		t.Error("a Go source file was accepted as a Windows program")
	}
}
