package main

import (
	"os"
	"regexp"
	"testing"
)

// FyneApp.toml is the one place the version is written; the default a plain
// "go build" carries must not drift from it.
func TestVersionMatchesFyneAppToml(t *testing.T) {
	toml, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([^"]+)"`).FindSubmatch(toml)
	if m == nil {
		t.Fatal("FyneApp.toml has no Version")
	}
	if string(m[1]) != version {
		t.Fatalf("FyneApp.toml says version %s, main.version says %s: change both together", m[1], version)
	}
}

func TestVersionLine(t *testing.T) {
	defer func(b, c string) { build, commit = b, c }(build, commit)
	build, commit = "7", "v0.1.0-3-gabcdef0"
	if got, want := versionLine(), version+" (build 7, v0.1.0-3-gabcdef0)"; got != want {
		t.Fatalf("versionLine() = %q, want %q", got, want)
	}
}

func TestVersionStamp(t *testing.T) {
	defer func(v, b, c, s string) { version, build, commit, stamp = v, b, c, s }(version, build, commit, stamp)
	stamp = "0.2.0,9,v0.2.0"
	applyStamp()
	if got, want := versionLine(), "0.2.0 (build 9, v0.2.0)"; got != want {
		t.Fatalf("versionLine() with stamp = %q, want %q", got, want)
	}
}
