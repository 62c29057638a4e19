package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// appTheme is Fyne's default theme, pinned to light or dark for people who
// want the window to differ from the rest of their desktop (pinned), with
// a focus colour that can be seen: Fyne's own is a faint tint (16% of the
// primary blue) that shows the keyboard's place on a check box or a field
// barely at all.
type appTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
	pinned  bool
}

func (t appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.pinned {
		v = t.variant
	}
	if n == theme.ColorNameFocus {
		r, g, b, _ := t.Theme.Color(theme.ColorNamePrimary, v).RGBA()
		return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0x70}
	}
	return t.Theme.Color(n, v)
}

// themeFor returns the theme for an appearance setting: "light", "dark", or
// anything else for the system's choice.
func themeFor(appearance string) fyne.Theme {
	switch appearance {
	case "light":
		return appTheme{theme.DefaultTheme(), theme.VariantLight, true}
	case "dark":
		return appTheme{theme.DefaultTheme(), theme.VariantDark, true}
	}
	return appTheme{Theme: theme.DefaultTheme()}
}

// currentVariant is the variant the window is drawn in now.
func currentVariant(a fyne.App) fyne.ThemeVariant {
	if t, ok := a.Settings().Theme().(appTheme); ok && t.pinned {
		return t.variant
	}
	return a.Settings().ThemeVariant()
}
