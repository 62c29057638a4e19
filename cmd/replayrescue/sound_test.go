package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"replayrescue/core/job"
)

// The CLI says what was repaired in the sound in one plain sentence, and
// no longer warns of a drift that was stretched away.
func TestSaySoundRepaired(t *testing.T) {
	var stdout, stderr bytes.Buffer
	r := newReporter(&stdout, &stderr, false)
	r.say(job.SoundRepaired{Holes: []job.SoundHole{{At: 45 * time.Second, Length: 21 * time.Second}}, Stretched: -540 * time.Millisecond, Length: 3 * time.Minute,
		PictureHoles: []job.SoundHole{{At: 8 * time.Second, Length: 8 * time.Second}}}, "")
	r.say(job.Done{Output: "talk.mp4", Duration: 3 * time.Minute, Size: 1 << 20, Drift: -540 * time.Millisecond}, "")
	got := stderr.String()
	for _, want := range []string{
		"The sound was missing for 21 s at 0:45; that stretch is silent in the video.\n",
		"The sound's clock ran 0.3% slow (0.5 s over the video); the sound is stretched to stay in sync with the picture to the end.\n",
		"The picture was missing for 8 s at 0:08; the last picture before it stays on screen while the sound goes on.\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("printed %q, want %q", got, want)
		}
	}
	if strings.Contains(got, "drifts") {
		t.Errorf("warns of the drift it repaired: %q", got)
	}
}
