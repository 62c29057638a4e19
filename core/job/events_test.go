package job

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// What the render repaired in the sound is said in one plain sentence a
// repair, for the CLI and the window, and carried typed in NDJSON.
func TestSoundRepairedSentences(t *testing.T) {
	cases := []struct {
		e    SoundRepaired
		want []string
	}{
		{SoundRepaired{Holes: []SoundHole{{45 * time.Second, 21 * time.Second}}},
			[]string{"The sound was missing for 21 s at 0:45; that stretch is silent in the video."}},
		{SoundRepaired{Holes: []SoundHole{{45*time.Second + 600*time.Millisecond, 400 * time.Millisecond}, {time.Hour + 2*time.Minute, 125 * time.Second}}},
			[]string{"The sound was missing for 0.4 s at 0:45 and for 2 min 5 s at 1:02:00; those stretches are silent in the video."}},
		{SoundRepaired{Holes: []SoundHole{{time.Minute, time.Second}, {2 * time.Minute, time.Second}, {3 * time.Minute, time.Second}, {4 * time.Minute, 2 * time.Second}}},
			[]string{"The sound was missing 4 times (5 s in all, first at 1:00); those stretches are silent in the video."}},
		{SoundRepaired{Stretched: -540 * time.Millisecond, Length: 3 * time.Minute},
			[]string{"The sound's clock ran 0.3% slow (0.5 s over the video); the sound is stretched to stay in sync with the picture to the end."}},
		{SoundRepaired{Converted: "ac3"},
			[]string{"The sound was AC-3 (Dolby Digital), which many players cannot play in an MP4; it is converted to AAC."}},
		{SoundRepaired{PictureHoles: []SoundHole{{8 * time.Second, 8 * time.Second}}},
			[]string{"The picture was missing for 8 s at 0:08; the last picture before it stays on screen while the sound goes on."}},
		{SoundRepaired{PictureHoles: []SoundHole{{time.Minute, 3 * time.Second}, {2 * time.Minute, 4 * time.Second}}},
			[]string{"The picture was missing 2 times (7 s in all, first at 1:00); the last picture before each stays on screen while the sound goes on."}},
	}
	for _, c := range cases {
		if got := c.e.Sentences(); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%+v:\n got %q\nwant %q", c.e, got, c.want)
		}
	}
	line, err := MarshalEvent(cases[0].e)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Event   string
		Holes   []struct{ At, Length float64 }
		Message string
	}
	if err := json.Unmarshal(line, &m); err != nil || m.Event != "sound_repaired" || len(m.Holes) != 1 || m.Holes[0].At != 45 || m.Holes[0].Length != 21 || m.Message != cases[0].want[0] {
		t.Errorf("NDJSON %s (%v)", line, err)
	}
}
