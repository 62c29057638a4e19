package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// modal is a dialog of the window's: Fyne's dialog with buttons of ours,
// so that Escape closes it whichever of its controls has the focus (a
// Fyne dialog's own buttons keep Escape to themselves). The window keeps
// the dialogs that show, newest last; Escape does what the top one's
// dismiss button does.
type modal struct {
	u      *ui
	d      dialog.Dialog
	escape func() // what Escape does: Cancel, Close, No, Later...
}

// newModal makes a dialog of content with buttons (the last one the main
// one, as platforms place it); escape is what its dismiss button does.
func (u *ui) newModal(title string, content fyne.CanvasObject, escape func(), buttons ...fyne.CanvasObject) *modal {
	d := dialog.NewCustomWithoutButtons(title, content, u.win)
	d.SetButtons(buttons)
	m := &modal{u: u, d: d, escape: escape}
	d.SetOnClosed(func() { u.dropModal(m) })
	return m
}

// track keeps a dialog made elsewhere (a file dialog) with the window's,
// so that Escape closes it too while none of its fields has the focus.
func (u *ui) track(d dialog.Dialog) *modal {
	m := &modal{u: u, d: d, escape: d.Dismiss}
	d.SetOnClosed(func() { u.dropModal(m) })
	return m
}

func (m *modal) show() {
	m.u.dropModal(m)
	m.u.modals = append(m.u.modals, m)
	m.u.tips.hide(m.u.tips.owner)
	m.d.Show()
}

func (m *modal) hide() { m.d.Hide() }

// resize makes the dialog width wide (no wider than the window allows) and
// height high (0: as high as its content).
func (m *modal) resize(width, height float32) {
	s := m.u.win.Canvas().Size()
	w := min(width, s.Width-40)
	if height > 0 {
		height = min(height, s.Height-40)
	}
	m.d.Resize(fyne.NewSize(w, height))
}

func (u *ui) dropModal(m *modal) {
	for i, o := range u.modals {
		if o == m {
			u.modals = append(u.modals[:i], u.modals[i+1:]...)
			return
		}
	}
}

// escapeModal closes the dialog on top the way its dismiss button does,
// reporting whether there was one.
func (u *ui) escapeModal() bool {
	if len(u.modals) == 0 {
		return false
	}
	u.modals[len(u.modals)-1].escape()
	return true
}

// inform shows one sentence with OK.
func (u *ui) inform(title, msg string) *modal {
	var m *modal
	ok := u.newButton(lang.L("OK"), nil, func() { m.hide() })
	ok.Importance = widget.HighImportance
	m = u.newModal(title, wrapped(msg), func() { m.hide() }, ok)
	m.resize(480, 0)
	m.show()
	return m
}

// ask asks msg with yesText and noText; yes runs on the first. Escape
// answers no.
func (u *ui) ask(title, msg, yesText, noText string, yes func()) *modal {
	var m *modal
	yesB := u.newButton(yesText, theme.ConfirmIcon(), func() {
		m.hide()
		yes()
	})
	yesB.Importance = widget.HighImportance
	no := u.newButton(noText, theme.CancelIcon(), func() { m.hide() })
	m = u.newModal(title, wrapped(msg), func() { m.hide() }, no, yesB)
	m.resize(480, 0)
	m.show()
	return m
}

// confirm asks title and msg with Yes and No, and runs yes on Yes.
func confirm(win fyne.Window, title, msg string, yes func()) {
	if u, ok := windows.Load(win); ok {
		u.(*ui).ask(title, msg, lang.L("Yes"), lang.L("No"), yes)
	}
}

// windows holds each open window's ui, by its fyne.Window, for code that
// has only the window at hand.
var windows sync.Map

// askSavePath asks where to save a file, named name at first, in the folder
// where videos were saved last, and calls save with the path chosen.
// replace says the user agreed to replace a file there. A name without one
// of the extensions exts gets the first, and is never replaced: nobody was
// asked about it.
func (u *ui) askSavePath(name string, exts []string, save func(path string, replace bool)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		// The dialog has created the file (and asked before replacing
		// one); save writes it from scratch.
		path := w.URI().Path()
		_ = w.Close()
		replace := true
		if !slices.ContainsFunc(exts, func(e string) bool { return strings.EqualFold(filepath.Ext(path), e) }) {
			removeIfEmpty(path) // the dialog's own empty file
			path += exts[0]
			replace = false
		}
		save(path, replace)
	}, u.win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	if l, err := storage.ListerForURI(storage.NewFileURI(u.settings.outputFolder())); err == nil {
		d.SetLocation(l)
	}
	d.Resize(fyne.NewSize(min(800, u.win.Canvas().Size().Width-20), min(560, u.win.Canvas().Size().Height-20)))
	d.Show()
}

// removeIfEmpty removes path when it is an empty file: what a save dialog
// creates for a name before anything is written to it.
func removeIfEmpty(path string) {
	if st, err := os.Lstat(path); err == nil && st.Mode().IsRegular() && st.Size() == 0 {
		_ = os.Remove(path)
	}
}
