package media

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

func TestPickEncoder(t *testing.T) {
	const head = "Encoders:\n V..... = Video\n ------\n"
	cases := map[string]string{
		// Debian's and other GPL builds.
		head + " V....D libx264              libx264 H.264\n V....D libx264rgb           libx264 RGB\n V....D mpeg4                MPEG-4 part 2\n": "libx264",
		// An LGPL build for Windows: no libx264.
		head + " V....D h264_amf             AMD AMF H.264 Encoder\n V....D libopenh264          OpenH264 H.264\n V....D h264_mf              H264 via MediaFoundation\n V....D mpeg4                MPEG-4 part 2\n A....D aac                  AAC\n": "libopenh264",
		head + " V....D h264_mf              H264 via MediaFoundation\n V....D mpeg4                MPEG-4 part 2\n":                                                                                                                                    "h264_mf",
		// An audio encoder of a preferred name does not count.
		head + " A....D libopenh264          (not really)\n V....D mpeg4                MPEG-4 part 2\n": "mpeg4",
		"": "mpeg4",
	}
	for listing, want := range cases {
		if got := pickEncoder(listing); got != want {
			t.Errorf("pickEncoder(%q) = %q, want %q", listing, got, want)
		}
	}
	found, err := Find()
	if err != nil {
		t.Skip(err)
	}
	copied := found
	if copied.probe == nil || copied.probe.name != "" {
		t.Fatal("Find asked for the encoders before any re-encode needed them")
	}
	if enc := found.VideoEncoder(context.Background()); enc != "libx264" {
		t.Errorf("chose %q for this machine's ffmpeg (Debian's has libx264)", enc)
	}
	if copied.probe.name != "libx264" {
		t.Error("copies of one Find's Tools ask ffmpeg again")
	}
}

// An ffmpeg without libx264 (the LGPL build Replay Rescue downloads on
// Windows) still makes exact cuts and burns chat in: the whole picture is
// re-encoded with what it has. mpeg4 stands in for that here, being in
// every build.
func TestExactCutWithoutLibx264(t *testing.T) {
	slow(t)
	tl, dir, names := fixtureOf(t, lead)
	tl.Encoder = "mpeg4"
	out := filepath.Join(t.TempDir(), "out.mp4")
	start, end := 7200*time.Millisecond, 22*time.Second
	cut, err := tl.Render(context.Background(), RenderSpec{Dir: dir, Chunks: names, Output: out,
		Start: start, End: end, AudioOffset: 2 * time.Second, Total: 30 * time.Second, Exact: true})
	if err != nil {
		t.Fatal(err)
	}
	if cut.Reencoded != -1 || (cut.Start-start).Abs() > time.Second/30 {
		t.Errorf("cut %+v, want the whole picture re-encoded from %v", cut, start)
	}
	codec, err := tl.ffprobe("file:"+out, ffmpeg.KwArgs{"select_streams": "v:0", "show_entries": "stream=codec_name", "of": "csv=p=0"}).
		output(context.Background(), "probe", 1<<20)
	if err != nil || strings.TrimSpace(string(codec)) != "mpeg4" {
		t.Errorf("output video codec %q %v, want mpeg4", codec, err)
	}
	checkOutput(t, tl, out, cut.Start, end, 0)
	if _, err := os.Stat(filepath.Join(dir, headName)); err == nil {
		t.Error("a libx264 head was made anyway")
	}
}
