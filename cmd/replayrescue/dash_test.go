package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"replayrescue/core/media"
)

// A manifest (MPEG-DASH) through the command line: inspect lists what it
// offers, never with its secrets, and never with the word DASH (to a
// presenter it is just the video); save writes the MP4.

// serveManifest makes 12 s of ffmpeg dash muxer output with two picture
// sizes and AAC sound, served on loopback behind a cookie.
func serveManifest(t *testing.T, cookie string) string {
	t.Helper()
	tools, err := media.Find()
	if err != nil || testing.Short() {
		t.Skip("needs ffmpeg; integration test")
	}
	dir := t.TempDir()
	cmd := exec.Command(tools.FFmpeg, "-hide_banner", "-loglevel", "error",
		"-f", "lavfi", "-i", "testsrc2=s=640x360:r=30:d=12", "-f", "lavfi", "-i", "sine=d=12:sample_rate=48000",
		"-filter_complex", "[0:v]split[a][b];[b]scale=320:180[small]",
		"-map", "[a]", "-map", "[small]", "-map", "1:a", "-c:v", "libx264", "-g", "30", "-b:v:0", "600k", "-b:v:1", "200k", "-c:a", "aac",
		"-f", "dash", "-seg_duration", "3", "-use_timeline", "1", "-use_template", "1",
		"-adaptation_sets", "id=0,streams=v id=1,streams=a", filepath.Join(dir, "talk.mpd"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("session"); err != nil || c.Value != cookie {
			http.Error(w, "no", http.StatusForbidden)
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/talk.mpd?Signature=" + secretSig
}

const secretSig = "c2lnbmF0dXJlLXNlY3JldC12YWx1ZQ"

func TestInspectAndSaveManifest(t *testing.T) {
	const cookie = "s3cr3t-session-cookie"
	link := serveManifest(t, cookie)
	code, stdout, stderr := runCLI(t, "", "inspect", "--cookies", "session="+cookie, link)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"picture 640x360 avc1.", "picture 320x180 avc1.", "sound mp4a.40.2", "(chosen)", "0:12"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("inspect lacks %q:\n%s", want, stdout)
		}
	}
	for _, never := range []string{cookie, secretSig, "DASH", "dash"} {
		if strings.Contains(stdout+stderr, never) {
			t.Errorf("inspect shows %q:\n%s%s", never, stdout, stderr)
		}
	}
	code, stdout, stderr = runCLI(t, "", "inspect", "--json", "--cookies", "session="+cookie, link)
	var rep struct {
		Candidates []candidateReport `json:"candidates"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || code != 0 {
		t.Fatalf("exit %d %v\n%s%s", code, err, stdout, stderr)
	}
	rs := rep.Candidates[0].Renditions
	if len(rs) != 3 || !rs[0].Chosen || rs[0].Height != 360 || rs[1].Chosen || rs[2].Kind != "audio" || !rs[2].Chosen || rs[0].Duration != 12 {
		t.Errorf("renditions %+v", rs)
	}

	out := filepath.Join(t.TempDir(), "talk.mp4")
	code, _, stderr = runCLI(t, "", "save", "--cookies", "session="+cookie, "--quality", "180p", "-o", out, link)
	if code != 0 {
		t.Fatalf("save: exit %d: %s", code, stderr)
	}
	for _, never := range []string{cookie, secretSig, "DASH"} {
		if strings.Contains(stderr, never) {
			t.Errorf("save says %q:\n%s", never, stderr)
		}
	}
	tools, _ := media.Find()
	info, err := tools.Probe(t.Context(), out)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := info.Stream("video")
	if _, hasAudio := info.Stream("audio"); !ok || !hasAudio || v.Height != 180 {
		t.Errorf("saved %+v", info)
	}
	if _, err := os.Stat(out); err != nil {
		t.Error(err)
	}
}
