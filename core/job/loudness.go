package job

import (
	"math"

	"replayrescue/core/media"
	"replayrescue/core/say"
)

// Loudness is how the voice was evened out: its integrated loudness before
// (LUFS) and the gain that brought it to a standard speech level (dB, +
// louder).
type Loudness struct {
	Before float64
	Gain   float64
}

// levelled is the render's measurement as the Done event tells it.
func levelled(l *media.Levelled) *Loudness {
	if l == nil {
		return nil
	}
	return &Loudness{Before: l.Before, Gain: l.Gain}
}

// Sentence says what evening out the sound changed, for the CLI and the
// done screen: raised or lowered by whole decibels, as a presenter would
// read a volume knob.
func (l Loudness) Sentence() say.Sentence {
	db := int(math.Round(math.Abs(l.Gain)))
	switch {
	case db == 0:
		return say.T("The sound was already at a standard speech level.")
	case l.Gain > 0:
		return say.T("The sound was raised by {{.DB}} dB to a standard speech level.", "DB", db)
	}
	return say.T("The sound was lowered by {{.DB}} dB to a standard speech level.", "DB", db)
}
