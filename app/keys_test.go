package app

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// press sends a key to the window the way the desktop driver does: Tab
// and Shift+Tab move the focus unless the focused widget takes tabs;
// Shift is held down around the key (KeyDown, KeyUp) for the focused
// widget to see; the key then goes to the focused widget, or to the
// window when none has the focus.
func (h *harness) press(name fyne.KeyName, shift bool) {
	h.t.Helper()
	c := h.win.Canvas()
	focused := c.Focused()
	keyable, _ := focused.(desktop.Keyable)
	if shift && keyable != nil {
		keyable.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
		defer keyable.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	}
	if name == fyne.KeyTab {
		if t, ok := focused.(fyne.Tabbable); !ok || !t.AcceptsTab() {
			if shift {
				test.FocusPrevious(c)
			} else {
				test.FocusNext(c)
			}
			return
		}
	}
	ev := &fyne.KeyEvent{Name: name}
	if focused != nil {
		focused.TypedKey(ev)
		return
	}
	if on := c.OnTypedKey(); on != nil {
		on(ev)
	}
}

// shortcut sends s as the desktop driver does: to the focused widget when
// it takes shortcuts, else to the window.
func (h *harness) shortcut(s fyne.Shortcut) {
	if sc, ok := h.win.Canvas().Focused().(fyne.Shortcutable); ok {
		sc.TypedShortcut(s)
		return
	}
	h.win.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

// tabCycle is every control Tab reaches from the one focused now, once
// round, in order (the first is the one focused now).
func (h *harness) tabCycle(shift bool) []fyne.Focusable {
	h.t.Helper()
	c := h.win.Canvas()
	start := c.Focused()
	if start == nil {
		h.press(fyne.KeyTab, shift)
		start = c.Focused()
	}
	cycle := []fyne.Focusable{start}
	for range 60 {
		h.press(fyne.KeyTab, shift)
		if c.Focused() == start {
			return cycle
		}
		cycle = append(cycle, c.Focused())
	}
	h.t.Fatalf("Tab never came back to %T: stuck at %T", start, c.Focused())
	return nil
}

// headerButton is the header's button with icon.
func (h *harness) headerButton(icon fyne.Resource) *button {
	for _, o := range test.LaidOutObjects(h.win.Content()) {
		if b, ok := o.(*button); ok && b.Icon == icon && b.Text == "" {
			return b
		}
	}
	h.t.Fatalf("no header button with %v", icon)
	return nil
}

// checkCycle checks Tab reaches want in order (and nothing else), and
// Shift+Tab the same controls backwards.
func (h *harness) checkCycle(what string, want ...fyne.Focusable) {
	h.t.Helper()
	h.win.Canvas().Focus(want[0])
	got := h.tabCycle(false)
	if !sameFocus(got, want) {
		h.t.Errorf("%s: Tab goes %v, want %v", what, names(got), names(want))
	}
	h.win.Canvas().Focus(want[0])
	back := h.tabCycle(true)
	for i, j := 1, len(back)-1; i < j; i, j = i+1, j-1 {
		back[i], back[j] = back[j], back[i]
	}
	if !sameFocus(back, want) {
		h.t.Errorf("%s: Shift+Tab goes %v backwards, want %v", what, names(back), names(want))
	}
}

func sameFocus(a, b []fyne.Focusable) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func names(fs []fyne.Focusable) []string {
	var out []string
	for _, f := range fs {
		switch w := f.(type) {
		case *button:
			if w.Text == "" {
				out = append(out, "["+w.tip+"]")
			} else {
				out = append(out, w.Text)
			}
		case *linkEntry:
			out = append(out, "link field")
		case *candidateRow:
			out = append(out, "row "+w.c.Quality)
		default:
			out = append(out, fmt.Sprintf("%T", f))
		}
	}
	return out
}

// The start screen with the keyboard alone: the link field has the focus,
// Tab walks every control in reading order (the header's icons last) and
// never types a tab, Shift+Tab walks back, Enter looks for the video,
// Shift+Enter starts a new line, and a link pasted into the empty field is
// looked for at once.
func TestStartScreenByKeyboard(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	h := newHarness(t, be)
	s := h.u.start
	if h.win.Canvas().Focused() != s.paste {
		t.Fatalf("the link field has no focus at the start: %T", h.win.Canvas().Focused())
	}
	help, settings, about := h.headerButton(theme.HelpIcon()), h.headerButton(theme.SettingsIcon()), h.headerButton(theme.InfoIcon())
	// Blank: Find is off and skipped; tabs type nothing.
	h.checkCycle("start, nothing typed", s.paste, s.capture, s.openHAR, s.help, s.sample, help, settings, about)
	if s.paste.Text != "" || !s.find.Disabled() {
		t.Errorf("Tab typed %q into the link field; Find enabled: %v", s.paste.Text, !s.find.Disabled())
	}
	test.Type(s.paste, "   ")
	if !s.find.Disabled() {
		t.Error("Find is enabled for blanks")
	}

	s.paste.SetText("https://example.com/talk")
	h.checkCycle("start, a link typed", s.paste, s.find, s.capture, s.openHAR, s.help, s.sample, help, settings, about)

	// Shift+Enter: a new line; Enter: look for the video.
	h.win.Canvas().Focus(s.paste)
	s.paste.CursorColumn = len(s.paste.Text)
	h.press(fyne.KeyReturn, true)
	if !strings.HasSuffix(s.paste.Text, "\n") || len(be.resolved) != 0 {
		t.Fatalf("Shift+Enter: text %q, resolved %v", s.paste.Text, be.resolved)
	}
	h.press(fyne.KeyReturn, false)
	h.q.until(t, "the found screen", func() bool { return h.u.screen == screenFound })
	if len(be.resolved) != 1 || be.resolved[0] != "https://example.com/talk" {
		t.Errorf("Enter looked for %q", be.resolved)
	}
	// The found screen gives Download the focus: Enter downloads.
	if h.win.Canvas().Focused() != h.u.found.download {
		t.Errorf("focus on the found screen: %v", names([]fyne.Focusable{h.win.Canvas().Focused()}))
	}

	// A link pasted into the empty field is looked for at once.
	h.u.startOver()
	if h.win.Canvas().Focused() != s.paste {
		t.Fatal("the link field lost the focus after Start over")
	}
	h.app.Clipboard().SetContent(" https://example.com/other\n")
	h.shortcut(&fyne.ShortcutPaste{Clipboard: h.app.Clipboard()})
	h.q.until(t, "the found screen", func() bool { return h.u.screen == screenFound })
	if got := be.resolved[len(be.resolved)-1]; got != "https://example.com/other" {
		t.Errorf("the pasted link looked for is %q", got)
	}
}

// Every screen's controls in reading order, forwards and backwards, the
// header's icons last.
func TestTabOrderOfEveryScreen(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	h := newHarness(t, be)
	help, settings, about := h.headerButton(theme.HelpIcon()), h.headerButton(theme.SettingsIcon()), h.headerButton(theme.InfoIcon())

	h.u.showFound(readyCands())
	f := h.u.found
	h.checkCycle("found", f.rows[0], f.rows[1], f.back, f.addPart, f.download, help, settings, about)
	// The arrow keys choose among the videos, as in a group of radio buttons.
	h.win.Canvas().Focus(f.rows[1])
	h.press(fyne.KeyUp, false)
	if f.chosen != 0 || h.win.Canvas().Focused() != f.rows[0] {
		t.Errorf("Up chose %d", f.chosen)
	}
	h.press(fyne.KeyDown, false)
	h.press(fyne.KeySpace, false)
	if f.chosen != 1 {
		t.Errorf("Down and Space chose %d", f.chosen)
	}

	h.u.dl.showProblem("The download stopped after 3 of 40 chunks.")
	h.u.show(screenDownload)
	d := h.u.dl
	h.checkCycle("download, stopped", d.cancel, d.retry, help, settings, about)

	h.u.startOver()
	h.toEdit()
	// The edit screen (its layout is the edit screen's own): Tab goes
	// round every control and back the same way, the arrow keys free for
	// the trim handles until then.
	e := h.u.edit
	if h.win.Canvas().Focused() != nil {
		t.Error("a control has the focus on the edit screen: the arrow keys would not move the handles")
	}
	h.win.Canvas().Focus(e.save)
	round := h.tabCycle(false)
	h.win.Canvas().Focus(e.save)
	back := h.tabCycle(true)
	if len(round) != len(back) || len(round) < 10 {
		t.Errorf("edit: Tab goes %v, Shift+Tab %v", names(round), names(back))
	}
	for _, want := range []fyne.Focusable{e.previewClip, e.startEntry, e.endEntry, e.offset, e.again, e.save, help} {
		if !slices.Contains(round, want) {
			t.Errorf("Tab never reaches %v on the edit screen: %v", names([]fyne.Focusable{want}), names(round))
		}
	}
	h.u.edit.saveTo(t.TempDir()+"/talk.mp4", true)
	h.q.until(t, "saved", func() bool { return h.u.rend.done.Visible() })
	r := h.u.rend
	if h.win.Canvas().Focused() != r.open {
		t.Error("the saved video's Open has no focus")
	}
	h.checkCycle("saved", r.open, r.showFolder, r.backToEdit, r.another, help, settings, about)
}

// Escape closes every dialog the way its dismiss button does, whichever
// of its controls has the focus; F1 opens Help; Ctrl+comma the settings.
func TestEscapeClosesDialogs(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	h := newHarness(t, be)
	open := func() int { return len(h.win.Canvas().Overlays().List()) }

	h.press(fyne.KeyF1, false) // the link field has the focus: F1 still opens Help
	if open() != 1 || len(h.u.modals) != 1 {
		t.Fatalf("F1 opened %d dialogs", open())
	}
	h.press(fyne.KeyEscape, false)
	if open() != 0 || len(h.u.modals) != 0 {
		t.Fatal("Escape did not close Help")
	}

	h.win.Canvas().Unfocus()
	h.shortcut(shortcutSettings)
	if open() != 1 {
		t.Fatal("Ctrl+, did not open the settings")
	}
	h.press(fyne.KeyTab, false) // into the dialog: its first control
	if _, ok := h.win.Canvas().Focused().(*keySelect); !ok {
		t.Fatalf("Tab in the settings reached %T", h.win.Canvas().Focused())
	}
	h.u.settings.p.SetString(prefLanguage, "")
	h.press(fyne.KeyEscape, false)
	if open() != 0 {
		t.Error("Escape on a field of the settings did not close them")
	}

	test.Tap(h.headerButton(theme.InfoIcon()))
	for range 20 { // to the dialog's Close button and round again
		h.press(fyne.KeyTab, false)
	}
	h.press(fyne.KeyEscape, false)
	if open() != 0 {
		t.Error("Escape did not close the About box")
	}

	// A confirmation: Escape answers No.
	h.u.showFound(readyCands())
	test.Tap(h.u.found.download)
	test.Tap(h.u.dl.cancel)
	if open() != 1 {
		t.Fatal("Cancel did not ask")
	}
	h.press(fyne.KeyEscape, false)
	if open() != 0 || h.u.screen != screenDownload || h.u.sess == nil {
		t.Error("Escape on \"Stop this download?\" did not keep the download")
	}
}

// The main actions' keys work from anywhere on the screen, their buttons'
// tips name them, and the control with the focus shows a ring.
func TestShortcutsAndTips(t *testing.T) {
	h := newHarness(t, &fakeBackend{cands: readyCands()})
	s := h.u.start

	// Ctrl+O while typing the link: the HAR file dialog, which Escape closes.
	h.shortcut(shortcutOpen)
	if len(h.u.modals) != 1 || len(h.win.Canvas().Overlays().List()) != 1 {
		t.Fatal("Ctrl+O opened no file dialog")
	}
	h.press(fyne.KeyEscape, false)
	if len(h.win.Canvas().Overlays().List()) != 0 {
		t.Fatal("Escape did not close the file dialog")
	}

	h.win.Canvas().Focus(s.openHAR)
	if got := h.u.tips.shown(); got != "Open a HAR file (Ctrl+O)" {
		t.Errorf("Open HAR's tip: %q", got)
	}
	if !test.WidgetRenderer(s.openHAR).(*ringRenderer).ring.Visible() {
		t.Error("the focused button shows no ring")
	}
	h.press(fyne.KeyTab, false)
	if test.WidgetRenderer(s.openHAR).(*ringRenderer).ring.Visible() || h.u.tips.shown() == "Open a HAR file (Ctrl+O)" {
		t.Error("the ring or tip stays after the focus moved on")
	}
	for icon, want := range map[fyne.Resource]string{theme.HelpIcon(): "Help (F1)", theme.SettingsIcon(): "Settings (Ctrl+,)"} {
		h.win.Canvas().Focus(h.headerButton(icon))
		if got := h.u.tips.shown(); got != want {
			t.Errorf("tip %q, want %q", got, want)
		}
	}
	// The pointer resting on a button shows its tip too.
	h.win.Canvas().Unfocus()
	s.find.MouseIn(&desktop.MouseEvent{})
	h.q.until(t, "the tip", func() bool { return h.u.tips.shown() == "Find the video (Enter)" })
	s.find.MouseOut()
	if h.u.tips.shown() != "" {
		t.Error("the tip stays after the pointer left")
	}

	// Enter and Space press the focused button.
	h.win.Canvas().Focus(s.help)
	h.press(fyne.KeyReturn, false)
	if len(h.u.modals) != 1 {
		t.Error("Enter on a button did not press it")
	}
}
