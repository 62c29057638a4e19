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

// showSettings opens the settings dialog. Changes apply when it is closed
// with Save; language and appearance apply at once to the whole window.
func (u *ui) showSettings() {
	s := u.settings

	automatic := lang.L("Automatic")
	jobs := widget.NewSelect([]string{automatic, "1", "2", "4", "8", "12", "16", "24", "32"}, nil)
	jobs.SetSelected(strconv.Itoa(s.jobs()))
	if jobs.Selected == "" {
		jobs.SetSelected(automatic)
	}

	keep := widget.NewCheck(lang.L("Keep the downloaded parts after saving (lets you save again with other cuts)"), nil)
	keep.SetChecked(s.keep())

	folder := widget.NewLabel(s.outputFolder())
	folder.Wrapping = fyne.TextWrapBreak
	chooseFolder := widget.NewButton(lang.L("Choose…"), func() {
		d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
			if err == nil && dir != nil {
				folder.SetText(dir.Path())
			}
		}, u.win)
		if l, err := storage.ListerForURI(storage.NewFileURI(folder.Text)); err == nil {
			d.SetLocation(l)
		}
		d.Show()
	})

	browser := widget.NewEntry()
	browser.SetText(s.browser())
	chooseBrowser := widget.NewButton(lang.L("Choose…"), func() {
		dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err == nil && r != nil {
				browser.SetText(r.URI().Path())
				_ = r.Close()
			}
		}, u.win).Show()
	})

	langNames := make([]string, len(languages))
	for i, l := range languages {
		langNames[i] = l.Name
		if l.Code == "" {
			langNames[i] = lang.L("Same as the computer")
		}
	}
	language := widget.NewSelect(langNames, nil)
	for i, l := range languages {
		if l.Code == s.language() {
			language.SetSelected(langNames[i])
		}
	}

	looks := []struct{ code, name string }{{"", lang.L("Same as the computer")}, {"light", lang.L("Light")}, {"dark", lang.L("Dark")}}
	lookNames := []string{looks[0].name, looks[1].name, looks[2].name}
	appearance := widget.NewSelect(lookNames, nil)
	for _, l := range looks {
		if l.code == s.appearance() {
			appearance.SetSelected(l.name)
		}
	}

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Parallel downloads"), jobs),
		widget.NewFormItem(lang.L("Save videos in"), container.NewBorder(nil, nil, nil, chooseFolder, folder)),
		widget.NewFormItem(lang.L("Language"), language),
		widget.NewFormItem(lang.L("Appearance"), appearance),
		widget.NewFormItem(lang.L("Browser"), container.NewBorder(nil, nil, nil, chooseBrowser, browser)),
		widget.NewFormItem("", keep),
	)
	form.Items[0].HintText = lang.L("More is faster; fewer is gentler on slow connections.")
	form.Items[4].HintText = lang.L("For Capture from browser. Leave empty to use Chrome, Edge, Brave or Chromium, whichever is installed.")
	about := widget.NewLabel("Replay Rescue " + u.version)
	about.Importance = widget.LowImportance
	about.Alignment = fyne.TextAlignTrailing

	d := dialog.NewCustomConfirm(lang.L("Settings"), lang.L("Save"), lang.L("Cancel"), container.NewVBox(form, about), func(ok bool) {
		if !ok {
			return
		}
		if n, err := strconv.Atoi(jobs.Selected); err == nil {
			s.p.SetInt(prefJobs, n)
		} else if jobs.Selected == automatic {
			s.p.SetInt(prefJobs, 0)
		}
		s.p.SetBool(prefKeep, keep.Checked)
		s.p.SetString(prefBrowser, strings.TrimSpace(browser.Text))
		if folder.Text != "" {
			s.setOutputFolder(folder.Text)
		}
		newLook := s.appearance()
		for _, l := range looks {
			if l.name == appearance.Selected {
				newLook = l.code
			}
		}
		newLang := s.language()
		for i, l := range languages {
			if langNames[i] == language.Selected {
				newLang = l.Code
			}
		}
		u.setAppearance(newLook)
		u.setLanguage(newLang)
	}, u.win)
	d.Resize(fyne.NewSize(min(640, u.win.Canvas().Size().Width-40), 0))
	u.settingsDialog = d
	d.Show()
}
