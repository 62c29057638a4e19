package job

import (
	"encoding/json"
	"time"

	"replayrescue/core/web"
)

// Event is something a job reports while it runs. The CLI prints events (or
// writes them as NDJSON); the GUI's bridge turns them into widget state. They
// carry no secrets.
type Event interface{ kind() string }

// Found: the playlist was loaded.
type Found struct {
	Title    string
	Chunks   int
	Duration time.Duration
	Quality  string // "1280x720" when a variant was chosen, else ""
	Ended    bool   // false for a broadcast that is still live
}

// Progress: downloading.
type Progress struct {
	Done, Total int   // chunks
	Bytes       int64 // bytes fetched so far, including chunks found on disk
	Speed       float64
	ETA         time.Duration
	Resumed     int // chunks that were already on disk when this run started
}

// Paused: the host refuses access; a fresh source for the same broadcast
// continues the same job folder.
type Paused struct {
	Reason string
	Done   int
	Total  int
}

// Rendering: ffmpeg is writing the MP4.
type Rendering struct {
	Done, Total time.Duration
	// Burning: the chat is being drawn into the picture, which is
	// re-encoded: much slower than a copy.
	Burning bool
	ETA     time.Duration // estimated time left from the pace so far; 0 while unknown
}

// ChatSaved: the broadcast's chat was saved beside the video as subtitles
// (SRT and ASS), or Problem says in one sentence why not. It comes just
// before Done; the video is saved either way.
type ChatSaved struct {
	SRT, ASS         string
	Comments, Hearts int  // inside the saved part
	Burned           bool // also drawn into the picture
	Problem          string
}

// Done: the output is complete.
type Done struct {
	Output   string
	Duration time.Duration
	Size     int64
	// Start is where the video really starts on the broadcast's timeline:
	// the whole picture (keyframe) at or before the start asked for, or
	// later when the audio only begins there.
	Start time.Duration
	// AudioGap is how much later the broadcast's audio track starts than
	// its video (negative: earlier); the output's tracks start together.
	AudioGap time.Duration
	// Drift is how far the sound's timestamps drift from the picture's
	// between the start and the end of the broadcast (0: not measured).
	Drift time.Duration
}

// Failed: the job stopped; Message is one sentence for the user.
type Failed struct {
	Message string
	Code    int
}

// Live: a broadcast still running grew (or lost chunks before we got them).
type Live struct {
	Chunks   int           // chunks known so far
	Duration time.Duration // their length
	Missing  int           // chunks the host dropped from its list before we saw them (this poll)
	Ended    bool          // the broadcast has ended: nothing more will come
}

func (Found) kind() string     { return "found" }
func (Live) kind() string      { return "live" }
func (Progress) kind() string  { return "progress" }
func (Paused) kind() string    { return "paused" }
func (Rendering) kind() string { return "rendering" }
func (Done) kind() string      { return "done" }
func (ChatSaved) kind() string { return "chat" }
func (Failed) kind() string    { return "failed" }

// MarshalEvent encodes e as one NDJSON line (without the newline). Durations
// are seconds as numbers; every string passes through web.Redact, and what
// may come from outside (a title, a server's words) through web.Printable:
// a tool reading the lines may print them on a terminal.
func MarshalEvent(e Event) ([]byte, error) {
	return json.Marshal(eventFields(e))
}

// eventFields are e's NDJSON fields. A part's event is its own event with
// the part's number (from 1) added.
func eventFields(e Event) map[string]any {
	if p, ok := e.(PartEvent); ok {
		m := eventFields(p.Event)
		m["part"] = p.Part + 1
		return m
	}
	m := map[string]any{"event": e.kind()}
	switch e := e.(type) {
	case Found:
		m["title"] = web.Printable(web.Redact(e.Title))
		m["chunks"] = e.Chunks
		m["duration"] = e.Duration.Seconds()
		m["quality"] = e.Quality
		m["ended"] = e.Ended
	case Progress:
		m["done"] = e.Done
		m["total"] = e.Total
		m["bytes"] = e.Bytes
		m["speed"] = e.Speed
		m["eta"] = e.ETA.Seconds()
		m["resumed"] = e.Resumed
	case Paused:
		m["reason"] = web.Printable(web.Redact(e.Reason))
		m["done"] = e.Done
		m["total"] = e.Total
	case Rendering:
		m["done"] = e.Done.Seconds()
		m["total"] = e.Total.Seconds()
		m["burning"] = e.Burning
		m["eta"] = e.ETA.Seconds()
	case ChatSaved:
		m["srt"] = e.SRT
		m["ass"] = e.ASS
		m["comments"] = e.Comments
		m["hearts"] = e.Hearts
		m["burned"] = e.Burned
		if e.Problem != "" {
			m["problem"] = web.Printable(web.Redact(e.Problem))
		}
	case Done:
		m["output"] = e.Output
		m["duration"] = e.Duration.Seconds()
		m["size"] = e.Size
		m["start"] = e.Start.Seconds()
		m["audio_gap"] = e.AudioGap.Seconds()
		m["drift"] = e.Drift.Seconds()
	case Live:
		m["chunks"] = e.Chunks
		m["duration"] = e.Duration.Seconds()
		m["missing"] = e.Missing
		m["ended"] = e.Ended
	case Failed:
		m["message"] = web.Printable(web.Redact(e.Message))
		m["code"] = e.Code
	}
	return m
}
