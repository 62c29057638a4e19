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

// aboutBox is the About dialog; kept on ui so tests can look at it.
type aboutBox struct {
	d       dialog.Dialog
	version *widget.Label
	tools   *widget.Label
	licence *widget.Label // nil unless Replay Rescue downloaded the ffmpeg in use
}

// showAbout tells which Replay Rescue this is (the version a support
// request needs), which ffmpeg it uses and under which licence, and what
// it is built from.
func (u *ui) showAbout() {
	icon := canvas.NewImageFromResource(assets.Icon)
	icon.SetMinSize(fyne.NewSize(64, 64))
	icon.FillMode = canvas.ImageFillContain
	name := widget.NewLabelWithStyle("Replay Rescue", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	box := &aboutBox{version: widget.NewLabelWithStyle(lang.L("Version {{.Version}}", map[string]any{"Version": u.version}), fyne.TextAlignCenter, fyne.TextStyle{})}
	what := widget.NewLabelWithStyle(lang.L("Saves the replay of a live-streamed talk as one video."), fyne.TextAlignCenter, fyne.TextStyle{})
	what.Wrapping = fyne.TextWrapWord

	t := u.backend.About()
	var toolsText string
	if t.Path == "" {
		toolsText = lang.L("The video tool FFmpeg is not installed yet.")
	} else {
		toolsText = lang.L("Video tool: {{.Version}}, at {{.Path}}. This build of FFmpeg is under the {{.Licence}}.", map[string]any{"Version": t.Version, "Path": t.Path, "Licence": t.Licence})
	}
	box.tools = widget.NewLabel(toolsText)
	box.tools.Wrapping = fyne.TextWrapWord
	parts := widget.NewLabel(lang.L("Made with Fyne (BSD 3-Clause licence), grafov/m3u8 (BSD 3-Clause), ffmpeg-go (Apache 2.0), chromedp (MIT) and the Go libraries (BSD 3-Clause)."))
	parts.Wrapping = fyne.TextWrapWord
	parts.Importance = widget.LowImportance
	items := []fyne.CanvasObject{container.NewCenter(icon), name, box.version, what, widget.NewSeparator(), box.tools}
	// A downloaded ffmpeg came with its licence text, which we owe the
	// user with the program.
	if text, ok := u.backend.ToolsLicence(); ok {
		box.licence = widget.NewLabel(text)
		box.licence.Wrapping = fyne.TextWrapWord
		scroll := container.NewVScroll(box.licence)
		scroll.SetMinSize(fyne.NewSize(0, 160))
		items = append(items, widget.NewAccordion(widget.NewAccordionItem(lang.L("Licence of the downloaded FFmpeg"), scroll)))
	}
	own := widget.NewLabelWithStyle(lang.L("Replay Rescue is free software under the MIT licence. Copyright The Replay Rescue authors."), fyne.TextAlignCenter, fyne.TextStyle{})
	own.Wrapping = fyne.TextWrapWord
	items = append(items, own, parts)
	if link, err := url.Parse(website); err == nil {
		items = append(items, container.NewCenter(widget.NewHyperlink(lang.L("Website and source code"), link)))
	}
	box.d = dialog.NewCustom(lang.L("About Replay Rescue"), lang.L("Close"), container.NewVBox(items...), u.win)
	box.d.Resize(fyne.NewSize(min(560, u.win.Canvas().Size().Width-40), 0))
	u.about = box
	box.d.Show()
}
