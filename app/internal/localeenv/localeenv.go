// Package localeenv keeps Fyne quiet under LANG=C.UTF-8 (the default in many
// containers and minimal systems). Fyne's lang package reads the locale in
// its init and logs "Error parsing user locale C" for "C.UTF-8", because
// only a bare "C" or "POSIX" is treated as "no language". Such a locale
// means English, so this package says so through LANGUAGE, which Fyne
// consults for any locale that is not exactly C or POSIX.
//
// It must initialise before fyne.io/fyne/v2/lang. Go initialises packages in
// import-path order among those whose imports are ready; this package
// imports only os and strings, and its path sorts before text/template,
// which Fyne's lang package needs, so it always runs first.
package localeenv

import (
	"os"
	"strings"
)

func init() {
	_ = Fix(os.Getenv, os.Setenv)
}

// Fix sets LANGUAGE=en when the effective message locale is C.* or POSIX.*
// and LANGUAGE is unset. It reports whether it changed anything.
func Fix(getenv func(string) string, setenv func(string, string) error) bool {
	var loc string
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = getenv(name); loc != "" {
			break
		}
	}
	base, _, _ := strings.Cut(loc, ".")
	base, _, _ = strings.Cut(base, "@")
	if (base != "C" && base != "POSIX") || loc == base || getenv("LANGUAGE") != "" {
		return false
	}
	return setenv("LANGUAGE", "en") == nil
}
