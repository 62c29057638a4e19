package playlist

import (
	"context"
	"strings"
	"testing"

	"replayrescue/core/web"
)

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

// Masters shaped like Apple's public examples. img_bipbop_adv_example_fmp4
// offers each picture three times, with AAC stereo (aud1), AC-3 (aud2) and
// E-AC-3 (aud3) sound, the AC-3 one with the highest bandwidth: the AAC
// one is chosen, for an MP4 that plays everywhere. bipbop_16x9's DEFAULT
// rendition has no URI (the sound is in the variant's chunks) beside a
// non-default alternative with one: no separate audio is read.
func TestMasterApplesShapes(t *testing.T) {
	base := mustURL(t, "https://h.example/adv/master.m3u8")
	adv := `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=2200000,BANDWIDTH=2300000,CODECS="avc1.640020,mp4a.40.2",RESOLUTION=960x540,FRAME-RATE=60.000,AUDIO="aud1"
v5/prog_index.m3u8
#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=7900000,BANDWIDTH=8000000,CODECS="avc1.64002a,mp4a.40.2",RESOLUTION=1920x1080,FRAME-RATE=60.000,AUDIO="aud1"
v9/prog_index.m3u8
#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=2400000,BANDWIDTH=2500000,CODECS="avc1.640020,ac-3",RESOLUTION=960x540,FRAME-RATE=60.000,AUDIO="aud2"
v5/prog_index.m3u8
#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=8100000,BANDWIDTH=8200000,CODECS="avc1.64002a,ac-3",RESOLUTION=1920x1080,FRAME-RATE=60.000,AUDIO="aud2"
v9/prog_index.m3u8
#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=2300000,BANDWIDTH=2400000,CODECS="avc1.640020,ec-3",RESOLUTION=960x540,FRAME-RATE=60.000,AUDIO="aud3"
v5/prog_index.m3u8
#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=8000000,BANDWIDTH=8100000,CODECS="avc1.64002a,ec-3",RESOLUTION=1920x1080,FRAME-RATE=60.000,AUDIO="aud3"
v9/prog_index.m3u8
#EXT-X-I-FRAME-STREAM-INF:AVERAGE-BANDWIDTH=200000,BANDWIDTH=250000,CODECS="avc1.64002a",RESOLUTION=1920x1080,URI="v9/iframe_index.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud1",LANGUAGE="en",NAME="English",AUTOSELECT=YES,DEFAULT=YES,CHANNELS="2",URI="a1/prog_index.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud2",LANGUAGE="en",NAME="English",AUTOSELECT=YES,DEFAULT=YES,CHANNELS="6",URI="a2/prog_index.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud3",LANGUAGE="en",NAME="English",AUTOSELECT=YES,DEFAULT=YES,CHANNELS="6",URI="a3/prog_index.m3u8"
`
	for q, want := range map[string][2]string{
		"":      {"v9/prog_index.m3u8", "a1/prog_index.m3u8"},
		"best":  {"v9/prog_index.m3u8", "a1/prog_index.m3u8"},
		"540p":  {"v5/prog_index.m3u8", "a1/prog_index.m3u8"},
		"worst": {"v5/prog_index.m3u8", "a1/prog_index.m3u8"},
	} {
		_, c, err := parse([]byte(adv), base, q)
		if err != nil {
			t.Fatalf("quality %q: %v", q, err)
		}
		if c.URL != "https://h.example/adv/"+want[0] || c.AudioURL != "https://h.example/adv/"+want[1] || c.Variant.Resolution == "" {
			t.Errorf("quality %q: %s with %s (%+v), want %s with %s", q, c.URL, c.AudioURL, c.Variant, want[0], want[1])
		}
	}
	// Only AC-3 offered: it is still chosen (and the render converts it).
	var onlyAC3 []string
	lines := strings.Split(adv, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.Contains(lines[i], "AUDIO=\"aud1\"") || strings.Contains(lines[i], "AUDIO=\"aud3\"") {
			i++ // and its URI
			continue
		}
		onlyAC3 = append(onlyAC3, lines[i])
	}
	if _, c, err := parse([]byte(strings.Join(onlyAC3, "\n")), base, ""); err != nil || c.URL != "https://h.example/adv/v9/prog_index.m3u8" || c.AudioURL != "https://h.example/adv/a2/prog_index.m3u8" {
		t.Errorf("AC-3 only: %+v %v", c, err)
	}

	bipbop := `#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="bipbop_audio",LANGUAGE="eng",NAME="BipBop Audio 1",AUTOSELECT=YES,DEFAULT=YES
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="bipbop_audio",LANGUAGE="eng",NAME="BipBop Audio 2",AUTOSELECT=NO,DEFAULT=NO,URI="alternate_audio_aac/prog_index.m3u8"
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",DEFAULT=YES,AUTOSELECT=YES,FORCED=NO,LANGUAGE="en",URI="subtitles/eng/prog_index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=263851,CODECS="mp4a.40.2, avc1.4d400d",RESOLUTION=416x234,AUDIO="bipbop_audio",SUBTITLES="subs"
gear1/prog_index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=8370000,CODECS="mp4a.40.2, avc1.640028",RESOLUTION=1920x1080,AUDIO="bipbop_audio",SUBTITLES="subs"
gear5/prog_index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=41457,CODECS="mp4a.40.2",AUDIO="bipbop_audio",SUBTITLES="subs"
gear0/prog_index.m3u8
`
	_, c, err := parse([]byte(bipbop), mustURL(t, "https://h.example/bipbop/master.m3u8"), "")
	if err != nil || c.URL != "https://h.example/bipbop/gear5/prog_index.m3u8" || c.AudioURL != "" {
		t.Errorf("bipbop_16x9: %+v %v; want gear5 with its own sound", c, err)
	}
}

// A separate audio rendition's segments are on the Audio track, numbered
// from 0 like the picture's; the picture's stay on the Main track.
func TestAudioRenditionOnItsOwnTrack(t *testing.T) {
	srv := serve(t, map[string]string{
		"/master.m3u8": "#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"en\",DEFAULT=YES,URI=\"a.m3u8\"\n" +
			"#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360,AUDIO=\"a\"\nv.m3u8\n",
		"/v.m3u8": "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nv0.ts\n#EXTINF:2,\nv1.ts\n#EXT-X-ENDLIST\n",
		"/a.m3u8": "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\na0.ts\n#EXTINF:2,\na1.ts\n#EXT-X-ENDLIST\n",
	})
	pl, err := Load(context.Background(), web.NewClient(web.Credentials{}, web.ClientOptions{}), srv.URL+"/master.m3u8")
	if err != nil {
		t.Fatal(err)
	}
	if pl.Audio == nil {
		t.Fatal("no audio rendition")
	}
	for i, s := range pl.Segments {
		if s.Track != Main || s.Index != i {
			t.Errorf("picture segment %d: track %d index %d", i, s.Track, s.Index)
		}
	}
	for i, s := range pl.Audio.Segments {
		if s.Track != Audio || s.Index != i {
			t.Errorf("audio segment %d: track %d index %d", i, s.Track, s.Index)
		}
	}
}
