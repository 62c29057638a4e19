package rescue

import "replayrescue/core/player"

// The in-window player (core/player): a job's PlaySource decodes, a sink
// plays the sound, the player paces the pictures by it.
type (
	Player        = player.Player
	PlayerOptions = player.Options
	PlaySource    = player.Source
	PlaySink      = player.Sink
	PlayFrame     = player.Frame
	// SilentClock keeps the player's time where there is no sound output.
	SilentClock = player.Clock
)

// NewPlayer makes a player; nothing plays until Play.
func NewPlayer(o PlayerOptions) *Player { return player.New(o) }

// OpenSoundOutput opens the computer's sound output. Only one may be open
// in a program: the window opens it once and keeps it.
func OpenSoundOutput() (PlaySink, error) {
	d, err := player.OpenDevice()
	if err != nil {
		return nil, err
	}
	return d, nil
}
