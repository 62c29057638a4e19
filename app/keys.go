package app

import (
	"image/color"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The keyboard. Tab and Shift+Tab walk every control of a screen in
// reading order (Fyne's focus chain follows the order of a container's
// objects, which is why layouts here list them top to bottom). The
// window's own keys reach ui.onTypedKey: Escape closes the dialog on top,
// F1 opens Help, and screens take the rest. A focused Fyne widget keeps the
// keys it gets for itself, so the controls here are Fyne's with that one
// addition: Escape and F1 go on to the window (button, linkEntry, and the
// small types below for the dialogs' fields).

// Shortcuts of the main actions, shown in their buttons' tips.
var (
	shortcutOpen     = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutSettings = &desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutSave     = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
)

// keyName is how the keyboard names a shortcut's keys on this system:
// "Ctrl+O", or "Cmd+O" on a Mac.
func keyName(s *desktop.CustomShortcut) string {
	key := string(s.KeyName)
	if s.KeyName == fyne.KeyComma {
		key = ","
	}
	mod := lang.L("Ctrl")
	if runtime.GOOS == "darwin" {
		mod = "Cmd"
	}
	return mod + "+" + key
}

// withKey is a tip naming the key that does the same: "Open a HAR file (Ctrl+O)".
func withKey(tip, key string) string {
	return lang.L("{{.Action}} ({{.Key}})", map[string]any{"Action": tip, "Key": key})
}

// addShortcuts makes the main actions' keys work anywhere on the window.
// A focused text field gets shortcuts first; linkEntry hands these on.
func (u *ui) addShortcuts() {
	c := u.win.Canvas()
	// Ctrl+V (Cmd+V on macOS) anywhere: the driver sends it to the canvas
	// when no text field has focus, so a link can be pasted straight away.
	c.AddShortcut(&fyne.ShortcutPaste{}, func(fyne.Shortcut) { u.pasted(u.app.Clipboard().Content()) })
	c.AddShortcut(shortcutOpen, func(fyne.Shortcut) { u.onOpenShortcut() })
	c.AddShortcut(shortcutSettings, func(fyne.Shortcut) {
		if len(u.modals) == 0 {
			newSettingsDialog(u).show()
		}
	})
	c.AddShortcut(shortcutSave, func(fyne.Shortcut) {
		if u.screen == screenEdit && u.edit != nil && len(u.modals) == 0 {
			u.edit.onSave()
		}
	})
}

// windowShortcut runs s when it is one of addShortcuts', reporting whether
// it was.
func (u *ui) windowShortcut(s fyne.Shortcut) bool {
	switch s.ShortcutName() {
	case shortcutOpen.ShortcutName(), shortcutSettings.ShortcutName(), shortcutSave.ShortcutName():
		u.win.Canvas().(fyne.Shortcutable).TypedShortcut(s)
		return true
	}
	return false
}

// onOpenShortcut is Ctrl+O: a HAR file for the screen that takes one.
func (u *ui) onOpenShortcut() {
	if len(u.modals) > 0 {
		return
	}
	switch {
	case u.screen == screenStart && !u.start.searching():
		u.start.onOpenHAR()
	case u.screen == screenFound:
		u.start.onOpenHAR()
	case u.screen == screenDownload && u.dl.wantsFresh:
		u.dl.onOpenHAR()
	}
}

// windowKey tells whether k is one of the window's own keys, which every
// control hands on to ui.onTypedKey.
func windowKey(k *fyne.KeyEvent) bool {
	return k.Name == fyne.KeyEscape || k.Name == fyne.KeyF1
}

// typed is a control's TypedKey: the window's own keys go to the window,
// the rest to the control's own handling.
func (u *ui) typed(k *fyne.KeyEvent, own func(*fyne.KeyEvent)) {
	if windowKey(k) {
		u.onTypedKey(k)
		return
	}
	own(k)
}

// button is the window's button: Fyne's, with a ring around it while it
// has the keyboard's focus (Fyne's own tint is faint, and invisible on a
// blue button), Enter pressing it as Space does, Escape and F1 handed on
// to the window, and a tip (with the action's key) while the pointer rests
// on it or it has the focus.
type button struct {
	widget.Button
	u       *ui
	tip     string
	focused bool
}

func (u *ui) newButton(text string, icon fyne.Resource, tapped func()) *button {
	b := &button{u: u}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// newIconButton is a button of an icon alone: its tip says what it does.
func (u *ui) newIconButton(icon fyne.Resource, tip string, tapped func()) *button {
	b := u.newButton("", icon, tapped)
	b.tip = tip
	return b
}

func (b *button) CreateRenderer() fyne.WidgetRenderer {
	return newRingRenderer(b.Button.CreateRenderer(), func() bool { return b.focused })
}

func (b *button) FocusGained() {
	b.focused = true
	b.Button.FocusGained()
	b.u.tips.show(b, b.tip)
}

func (b *button) FocusLost() {
	b.focused = false
	b.Button.FocusLost()
	b.u.tips.hide(b)
}

func (b *button) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter {
		k = &fyne.KeyEvent{Name: fyne.KeySpace} // presses it
	}
	b.u.typed(k, b.Button.TypedKey)
}

func (b *button) MouseIn(e *desktop.MouseEvent) {
	b.Button.MouseIn(e)
	b.u.tips.showSoon(b, b.tip)
}

func (b *button) MouseOut() {
	b.Button.MouseOut()
	b.u.tips.hide(b)
}

func (b *button) Tapped(e *fyne.PointEvent) {
	b.u.tips.hide(b)
	b.Button.Tapped(e)
}

// ringRenderer draws a focus ring just outside a widget, in the gap
// layouts leave between widgets.
type ringRenderer struct {
	fyne.WidgetRenderer
	ring    *canvas.Rectangle
	focused func() bool
}

// ringGap is how far outside the widget its focus ring is drawn.
const ringGap = 3

func newRingRenderer(r fyne.WidgetRenderer, focused func() bool) *ringRenderer {
	ring := canvas.NewRectangle(color.Transparent)
	ring.StrokeWidth = 2
	ring.Hide()
	rr := &ringRenderer{WidgetRenderer: r, ring: ring, focused: focused}
	rr.style()
	return rr
}

func (r *ringRenderer) style() {
	r.ring.StrokeColor = theme.Color(theme.ColorNamePrimary)
	r.ring.CornerRadius = theme.Size(theme.SizeNameInputRadius) + ringGap
	r.ring.Hidden = !r.focused()
}

func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.ring.Move(fyne.NewPos(-ringGap, -ringGap))
	r.ring.Resize(size.AddWidthHeight(2*ringGap, 2*ringGap))
}

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	return append(r.WidgetRenderer.Objects(), r.ring)
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.style()
	r.ring.Refresh()
}

// linkEntry is the start screen's field for the link. Enter looks for the
// video (Shift+Enter starts a new line, for a pasted command that wants
// one); Tab moves on instead of typing a tab; a link pasted into the empty
// field is looked for at once; the window's keys and shortcuts go on to
// the window.
type linkEntry struct {
	widget.Entry
	u      *ui
	submit func(text string)
	shift  bool
}

func newLinkEntry(u *ui, submit func(string)) *linkEntry {
	e := &linkEntry{u: u, submit: submit}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapBreak
	e.ExtendBaseWidget(e)
	return e
}

// AcceptsTab: Tab moves the focus on; a link has no tabs.
func (e *linkEntry) AcceptsTab() bool { return false }

func (e *linkEntry) KeyDown(k *fyne.KeyEvent) {
	if k.Name == desktop.KeyShiftLeft || k.Name == desktop.KeyShiftRight {
		e.shift = true
	}
	e.Entry.KeyDown(k)
}

func (e *linkEntry) KeyUp(k *fyne.KeyEvent) {
	if k.Name == desktop.KeyShiftLeft || k.Name == desktop.KeyShiftRight {
		e.shift = false
	}
	e.Entry.KeyUp(k)
}

func (e *linkEntry) FocusLost() {
	e.shift = false
	e.Entry.FocusLost()
}

func (e *linkEntry) TypedKey(k *fyne.KeyEvent) {
	switch {
	case windowKey(k):
		e.u.onTypedKey(k)
	case (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter) && !e.shift:
		e.submit(e.Text)
	default:
		e.Entry.TypedKey(k)
	}
}

func (e *linkEntry) TypedShortcut(s fyne.Shortcut) {
	if p, ok := s.(*fyne.ShortcutPaste); ok && strings.TrimSpace(e.Text) == "" {
		text := ""
		if p.Clipboard != nil {
			text = p.Clipboard.Content()
		} else {
			text = e.u.app.Clipboard().Content()
		}
		if text = strings.TrimSpace(text); text != "" {
			e.SetText(text)
			e.CursorRow, e.CursorColumn = 0, 0
			e.submit(text)
			return
		}
	}
	if e.u.windowShortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

// Fields of the dialogs: Fyne's, handing Escape and F1 on to the window.

type keyEntry struct {
	widget.Entry
	u *ui
}

func newKeyEntry(u *ui) *keyEntry {
	e := &keyEntry{u: u}
	e.ExtendBaseWidget(e)
	return e
}

func (e *keyEntry) TypedKey(k *fyne.KeyEvent) { e.u.typed(k, e.Entry.TypedKey) }

type keySelect struct {
	widget.Select
	u *ui
}

func newKeySelect(u *ui, options []string) *keySelect {
	s := &keySelect{u: u}
	s.Options = options
	s.ExtendBaseWidget(s)
	return s
}

func (s *keySelect) TypedKey(k *fyne.KeyEvent) { s.u.typed(k, s.Select.TypedKey) }

type keyCheck struct {
	widget.Check
	u *ui
}

func newKeyCheck(u *ui, label string) *keyCheck {
	c := &keyCheck{u: u}
	c.Text = label
	c.ExtendBaseWidget(c)
	return c
}

func (c *keyCheck) TypedKey(k *fyne.KeyEvent) { c.u.typed(k, c.Check.TypedKey) }

// tips shows one short tip at a time, in a layer above the window's
// content that takes no pointer events (dialogs keep their buttons
// plain-spoken instead).
type tips struct {
	layer  *fyne.Container
	box    *fyne.Container
	text   *canvas.Text
	bg     *canvas.Rectangle
	owner  fyne.CanvasObject // whose tip shows, or waits to
	bridge *bridge
}

// tipDelay is how long the pointer rests before a tip shows.
const tipDelay = 600 * time.Millisecond

func newTips(b *bridge) *tips {
	t := &tips{bridge: b}
	t.text = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	t.bg = canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	t.bg.StrokeColor = theme.Color(theme.ColorNameShadow)
	t.bg.StrokeWidth = 1
	t.bg.CornerRadius = 4
	t.box = container.NewStack(t.bg, container.NewPadded(t.text))
	t.box.Hide()
	t.layer = container.NewWithoutLayout(t.box)
	return t
}

// showSoon shows o's tip once the pointer has rested on it a moment.
func (t *tips) showSoon(o fyne.CanvasObject, tip string) {
	if t == nil || tip == "" {
		return
	}
	t.owner = o
	time.AfterFunc(tipDelay, func() {
		t.bridge.show(func() {
			if t.owner == o {
				t.show(o, tip)
			}
		})
	})
}

// show shows tip under o (over it when there is no room below).
func (t *tips) show(o fyne.CanvasObject, tip string) {
	if t == nil || tip == "" || !o.Visible() {
		return
	}
	d := fyne.CurrentApp().Driver()
	c := d.CanvasForObject(o)
	if c == nil {
		return
	}
	t.owner = o
	t.text.Text = tip
	t.text.Color = theme.Color(theme.ColorNameForeground)
	t.bg.FillColor = theme.Color(theme.ColorNameOverlayBackground)
	t.bg.StrokeColor = theme.Color(theme.ColorNameShadow)
	size := t.box.MinSize()
	at := d.AbsolutePositionForObject(o).Subtract(d.AbsolutePositionForObject(t.layer))
	area := t.layer.Size()
	x := min(at.X, area.Width-size.Width)
	y := at.Y + o.Size().Height + ringGap + 2
	if y+size.Height > area.Height {
		y = at.Y - size.Height - ringGap - 2
	}
	t.box.Move(fyne.NewPos(max(x, 0), max(y, 0)))
	t.box.Resize(size)
	t.box.Show()
	t.layer.Refresh()
}

// hide hides o's tip, or stops it from showing.
func (t *tips) hide(o fyne.CanvasObject) {
	if t == nil || t.owner != o {
		return
	}
	t.owner = nil
	t.box.Hide()
	t.layer.Refresh()
}

// shown is the tip showing now, "" when none.
func (t *tips) shown() string {
	if t == nil || !t.box.Visible() {
		return ""
	}
	return t.text.Text
}
