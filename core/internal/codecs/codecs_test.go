package codecs

import "testing"

func TestSoundRank(t *testing.T) {
	for codecs, want := range map[string]int{
		"avc1.64001f,mp4a.40.2": 3, // HLS: picture and AAC
		"mp4a.40.5":             3,
		"mp4a.40.34":            2, // MP3 by its object type
		"avc1.640028,ec-3":      1,
		"ac-3":                  1,
		"Opus":                  1,
		"mp4a.a5":               1, // AC-3 as an MP4 object type
		"avc1.640028":           0, // no sound named
		"":                      0,
		"ac-3, mp4a.40.2":       3,
	} {
		if got := SoundRank(codecs); got != want {
			t.Errorf("SoundRank(%q) = %d, want %d", codecs, got, want)
		}
	}
}
