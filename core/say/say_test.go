package say

import "testing"

func TestSentence(t *testing.T) {
	s := T("The folder {{.Dir}} does not exist ({{.N}} tries).", "Dir", `C:\Zoë's talks`, "N", 3)
	if got := s.String(); got != `The folder C:\Zoë's talks does not exist (3 tries).` {
		t.Errorf("String = %q", got)
	}
	if got := T("Stopped.").String(); got != "Stopped." {
		t.Errorf("a sentence without values: %q", got)
	}
	// Values are text, never markup: nothing is escaped.
	if got := T("{{.X}}", "X", "<b>&").String(); got != "<b>&" {
		t.Errorf("escaped: %q", got)
	}
	m := s.Map(func(v string) string { return "[" + v + "]" })
	if m.Args["Dir"] != `[C:\Zoë's talks]` || m.Args["N"] != 3 || s.Args["Dir"] != `C:\Zoë's talks` {
		t.Errorf("Map = %v (original %v)", m.Args, s.Args)
	}
	p := Plain("{{.X}} from a server")
	if p.Translatable() || p.String() != "{{.X}} from a server" || p.IsZero() || p.Map(func(v string) string { return v + "!" }).String() != "{{.X}} from a server!" {
		t.Errorf("Plain: %+v", p)
	}
	if !(Sentence{}).IsZero() || s.IsZero() || !s.Translatable() {
		t.Error("IsZero")
	}
}
