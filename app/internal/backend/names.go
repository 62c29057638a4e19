package backend

import (
	"time"

	"fyne.io/fyne/v2/lang"

	"replayrescue/core/rescue"
)

// What a job reports while it works, delivered to the views by the bridge.
type (
	Event         = rescue.Event
	Found         = rescue.Found
	Progress      = rescue.Progress
	Paused        = rescue.Paused
	Live          = rescue.Live
	Measured      = rescue.Measured
	Pictured      = rescue.Pictured
	PartEvent     = rescue.PartEvent
	Rendering     = rescue.Rendering
	SoundRepaired = rescue.SoundRepaired
	Span          = rescue.Span
	ChatSaved     = rescue.ChatSaved
	Done          = rescue.Done
)

// What the edit screen asks a render for, and what a render plans.
type (
	Settings = rescue.Settings
	Plan     = rescue.Plan
)

// A line of the broadcast's chat.
type ChatMessage = rescue.ChatMessage

// ChatComment is the kind of a viewer's comment.
const ChatComment = rescue.ChatComment

// Exit codes tell the kind of a problem: these ask for a fresh source, or
// for different input.
const (
	ExitCredentials = rescue.ExitCredentials
	ExitUsage       = rescue.ExitUsage
)

// ErrNotDownloaded: the picture asked for is in a part not downloaded yet.
var ErrNotDownloaded = rescue.ErrNotDownloaded

// Explain is the sentence to show for err, in the window's language where
// the core wrote it as a template (see core/say) and it is translated, and
// its kind as an exit code.
func Explain(err error) (string, int) {
	msg, code := rescue.Explain(err)
	if w := rescue.Words(err); !w.IsZero() {
		msg = translate(w)
	}
	return msg, code
}

// Say is the core's sentence s in the window's language (see translate).
func Say(s rescue.Sentence) string { return translate(s) }

// translate says w in the window's language: its template is the key of
// the translation files, and values that are sentences themselves (what
// went wrong with a connection, say) are translated too. A template without
// a translation is said in English.
func translate(w rescue.Sentence) string {
	if !w.Translatable() {
		return w.String()
	}
	if w.Args == nil {
		return lang.L(w.Template)
	}
	args := make(map[string]any, len(w.Args))
	for k, v := range w.Args {
		if inner, ok := v.(rescue.Sentence); ok {
			v = translate(inner)
		}
		args[k] = v
	}
	return lang.L(w.Template, args)
}

// CaptureInstead reports whether err is a link the core could not resolve
// that the browser may still play, and the page to open there.
func CaptureInstead(err error) (page string, ok bool) { return rescue.CaptureInstead(err) }

// FormatClock writes d the way every screen shows a time.
func FormatClock(d time.Duration) string { return rescue.FormatClock(d) }

// ParseClock reads a time the user typed.
func ParseClock(s string) (time.Duration, error) { return rescue.ParseClock(s) }

// ParseOffset reads a sync offset the user typed: 2s, -350ms, -0.35.
func ParseOffset(s string) (time.Duration, error) { return rescue.ParseOffset(s) }

// FileName is a safe file name for a video titled title, with .mp4.
func FileName(title, fallback string) string { return rescue.FileName(title, fallback) }

// RemoveUnfinished removes what a save killed midway left beside out, and
// returns the paths removed.
func RemoveUnfinished(out string) []string { return rescue.RemoveUnfinished(out) }

// ToolsSource says where a download of ffmpeg comes from and goes to.
type ToolsSource = rescue.ToolsSource
