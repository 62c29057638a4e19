package job

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A master shaped like Apple's img_bipbop_adv_example_fmp4: one picture
// (x264's defaults: B-frames, a keyframe every 2 s; fMP4) offered with AAC
// sound (aud1) and, at a higher bandwidth, AC-3 sound (aud2). The save
// takes the AAC sound and keeps every picture in sync; offered only the
// AC-3 sound, it converts it to AAC and says so.
func TestSaveAppleAdvancedMaster(t *testing.T) {
	tools := needFFmpeg(t)
	dir := t.TempDir()
	cmd := exec.Command(tools.FFmpeg, append(flashBeep(20), "-map", "[v]", "-map", "1:a", "-map", "1:a", "-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-b:v", "300k",
		"-c:a:0", "aac", "-b:a:0", "64k", "-c:a:1", "ac3", "-b:a:1", "96k",
		"-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4",
		"-hls_fmp4_init_filename", "init_%v.mp4", "-var_stream_map", "v:0,agroup:aud1 a:0,agroup:aud1 a:1,agroup:aud2",
		"-master_pl_name", "ffmpeg.m3u8", "-hls_segment_filename", filepath.Join(dir, "s%v_%d.m4s"), filepath.Join(dir, "r%v.m3u8"))...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	aac := `#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=460000,BANDWIDTH=470000,CODECS="avc1.64000d,mp4a.40.2",RESOLUTION=320x180,FRAME-RATE=30.000,AUDIO="aud1"
r0.m3u8
`
	ac3 := `#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=490000,BANDWIDTH=500000,CODECS="avc1.64000d,ac-3",RESOLUTION=320x180,FRAME-RATE=30.000,AUDIO="aud2"
r0.m3u8
`
	media := `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud1",LANGUAGE="en",NAME="English",AUTOSELECT=YES,DEFAULT=YES,CHANNELS="2",URI="r1.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud2",LANGUAGE="en",NAME="English",AUTOSELECT=YES,DEFAULT=YES,CHANNELS="6",URI="r2.m3u8"
`
	head := "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n"
	os.WriteFile(filepath.Join(dir, "adv.m3u8"), []byte(head+aac+ac3+media), 0o600)
	os.WriteFile(filepath.Join(dir, "ac3.m3u8"), []byte(head+ac3+media), 0o600)

	for _, c := range []struct{ master, codec, converted string }{
		{"adv.m3u8", "aac", ""},
		{"ac3.m3u8", "aac", "ac3"},
	} {
		t.Run(c.master, func(t *testing.T) {
			out, log := saveServed(t, tools, dir, c.master)
			checkSaved(t, tools, out, 600)
			info, err := tools.Probe(context.Background(), out)
			if err != nil {
				t.Fatal(err)
			}
			if a, ok := info.Stream("audio"); !ok || a.Codec != c.codec {
				t.Errorf("sound %+v, want %s", a, c.codec)
			}
			var said []string
			for _, e := range log.all() {
				if r, ok := e.(SoundRepaired); ok {
					if r.Converted != c.converted {
						t.Errorf("converted %q, want %q", r.Converted, c.converted)
					}
					said = append(said, r.Sentences()...)
				}
			}
			if (len(said) > 0) != (c.converted != "") || (c.converted != "" && !strings.Contains(strings.Join(said, " "), "AC-3")) {
				t.Errorf("said %q", said)
			}
		})
	}
}
