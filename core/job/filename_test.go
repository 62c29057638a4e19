package job

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"replayrescue/core/media"
)

func TestFileName(t *testing.T) {
	cases := []struct{ name, title, want string }{
		{"plain", "Internationalization Done Wrong", "Internationalization Done Wrong.mp4"},
		{"characters Windows refuses", `a/b\c:d*e?f"g<h>i|j`, "a b c d e f g h i j.mp4"},
		{"colon", "My talk: live!", "My talk live!.mp4"},
		{"dots and spaces around", "  ..hidden.. ", "hidden.mp4"},
		{"line break and NUL", "line\nbreak\x00", "line break.mp4"},
		{"accents kept", "Vortrag über Streams", "Vortrag über Streams.mp4"},
		{"empty", "", "replay.mp4"},
		{"nothing usable", "...", "replay.mp4"},
		{"terminal escape", "Talk\x1b[31m\x07 red", "Talk[31m red.mp4"},
		{"right-to-left override", "talk\u202Egnp.exe", "talkgnp.exe.mp4"},
		{"bidi isolates and marks", "a\u2066b\u2069c\u200Ed\u200Fe\u061Cf\u202Ag", "abcdefg.mp4"},
		{"reserved name", "CON", "CON_.mp4"},
		{"reserved any case", "nul", "nul_.mp4"},
		{"reserved with extension", "aux.talk", "aux_.talk.mp4"},
		{"reserved with space before the dot", "com1 .part", "com1_ .part.mp4"},
		{"reserved LPT9", "Lpt9", "Lpt9_.mp4"},
		{"reserved COM superscript", "COM¹", "COM¹_.mp4"},
		{"reserved CONIN$", "conin$", "conin$_.mp4"},
		{"reserved only as a whole word", "CONCERT", "CONCERT.mp4"},
		{"COM10 is a name", "COM10", "COM10.mp4"},
		{"trailing dots", "The end...", "The end.mp4"},
		{"80 characters", strings.Repeat("a", 100), strings.Repeat("a", 80) + ".mp4"},
		{"300 emoji cut to 200 bytes", strings.Repeat("🎥", 300), strings.Repeat("🎥", 50) + ".mp4"},
		{"cut leaves no trailing space", strings.Repeat("ab ", 27) + "end", strings.TrimSpace(strings.Repeat("ab ", 27)) + ".mp4"},
		{"cut leaves no dangling joiner", strings.Repeat("é", 99) + "\u200d👩", strings.Repeat("é", 80) + ".mp4"},
	}
	for _, c := range cases {
		if got := FileName(c.title, "replay"); got != c.want {
			t.Errorf("%s: FileName(%q) = %q, want %q", c.name, c.title, got, c.want)
		}
	}
	if got := FileName("", "Aufnahme"); got != "Aufnahme.mp4" {
		t.Errorf("fallback: %q", got)
	}
	if got := FileName("\u202E", "\x1b"); got != "replay.mp4" {
		t.Errorf("unusable fallback: %q", got)
	}
}

// TestFileNameFitsWithItsTemporaryNames creates, in a real folder, the
// longest names a save makes from a long multibyte title: the MP4's and the
// subtitles' temporary names (media.CreateTemp, as the render and the chat
// use it), then the final names.
func TestFileNameFitsWithItsTemporaryNames(t *testing.T) {
	for _, title := range []string{strings.Repeat("🎥", 300), strings.Repeat("漢", 300), strings.Repeat("é", 300), strings.Repeat("x", 300)} {
		name := FileName(title, "replay")
		if !utf8.ValidString(name) || len(name) > 255 {
			t.Fatalf("%d-byte name %q", len(name), name)
		}
		dir := t.TempDir()
		out := filepath.Join(dir, name)
		srt, ass := SubtitlePaths(out)
		for _, p := range []string{out, srt, ass} {
			f, err := media.CreateTemp(dir, "."+filepath.Base(p)+".*.part")
			if err != nil {
				t.Fatalf("temporary name for %d-byte %s: %v", len(filepath.Base(p)), filepath.Base(p), err)
			}
			f.Close()
			if err := os.Rename(f.Name(), p); err != nil {
				t.Fatal(err)
			}
		}
	}
}
