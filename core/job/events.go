package job

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"replayrescue/core/playlist"
	"replayrescue/core/say"
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
	// Renditions are what a manifest offers (inspect lists them); nil
	// for an HLS playlist.
	Renditions []playlist.Rendition
	// Size is a plain video file's size in bytes, 0 for a playlist: its
	// Duration is 0 until it is downloaded and measured (Measured).
	Size int64
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
	// Poster is the poster picture written beside the video, if asked.
	Poster string
	// Loudness says how the voice was evened out (Settings.Loudness);
	// nil when it was not.
	Loudness *Loudness
}

// SoundRepaired: the render repaired the broadcast's sound, or kept its
// timeline where the picture was missing. It comes just before ChatSaved
// and Done, only when something was repaired; Sentences says what in
// plain words, for the CLI and the window alike.
type SoundRepaired struct {
	// Holes are where the broadcast sent no sound, in the video: each
	// is silent there, so the sound stays in step with the picture.
	Holes []SoundHole
	// Stretched is how much earlier (-) or later the sound ended than
	// the picture on the broadcast's clock, when it was stretched to
	// end with it; 0 when not.
	Stretched time.Duration
	Length    time.Duration // the video's length, to say the drift as a rate
	// Converted names the sound's format when it was converted to AAC
	// (AC-3, E-AC-3, Opus), else "".
	Converted string
	// PictureHoles are where the broadcast sent sound but no picture,
	// in the video: the picture before each stays on screen there while
	// the sound goes on.
	PictureHoles []SoundHole
}

// SoundHole is a stretch of the video where the broadcast had no sound.
type SoundHole struct{ At, Length time.Duration }

// Sentences says what was repaired in English, one sentence a repair.
func (e SoundRepaired) Sentences() []string {
	var out []string
	for _, s := range e.Said() {
		out = append(out, s.String())
	}
	return out
}

// Said is Sentences as templates, for the window to say in its language.
func (e SoundRepaired) Said() []say.Sentence {
	var out []say.Sentence
	at := func(h SoundHole) string { return FormatClock(h.At.Truncate(time.Second)) }
	switch h := e.Holes; len(h) {
	case 0:
	case 1:
		out = append(out, say.T("The sound was missing for {{.Length}} at {{.At}}; that stretch is silent in the video.",
			"Length", spoken(h[0].Length), "At", at(h[0])))
	case 2:
		out = append(out, say.T("The sound was missing for {{.Length1}} at {{.At1}} and for {{.Length2}} at {{.At2}}; those stretches are silent in the video.",
			"Length1", spoken(h[0].Length), "At1", at(h[0]), "Length2", spoken(h[1].Length), "At2", at(h[1])))
	case 3:
		out = append(out, say.T("The sound was missing for {{.Length1}} at {{.At1}}, for {{.Length2}} at {{.At2}} and for {{.Length3}} at {{.At3}}; those stretches are silent in the video.",
			"Length1", spoken(h[0].Length), "At1", at(h[0]), "Length2", spoken(h[1].Length), "At2", at(h[1]), "Length3", spoken(h[2].Length), "At3", at(h[2])))
	default:
		out = append(out, say.T("The sound was missing {{.Count}} times ({{.Length}} in all, first at {{.At}}); those stretches are silent in the video.",
			"Count", len(h), "Length", spoken(total(h)), "At", at(h[0])))
	}
	if e.Stretched != 0 {
		over := fmt.Sprintf("%.1f", e.Stretched.Abs().Seconds())
		rate := ""
		if e.Length > 0 {
			rate = fmt.Sprintf("%.1f%%", math.Abs(float64(e.Stretched))*100/float64(e.Length))
		}
		switch {
		case e.Stretched > 0 && rate != "":
			out = append(out, say.T("The sound's clock ran {{.Rate}} fast ({{.Seconds}} s over the video); the sound is stretched to stay in sync with the picture to the end.", "Rate", rate, "Seconds", over))
		case e.Stretched > 0:
			out = append(out, say.T("The sound's clock ran fast ({{.Seconds}} s over the video); the sound is stretched to stay in sync with the picture to the end.", "Seconds", over))
		case rate != "":
			out = append(out, say.T("The sound's clock ran {{.Rate}} slow ({{.Seconds}} s over the video); the sound is stretched to stay in sync with the picture to the end.", "Rate", rate, "Seconds", over))
		default:
			out = append(out, say.T("The sound's clock ran slow ({{.Seconds}} s over the video); the sound is stretched to stay in sync with the picture to the end.", "Seconds", over))
		}
	}
	if e.Converted != "" {
		out = append(out, say.T("The sound was {{.Format}}, which many players cannot play in an MP4; it is converted to AAC.", "Format", codecName(e.Converted)))
	}
	switch h := e.PictureHoles; len(h) {
	case 0:
	case 1:
		out = append(out, say.T("The picture was missing for {{.Length}} at {{.At}}; the last picture before it stays on screen while the sound goes on.",
			"Length", spoken(h[0].Length), "At", at(h[0])))
	default:
		out = append(out, say.T("The picture was missing {{.Count}} times ({{.Length}} in all, first at {{.At}}); the last picture before each stays on screen while the sound goes on.",
			"Count", len(h), "Length", spoken(total(h)), "At", at(h[0])))
	}
	return out
}

// total is the holes' length together.
func total(holes []SoundHole) time.Duration {
	var all time.Duration
	for _, h := range holes {
		all += h.Length
	}
	return all
}

// spoken says a length as people do: "21 s", "0.4 s", "2 min 5 s".
func spoken(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
	}
	d = d.Round(time.Second)
	m, s := int(d/time.Minute), int(d%time.Minute/time.Second)
	if s == 0 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d min %d s", m, s)
}

// codecName is a sound format's usual name.
func codecName(codec string) string {
	switch codec {
	case "ac3":
		return "AC-3 (Dolby Digital)"
	case "eac3":
		return "E-AC-3 (Dolby Digital Plus)"
	case "opus":
		return "Opus"
	}
	return strings.ToUpper(codec)
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

func (Found) kind() string         { return "found" }
func (Live) kind() string          { return "live" }
func (Progress) kind() string      { return "progress" }
func (Paused) kind() string        { return "paused" }
func (Rendering) kind() string     { return "rendering" }
func (Done) kind() string          { return "done" }
func (ChatSaved) kind() string     { return "chat" }
func (Failed) kind() string        { return "failed" }
func (SoundRepaired) kind() string { return "sound_repaired" }

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
		if e.Size > 0 {
			m["size"] = e.Size
		}
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
		if e.Poster != "" {
			m["poster"] = e.Poster
		}
		if e.Loudness != nil {
			m["loudness"] = map[string]float64{"before": e.Loudness.Before, "gain": e.Loudness.Gain}
			m["loudness_message"] = e.Loudness.Sentence().String()
		}
	case SoundRepaired:
		holes := []map[string]float64{}
		for _, h := range e.Holes {
			holes = append(holes, map[string]float64{"at": h.At.Seconds(), "length": h.Length.Seconds()})
		}
		m["holes"] = holes
		pictureHoles := []map[string]float64{}
		for _, h := range e.PictureHoles {
			pictureHoles = append(pictureHoles, map[string]float64{"at": h.At.Seconds(), "length": h.Length.Seconds()})
		}
		m["picture_holes"] = pictureHoles
		m["stretched"] = e.Stretched.Seconds()
		m["converted"] = e.Converted
		m["message"] = strings.Join(e.Sentences(), " ")
	case Live:
		m["chunks"] = e.Chunks
		m["duration"] = e.Duration.Seconds()
		m["missing"] = e.Missing
		m["ended"] = e.Ended
	case Measured:
		m["duration"] = e.Duration.Seconds()
	case Pictured:
		m["quality"] = e.Quality
	case Failed:
		m["message"] = web.Printable(web.Redact(e.Message))
		m["code"] = e.Code
	}
	return m
}
