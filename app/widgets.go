package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// problemCard is where a screen says what went wrong: a heading that names
// it, and the one sentence saying what happened and what to do next. Each
// screen has one, in one place.
type problemCard struct {
	box  *fyne.Container
	head *widget.Label
	text *widget.Label
}

func newProblemCard() *problemCard {
	p := &problemCard{}
	icon := widget.NewIcon(theme.NewErrorThemedResource(theme.ErrorIcon()))
	p.head = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.head.Wrapping = fyne.TextWrapWord
	p.text = widget.NewLabel("")
	p.text.Wrapping = fyne.TextWrapWord
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	bg.StrokeColor = theme.Color(theme.ColorNameError)
	bg.StrokeWidth = 1
	// The icon beside the heading's first line: a label's text sits an
	// inner padding below its top.
	pad := theme.Size(theme.SizeNameInnerPadding)
	mark := container.NewVBox(container.New(layout.NewCustomPaddedLayout(pad, 0, 0, 0), icon))
	body := container.NewBorder(nil, nil, mark, nil, container.NewVBox(p.head, p.text))
	p.box = container.NewStack(bg, container.NewPadded(body))
	p.show("", "")
	return p
}

// show shows heading and msg; an empty msg hides the card.
func (p *problemCard) show(heading, msg string) {
	p.head.SetText(heading)
	p.head.Hidden = heading == ""
	p.text.SetText(msg)
	if msg == "" {
		p.text.Hide()
		p.box.Hide()
		return
	}
	p.text.Show()
	p.box.Show()
}

// bigText shows o with larger text: the one field a screen is about.
func bigText(o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewThemeOverride(o, largerText{})
}

// largerText is the window's theme with text a fifth larger.
type largerText struct{}

func (largerText) current() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

func (t largerText) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.current().Color(n, v)
}
func (t largerText) Font(s fyne.TextStyle) fyne.Resource     { return t.current().Font(s) }
func (t largerText) Icon(n fyne.ThemeIconName) fyne.Resource { return t.current().Icon(n) }
func (t largerText) Size(n fyne.ThemeSizeName) float32 {
	s := t.current().Size(n)
	if n == theme.SizeNameText {
		return s * 1.2
	}
	return s
}

// sameSpot lays its objects over each other at the size of the largest,
// shown or not: buttons that take turns (Pause, Resume, Try again) keep
// one place, and what is beside them does not move when they change.
type sameSpot struct{}

func (sameSpot) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (sameSpot) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// showFileDialog shows a file dialog of the window's: large, listing names
// one per line (the grid of icons breaks long names mid-word), and closed
// by Escape.
func (u *ui) showFileDialog(d *dialog.FileDialog) {
	d.SetView(dialog.ListView)
	s := u.win.Canvas().Size()
	d.Resize(fyne.NewSize(min(820, s.Width-20), min(580, s.Height-20)))
	u.track(d).show()
}
