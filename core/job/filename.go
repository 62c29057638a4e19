package job

import (
	"strings"
	"unicode/utf8"

	"replayrescue/core/web"
)

// The budget for a video's name made from a title. Most file systems take
// 255 bytes per name (ext4, APFS: UTF-8 bytes; NTFS: UTF-16 units, never
// more than the UTF-8 bytes). The longest name a save derives from the
// video's is the temporary one of its subtitles, ".NAME.srt.<12 hex>.part"
// (media.CreateTemp's pattern, used for the MP4 and the .srt/.ass beside
// it): the name plus 23 bytes. So a name of at most 232 bytes always fits;
// 200 leaves room for macOS, which stores accented letters decomposed
// (longer), and for "_" added to a reserved name.
const (
	maxNameBytes = 200
	maxNameRunes = 80 // readable in a file list; bytes are the hard limit
)

// FileName is the file name of the MP4 for a broadcast titled title: the
// title made valid and harmless on Windows, macOS and Linux, ending in
// ".mp4". fallback (say, "replay" in the user's language) names it when the
// title is empty or nothing of it is usable. The CLI and the window both
// name videos with it, so a title gives the same name everywhere.
func FileName(title, fallback string) string {
	name := fileStem(title)
	if name == "" {
		name = fileStem(fallback)
	}
	if name == "" {
		name = "replay"
	}
	return name + ".mp4"
}

// fileStem is title as a name without extension, or "" when nothing is left.
func fileStem(title string) string {
	// Controls and bidi overrides go first: U+202E would make
	// "talk\u202Egnp.mp4" show as "talk4pm.png".
	title = web.Printable(title)
	var b strings.Builder
	for _, r := range title {
		if strings.ContainsRune(`/\:*?"<>|`, r) { // not allowed on Windows; / nowhere
			r = ' '
		}
		b.WriteRune(r)
	}
	name := trimName(strings.Join(strings.Fields(b.String()), " "))
	if utf8.RuneCountInString(name) > maxNameRunes || len(name) > maxNameBytes {
		name = trimName(cut(name))
	}
	return unreserved(name)
}

// trimName drops what Windows silently removes from the end of a name
// (dots, spaces, so "talk." and "talk" would clash), leading dots (a hidden
// file on macOS and Linux) and a zero-width joiner a cut left dangling.
func trimName(s string) string {
	s = strings.TrimLeft(s, ". ")
	return strings.TrimRight(s, ". \u200d")
}

// cut shortens s to maxNameRunes characters and maxNameBytes bytes, never
// in the middle of a character.
func cut(s string) string {
	n, runes := 0, 0
	for i, r := range s {
		if runes == maxNameRunes || i+utf8.RuneLen(r) > maxNameBytes {
			break
		}
		n, runes = i+utf8.RuneLen(r), runes+1
	}
	return s[:n]
}

// reservedNames are the device names Windows keeps whatever the extension
// ("NUL.mp4" and "nul.talk.mp4" are the null device): a video saved under
// one is lost or cannot be written.
var reservedNames = func() map[string]bool {
	m := map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true}
	for _, d := range []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³"} {
		m["COM"+d], m["LPT"+d] = true, true
	}
	return m
}()

// unreserved makes a name whose part before the first dot is a Windows
// device name (compared without case and trailing spaces, as Windows does)
// an ordinary one by adding "_" after the device name.
func unreserved(name string) string {
	first, _, _ := strings.Cut(name, ".")
	dev := strings.TrimRight(first, " ")
	if !reservedNames[strings.ToUpper(dev)] {
		return name
	}
	return dev + "_" + name[len(dev):]
}
