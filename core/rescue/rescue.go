// Package rescue is the one front door between Replay Rescue's core and its
// two users, the command line (cmd/replayrescue) and the window (app): they
// import this package and no other core package, so the steps both take
// (finding the video in what the user gave, checking it, naming the file,
// finding ffmpeg, serving the sample, putting an error into words) are
// written once, here.
//
// The pipeline behind it: intake finds candidates in a link, HAR file or
// capture; job downloads (fetch, playlist, web) and renders (media, mp4);
// chat and toolget serve both. This package adds no pipeline of its own: it
// holds the shared steps and names the core's types for its users.
package rescue

import (
	"context"
	"time"

	"replayrescue/core/chat"
	"replayrescue/core/job"
	"replayrescue/core/playlist"
	"replayrescue/core/web"
)

// The save: a job downloads one broadcast and renders it; a talk is the
// parts of one talk (the broadcast was restarted), joined in order.
type (
	Job      = job.Job
	Talk     = job.Talk
	Source   = job.Source
	Options  = job.Options
	Settings = job.Settings
	Plan     = job.Plan
	Span     = job.Span
	Error    = job.Error
)

// The events a job reports while it works (see job.Event).
type (
	Event         = job.Event
	Found         = job.Found
	Rendition     = playlist.Rendition
	Progress      = job.Progress
	Paused        = job.Paused
	Live          = job.Live
	Measured      = job.Measured
	Pictured      = job.Pictured
	PartEvent     = job.PartEvent
	Rendering     = job.Rendering
	SoundRepaired = job.SoundRepaired
	ChatSaved     = job.ChatSaved
	Done          = job.Done
	Failed        = job.Failed
)

// A line of a broadcast's chat.
type (
	ChatMessage = chat.Message
	ChatKind    = chat.Kind
)

// ChatComment is the kind of a viewer's comment (not a join or a heart).
const ChatComment = chat.Comment

// Exit codes of the command line's contract (docs/cli.md).
const (
	ExitOK          = job.ExitOK
	ExitOther       = job.ExitOther
	ExitUsage       = job.ExitUsage
	ExitCredentials = job.ExitCredentials
	ExitFFmpeg      = job.ExitFFmpeg
)

// MaxCrossfade is the longest fade between parts a talk takes.
const MaxCrossfade = job.MaxCrossfade

// ErrNotDownloaded: a preview asked for a part of the video not downloaded yet.
var ErrNotDownloaded = job.ErrNotDownloaded

// Open prepares the save of one broadcast in its job folder.
func Open(src Source, opts Options) (*Job, error) { return job.Open(src, opts) }

// OpenTalk prepares the save of a talk's parts, each in its own job folder.
func OpenTalk(srcs []Source, opts Options) (*Talk, error) { return job.OpenTalk(srcs, opts) }

// Save downloads src and renders it as s says, start to end.
func Save(ctx context.Context, src Source, opts Options, s Settings) error {
	return job.Save(ctx, src, opts, s)
}

// SaveTalk is Save for the parts of one talk.
func SaveTalk(ctx context.Context, srcs []Source, opts Options, s Settings) error {
	return job.SaveTalk(ctx, srcs, opts, s)
}

// CheckOutput refuses an output path that exists (unless force) or cannot
// be written, before anything slow happens.
func CheckOutput(out string, force bool) error { return job.CheckOutput(out, force) }

// FileName is a safe file name for a video titled title (fallback when the
// title gives none), with .mp4.
func FileName(title, fallback string) string { return job.FileName(title, fallback) }

// RemoveUnfinished removes what a save killed midway left beside out, and
// returns the paths removed.
func RemoveUnfinished(out string) []string { return job.RemoveUnfinished(out) }

// FormatClock writes d as [h:]mm:ss.t, the way the window and CLI show times.
func FormatClock(d time.Duration) string { return job.FormatClock(d) }

// ParseClock reads a time as seconds (165, 29.5) or [hh:]mm:ss[.ms].
func ParseClock(s string) (time.Duration, error) { return job.ParseClock(s) }

// ParseOffset reads a signed time shift such as 2s, -350ms or -0.35.
func ParseOffset(s string) (time.Duration, error) { return job.ParseOffset(s) }

// MarshalEvent is e as one JSON line of the CLI's --json output.
func MarshalEvent(e Event) ([]byte, error) { return job.MarshalEvent(e) }

// Printable is s safe to show on a terminal or in the window: control
// characters and direction overrides become visible.
func Printable(s string) string { return web.Printable(s) }

// Redact removes secrets (tokens, signatures, cookies) from s.
func Redact(s string) string { return web.Redact(s) }

// RedactURL is raw with its secrets (tokens, signatures) removed.
func RedactURL(raw string) string { return web.RedactURL(raw) }

// CheckQuality refuses a --quality that is not best, worst or a height
// such as 720p.
func CheckQuality(q string) error { return playlist.CheckQuality(q) }

// CheckPoster refuses a poster (Settings.SavePoster) that would replace a
// file without Force.
func CheckPoster(s Settings) error { return job.CheckPoster(s) }
