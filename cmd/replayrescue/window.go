package main

import (
	"io"

	"replayrescue/app"
)

// openWindow runs the desktop app until its window is closed.
func openWindow(stderr io.Writer) int {
	return app.Run(versionLine(), stderr)
}
