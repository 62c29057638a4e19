package app

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"replayrescue/app/internal/backend"
)

// harSteps are the browser-by-browser steps for exporting a HAR file. Chrome
// and Edge leave cookies out unless the sensitive-data option is on (since
// Chrome 130), which is why that step is spelled out.
func harSteps() []struct {
	Browser string
	Steps   []string
} {
	return []struct {
		Browser string
		Steps   []string
	}{
		{"Chrome / Edge", []string{
			lang.L("Open the page with the replay (sign in first if the broadcast is private)."),
			lang.L("Press F12 (on a Mac: Cmd+Option+I) to open the Developer Tools, and choose the Network tab."),
			lang.L("Only the first time: click the gear icon in the Developer Tools, go to Preferences > Network and turn on “Allow to generate HAR with sensitive data”. Without it the file lacks the cookies private replays need."),
			lang.L("Reload the page and start the replay. Let it play for a few seconds."),
			lang.L("In the Network tab, click the download arrow (Export HAR) and choose “Export HAR (with sensitive data)”. Save the file."),
			lang.L("Drop the saved file on this window."),
		}},
		{"Firefox", []string{
			lang.L("Open the page with the replay (sign in first if the broadcast is private)."),
			lang.L("Press Ctrl+Shift+E (on a Mac: Cmd+Option+E) to open the Network panel."),
			lang.L("Reload the page and start the replay. Let it play for a few seconds."),
			lang.L("Click the gear icon at the top right of the Network panel and choose “Save All As HAR”."),
			lang.L("Drop the saved file on this window."),
		}},
		{"Safari", []string{
			lang.L("Only the first time: open Safari > Settings > Advanced and turn on “Show features for web developers” (older versions: “Show Develop menu in menu bar”)."),
			lang.L("Open the page with the replay, then choose Develop > Show Web Inspector and the Network tab."),
			lang.L("Reload the page and start the replay. Let it play for a few seconds."),
			lang.L("Click Export in the Network tab and save the HAR file."),
			lang.L("Drop the saved file on this window."),
		}},
	}
}

// Help's sections, in the order of a save.
const (
	helpLink = iota
	helpPrivate
	helpTrim
	helpSync
	helpSave
)

// showHelp opens Help on section: short sections in the order of a save,
// listed down its left side.
func (u *ui) showHelp(section int) {
	copyKey := keyName(&desktop.CustomShortcut{KeyName: fyne.KeyC, Modifier: fyne.KeyModifierShortcutDefault})
	pasteKey := keyName(&desktop.CustomShortcut{KeyName: fyne.KeyV, Modifier: fyne.KeyModifierShortcutDefault})
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.L("Getting the link"), helpText(
			lang.L("Open the broadcast or its replay in your browser, where it plays."),
			lang.L("Copy its address: click the address bar and press {{.Copy}}, or use the broadcast's Share button and choose to copy the link.", map[string]any{"Copy": copyKey}),
			lang.L("Come back here, paste it into the big field ({{.Paste}}) and press Enter. Replay Rescue finds the video and downloads it, and then you trim it.", map[string]any{"Paste": pasteKey}),
		)),
		container.NewTabItem(lang.L("Private replays"), privateHelp()),
		container.NewTabItem(lang.L("Trimming"), helpText(
			lang.L("On the Trim & sync screen, drag the two handles under the picture to where your talk starts and ends. The picture shows where the handle is."),
			lang.L("For exact times, type them into Start and End (such as 1:23 or 1:02:03), or use –1 s and +1 s. The arrow keys move the handle you touched last by one second."),
			lang.L("The video starts at the nearest whole picture before the start handle; tick “Exact start (slower)” to start on the very picture."),
		)),
		container.NewTabItem(lang.L("Sound in sync"), helpText(
			lang.L("If lips and voice do not match, play the video (Play, or the Space key) and move the Audio sync slider while it plays: to the right makes the sound come later, to the left earlier. The buttons beside it move it in small steps, and the field takes a value typed in."),
			lang.L("“Open in my player” plays ten seconds around the picture in your own video player, with the sync as set, so you can check before saving."),
		)),
		container.NewTabItem(lang.L("Where the video goes"), helpText(
			lang.L("“Save video…” asks for a name and a folder: the first time your Videos folder, later the one you used last (Settings changes it)."),
			lang.L("The video is one MP4 file that plays on computers and phones and can be uploaded anywhere. When the broadcast had a chat, it is saved beside the video as subtitles with the same name (.srt and .ass)."),
			lang.L("The downloaded parts stay in a folder of their own until the video is saved, so a download that was stopped goes on where it stopped."),
			lang.L("“Save this picture…” saves the picture shown as a JPEG, for a talk page or as the video's cover on a video site."),
		)),
	)
	tabs.SetTabLocation(container.TabLocationLeading)
	tabs.SelectIndex(section)
	var m *modal
	closeButton := u.newButton(lang.L("Close"), nil, func() { m.hide() })
	m = u.newModal(lang.L("Help"), tabs, func() { m.hide() }, closeButton)
	m.resize(760, 560)
	m.show()
}

// helpText is a help section: paragraphs, scrolled when the window is small.
func helpText(paragraphs ...string) fyne.CanvasObject {
	box := container.NewVBox()
	for _, p := range paragraphs {
		box.Add(wrapped(p))
	}
	return container.NewVScroll(box)
}

// privateHelp is the section on private replays: capture first, a HAR
// file second, with the steps for each browser.
func privateHelp() fyne.CanvasObject {
	box := container.NewVBox(
		wrapped(lang.L("A replay that shows only when you are signed in needs your browser: the video host checks who you are.")),
		widget.NewLabelWithStyle(lang.L("Easiest: Capture from browser"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		wrapped(lang.L("On the first screen, choose “Capture from browser”. A browser window opens with a fresh, temporary profile: sign in there, open the broadcast and play it. Replay Rescue catches the replay and closes the window; your own browser profile is not touched.")),
		widget.NewLabelWithStyle(lang.L("Second way: a HAR file"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		wrapped(lang.L("A HAR file is a recording of what your browser loaded, including the sign-in cookies that let Replay Rescue fetch a private replay. It is used only for this download and never sent anywhere else; delete the file when you are done. For a public broadcast, pasting its link is enough.")),
	)
	steps := widget.NewAccordion()
	for _, b := range harSteps() {
		list := container.NewVBox()
		for i, s := range b.Steps {
			list.Add(wrapped(fmt.Sprintf("%d.  %s", i+1, s)))
		}
		steps.Append(widget.NewAccordionItem(b.Browser, list))
	}
	steps.Open(0)
	box.Add(steps)
	return container.NewVScroll(box)
}

// toolsDialog is the friendly dialog for a missing (or too old) ffmpeg, in
// one of two variants: where Replay Rescue has a verified ffmpeg to
// download (Windows, macOS), one question, a progress bar and Cancel;
// elsewhere the one command to run (with a Copy button and how to open a
// terminal), or the download page where that is the way. The one showing
// is kept on ui so tests can look at it, and so closing the window stops
// its download.
type toolsDialog struct {
	u      *ui
	m      *modal
	d      dialog.Dialog // m's
	width  float32       // the widest the dialog gets
	status *widget.Label
	later  *button // "Later", or "Cancel" while downloading

	// The install variant (Linux, or no download for this system).
	cmd     string    // the command to copy, "" when there is none
	hint    *keyEntry // shows cmd
	link    *widget.Hyperlink
	copy    *button
	recheck *button

	// The download variant.
	download *button // "Download it now", then "Try again"
	bar      *widget.ProgressBar
	stop     context.CancelFunc // set while downloading
}

// newToolsDialog makes the dialog for what FindTools answered: its install
// hint and error.
func newToolsDialog(u *ui, hint string, err error) *toolsDialog {
	td := &toolsDialog{u: u}
	if u.goos != "linux" {
		if size, ok := u.backend.ToolsDownload(); ok {
			td.buildDownload(size, err)
			return td
		}
	}
	td.buildInstall(hint, err)
	return td
}

func (td *toolsDialog) show() {
	td.u.tools = td
	td.m.show()
}

// buildInstall makes the variant that says how to install ffmpeg.
func (td *toolsDialog) buildInstall(hint string, err error) {
	msg, _ := backend.Explain(err)
	if backend.ToolsMissing(err) && len(quoted.FindAllString(hint, -1)) == 1 {
		// The intro says it is missing, the steps below the one command
		// that installs it: the sentence would only repeat them.
		msg = ""
	}
	intro := widget.NewLabel(lang.L("Replay Rescue uses the free program FFmpeg to put the video together, and it is not on this computer yet. Installing it takes a few minutes and is needed only once."))
	intro.Wrapping = fyne.TextWrapWord
	items := []fyne.CanvasObject{intro}
	if msg != "" {
		detail := widget.NewLabel(msg)
		detail.Wrapping = fyne.TextWrapWord
		items = append(items, detail)
	}
	if td.cmd = installCommand(hint); td.cmd != "" {
		how := widget.NewLabel(terminalSteps(td.u.goos))
		how.Wrapping = fyne.TextWrapWord
		td.hint = newKeyEntry(td.u)
		td.hint.SetText(td.cmd)
		td.copy = td.u.newButton(lang.L("Copy"), theme.ContentCopyIcon(), td.onCopy)
		items = append(items, how, container.NewBorder(nil, nil, nil, td.copy, td.hint))
	}
	if link := downloadPage(hint); link != nil {
		td.link = widget.NewHyperlink(lang.L("Download FFmpeg from its website"), link)
		items = append(items, td.link)
	}
	td.status = widget.NewLabel("")
	td.status.Wrapping = fyne.TextWrapWord
	items = append(items, td.status)

	td.recheck = td.u.newButton(lang.L("Check again"), theme.ViewRefreshIcon(), td.onRecheck)
	td.recheck.Importance = widget.HighImportance
	td.later = td.u.newButton(lang.L("Later"), nil, td.onLater)
	td.m = td.u.newModal(lang.L("One more thing to install"), container.NewVBox(items...), td.onLater, td.later, td.recheck)
	td.d = td.m.d
	td.width = 620
	td.fit()
}

// buildDownload makes the variant that offers the one-click download: one
// question, a progress bar, Cancel, and on failure the one sentence saying
// what to do.
func (td *toolsDialog) buildDownload(size int64, err error) {
	var items []fyne.CanvasObject
	if msg, _ := backend.Explain(err); msg != "" && !backend.ToolsMissing(err) {
		items = append(items, wrapped(msg)) // too old: say so first
	}
	items = append(items, wrapped(lang.L("Replay Rescue needs a free video tool (ffmpeg, about {{.Size}}). Download it now?", map[string]any{"Size": td.u.num.size(size)})))
	td.bar = widget.NewProgressBar()
	td.bar.Hide()
	td.status = wrapped("")
	items = append(items, td.bar, td.status)

	td.download = td.u.newButton(lang.L("Download it now"), theme.DownloadIcon(), td.onDownload)
	td.download.Importance = widget.HighImportance
	td.later = td.u.newButton(lang.L("Later"), nil, td.onLater)
	td.m = td.u.newModal(lang.L("One more thing to install"), container.NewVBox(items...), td.onLater, td.later, td.download)
	td.d = td.m.d
	td.width = 560
	td.fit()
}

// fit resizes the dialog to what it now holds.
func (td *toolsDialog) fit() {
	td.m.resize(td.width, 0)
}

// onCopy puts the install command on the clipboard.
func (td *toolsDialog) onCopy() {
	td.u.app.Clipboard().SetContent(td.cmd)
	td.status.SetText(lang.L("Copied. Now paste it in the terminal and press Enter."))
}

// onRecheck looks for ffmpeg again, closing the dialog once it is there.
func (td *toolsDialog) onRecheck() {
	if _, err := td.u.backend.FindTools(); err != nil {
		td.status.SetText(lang.L("FFmpeg is still not found. If you just installed it, close Replay Rescue and open it again."))
		return
	}
	td.u.toolsOK = true
	td.d.Hide()
}

// onLater closes the dialog, or is Cancel while downloading.
func (td *toolsDialog) onLater() {
	if td.stop != nil {
		td.stop() // the download ends with "Stopped" and removes its files
		return
	}
	td.d.Hide()
}

// onDownload runs the download behind the progress bar; installed reports
// how it ended.
func (td *toolsDialog) onDownload() {
	td.download.Disable()
	td.later.SetText(lang.L("Cancel"))
	td.bar.SetValue(0)
	td.bar.Show()
	td.status.SetText(lang.L("Downloading…"))
	td.fit()
	progress := func(done, total int64) { // on the download's goroutine
		td.u.bridge.show(func() { td.showProgress(done, total) })
	}
	be := td.u.backend
	td.stop = background(context.Background(), td.u.bridge, only(func(ctx context.Context) error { return be.InstallTools(ctx, progress) }), td.installed)
}

// showProgress shows how much of ffmpeg has arrived.
func (td *toolsDialog) showProgress(done, total int64) {
	if td.stop == nil {
		return // a late report after the end
	}
	if total > 0 {
		td.bar.SetValue(float64(done) / float64(total))
	}
	td.status.SetText(lang.L("Downloading… {{.Done}} of {{.Total}}", map[string]any{"Done": td.u.num.size(done), "Total": td.u.num.size(max(total, done))}))
}

// installed ends the download: success checks again and closes the dialog;
// anything else says what happened and offers to try again.
func (td *toolsDialog) installed(_ struct{}, err error, _ bool) {
	td.stop = nil
	td.later.SetText(lang.L("Later"))
	td.download.Enable()
	if err == nil {
		if _, err = td.u.backend.FindTools(); err == nil {
			td.u.toolsOK = true
			td.d.Hide()
			return
		}
	}
	td.bar.Hide()
	msg, _ := backend.Explain(err)
	td.status.SetText(msg)
	td.download.SetText(lang.L("Try again"))
	td.fit()
}

func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

var quoted = regexp.MustCompile(`["“]([^"”]+)["”]`)

// installCommand picks the command out of an install hint: the first quoted
// part of a sentence like `install it with "brew install ffmpeg"`, or the
// whole hint when it is a bare command.
func installCommand(hint string) string {
	hint = strings.TrimSpace(hint)
	if m := quoted.FindStringSubmatch(hint); m != nil {
		return m[1]
	}
	if hint == "" || strings.Contains(hint, "://") || strings.HasSuffix(hint, ".") || strings.Contains(hint, ", ") {
		return ""
	}
	return hint
}

// downloadPage is the page to offer: the hint's own link, or FFmpeg's
// download page when the hint mentions ffmpeg.org or has no command.
func downloadPage(hint string) *url.URL {
	for _, f := range strings.Fields(hint) {
		if u, err := url.Parse(strings.TrimRight(f, ".,;)\"")); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			return u
		}
	}
	if strings.Contains(hint, "ffmpeg.org") || installCommand(hint) == "" {
		u, _ := url.Parse("https://ffmpeg.org/download.html")
		return u
	}
	return nil
}

// terminalSteps says how to open a terminal, for people who never have.
func terminalSteps(goos string) string {
	switch goos {
	case "windows":
		return lang.L("Open the Start menu, type “Terminal”, and press Enter. Copy the command below, paste it into that window with a right-click, press Enter, and wait until it finishes:")
	case "darwin":
		return lang.L("Press Cmd+Space, type “Terminal”, and press Enter. Copy the command below, paste it with Cmd+V, press Enter, and wait until it finishes:")
	}
	return lang.L("Open a terminal (on Ubuntu: press Ctrl+Alt+T). Copy the command below, paste it with Ctrl+Shift+V, press Enter, type your password if asked, and wait until it finishes:")
}
