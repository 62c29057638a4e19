package job

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"replayrescue/core/media"
	"replayrescue/core/web"
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
	args := append(flashBeep(seconds),
		// x264 at its defaults (preset medium: B-frames, high profile),
		// a keyframe a second as a streaming encoder is set up.
		"-map", "[v]", "-map", "1:a", "-c:v", "libx264", "-g", "30", "-keyint_min", "30", "-b:v", "300k",
		"-c:a", "aac", "-b:a", "64k",
		"-f", "dash", "-seg_duration", "3", "-adaptation_sets", "id=0,streams=v id=1,streams=a")
	args = append(args, extra...)
	runFFmpeg(t, tools.FFmpeg, dir, append(args, filepath.Join(dir, name+".mpd"))...)
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

// sidxAt finds the segment index box in an on-demand file: its offset and
// size.
func sidxAt(t *testing.T, file string) (int64, int64) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for off := int64(0); off+8 <= int64(len(data)); {
		size := int64(binary.BigEndian.Uint32(data[off:]))
		if string(data[off+4:off+8]) == "sidx" {
			return off, size
		}
		if size < 8 {
			break
		}
		off += size
	}
	t.Fatalf("%s has no sidx box", file)
	return 0, 0
}

// onDemand rewrites the dash muxer's single-file manifest the way on-demand
// packagers (MP4Box -profile onDemand, Shaka Packager, YouTube) write it:
// each representation one file, a SegmentBase pointing at its sidx.
func onDemand(t *testing.T, dir string) {
	t.Helper()
	mpd, _ := os.ReadFile(filepath.Join(dir, "m.mpd"))
	list := regexp.MustCompile(`(?s)<BaseURL>(m-stream\d\.mp4)</BaseURL>\s*<SegmentList.*?</SegmentList>`)
	out := list.ReplaceAllStringFunc(string(mpd), func(block string) string {
		name := list.FindStringSubmatch(block)[1]
		off, size := sidxAt(t, filepath.Join(dir, name))
		return fmt.Sprintf(`<BaseURL>%s</BaseURL><SegmentBase indexRange="%d-%d"><Initialization range="0-%d"/></SegmentBase>`, name, off, off+size-1, off-1)
	})
	if !strings.Contains(out, "<SegmentBase") || strings.Contains(out, "<SegmentList") {
		t.Fatalf("could not rewrite the manifest:\n%s", out)
	}
	os.WriteFile(filepath.Join(dir, "m.mpd"), []byte(out), 0o600)
}

func TestDASHOnDemandSegmentBase(t *testing.T) {
	tools := needFFmpeg(t)
	dir := t.TempDir()
	makeDASH(t, tools, dir, "m", 21, "-single_file", "1", "-global_sidx", "1")
	onDemand(t, dir)
	out, _ := saveServed(t, tools, dir, "m.mpd")
	checkSaved(t, tools, out, 21*30)
}

func TestDASHTwoPeriods(t *testing.T) {
	tools := needFFmpeg(t)
	dir := t.TempDir()
	// Two encoder runs, each with timestamps from zero, in folders of
	// their own named by each Period's BaseURL under the MPD's.
	var periods []string
	start := 0
	for i, secs := range []int{12, 9} {
		sub := filepath.Join(dir, "media", fmt.Sprintf("p%d", i+1))
		os.MkdirAll(sub, 0o755)
		makeDASH(t, tools, sub, "m", secs, "-use_timeline", "1", "-use_template", "1")
		mpd, _ := os.ReadFile(filepath.Join(sub, "m.mpd"))
		body := regexp.MustCompile(`(?s)<Period[^>]*>(.*)</Period>`).FindStringSubmatch(string(mpd))
		if body == nil {
			t.Fatalf("no period in:\n%s", mpd)
		}
		periods = append(periods, fmt.Sprintf(`<Period id="%d" start="PT%dS" duration="PT%dS"><BaseURL>p%d/</BaseURL>%s</Period>`, i, start, secs, i+1, body[1]))
		start += secs
	}
	manifest := `<?xml version="1.0" encoding="utf-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011" type="static" mediaPresentationDuration="PT21S" minBufferTime="PT6S">
<BaseURL>media/</BaseURL>
` + strings.Join(periods, "\n") + "\n</MPD>\n"
	os.WriteFile(filepath.Join(dir, "two.mpd"), []byte(manifest), 0o600)
	out, _ := saveServed(t, tools, dir, "two.mpd")
	checkSaved(t, tools, out, 21*30)
}

func TestDASHProtectedRefusedBeforeMedia(t *testing.T) {
	tools := needFFmpeg(t)
	dir := t.TempDir()
	makeDASH(t, tools, dir, "m", 6, "-use_timeline", "1", "-use_template", "1")
	mpd, _ := os.ReadFile(filepath.Join(dir, "m.mpd"))
	// Widevine and the common encryption signal, as a protected site's
	// manifest carries them in each adaptation set.
	protected := regexp.MustCompile(`(<AdaptationSet[^>]*>)`).ReplaceAllString(string(mpd), `$1
<ContentProtection schemeIdUri="urn:mpeg:dash:mp4protection:2011" value="cenc" cenc:default_KID="9eb4050d-e44b-4802-932e-27d75083e266" xmlns:cenc="urn:mpeg:cenc:2013"/>
<ContentProtection schemeIdUri="urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"/>`)
	os.WriteFile(filepath.Join(dir, "drm.mpd"), []byte(protected), 0o600)
	var mu sync.Mutex
	var asked []string
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.URL.Path)
		mu.Unlock()
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()
	src := Source{URL: srv.URL + "/drm.mpd", Creds: web.Credentials{Jar: web.NewJar(), Header: http.Header{}}}
	opts := Options{Work: filepath.Join(t.TempDir(), "job"), Tools: tools, tuning: fast()}
	err := Save(context.Background(), src, opts, Settings{Output: filepath.Join(t.TempDir(), "x.mp4")})
	msg, code := Explain(err)
	if code != ExitUsage || !strings.Contains(msg, "DRM") {
		t.Errorf("exit %d: %q", code, msg)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 1 || asked[0] != "/drm.mpd" {
		t.Errorf("requests = %v, want only the manifest", asked)
	}
}

// TestDASHLiveManifestGrows: ffmpeg writes a live manifest (dynamic) in
// real time while the save runs; the save follows it until it turns
// static (the end), fetching picture and sound as they appear.
func TestDASHLiveManifestGrows(t *testing.T) {
	tools := needFFmpeg(t)
	dir := t.TempDir()
	const seconds = 16
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// -re (read at its own pace, as a live encoder sends) goes before the
	// inputs it paces.
	args := append([]string{"-re"}, flashBeep(seconds)...)
	cmd := exec.CommandContext(ctx, tools.FFmpeg, append(args, "-map", "[v]", "-map", "1:a", "-c:v", "libx264", "-g", "30", "-b:v", "300k", "-c:a", "aac", "-b:a", "64k",
		"-f", "dash", "-seg_duration", "2", "-use_timeline", "1", "-use_template", "1",
		"-adaptation_sets", "id=0,streams=v id=1,streams=a", filepath.Join(dir, "live.mpd"))...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Start saving once the first segment is listed.
	for {
		mpd, _ := os.ReadFile(filepath.Join(dir, "live.mpd"))
		if strings.Contains(string(mpd), "<S ") {
			if !strings.Contains(string(mpd), `type="dynamic"`) {
				t.Fatalf("the fixture is not live:\n%s", mpd)
			}
			break
		}
		select {
		case err := <-done:
			t.Fatalf("ffmpeg ended early: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "live.mp4")
	var log eventLog
	tune := fast()
	tune.livePoll = 500 * time.Millisecond
	src := Source{URL: srv.URL + "/live.mpd", Creds: web.Credentials{Jar: web.NewJar(), Header: http.Header{}}}
	opts := Options{Work: filepath.Join(t.TempDir(), "job"), Tools: tools, Events: log.add, tuning: tune}
	if err := Save(context.Background(), src, opts, Settings{Output: out}); err != nil {
		msg, code := Explain(err)
		t.Fatalf("save: exit %d: %s", code, msg)
	}
	if err := <-done; err != nil {
		t.Fatalf("ffmpeg: %v", err)
	}
	lives := 0
	for _, e := range log.all() {
		if l, ok := e.(Live); ok {
			lives++
			if l.Missing > 0 {
				t.Errorf("a hole of %d segments reported", l.Missing)
			}
		}
	}
	if lives == 0 {
		t.Error("the save never followed the manifest")
	}
	checkSaved(t, tools, out, seconds*30)
}

// TestHLSFragmentedEncoderRestart: the same join across encoder runs for an
// HLS playlist of fMP4 chunks (a discontinuity, a new init section): the
// chunks go through the concat demuxer with their lengths from their
// decode times, so the picture has no gaps and the sound stays in sync.
func TestHLSFragmentedEncoderRestart(t *testing.T) {
	tools := needFFmpeg(t)
	dir := t.TempDir()
	for _, name := range []string{"a", "b"} {
		makeHLS(t, tools, dir, name, 12, "-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", name+"_init.mp4",
			"-hls_segment_filename", filepath.Join(dir, name+"%d.m4s"))
	}
	a, _ := os.ReadFile(filepath.Join(dir, "a.m3u8"))
	b, _ := os.ReadFile(filepath.Join(dir, "b.m3u8"))
	_, rest, ok := strings.Cut(string(b), "#EXT-X-MAP")
	if !ok || !strings.Contains(string(a), "#EXT-X-MAP") {
		t.Fatalf("fixtures are not fMP4:\n%s\n%s", a, b)
	}
	joined := strings.Replace(string(a), "#EXT-X-ENDLIST\n", "#EXT-X-DISCONTINUITY\n", 1) + "#EXT-X-MAP" + rest
	os.WriteFile(filepath.Join(dir, "joined.m3u8"), []byte(joined), 0o600)
	out, _ := saveServed(t, tools, dir, "joined.m3u8")
	checkSaved(t, tools, out, 24*30) // which checks the length: gaps made it 51 s
}
