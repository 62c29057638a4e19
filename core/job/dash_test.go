package job

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"replayrescue/core/media"
)

// Manifests (MPEG-DASH) made by ffmpeg's own dash muxer from x264 at its
// defaults (B-frames) and AAC, picture and sound in separate adaptation
// sets, served on loopback and saved through the whole job: every frame
// kept, sound present, flash and beep within 40 ms, by timestamps and
// ignoring edit lists.

// makeDASH encodes seconds of flash+beep media into dir/name.mpd with the
// dash muxer's extra options.
func makeDASH(t *testing.T, tools media.Tools, dir, name string, seconds int, extra ...string) {
	t.Helper()
	d := strconv.Itoa(seconds)
	args := []string{"-hide_banner", "-loglevel", "error",
		"-f", "lavfi", "-i", "testsrc2=s=320x180:r=30:d=" + d,
		"-f", "lavfi", "-i", `aevalsrc='if(lt(mod(t\,5)\,0.1)\,0.6*sin(2*PI*1000*t)\,0.01*sin(2*PI*220*t))':s=48000:d=` + d,
		"-filter_complex", `[0:v]drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(t\,5)\,0.034)'[v]`,
		// x264 at its defaults (preset medium: B-frames, high profile),
		// a keyframe a second as a streaming encoder is set up.
		"-map", "[v]", "-map", "1:a", "-c:v", "libx264", "-g", "30", "-keyint_min", "30", "-b:v", "300k",
		"-c:a", "aac", "-b:a", "64k",
		"-f", "dash", "-seg_duration", "3", "-adaptation_sets", "id=0,streams=v id=1,streams=a"}
	args = append(args, extra...)
	args = append(args, filepath.Join(dir, name+".mpd"))
	cmd := exec.Command(tools.FFmpeg, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making %s: %v\n%s", name, err, out)
	}
}

// hasBFrames tells whether the first video stream of file has B-frames.
func hasBFrames(t *testing.T, tools media.Tools, file string) bool {
	t.Helper()
	out, err := exec.Command(tools.FFprobe, "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=has_b_frames", "-of", "json", file).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", file, err)
	}
	var r struct {
		Streams []struct {
			HasB int `json:"has_b_frames"`
		} `json:"streams"`
	}
	json.Unmarshal(out, &r)
	return len(r.Streams) > 0 && r.Streams[0].HasB > 0
}

func TestDASHKinds(t *testing.T) {
	tools := needFFmpeg(t)
	for _, c := range []struct {
		name    string
		seconds int
		tag     string // the manifest must show it, or the fixture is not what the case is about
		extra   []string
	}{
		{"SegmentTimeline with $Number$", 21, "<SegmentTimeline>", []string{"-use_timeline", "1", "-use_template", "1"}},
		{"SegmentTimeline with $Time$", 21, "$Time$", []string{"-use_timeline", "1", "-use_template", "1", "-media_seg_name", "chunk-$RepresentationID$-$Time$.m4s"}},
		{"$Number$ template with a fixed duration", 20, `duration="3000000"`, []string{"-use_timeline", "0", "-use_template", "1"}},
		{"SegmentList with byte ranges in one file", 21, "<SegmentList", []string{"-single_file", "1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			makeDASH(t, tools, dir, "m", c.seconds, c.extra...)
			// ffmpeg 5.1 names the sound's first $Time$ segment by its
			// priming (t=-1024) while its manifest says t="0": a player
			// asks for what the manifest says, so the file takes that name.
			if prime := filepath.Join(dir, "chunk-1--1024.m4s"); c.tag == "$Time$" {
				os.Rename(prime, filepath.Join(dir, "chunk-1-0.m4s"))
			}
			mpd, _ := os.ReadFile(filepath.Join(dir, "m.mpd"))
			if !strings.Contains(string(mpd), c.tag) {
				t.Fatalf("fixture lacks %s:\n%s", c.tag, mpd)
			}
			out, _ := saveServed(t, tools, dir, "m.mpd")
			if !hasBFrames(t, tools, out) {
				t.Errorf("the saved picture has no B-frames: the fixture is not x264's defaults")
			}
			checkSaved(t, tools, out, c.seconds*30)
		})
	}
}
