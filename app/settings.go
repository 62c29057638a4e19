package app

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Preference keys. Fyne stores them per app ID (app.replayrescue.desktop).
const (
	prefJobs       = "jobs"
	prefKeep       = "keepChunks"
	prefOutput     = "outputFolder"
	prefLanguage   = "language"
	prefAppearance = "appearance"
	prefBrowser    = "browserPath" // program Capture from browser opens; "" finds one
	// prefSaving is the video being saved, cleared when the save ends: set
	// at the next start, the last save was killed with the app.
	prefSaving = "savingTo"
)

// defaultJobs matches the CLI's --jobs default: 0 lets the download find
// the host's pace (adaptive, 4 to 16 connections).
const defaultJobs = 0

// settings are the user's choices that outlive the window.
type settings struct{ p fyne.Preferences }

func (s settings) jobs() int {
	n := s.p.IntWithFallback(prefJobs, defaultJobs)
	return min(max(n, 0), 32)
}
func (s settings) keep() bool         { return s.p.Bool(prefKeep) }
func (s settings) language() string   { return s.p.String(prefLanguage) }
func (s settings) appearance() string { return s.p.String(prefAppearance) }
func (s settings) browser() string    { return s.p.String(prefBrowser) }

// outputFolder is where the save dialog opens: the last folder used, else
// the user's Videos (Movies on macOS) folder, else home.
func (s settings) outputFolder() string {
	if dir := s.p.String(prefOutput); dir != "" {
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return dir
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	for _, name := range []string{"Videos", "Movies"} {
		if st, err := os.Stat(filepath.Join(home, name)); err == nil && st.IsDir() {
			return filepath.Join(home, name)
		}
	}
	return home
}

func (s settings) setOutputFolder(dir string) { s.p.SetString(prefOutput, dir) }

// settingsDialog is the settings: the choices are read from its widgets when
// it is closed with Save; language and appearance then apply at once to the
// whole window.
type settingsDialog struct {
	u          *ui
	jobs       *keySelect
	automatic  string // jobs' "Automatic", 0 connections: the host's pace
	keep       *keyCheck
	folder     *widget.Label
	browser    *keyEntry
	language   *keySelect
	langNames  []string // language's options, one per languages entry
	appearance *keySelect
	looks      []struct{ code, name string } // appearance's options
	m          *modal
}

func newSettingsDialog(u *ui) *settingsDialog {
	sd := &settingsDialog{u: u}
	sd.build()
	return sd
}

// build makes the form, showing the settings as they are.
func (sd *settingsDialog) build() {
	u := sd.u
	s := u.settings

	sd.automatic = lang.L("Automatic")
	sd.jobs = newKeySelect(u, []string{sd.automatic, "1", "2", "4", "8", "12", "16", "24", "32"})
	sd.jobs.SetSelected(strconv.Itoa(s.jobs()))
	if sd.jobs.Selected == "" {
		sd.jobs.SetSelected(sd.automatic)
	}

	sd.keep = newKeyCheck(u, lang.L("Keep the downloaded parts after saving (lets you save again with other cuts)"))
	sd.keep.SetChecked(s.keep())

	sd.folder = widget.NewLabel(s.outputFolder())
	sd.folder.Wrapping = fyne.TextWrapBreak
	chooseFolder := u.newButton(lang.L("Choose…"), nil, sd.onChooseFolder)

	sd.browser = newKeyEntry(u)
	sd.browser.SetText(s.browser())
	chooseBrowser := u.newButton(lang.L("Choose…"), nil, sd.onChooseBrowser)

	sd.langNames = make([]string, len(languages))
	for i, l := range languages {
		sd.langNames[i] = l.Name
		if l.Code == "" {
			sd.langNames[i] = lang.L("Same as the computer")
		}
	}
	sd.language = newKeySelect(u, sd.langNames)
	for i, l := range languages {
		if l.Code == s.language() {
			sd.language.SetSelected(sd.langNames[i])
		}
	}

	sd.looks = []struct{ code, name string }{{"", lang.L("Same as the computer")}, {"light", lang.L("Light")}, {"dark", lang.L("Dark")}}
	lookNames := []string{sd.looks[0].name, sd.looks[1].name, sd.looks[2].name}
	sd.appearance = newKeySelect(u, lookNames)
	for _, l := range sd.looks {
		if l.code == s.appearance() {
			sd.appearance.SetSelected(l.name)
		}
	}

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Parallel downloads"), sd.jobs),
		widget.NewFormItem(lang.L("Save videos in"), container.NewBorder(nil, nil, nil, chooseFolder, sd.folder)),
		widget.NewFormItem(lang.L("Language"), sd.language),
		widget.NewFormItem(lang.L("Appearance"), sd.appearance),
		widget.NewFormItem(lang.L("Browser"), container.NewBorder(nil, nil, nil, chooseBrowser, sd.browser)),
		widget.NewFormItem("", sd.keep),
	)
	form.Items[0].HintText = lang.L("More is faster; fewer is gentler on slow connections.")
	form.Items[4].HintText = lang.L("For Capture from browser. Leave empty to use Chrome, Edge, Brave or Chromium, whichever is installed.")
	about := widget.NewLabel("Replay Rescue " + sd.u.version)
	about.Importance = widget.LowImportance
	about.Alignment = fyne.TextAlignTrailing

	cancel := u.newButton(lang.L("Cancel"), theme.CancelIcon(), sd.onCancel)
	save := u.newButton(lang.L("Save"), theme.ConfirmIcon(), sd.onSave)
	save.Importance = widget.HighImportance
	sd.m = u.newModal(lang.L("Settings"), container.NewVBox(form, about), sd.onCancel, cancel, save)
	sd.m.resize(640, 0)
}

func (sd *settingsDialog) show() { sd.m.show() }

// onCancel closes the dialog; nothing changes.
func (sd *settingsDialog) onCancel() { sd.m.hide() }

// onSave closes the dialog and saves the choices.
func (sd *settingsDialog) onSave() {
	sd.m.hide()
	sd.save()
}

// onChooseFolder asks for the folder videos are saved in.
func (sd *settingsDialog) onChooseFolder() {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err == nil && dir != nil {
			sd.folder.SetText(dir.Path())
		}
	}, sd.u.win)
	if l, err := storage.ListerForURI(storage.NewFileURI(sd.folder.Text)); err == nil {
		d.SetLocation(l)
	}
	sd.u.showFileDialog(d)
}

// onChooseBrowser asks for the browser Capture from browser opens.
func (sd *settingsDialog) onChooseBrowser() {
	sd.u.showFileDialog(dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err == nil && r != nil {
			sd.browser.SetText(r.URI().Path())
			_ = r.Close()
		}
	}, sd.u.win))
}

// save keeps the choices and applies language and appearance.
func (sd *settingsDialog) save() {
	s := sd.u.settings
	if n, err := strconv.Atoi(sd.jobs.Selected); err == nil {
		s.p.SetInt(prefJobs, n)
	} else if sd.jobs.Selected == sd.automatic {
		s.p.SetInt(prefJobs, 0)
	}
	s.p.SetBool(prefKeep, sd.keep.Checked)
	s.p.SetString(prefBrowser, strings.TrimSpace(sd.browser.Text))
	if sd.folder.Text != "" {
		s.setOutputFolder(sd.folder.Text)
	}
	newLook := s.appearance()
	for _, l := range sd.looks {
		if l.name == sd.appearance.Selected {
			newLook = l.code
		}
	}
	newLang := s.language()
	for i, l := range languages {
		if sd.langNames[i] == sd.language.Selected {
			newLang = l.Code
		}
	}
	sd.u.setAppearance(newLook)
	sd.u.setLanguage(newLang)
}
