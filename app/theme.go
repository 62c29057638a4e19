package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// variantTheme is Fyne's default theme pinned to light or dark, for people
// who want the window to differ from the rest of their desktop.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// themeFor returns the theme for an appearance setting: "light", "dark", or
// anything else for the system's choice.
func themeFor(appearance string) fyne.Theme {
	switch appearance {
	case "light":
		return variantTheme{theme.DefaultTheme(), theme.VariantLight}
	case "dark":
		return variantTheme{theme.DefaultTheme(), theme.VariantDark}
	}
	return theme.DefaultTheme()
}

// currentVariant is the variant the window is drawn in now.
func currentVariant(a fyne.App) fyne.ThemeVariant {
	if t, ok := a.Settings().Theme().(variantTheme); ok {
		return t.variant
	}
	return a.Settings().ThemeVariant()
}
