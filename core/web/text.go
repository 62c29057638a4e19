package web

import (
	"strings"
	"unicode/utf8"
)

// Printable returns s fit to show on a terminal, in a window or as a file
// name: text that came from outside (a broadcast title from an API, a page
// or a HAR file; a host name; a server's message) with every character
// removed that could act rather than show. C0 and C1 control characters
// (ESC starts terminal escape sequences, BEL rings) and the Unicode bidi
// controls (U+202E makes "gnp.exe" read as "exe.png") go; line breaks and
// tabs become a space so words stay apart; bytes that are not UTF-8 become
// U+FFFD. Everything else, emoji and every script included, is kept.
func Printable(s string) string {
	if printable(s) {
		return s // the common case allocates nothing
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToValidUTF8(s, string(utf8.RuneError)) {
		switch {
		case spaceLike(r):
			b.WriteByte(' ')
		case controlOrBidi(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if spaceLike(r) || controlOrBidi(r) {
			return false
		}
	}
	return true
}

// spaceLike: the controls that separate words (tab, line and paragraph
// breaks), kept as a space.
func spaceLike(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// controlOrBidi: C0 (U+0000–U+001F), DEL and C1 (U+007F–U+009F), and the
// bidi controls: LRE, RLE, PDF, LRO, RLO (U+202A–U+202E), the isolates
// LRI, RLI, FSI, PDI (U+2066–U+2069), the marks LRM, RLM (U+200E, U+200F)
// and the Arabic letter mark (U+061C).
func controlOrBidi(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

// Sentence is s as a sentence for the user: trimmed, its first letter a
// capital, ending in a full stop. Go's error strings are the opposite.
func Sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
