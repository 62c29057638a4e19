package playlist

import "testing"

// The audio rendition comes from the chosen variant's group: the DEFAULT
// one, else AUTOSELECT, else the first; none when the group's renditions
// have no URI (the sound is in the variant's own chunks).
func TestMasterAudioRendition(t *testing.T) {
	base := mustURL(t, "https://h.example/live/master.m3u8")
	cases := []struct {
		name, media, want string
	}{
		{"default wins", `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="fr",AUTOSELECT=YES,URI="fr.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",DEFAULT=YES,URI="en.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="b",NAME="en",DEFAULT=YES,URI="other.m3u8"`, "https://h.example/live/en.m3u8"},
		{"autoselect next", `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="x",URI="x.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="y",AUTOSELECT=YES,URI="y.m3u8"`, "https://h.example/live/y.m3u8"},
		{"in the variant's chunks", `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="main",DEFAULT=YES`, ""},
	}
	for _, c := range cases {
		src := "#EXTM3U\n" + c.media + "\n#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360,AUDIO=\"a\"\nv360.m3u8\n" +
			"#EXT-X-STREAM-INF:BANDWIDTH=2000000,RESOLUTION=1280x720,AUDIO=\"a\"\nv720.m3u8\n"
		_, choice, err := Parse([]byte(src), base)
		if err != nil || choice == nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if choice.URL != "https://h.example/live/v720.m3u8" || choice.AudioURL != c.want {
			t.Errorf("%s: variant %s audio %q, want v720 and %q", c.name, choice.URL, choice.AudioURL, c.want)
		}
	}
}

func TestMasterQuality(t *testing.T) {
	base := mustURL(t, "https://h.example/m.m3u8")
	src := []byte("#EXTM3U\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=600000,RESOLUTION=640x360\nv360.m3u8\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1920x1080\nv1080.m3u8\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=1500000,RESOLUTION=1280x720\nv720.m3u8\n")
	for q, want := range map[string]string{"": "v1080", "best": "v1080", "worst": "v360", "720p": "v720", "1000": "v720", "240p": "v360", "4320p": "v1080"} {
		_, c, err := parse(src, base, q)
		if err != nil || c.URL != "https://h.example/"+want+".m3u8" {
			t.Errorf("quality %q: %v, %v; want %s", q, c, err, want)
		}
	}
	if CheckQuality("ultra") == nil || CheckQuality("720p") != nil {
		t.Error("CheckQuality")
	}
}
