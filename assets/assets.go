// Package assets holds what the window ships inside the binary: the icon and
// the translations. Nothing here is edited by hand except the JSON
// translations; icon.png comes from icon_gen.go.
package assets

import (
	"embed"

	"fyne.io/fyne/v2"
)

//go:generate go run icon_gen.go

//go:embed icon.png
var iconPNG []byte

// Icon is the app icon (512x512 PNG), for the window, the dock and notifications.
var Icon fyne.Resource = fyne.NewStaticResource("icon.png", iconPNG)

// Translations holds translations/<lang>.json for lang.AddTranslationsFS.
//
//go:embed translations/*.json
var Translations embed.FS

// TranslationsDir is the folder inside Translations.
const TranslationsDir = "translations"
