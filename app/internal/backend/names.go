package backend

import (
	"time"

	"replayrescue/core/rescue"
)

// What a job reports while it works, delivered to the views by the bridge.
type (
	Event         = rescue.Event
	Found         = rescue.Found
	Progress      = rescue.Progress
	Paused        = rescue.Paused
	Live          = rescue.Live
	PartEvent     = rescue.PartEvent
	Rendering     = rescue.Rendering
	SoundRepaired = rescue.SoundRepaired
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

// Explain is the sentence to show for err, and its kind as an exit code.
func Explain(err error) (string, int) { return rescue.Explain(err) }

// CaptureInstead reports whether err is a link the core could not resolve
// that the browser may still play, and the page to open there.
func CaptureInstead(err error) (page string, ok bool) { return rescue.CaptureInstead(err) }

// FormatClock writes d the way every screen shows a time.
func FormatClock(d time.Duration) string { return rescue.FormatClock(d) }

// ParseClock reads a time the user typed.
func ParseClock(s string) (time.Duration, error) { return rescue.ParseClock(s) }

// FileName is a safe file name for a video titled title, with .mp4.
func FileName(title, fallback string) string { return rescue.FileName(title, fallback) }

// RemoveUnfinished removes what a save killed midway left beside out, and
// returns the paths removed.
func RemoveUnfinished(out string) []string { return rescue.RemoveUnfinished(out) }

// ToolsSource says where a download of ffmpeg comes from and goes to.
type ToolsSource = rescue.ToolsSource
