package job

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Both of Apple's public example masters, made here at 1080p (8 s, x264
// with B-frames, a keyframe every 2 s), each save a 1920x1080 picture with
// its sound, every picture kept and in sync:
//   - bipbop_16x9: MPEG-TS variants (416x234 and 1920x1080, and one of
//     sound only) whose sound is in their own chunks: the DEFAULT audio
//     rendition has no URI, beside a non-default alternative that has one.
//   - img_bipbop_adv_example_fmp4: fMP4 variants (960x540 and 1920x1080)
//     each offered with AAC (aud1) and AC-3 (aud2) sound from renditions of
//     their own, the AC-3 one at the highest bandwidth: the AAC one is
//     read, and copied.
func TestSaveApple1080pMasters(t *testing.T) {
	tools := needFFmpeg(t)
	for _, c := range []struct {
		name, master string
		make         func(t *testing.T, ffmpeg, dir string) string
	}{
		{"bipbop_16x9", "bipbop_16x9_variant.m3u8", makeBipbop},
		{"img_bipbop_adv_example_fmp4", "master.m3u8", makeAdvanced},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, c.master), []byte(c.make(t, tools.FFmpeg, dir)), 0o600)
			out, log := saveServed(t, tools, dir, c.master)
			checkSaved(t, tools, out, 240)
			info, err := tools.Probe(context.Background(), out)
			if err != nil {
				t.Fatal(err)
			}
			v, _ := info.Stream("video")
			a, ok := info.Stream("audio")
			t.Logf("saved %dx%d, %v; sound %s %v", v.Width, v.Height, v.Duration, a.Codec, a.Duration)
			if v.Width != 1920 || v.Height != 1080 {
				t.Errorf("saved %dx%d, want 1920x1080", v.Width, v.Height)
			}
			if !ok || a.Codec != "aac" {
				t.Errorf("sound %+v, want AAC", a)
			}
			for _, e := range log.all() {
				if r, ok := e.(SoundRepaired); ok {
					t.Errorf("repaired sound that needed nothing: %+v", r)
				}
			}
		})
	}
}

// appleSource is the 8-s 1080p flash and beep both masters are made of,
// as ffmpeg arguments: a 1080p picture ([big]), a smaller one ([small],
// scaled to small), and the sound (1:a).
func appleSource(small string) []string {
	return []string{"-hide_banner", "-loglevel", "error",
		"-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=30:d=8",
		"-f", "lavfi", "-i", `aevalsrc='if(lt(mod(t\,5)\,0.1)\,0.6*sin(2*PI*1000*t)\,0.01*sin(2*PI*220*t))':s=48000:d=8`,
		"-filter_complex", `[0:v]drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(t\,5)\,0.034)',split[big][s];[s]scale=` + small + `[small]`,
		// ultrafast to keep the test quick, with x264's default B-frames.
		"-c:v", "libx264", "-preset", "ultrafast", "-bf", "3", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0"}
}

func runFFmpeg(t *testing.T, ffmpeg, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(ffmpeg, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making the fixture: %v %s", err, out)
	}
}

// makeBipbop writes gear5 (1080p), gear1 (416x234) and gear0 (sound only),
// MPEG-TS, and the alternative sound, and returns the master.
func makeBipbop(t *testing.T, ffmpeg, dir string) string {
	args := append(appleSource("416:234"), "-map", "[big]", "-map", "1:a", "-map", "[small]", "-map", "1:a", "-map", "1:a", "-map", "1:a",
		"-b:v:0", "4M", "-b:v:1", "300k", "-c:a", "aac", "-b:a", "64k",
		"-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod",
		"-var_stream_map", "v:0,a:0,name:gear5 v:1,a:1,name:gear1 a:2,name:gear0 a:3,name:alternate_audio_aac",
		"-hls_segment_filename", "%v_%03d.ts", "%v.m3u8")
	runFFmpeg(t, ffmpeg, dir, args...)
	return `#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="bipbop_audio",LANGUAGE="eng",NAME="BipBop Audio 1",AUTOSELECT=YES,DEFAULT=YES
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="bipbop_audio",LANGUAGE="eng",NAME="BipBop Audio 2",AUTOSELECT=NO,DEFAULT=NO,URI="alternate_audio_aac.m3u8"
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",DEFAULT=YES,AUTOSELECT=YES,FORCED=NO,LANGUAGE="en",URI="subtitles/eng/prog_index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=263851,CODECS="mp4a.40.2, avc1.4d400d",RESOLUTION=416x234,AUDIO="bipbop_audio",SUBTITLES="subs"
gear1.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=4370000,CODECS="mp4a.40.2, avc1.640028",RESOLUTION=1920x1080,AUDIO="bipbop_audio",SUBTITLES="subs"
gear5.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=41457,CODECS="mp4a.40.2",AUDIO="bipbop_audio",SUBTITLES="subs"
gear0.m3u8
`
}

// makeAdvanced writes v9 (1080p) and v5 (960x540) pictures and a1 (AAC)
// and a2 (AC-3) sound, fMP4, and returns the master.
func makeAdvanced(t *testing.T, ffmpeg, dir string) string {
	args := append(appleSource("960:540"), "-map", "[big]", "-map", "[small]", "-map", "1:a", "-map", "1:a",
		"-b:v:0", "4M", "-b:v:1", "1M", "-c:a:0", "aac", "-b:a:0", "64k", "-c:a:1", "ac3", "-b:a:1", "96k",
		"-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4",
		"-hls_fmp4_init_filename", "%v_init.mp4",
		"-var_stream_map", "v:0,agroup:aud1,name:v9 v:1,agroup:aud1,name:v5 a:0,agroup:aud1,name:a1 a:1,agroup:aud2,name:a2",
		"-hls_segment_filename", "%v_%03d.m4s", "%v.m3u8")
	runFFmpeg(t, ffmpeg, dir, args...)
	return `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=1100000,BANDWIDTH=1200000,CODECS="avc1.640020,mp4a.40.2",RESOLUTION=960x540,FRAME-RATE=30.000,AUDIO="aud1"
v5.m3u8
#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=4000000,BANDWIDTH=4100000,CODECS="avc1.64002a,mp4a.40.2",RESOLUTION=1920x1080,FRAME-RATE=30.000,AUDIO="aud1"
v9.m3u8
#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=1200000,BANDWIDTH=1300000,CODECS="avc1.640020,ac-3",RESOLUTION=960x540,FRAME-RATE=30.000,AUDIO="aud2"
v5.m3u8
#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=4100000,BANDWIDTH=4200000,CODECS="avc1.64002a,ac-3",RESOLUTION=1920x1080,FRAME-RATE=30.000,AUDIO="aud2"
v9.m3u8
#EXT-X-I-FRAME-STREAM-INF:AVERAGE-BANDWIDTH=200000,BANDWIDTH=250000,CODECS="avc1.64002a",RESOLUTION=1920x1080,URI="v9_iframe.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud1",LANGUAGE="en",NAME="English",AUTOSELECT=YES,DEFAULT=YES,CHANNELS="2",URI="a1.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud2",LANGUAGE="en",NAME="English",AUTOSELECT=YES,DEFAULT=YES,CHANNELS="6",URI="a2.m3u8"
`
}
