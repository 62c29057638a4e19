package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"replayrescue/core/intake/xfake"
	"replayrescue/core/media"
	"replayrescue/core/sample"
)

// fakeX puts X on loopback as a presenter meets it (xfake.Talk), its
// broadcast the sample's video with the sample's chat.
func fakeX(t *testing.T) (*xfake.Talk, media.Tools) {
	t.Helper()
	srv := startSample(t, sample.ServerOptions{NoCookies: true})
	tools, err := media.Find()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("REPLAYRESCUE_PERISCOPE_API", srv.APIBase()) // X's broadcasts' chat
	return xfake.NewTalk(t, tools.FFmpeg, srv.PlaylistURL(), srv.ChatToken()), tools
}

// TestSaveXLinks saves what a presenter has in hand on X: the post that
// said "live now", the live event, and a Space (as M4A by default, as an
// MP4 with a card on request), each to a file ffprobe reads as promised.
func TestSaveXLinks(t *testing.T) {
	x, tools := fakeX(t)
	dir := t.TempDir()
	t.Chdir(dir)
	streams := func(path string) (video, audio media.StreamInfo, info *media.Info) {
		t.Helper()
		info, err := tools.Probe(context.Background(), path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		video, _ = info.Stream("video")
		audio, _ = info.Stream("audio")
		// Both tracks start together: the sound within an AAC frame.
		if audio.Codec != "aac" || audio.Start < 0 || audio.Start > 25*time.Millisecond || video.Start != 0 {
			t.Errorf("%s: tracks %+v", path, info.Streams)
		}
		return video, audio, info
	}

	code, _, stderr := runCLI(t, "", "save", x.Post, "-o", "post.mp4", "--work", filepath.Join(dir, "job1"))
	if code != 0 || !strings.Contains(stderr, x.Title) {
		t.Fatalf("post: exit %d: %s", code, stderr)
	}
	if v, _, info := streams("post.mp4"); v.Codec != "h264" || (info.Duration-30*time.Second).Abs() > time.Second {
		t.Errorf("post.mp4: %+v", info)
	}
	if _, err := os.Stat("post.srt"); err != nil {
		t.Errorf("the broadcast's chat was not saved: %v", err)
	}

	code, _, stderr = runCLI(t, "", "save", x.Event, "-o", "event.mp4", "--start", "10", "--end", "20", "--work", filepath.Join(dir, "job2"))
	if code != 0 {
		t.Fatalf("event: exit %d: %s", code, stderr)
	}
	if v, _, info := streams("event.mp4"); v.Codec != "h264" || (info.Duration-10*time.Second).Abs() > time.Second {
		t.Errorf("event.mp4: %+v", info)
	}

	code, _, stderr = runCLI(t, "", "save", x.Space, "--work", filepath.Join(dir, "job3"), "--keep")
	if code != 0 {
		t.Fatalf("Space: exit %d: %s", code, stderr)
	}
	if v, a, info := streams(x.SpaceTitle + ".m4a"); v.Type != "" || (a.Duration-20*time.Second).Abs() > 100*time.Millisecond {
		t.Errorf("the Space's M4A: %+v", info)
	}
	code, _, stderr = runCLI(t, "", "save", x.Space, "-o", "space.mp4", "--start", "0:05", "--work", filepath.Join(dir, "job4"))
	if code != 0 {
		t.Fatalf("Space as MP4: exit %d: %s", code, stderr)
	}
	if v, a, info := streams("space.mp4"); v.Codec != "h264" || v.Width != 1280 || (a.Duration-15*time.Second).Abs() > 100*time.Millisecond || (v.Duration-a.Duration).Abs() > time.Second {
		t.Errorf("the Space's MP4: %+v", info)
	}
	// Its card shows the host's picture (X's 400-pixel one, all
	// xfake.PictureColor: 240 pixels square on the card), fetched into
	// the job folder and gone with the chunks.
	frame, err := exec.Command(tools.FFmpeg, "-v", "error", "-ss", "2", "-i", "space.mp4", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	near := func(a byte, b uint8) bool { return max(int(a)-int(b), int(b)-int(a)) < 40 }
	face := 0
	for i := 0; i+2 < len(frame); i += 3 {
		if c := xfake.PictureColor; near(frame[i], c.R) && near(frame[i+1], c.G) && near(frame[i+2], c.B) {
			face++
		}
	}
	if face < 200*200 || face > 260*260 {
		t.Errorf("the Space's card shows %d pixels of its host's picture, want about 240x240", face)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "job4", "presenter.*")); len(left) > 0 {
		t.Errorf("the picture stays in the job folder: %v", left)
	}

	// Nothing of X's guest pass in the output or the job folder's state.
	state, _ := os.ReadFile(filepath.Join(dir, "job3", "state.json"))
	if len(state) == 0 || strings.Contains(string(state)+stderr, xfake.Guest) || strings.Contains(string(state)+stderr, xfake.Bearer) {
		t.Errorf("X's tokens in the output or state: %s", state)
	}
	if hits := strings.Join(x.Hits(), "\n"); !strings.Contains(hits, "Web GET TweetResultByRestId 1861474843318882304") || !strings.Contains(hits, "Web GET AudioSpaceById 1OwxWzpvNqyGQ") {
		t.Errorf("X was not asked as its web client asks:\n%s", hits)
	}
}

// TestXLinkFailures: a link X's API will not resolve fails in one sentence
// that names the capture command to run; inspect says who presented a
// Space and that it is sound only.
func TestXLinkFailures(t *testing.T) {
	x, _ := fakeX(t)
	code, _, stderr := runCLI(t, "", "save", x.Unrecorded, "-o", filepath.Join(t.TempDir(), "s.m4a"))
	want := `The Space 1ZkKzbAaaaaaa (Off the record) was not recorded, or X no longer keeps its recording, so there is no replay to save; ` +
		`to save it from your browser instead (logging in there if need be), run "replayrescue capture https://x.com/i/spaces/1ZkKzbAaaaaaa".`
	if code != 2 || strings.TrimSpace(stderr) != want {
		t.Errorf("exit %d:\n%s\nwant\n%s", code, stderr, want)
	}
	oneSentence(t, stderr)

	x.Refuse(xfake.Activate, 429)
	code, stdout, stderr := runCLI(t, "", "save", "--json", "https://mobile.twitter.com/ada/status/1861474843318882304?t=abc")
	if code != 1 || !strings.Contains(stderr, "429") || !strings.HasSuffix(strings.TrimSpace(stderr), `run "replayrescue capture https://x.com/ada/status/1861474843318882304".`) {
		t.Errorf("exit %d: %s", code, stderr)
	}
	var failed map[string]any
	if json.Unmarshal([]byte(strings.TrimSpace(stdout)), &failed); !strings.Contains(failed["message"].(string), "replayrescue capture") {
		t.Errorf("--json: %s", stdout)
	}
	x.Refuse(xfake.Activate, 0)

	code, stdout, stderr = runCLI(t, "", "inspect", x.Space)
	if code != 0 || !strings.Contains(stdout, "by:       "+x.Presenter) || !strings.Contains(stdout, "started:  2026-11-24T19:00:00Z") || !strings.Contains(stdout, "sound only") {
		t.Errorf("inspect: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestSaveXFallbacks: the day X retires the GraphQL query id this version
// knows, the post's short link (t.co) still saves: t.co leads to the post,
// the embeds' syndication endpoint reads it, its card leads to the
// broadcast.
func TestSaveXFallbacks(t *testing.T) {
	x, tools := fakeX(t)
	x.RequireQueryID(xfake.PostQuery, "aRetiredOne")
	x.AddShort("aB3dE5fG7h", x.Post)
	out := filepath.Join(t.TempDir(), "talk.mp4")
	code, _, stderr := runCLI(t, "", "save", "https://t.co/aB3dE5fG7h", "-o", out, "--end", "10", "--work", filepath.Join(t.TempDir(), "job"))
	if code != 0 || !strings.Contains(stderr, x.Title) {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	info, err := tools.Probe(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := info.Stream("video"); !ok || v.Codec != "h264" || (info.Duration-10*time.Second).Abs() > time.Second {
		t.Errorf("%s: %+v", out, info)
	}
	hits := strings.Join(x.Hits(), "\n")
	for _, want := range []string{"Short GET /aB3dE5fG7h", "Web GET TweetResultByRestId 1861474843318882304", "Syndication GET /tweet-result 1861474843318882304"} {
		if !strings.Contains(hits, want) {
			t.Errorf("X was not asked %q:\n%s", want, hits)
		}
	}
	if strings.Contains(hits, "LEAK") {
		t.Errorf("X's session went to the syndication endpoint:\n%s", hits)
	}

	// A short link that leads nowhere: one sentence, and the browser.
	code, _, stderr = runCLI(t, "", "save", "t.co/Zzzzzzzzz1", "-o", filepath.Join(t.TempDir(), "s.mp4"))
	want := `X has no short link t.co/Zzzzzzzzz1: check that the whole link was copied; ` +
		`to save it from your browser instead (logging in there if need be), run "replayrescue capture https://t.co/Zzzzzzzzz1".`
	if code != 2 || strings.TrimSpace(stderr) != want {
		t.Errorf("exit %d:\n%s\nwant\n%s", code, stderr, want)
	}
}
