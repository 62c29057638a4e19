package web

import "testing"

func TestPrintable(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "Internationalization Done Wrong", "Internationalization Done Wrong"},
		{"emoji and scripts kept", "Vortrag über Streams 🎥 日本語 עברית", "Vortrag über Streams 🎥 日本語 עברית"},
		{"terminal escape", "\x1b[2J\x1b]0;owned\x07Talk", "[2J]0;ownedTalk"},
		{"bell and nul", "a\x07b\x00c", "abc"},
		{"C1 controls", "a\u0085b\u009bc\u0080d", "a bcd"},
		{"line breaks become spaces", "line\nbreak\r\tend\u2028x", "line break  end x"},
		{"right-to-left override", "Talk\u202Egnp.exe", "Talkgnp.exe"},
		{"every bidi control", "a\u202Ab\u202Bc\u202Cd\u202De\u2066f\u2067g\u2068h\u2069i\u200Ej\u200Fk\u061Cl", "abcdefghijkl"},
		{"invalid UTF-8", "a\xffb", "a\uFFFDb"},
		{"empty", "", ""},
	}
	for _, c := range cases {
		if got := Printable(c.in); got != c.want {
			t.Errorf("%s: Printable(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}
