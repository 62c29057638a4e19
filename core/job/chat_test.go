package job

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"replayrescue/core/intake"
	"replayrescue/core/sample"
)

// flashChat is an audience that writes "flash N" exactly when the sample
// video flashes (every 5 s of the talk), among many hearts, with names in
// several scripts and emoji; messages before the cut must not appear.
func flashChat() []sample.ChatMessage {
	var msgs []sample.ChatMessage
	for at := 5 * time.Second; at < sampleLen; at += 5 * time.Second {
		msgs = append(msgs, sample.ChatMessage{At: at, User: "ana_dev", Name: "Ana 🌸 健二", Text: fmt.Sprintf("flash %d 👏", at/time.Second)})
	}
	for at := 100 * time.Millisecond; at < sampleLen; at += 180 * time.Millisecond {
		msgs = append(msgs, sample.ChatMessage{At: at, User: "olga.k", Name: "Ольга", Heart: true})
	}
	return msgs
}

// chatSource resolves the sample broadcast's Periscope link, as a
// presenter would paste it, with the sample standing in for the API.
func chatSource(t *testing.T, srv *sample.Server) Source {
	t.Helper()
	t.Setenv("REPLAYRESCUE_PERISCOPE_API", srv.APIBase())
	cands, err := intake.Resolve(context.Background(), intake.Input{Source: "https://www.periscope.tv/w/1sampleTalk42"})
	if err != nil || len(cands) == 0 {
		t.Fatalf("resolving the broadcast link: %v", err)
	}
	c := cands[0]
	if !c.Chat.Available() || c.Chat.Start.IsZero() {
		t.Fatalf("the broadcast's chat was not found: %v", c.Chat)
	}
	return Source{URL: c.URL, Creds: c.Creds, Title: c.Title, ID: c.BroadcastID, Chat: c.Chat}
}

var srtCue = regexp.MustCompile(`(?m)^\d+\n(\d\d):(\d\d):(\d\d),(\d{3}) --> .*\n(.*)\n`)

// The saved chat lines up with the video: each "flash N" subtitle starts
// within 100 ms of a flash the saved video shows, the flash at N s of the
// talk; nothing said before the cut is in it. The same chat drawn into the
// picture shows in the corner exactly while a line is on screen.
func TestSaveChatTimedToTheVideo(t *testing.T) {
	m, tools := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m, Chat: flashChat()})
	src := chatSource(t, srv)
	dir := t.TempDir()
	out := filepath.Join(dir, "talk.mp4")
	var log eventLog
	opts := Options{Work: filepath.Join(dir, "job"), Tools: tools, Events: log.add, tuning: fast(), Keep: true}
	settings := Settings{Output: out, Start: 162500 * time.Millisecond, End: 191 * time.Second}
	j, err := Open(src, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := j.downloadAndRender(context.Background(), settings); err != nil {
		t.Fatal(err)
	}
	done := doneEvent(t, log.all())
	var saved ChatSaved
	for _, e := range log.all() {
		if c, ok := e.(ChatSaved); ok {
			saved = c
		}
	}
	srtPath, assPath := SubtitlePaths(out)
	if saved.Problem != "" || saved.SRT != srtPath || saved.ASS != assPath || saved.Comments != 6 || saved.Hearts < 100 {
		t.Fatalf("chat event %+v", saved)
	}
	srt, err := os.ReadFile(srtPath)
	if err != nil {
		t.Fatal(err)
	}
	flashes, _, err := tools.SyncMarkers(context.Background(), out)
	if err != nil || len(flashes) < 5 {
		t.Fatalf("flashes %v: %v", flashes, err)
	}
	cues := srtCue.FindAllStringSubmatch(string(srt), -1)
	if len(cues) != 6 {
		t.Fatalf("%d cues, want the 6 flashes from 165 s to 190 s:\n%s", len(cues), srt)
	}
	for _, c := range cues {
		n := func(i int) time.Duration { v, _ := strconv.Atoi(c[i]); return time.Duration(v) }
		at := n(1)*time.Hour + n(2)*time.Minute + n(3)*time.Second + n(4)*time.Millisecond
		said, _ := strconv.Atoi(strings.Fields(strings.TrimPrefix(c[5], "Ana 🌸 健二: flash "))[0])
		if said*int(time.Second) < int(settings.Start) {
			t.Errorf("%q was said before the cut", c[5])
		}
		if d := nearest(at, flashes); d > 100*time.Millisecond {
			t.Errorf("%q shows at %v, %v from the nearest flash of the video", c[5], at, d)
		}
		if want := time.Duration(said)*time.Second - done.Start; (at - want).Abs() > 100*time.Millisecond {
			t.Errorf("%q shows at %v, want %v (video starts at %v)", c[5], at, want, done.Start)
		}
	}
	if ass, err := os.ReadFile(assPath); err != nil || !strings.Contains(string(ass), "Ana 🌸 健二") || !strings.Contains(string(ass), "♥ ") {
		t.Errorf("ASS without the styled names or the hearts counter (%v)", err)
	}

	// Burned in: the same settings, the chat drawn into the picture.
	burned := filepath.Join(dir, "burned.mp4")
	settings.Output, settings.BurnChat = burned, true
	if err := j.Render(context.Background(), settings); err != nil {
		t.Fatal(err)
	}
	var sawBurning bool
	for _, e := range log.all() {
		if r, ok := e.(Rendering); ok && r.Burning {
			sawBurning = true
		}
	}
	if !sawBurning {
		t.Error("no progress said the chat was being drawn in")
	}
	if d := doneEvent(t, log.all()[len(log.all())-1:]); d.Start != done.Start {
		t.Fatalf("burned video starts at %v, plain at %v", d.Start, done.Start)
	}
	// Lines show for 4 s from each flash; between them the corner is as
	// in the plain video. (Measured: about 26 dB with a line drawn, 72 dB
	// without: only re-encoding noise.)
	for _, at := range []time.Duration{170, 180, 185} {
		shown := at*time.Second - done.Start + 1500*time.Millisecond
		gone := at*time.Second - done.Start + 4500*time.Millisecond
		if p := cornerPSNR(t, tools.FFmpeg, out, burned, shown); p > 40 {
			t.Errorf("%v after the start the burned corner matches the plain one (PSNR %.1f dB): no text drawn", shown, p)
		}
		if p := cornerPSNR(t, tools.FFmpeg, out, burned, gone); p < 50 {
			t.Errorf("%v after the start the burned corner differs from the plain one (PSNR %.1f dB) with no line on screen", gone, p)
		}
	}
	if _, err := os.Stat(filepath.Join(opts.Work, burnFile)); err != nil {
		t.Errorf("the burned subtitles were not in the job folder: %v", err)
	}
	for _, f := range []string{filepath.Join(opts.Work, stateFile), filepath.Join(opts.Work, chatFile), srtPath, assPath} {
		data, _ := os.ReadFile(f)
		if strings.Contains(string(data), "sample-chat-") || strings.Contains(string(data), "chat-access-") {
			t.Errorf("%s holds a chat token", filepath.Base(f))
		}
	}
}

// nearest is the distance from d to the closest of ts.
func nearest(d time.Duration, ts []time.Duration) time.Duration {
	best := time.Duration(1 << 62)
	for _, x := range ts {
		best = min(best, (x - d).Abs())
	}
	return best
}

var psnrAverage = regexp.MustCompile(`average:(inf|[0-9.]+)`)

// cornerPSNR compares the bottom-left quarter of two videos' pictures at
// at: identical is very high (inf), text drawn on one is low.
func cornerPSNR(t *testing.T, ffmpeg, a, b string, at time.Duration) float64 {
	t.Helper()
	ss := strconv.FormatFloat(at.Seconds(), 'f', 3, 64)
	out, err := exec.Command(ffmpeg, "-hide_banner", "-nostats", "-ss", ss, "-i", a, "-ss", ss, "-i", b, "-filter_complex",
		"[0:v]crop=iw/2:ih/4:0:ih*3/4[x];[1:v]crop=iw/2:ih/4:0:ih*3/4[y];[x][y]psnr", "-frames:v", "1", "-f", "null", "-").CombinedOutput()
	m := psnrAverage.FindSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("comparing frames at %v: %v\n%s", at, err, out)
	}
	if string(m[1]) == "inf" {
		return 1000
	}
	p, _ := strconv.ParseFloat(string(m[1]), 64)
	return p
}

// A chat that cannot be read costs one sentence, never the video.
func TestChatFailureKeepsTheSave(t *testing.T) {
	m, tools := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m, Chat: flashChat()})
	src := chatSource(t, srv)
	src.Chat.Token = "expired-chat-token"
	noChat := sourceFor(t, srv, srv.Cookies())
	for _, c := range []struct {
		name string
		src  Source
		burn bool
		want string
	}{
		{"refused", src, false, "refused"},
		{"burn without chat", noChat, true, "has no chat"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "talk.mp4")
			var log eventLog
			opts := Options{Work: filepath.Join(t.TempDir(), "job"), Tools: tools, Events: log.add, tuning: fast()}
			if err := Save(context.Background(), c.src, opts, Settings{Output: out, Start: 190 * time.Second, BurnChat: c.burn}); err != nil {
				t.Fatal(err)
			}
			var saved ChatSaved
			for _, e := range log.all() {
				if cs, ok := e.(ChatSaved); ok {
					saved = cs
				}
			}
			if !strings.Contains(saved.Problem, c.want) || strings.Contains(saved.Problem, "expired-chat-token") {
				t.Errorf("chat problem %q, want it to say %q", saved.Problem, c.want)
			}
			srt, _ := SubtitlePaths(out)
			if _, err := os.Stat(srt); err == nil {
				t.Error("subtitles written without chat")
			}
			if st, err := os.Stat(out); err != nil || st.Size() == 0 {
				t.Errorf("video not saved: %v", err)
			}
		})
	}
}
