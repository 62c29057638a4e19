package app

import (
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"replayrescue/assets"
)

// website is FyneApp.toml's Website; the About box links to it.
const website = "https://github.com/replayrescue/replayrescue"

// aboutBox is the About dialog: which Replay Rescue this is (the version a
// support request needs), which ffmpeg it uses and under which licence, and
// what it is built from. The one showing is kept on ui so tests can look at it.
type aboutBox struct {
	u       *ui
	m       *modal
	d       dialog.Dialog // m's
	version *widget.Label
	tools   *widget.Label
	licence *widget.Label // nil unless Replay Rescue downloaded the ffmpeg in use
}

func newAboutBox(u *ui) *aboutBox {
	b := &aboutBox{u: u}
	b.build()
	return b
}

// build makes the box, asking the backend about ffmpeg as it is now.
func (b *aboutBox) build() {
	be := b.u.backend
	icon := canvas.NewImageFromResource(assets.Icon)
	icon.SetMinSize(fyne.NewSize(64, 64))
	icon.FillMode = canvas.ImageFillContain
	name := widget.NewLabelWithStyle("Replay Rescue", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	b.version = widget.NewLabelWithStyle(lang.L("Version {{.Version}}", map[string]any{"Version": b.u.version}), fyne.TextAlignCenter, fyne.TextStyle{})
	what := widget.NewLabelWithStyle(lang.L("Saves the replay of a live-streamed talk as one video."), fyne.TextAlignCenter, fyne.TextStyle{})
	what.Wrapping = fyne.TextWrapWord

	t := be.About()
	var toolsText string
	if t.Path == "" {
		toolsText = lang.L("The video tool FFmpeg is not installed yet.")
	} else {
		toolsText = lang.L("Video tool: {{.Version}}, at {{.Path}}. This build of FFmpeg is under the {{.Licence}}.", map[string]any{"Version": t.Version, "Path": t.Path, "Licence": t.Licence})
	}
	b.tools = widget.NewLabel(toolsText)
	b.tools.Wrapping = fyne.TextWrapWord
	parts := widget.NewLabel(lang.L("Made with Fyne (BSD 3-Clause licence), grafov/m3u8 (BSD 3-Clause), ffmpeg-go (Apache 2.0), chromedp (MIT) and the Go libraries (BSD 3-Clause)."))
	parts.Wrapping = fyne.TextWrapWord // ordinary text: the credits are read too
	items := []fyne.CanvasObject{container.NewCenter(icon), name, b.version, what, widget.NewSeparator(), b.tools}
	// A downloaded ffmpeg came with its licence text, which we owe the
	// user with the program.
	if text, ok := be.ToolsLicence(); ok {
		b.licence = widget.NewLabel(text)
		b.licence.Wrapping = fyne.TextWrapWord
		scroll := container.NewVScroll(b.licence)
		scroll.SetMinSize(fyne.NewSize(0, 160))
		items = append(items, widget.NewAccordion(widget.NewAccordionItem(lang.L("Licence of the downloaded FFmpeg"), scroll)))
	}
	own := widget.NewLabelWithStyle(lang.L("Replay Rescue is free software under the MIT licence. Copyright The Replay Rescue authors."), fyne.TextAlignCenter, fyne.TextStyle{})
	own.Wrapping = fyne.TextWrapWord
	items = append(items, own, parts)
	if link, err := url.Parse(website); err == nil {
		items = append(items, container.NewCenter(widget.NewHyperlink(lang.L("Website and source code"), link)))
	}
	closeButton := b.u.newButton(lang.L("Close"), nil, func() { b.m.hide() })
	b.m = b.u.newModal(lang.L("About Replay Rescue"), container.NewVBox(items...), func() { b.m.hide() }, closeButton)
	b.d = b.m.d
	b.m.resize(560, 0)
}

func (b *aboutBox) show() {
	b.u.about = b
	b.m.show()
}
