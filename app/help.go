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

// showHARHelp explains how to get a HAR file, one tab per browser.
func showHARHelp(win fyne.Window) {
	tabs := container.NewAppTabs()
	for _, b := range harSteps() {
		list := container.NewVBox()
		for i, s := range b.Steps {
			l := widget.NewLabel(fmt.Sprintf("%d.  %s", i+1, s))
			l.Wrapping = fyne.TextWrapWord
			list.Add(l)
		}
		tabs.Append(container.NewTabItem(b.Browser, container.NewVScroll(list)))
	}
	why := widget.NewLabel(lang.L("A HAR file is a recording of what your browser loaded, including the sign-in cookies that let Replay Rescue fetch a private replay. It is used only for this download and never sent anywhere else; delete the file when you are done. For a public broadcast, pasting its link is enough."))
	why.Wrapping = fyne.TextWrapWord
	body := container.NewBorder(why, nil, nil, nil, tabs)
	d := dialog.NewCustom(lang.L("How do I get a HAR file?"), lang.L("Close"), body, win)
	d.Resize(fyne.NewSize(min(680, win.Canvas().Size().Width-40), min(560, win.Canvas().Size().Height-40)))
	d.Show()
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
	d      *dialog.CustomDialog
	width  float32 // the widest the dialog gets
	status *widget.Label
	later  *widget.Button // "Later", or "Cancel" while downloading

	// The install variant (Linux, or no download for this system).
	cmd     string        // the command to copy, "" when there is none
	hint    *widget.Entry // shows cmd
	link    *widget.Hyperlink
	copy    *widget.Button
	recheck *widget.Button

	// The download variant.
	download *widget.Button // "Download it now", then "Try again"
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
	td.d.Show()
}

// buildInstall makes the variant that says how to install ffmpeg.
func (td *toolsDialog) buildInstall(hint string, err error) {
	msg, _ := backend.Explain(err)
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
		td.hint = widget.NewEntry()
		td.hint.SetText(td.cmd)
		td.copy = widget.NewButtonWithIcon(lang.L("Copy"), theme.ContentCopyIcon(), td.onCopy)
		items = append(items, how, container.NewBorder(nil, nil, nil, td.copy, td.hint))
	}
	if link := downloadPage(hint); link != nil {
		td.link = widget.NewHyperlink(lang.L("Download FFmpeg from its website"), link)
		items = append(items, td.link)
	}
	td.status = widget.NewLabel("")
	td.status.Wrapping = fyne.TextWrapWord
	items = append(items, td.status)

	td.recheck = widget.NewButtonWithIcon(lang.L("Check again"), theme.ViewRefreshIcon(), td.onRecheck)
	td.recheck.Importance = widget.HighImportance
	td.later = widget.NewButton(lang.L("Later"), td.onLater)
	td.d = dialog.NewCustomWithoutButtons(lang.L("One more thing to install"), container.NewVBox(items...), td.u.win)
	td.d.SetButtons([]fyne.CanvasObject{td.later, td.recheck})
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

	td.download = widget.NewButtonWithIcon(lang.L("Download it now"), theme.DownloadIcon(), td.onDownload)
	td.download.Importance = widget.HighImportance
	td.later = widget.NewButton(lang.L("Later"), td.onLater)
	td.d = dialog.NewCustomWithoutButtons(lang.L("One more thing to install"), container.NewVBox(items...), td.u.win)
	td.d.SetButtons([]fyne.CanvasObject{td.later, td.download})
	td.width = 560
	td.fit()
}

// fit resizes the dialog to what it now holds.
func (td *toolsDialog) fit() {
	td.d.Resize(fyne.NewSize(min(td.width, td.u.win.Canvas().Size().Width-40), 0))
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
