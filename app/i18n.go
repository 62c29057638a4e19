package app

import (
	"fmt"
	"math"
	"path"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"replayrescue/assets"
)

// languages the app is translated into; "" follows the system.
var languages = []struct{ Code, Name string }{
	{"", ""}, // named by systemLanguageName, which is itself translated
	{"en", "English"},
	{"de", "Deutsch"},
	{"es", "Español"},
}

// fyneLocales are the translations Fyne v2.7.1 ships (fyne/lang/translations).
// Fyne picks one of these, or our own, from the system locale and offers no
// way to choose another; so to honour the language setting, our strings in
// the chosen language are added under every locale Fyne might pick. Fyne's
// own words (in its file dialog) keep following the system.
var fyneLocales = []fyne.Locale{"cs", "de", "el", "en", "es", "fr", "pl", "pt", "pt_BR", "ru", "sv", "ta", "uk", "zh_Hans"}

// loadTranslations registers our translations; Fyne then matches them to
// the system locale.
func loadTranslations() error {
	return lang.AddTranslationsFS(assets.Translations, assets.TranslationsDir)
}

// applyLanguage makes lang.L answer in code ("" = the system's language).
// Views are rebuilt afterwards, since widgets keep the text they were given.
func applyLanguage(code string) error {
	for _, loc := range fyneLocales {
		want := code
		if want == "" {
			want = string(loc)
		}
		data, err := assets.Translations.ReadFile(path.Join(assets.TranslationsDir, want+".json"))
		if err != nil {
			// No translation of ours for this locale: English, the fallback.
			if data, err = assets.Translations.ReadFile(path.Join(assets.TranslationsDir, "en.json")); err != nil {
				return err
			}
		}
		if err := lang.AddTranslationsForLocale(data, loc); err != nil {
			return err
		}
	}
	return nil
}

// languageInUse is the two-letter code of the language our strings are in.
func languageInUse(setting string) string {
	if setting != "" {
		return setting
	}
	sys := strings.ToLower(string(lang.SystemLocale()))
	for _, l := range languages {
		if l.Code != "" && strings.HasPrefix(sys, l.Code) {
			return l.Code
		}
	}
	return "en"
}

// numbers formats sizes, speeds and durations the way the current language
// writes them ("12.5 MB" in English, "12,5 MB" in German and Spanish).
type numbers struct{ comma bool }

func numbersFor(code string) numbers { return numbers{comma: code == "de" || code == "es"} }

func (n numbers) decimal(v float64, places int) string {
	s := fmt.Sprintf("%.*f", places, v)
	if n.comma {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// size: bytes as KB, MB or GB (powers of 1024, like file managers on Windows).
func (n numbers) size(b int64) string {
	switch {
	case b >= 1<<30:
		return lang.L("{{.N}} GB", map[string]any{"N": n.decimal(float64(b)/(1<<30), 2)})
	case b >= 1<<20:
		return lang.L("{{.N}} MB", map[string]any{"N": n.decimal(float64(b)/(1<<20), 1)})
	case b >= 1<<10:
		return lang.L("{{.N}} KB", map[string]any{"N": n.decimal(float64(b)/(1<<10), 0)})
	}
	return lang.L("{{.N}} bytes", map[string]any{"N": b})
}

func (n numbers) speed(bytesPerSecond float64) string {
	return lang.L("{{.Size}}/s", map[string]any{"Size": n.size(int64(bytesPerSecond))})
}

// span is a duration in words for people ("1 h 5 min", "3 min 20 s",
// "45 s"); trim times use rescue.FormatClock instead, which they can type back.
func (n numbers) span(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return lang.L("{{.H}} h {{.M}} min", map[string]any{"H": h, "M": m})
	case m > 0:
		return lang.L("{{.M}} min {{.S}} s", map[string]any{"M": m, "S": s})
	}
	return lang.L("{{.S}} s", map[string]any{"S": s})
}

// offset is an audio shift in seconds with a sign ("+0.25 s", "-1.5 s").
func (n numbers) offset(d time.Duration) string {
	sign := "+"
	if d < 0 {
		sign = "-"
	}
	v := math.Abs(d.Seconds())
	return sign + lang.L("{{.N}} s", map[string]any{"N": n.decimal(v, 2)})
}
