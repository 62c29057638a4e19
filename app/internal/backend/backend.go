// Package backend is the window's one way into the core: the Backend its
// views call, the real one over core/rescue (Core), and names for the core's
// events and values the views show. Views import this package, never the
// core, so the compiler keeps them apart; tests and the screenshot mode put
// fakes behind the same interface.
package backend

import (
	"context"
	"image"
	"time"

	"replayrescue/core/rescue"
)

// Backend is everything the window needs from core. The real one (Core) is
// a thin layer over core/rescue, the core's front door; tests and the
// screenshot mode use fakes, so every screen can be driven without a
// network, ffmpeg or a display.
type Backend interface {
	// FindTools checks for ffmpeg. An error satisfying ToolsMissing means it is
	// not installed; hint is then the command or page that fixes it on this OS.
	FindTools() (hint string, err error)
	// About describes the ffmpeg in use for the About box (Path "" when
	// there is none).
	About() ToolsAbout
	// ToolsDownload tells whether Replay Rescue has a verified ffmpeg to
	// download for this computer, and about how many bytes it is.
	ToolsDownload() (size int64, ok bool)
	// InstallTools downloads, verifies and installs that ffmpeg; progress
	// is called on any goroutine. Its errors are sentences (rescue.Explain).
	InstallTools(ctx context.Context, progress func(done, total int64)) error
	// ToolsLicence is the licence text of the ffmpeg Replay Rescue
	// downloaded, for the About box; ok is false when none was downloaded.
	ToolsLicence() (text string, ok bool)
	// Resolve turns what the user dropped or pasted into candidates, best
	// first, each already checked (length, quality, ready or why not).
	Resolve(ctx context.Context, text string) ([]Candidate, error)
	// Capture opens the user's browser (browser: the path from Settings, ""
	// to find one) in a temporary profile and waits until the replay plays
	// there; it returns the candidates like Resolve. Cancelling ctx closes
	// the browser. With no browser installed the error satisfies
	// noBrowser. page, when set, is the page it opens on (a link the core
	// could not resolve, see CaptureInstead).
	Capture(ctx context.Context, browser, page string) ([]Candidate, error)
	// Sample starts the built-in sample broadcast on loopback and returns it
	// as a checked Candidate; stop ends the sample server.
	Sample(ctx context.Context) (c Candidate, stop func(), err error)
	// Open prepares a job for c; events arrive on any goroutine.
	Open(c Candidate, o OpenOptions, events func(rescue.Event)) (JobRunner, error)
	// OpenParts prepares one talk from several broadcasts, joined in the
	// order given (see rescue.Talk); its runner is also a PartsRunner. Events
	// of one part arrive as rescue.PartEvent, the whole download's progress as
	// rescue.Progress.
	OpenParts(cs []Candidate, o OpenOptions, events func(rescue.Event)) (JobRunner, error)
	// Player plays j in the window with its sound: show gets each picture
	// when it is due and ended where playing stopped by itself, both on
	// the player's goroutine. silent says there is no sound output, so
	// the pictures play without sound.
	Player(j JobRunner, show func(img image.Image, at time.Duration), ended func(at time.Duration, err error)) (p Playback, silent bool, err error)
}

// Playback plays a range of the video in the window (see Backend.Player).
type Playback interface {
	// Play plays from from to to, stopping what played before.
	Play(from, to time.Duration) error
	// Stop stops playing; Position says where.
	Stop()
	// SetOffset moves the sound later (+) or earlier (-), at once.
	SetOffset(d time.Duration) error
	Position() time.Duration
	Playing() bool
}

// PartsRunner is a talk in several parts (*rescue.Talk): the edit screen gives
// each part its own sync slider.
type PartsRunner interface {
	PartLengths() []time.Duration
}

// OpenOptions are the user's settings that shape a job.
type OpenOptions struct {
	Work string // job folder; "" lets core derive one from the broadcast
	Jobs int    // parallel connections
	Keep bool   // keep chunks after saving
	// Stop, when closed, ends the following of a live broadcast: the
	// download then ends with what has arrived.
	Stop <-chan struct{}
}

// Candidate is one stream the input points at, in the words the Found screen
// shows. Source is opaque to the views: only the backend looks inside.
type Candidate struct {
	Title    string
	From     string // where it was found ("pasted link", "HAR entry 12")
	Duration time.Duration
	// Size is a plain video file's size in bytes, 0 for a playlist: its
	// length (Duration 0) is only known once it is downloaded.
	Size    int64
	Quality string // "1280x720" or ""
	Chunks  int
	Live    bool
	Ready   bool
	Problem string    // when not Ready: one sentence, from rescue.Explain
	Code    int       // exit code of Problem; rescue.ExitCredentials asks for a fresh source
	Started time.Time // when the broadcast started, from its metadata; zero when unknown
	Source  any
}

// JobRunner is the part of a job (*rescue.Job, or *rescue.Talk for several
// parts) the views use. Only Core touches the job itself.
type JobRunner interface {
	Load(ctx context.Context) error
	Download(ctx context.Context) error
	Render(ctx context.Context, s rescue.Settings) error
	// Frame returns PNG or JPEG bytes of the picture at time at. It is called
	// from several goroutines at once and while Render runs: it only reads.
	Frame(ctx context.Context, at time.Duration, maxWidth int) ([]byte, error)
	// Plan tells where a render with s would start (a whole picture) and
	// the broadcast's own gap between sound and picture. It reads chunks.
	Plan(ctx context.Context, s rescue.Settings) (rescue.Plan, error)
	Duration() time.Duration
	Title() string
	Dir() string
	Cleanup() error
	// HasChat tells whether the broadcast's chat can be had; Chat reads it
	// (over the network the first time) on the broadcast's timeline.
	HasChat() bool
	Chat(ctx context.Context) ([]rescue.ChatMessage, error)
}

// ToolsAbout is what the About box says of the video tool in use.
type ToolsAbout struct {
	Path    string // "" when none was found
	Version string // ffmpeg's own first line of -version
	Licence string // the licence this build of ffmpeg is under
}
