package job

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"replayrescue/core/fetch"
	"replayrescue/core/media"
	"replayrescue/core/sample"
	"replayrescue/core/web"
)

// The integration tests share one sample: 200 one-second chunks whose audio
// content runs 2 s early, like the seed's broadcast.
const (
	sampleLen   = 200 * time.Second
	sampleChunk = time.Second
	sampleLead  = 2 * time.Second
)

var (
	sampleOnce  sync.Once
	sampleMedia *sample.Media
	sampleTools media.Tools
	sampleErr   error
)

func testSample(t *testing.T) (*sample.Media, media.Tools) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test")
	}
	sampleOnce.Do(func() {
		sampleTools, sampleErr = media.Find()
		if sampleErr != nil {
			return
		}
		sampleMedia, sampleErr = sample.Generate(context.Background(), sample.MediaOptions{
			FFmpeg: sampleTools.FFmpeg, Duration: sampleLen, ChunkDuration: sampleChunk, AudioLead: sampleLead,
		})
	})
	if sampleErr != nil {
		t.Fatalf("sample: %v", sampleErr)
	}
	return sampleMedia, sampleTools
}

func startServer(t *testing.T, opts sample.ServerOptions) *sample.Server {
	t.Helper()
	srv, err := sample.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// sourceFor builds the source a user would give: the playlist URL with the
// cookies typed in for its host.
func sourceFor(t *testing.T, srv *sample.Server, cookies []*http.Cookie) Source {
	t.Helper()
	u, err := url.Parse(srv.PlaylistURL())
	if err != nil {
		t.Fatal(err)
	}
	jar := web.NewJar()
	jar.SetCookies(u, cookies)
	return Source{URL: u.String(), Creds: web.Credentials{Jar: jar, Header: http.Header{}, Scheme: u.Scheme, Host: u.Host}, Title: "Test talk"}
}

func fastFetch() fetch.Options {
	return fetch.Options{Backoff: 5 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}
}

// fast is the tests' tuning: short waits between retries.
func fast() tuning { return tuning{fetch: fastFetch()} }

// eventLog collects events from job goroutines.
type eventLog struct {
	mu     sync.Mutex
	events []Event
}

func (l *eventLog) add(e Event) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

func (l *eventLog) all() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Event(nil), l.events...)
}

type probeOut struct {
	Streams []struct {
		CodecType string `json:"codec_type"`
		StartTime string `json:"start_time"`
		Duration  string `json:"duration"`
		NbPackets string `json:"nb_read_packets"`
	} `json:"streams"`
}

func probe(t *testing.T, tools media.Tools, path string) probeOut {
	t.Helper()
	out, err := exec.Command(tools.FFprobe, "-v", "error", "-count_packets",
		"-show_entries", "stream=codec_type,start_time,duration,nb_read_packets", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p probeOut
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p probeOut) stream(kind string) (start, dur float64, packets int, ok bool) {
	for _, s := range p.Streams {
		if s.CodecType == kind {
			start, _ = strconv.ParseFloat(s.StartTime, 64)
			dur, _ = strconv.ParseFloat(s.Duration, 64)
			packets, _ = strconv.Atoi(s.NbPackets)
			return start, dur, packets, true
		}
	}
	return 0, 0, 0, false
}

// checkSync asserts that every flash has a beep within 40 ms in the output.
// doneEvent returns the Done event of a finished save.
func doneEvent(t *testing.T, events []Event) Done {
	t.Helper()
	for _, e := range events {
		if d, ok := e.(Done); ok {
			return d
		}
	}
	t.Fatal("no Done event")
	return Done{}
}

// checkSync checks that each flash has its beep, both for players that honour
// MP4 edit lists and for players that ignore them.
func checkSync(t *testing.T, tools media.Tools, path string) {
	t.Helper()
	checkSyncWith(t, tools.SyncMarkers, path)
	checkSyncWith(t, tools.SyncMarkersIgnoringEditList, path)
}

func checkSyncWith(t *testing.T, markers func(context.Context, string) ([]time.Duration, []time.Duration, error), path string) {
	t.Helper()
	flashes, beeps, err := markers(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if len(flashes) < 2 || len(beeps) < 2 {
		t.Fatalf("too few markers: %d flashes, %d beeps", len(flashes), len(beeps))
	}
	matched := 0
	for _, f := range flashes {
		// A flash in the first 2.5 s has its beep in audio from before the
		// cut (the content runs 2 s early), which the output cannot hold.
		if f < 2500*time.Millisecond {
			continue
		}
		best := time.Duration(math.MaxInt64)
		for _, b := range beeps {
			best = min(best, (b - f).Abs())
		}
		if best > 40*time.Millisecond {
			t.Errorf("flash at %v: nearest beep %v away, want <= 40ms", f, best)
			continue
		}
		matched++
	}
	t.Logf("%d flashes matched a beep within 40ms", matched)
}

// TestSaveCookieGated is the acceptance case: a cookie-gated replay of
// 200 chunks saved with --audio-offset 2s --start 2:45.
func TestSaveCookieGated(t *testing.T) {
	m, tools := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m})
	out := filepath.Join(t.TempDir(), "talk.mp4")
	var log eventLog
	opts := Options{Work: filepath.Join(t.TempDir(), "job"), Tools: tools, Events: log.add, tuning: fast()}
	settings := Settings{Output: out, AudioOffset: 2 * time.Second, Start: 165 * time.Second}
	if err := Save(context.Background(), sourceFor(t, srv, srv.Cookies()), opts, settings); err != nil {
		t.Fatal(err)
	}
	p := probe(t, tools, out)
	vStart, vDur, vPackets, ok := p.stream("video")
	if !ok {
		t.Fatal("no video stream")
	}
	if _, _, aPackets, ok := p.stream("audio"); !ok || aPackets == 0 {
		t.Fatal("no audio")
	}
	// 2:45 is on a keyframe, so the cut lands exactly there and every frame
	// of the 35 s after it is kept (30 fps).
	if d := doneEvent(t, log.all()); d.Start != 165*time.Second {
		t.Errorf("Done.Start = %v, want 2:45", d.Start)
	}
	want := int((sampleLen - 165*time.Second).Seconds() * 30)
	if n, err := tools.PresentedFrames(context.Background(), out); err != nil || n != want {
		t.Errorf("presented video frames = %d (of %d packets), want %d (%v)", n, vPackets, want, err)
	}
	if math.Abs(vStart) > 0.05 || math.Abs(vDur-35) > 0.1 {
		t.Errorf("video start %.3f duration %.3f, want 0 and 35", vStart, vDur)
	}
	checkSync(t, tools, out)
	// Flashes come every 5 s of the talk; 2:45 is one, so the output's
	// first frame is a flash, and the next at 5 s.
	flashes, _, _ := tools.SyncMarkers(context.Background(), out)
	if len(flashes) < 2 || flashes[0].Abs() > 40*time.Millisecond || (flashes[1]-5*time.Second).Abs() > 40*time.Millisecond {
		t.Errorf("flashes at %v, want 0s, 5s, ... (the cut is not at 2:45)", flashes)
	}
	// Without --keep the job folder goes away after success.
	if _, err := os.Stat(opts.Work); !os.IsNotExist(err) {
		t.Errorf("job folder left behind: %v", err)
	}
	var sawFound, sawDone bool
	for _, e := range log.all() {
		switch e := e.(type) {
		case Found:
			sawFound = e.Chunks == 200
		case Done:
			sawDone = e.Output == out
		}
	}
	if !sawFound || !sawDone {
		t.Errorf("events: found=%v done=%v", sawFound, sawDone)
	}
}

func TestSaveWithoutCookiesIsACredentialFailure(t *testing.T) {
	m, tools := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m})
	out := filepath.Join(t.TempDir(), "talk.mp4")
	err := Save(context.Background(), sourceFor(t, srv, nil), Options{Work: t.TempDir(), Tools: tools}, Settings{Output: out})
	msg, code := Explain(err)
	if code != ExitCredentials {
		t.Fatalf("code %d (%v), want %d", code, err, ExitCredentials)
	}
	if !strings.Contains(msg, "no cookies") {
		t.Errorf("message does not say cookies are missing: %q", msg)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("an output file was written")
	}
}

// With FindTools the download does not wait for ffmpeg; when there is none,
// the save fails with that error, writes no video and keeps the chunks.
func TestFindToolsFailureKeepsTheChunks(t *testing.T) {
	m, _ := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m})
	work, out := t.TempDir(), filepath.Join(t.TempDir(), "talk.mp4")
	missing := &media.MissingError{Tool: "ffmpeg", GOOS: "linux"}
	// Looking for ffmpeg takes a while; the first chunk lands meanwhile.
	opts := Options{Work: work, tuning: fast(), FindTools: func() (media.Tools, error) {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if _, ok := fetch.Complete(work, 0); ok {
				break
			}
		}
		return media.Tools{}, missing
	}}
	err := Save(context.Background(), sourceFor(t, srv, srv.Cookies()), opts, Settings{Output: out})
	if !errors.Is(err, missing) {
		t.Fatalf("error %v, want the missing ffmpeg", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("an output file was written")
	}
	if _, ok := fetch.Complete(work, 0); !ok {
		t.Error("the chunk downloaded while ffmpeg was looked for is gone")
	}
}

// TestResumeAfterExpiry: the token expires part-way; the job stops with exit
// 3 and its chunks kept; fresh cookies continue it without refetching.
func TestResumeAfterExpiry(t *testing.T) {
	m, tools := testSample(t)
	// Slow enough (4 x 1 MB/s for ~12 MB) that the expiry lands mid-download.
	srv := startServer(t, sample.ServerOptions{Media: m, RateLimit: 1 << 20})
	work := filepath.Join(t.TempDir(), "job")
	out := filepath.Join(t.TempDir(), "talk.mp4")
	var once sync.Once
	opts := Options{Work: work, Tools: tools, Jobs: 4, tuning: fast(), Events: func(e Event) {
		if p, ok := e.(Progress); ok && p.Done >= 60 {
			once.Do(srv.Expire)
		}
	}}
	err := Save(context.Background(), sourceFor(t, srv, srv.Cookies()), opts, Settings{Output: out})
	msg, code := Explain(err)
	if code != ExitCredentials || !strings.Contains(msg, "same job folder") {
		t.Fatalf("first run: code %d, %q", code, msg)
	}
	var completed []string // chunks on disk after the first run
	for i, c := range m.Chunks {
		if _, ok := fetch.Complete(work, i); ok {
			completed = append(completed, c.Name)
		}
	}
	if len(completed) < 60 || len(completed) == len(m.Chunks) {
		t.Fatalf("%d chunks kept after expiry, want at least 60 and not all", len(completed))
	}
	before := map[string]int{}
	for _, name := range completed {
		before[name] = srv.Requests(name)
	}

	opts.Events = nil
	if err := Save(context.Background(), sourceFor(t, srv, srv.Cookies()), opts, Settings{Output: out}); err != nil {
		t.Fatal(err)
	}
	for _, name := range completed {
		if got := srv.Requests(name); got != before[name] {
			t.Errorf("%s was complete but requested again (%d -> %d)", name, before[name], got)
		}
	}
	if _, _, n, ok := probe(t, tools, out).stream("video"); !ok || n != int(sampleLen.Seconds()*30) {
		t.Errorf("resumed save has %d video frames, want %d", n, int(sampleLen.Seconds()*30))
	}
}

func TestSaveSurvivesFaults(t *testing.T) {
	m, tools := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m, Fail403: 0.1, Fail500: 0.1, Seed: 7})
	out := filepath.Join(t.TempDir(), "talk.mp4")
	var log eventLog
	opts := Options{Work: filepath.Join(t.TempDir(), "job"), Tools: tools, tuning: fast(), Events: log.add}
	if err := Save(context.Background(), sourceFor(t, srv, srv.Cookies()), opts, Settings{Output: out, AudioOffset: sampleLead}); err != nil {
		t.Fatal(err)
	}
	// Moving the audio 2 s later leaves the first 2 s of picture without
	// sound; the output starts at the first keyframe that has it.
	start := doneEvent(t, log.all()).Start
	if start < sampleLead || start > sampleLead+time.Second {
		t.Errorf("output starts at %v, want the first keyframe at or after %v", start, sampleLead)
	}
	if _, _, n, _ := probe(t, tools, out).stream("video"); n != int((sampleLen-start).Seconds()*30) {
		t.Errorf("video frames = %d, want %d", n, int((sampleLen-start).Seconds()*30))
	}
	requests := 0
	for _, c := range m.Chunks {
		requests += srv.Requests(c.Name)
	}
	t.Logf("10%% 403 + 10%% 500: %d requests for %d chunks, all %d frames from %v kept", requests, len(m.Chunks), int((sampleLen-start).Seconds()*30), start)
	checkSync(t, tools, out)
}

func TestSecretsStayOutOfStateAndEvents(t *testing.T) {
	m, tools := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m})
	cookies := srv.Cookies()
	work := filepath.Join(t.TempDir(), "job")
	var log eventLog
	opts := Options{Work: work, Tools: tools, Keep: true, Events: log.add, tuning: fast()}
	out := filepath.Join(t.TempDir(), "talk.mp4")
	if err := Save(context.Background(), sourceFor(t, srv, cookies), opts, Settings{Output: out}); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, e := range log.all() {
		line, err := MarshalEvent(e)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(line))
	}
	state, err := os.ReadFile(filepath.Join(work, stateFile))
	if err != nil {
		t.Fatal(err)
	}
	texts = append(texts, string(state))
	for _, c := range cookies {
		for _, s := range texts {
			if strings.Contains(s, c.Value) {
				t.Errorf("cookie %s's value appears in %q", c.Name, s)
			}
		}
	}
	if st, err := os.Stat(work); err != nil || st.Mode().Perm()&0o077 != 0 {
		t.Errorf("job folder permissions %v, want user-only", st.Mode().Perm())
	}
	// Every file in it too: state, lock, lists, chunks.
	entries, _ := os.ReadDir(work)
	for _, e := range entries {
		if info, err := e.Info(); err != nil || info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s permissions %v, want user-only", e.Name(), info.Mode().Perm())
		}
	}
}

func TestOutputNeverOverwrittenWithoutForce(t *testing.T) {
	out := filepath.Join(t.TempDir(), "talk.mp4")
	os.WriteFile(out, []byte("precious"), 0o600)
	err := Save(context.Background(), Source{URL: "http://127.0.0.1:1/x.m3u8"}, Options{Work: t.TempDir()}, Settings{Output: out})
	msg, code := Explain(err)
	if code != ExitUsage || !strings.Contains(msg, "--force") {
		t.Errorf("code %d %q", code, msg)
	}
	if data, _ := os.ReadFile(out); string(data) != "precious" {
		t.Error("existing file was touched")
	}
}

func TestDifferentBroadcastInSameFolderRefused(t *testing.T) {
	m, tools := testSample(t)
	srv := startServer(t, sample.ServerOptions{Media: m})
	work := t.TempDir()
	j, err := Open(sourceFor(t, srv, srv.Cookies()), Options{Work: work, Tools: tools})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(work, fetch.ChunkName(0)), []byte("x"), 0o600)
	// Pretend the folder belonged to another broadcast.
	j.parts[0].state.Fingerprint = "other"
	if err := j.parts[0].saveState(); err != nil {
		t.Fatal(err)
	}
	j2, _ := Open(sourceFor(t, srv, srv.Cookies()), Options{Work: work, Tools: tools})
	err = j2.Load(context.Background())
	var je *Error
	if !errors.As(err, &je) || je.Code != ExitUsage {
		t.Fatalf("err = %v, want a usage error", err)
	}
}

func TestSlugIsStableAndSafe(t *testing.T) {
	a := Slug(Source{URL: "https://h.example/a/playlist_1.m3u8?type=replay&token=AAA"})
	b := Slug(Source{URL: "https://h.example/a/playlist_1.m3u8?type=replay&token=BBB"})
	if a != b {
		t.Errorf("slug depends on the query: %s vs %s", a, b)
	}
	if s := Slug(Source{ID: "1yoKMwQpwWVJQ"}); s != "1yoKMwQpwWVJQ" {
		t.Errorf("ID slug = %s", s)
	}
	if s := Slug(Source{ID: "../../etc", URL: "https://h.example/x"}); strings.ContainsAny(s, "./\\") {
		t.Errorf("unsafe slug %q", s)
	}
}

// A state file as earlier versions wrote it reads as it was, and is written
// back under the same names: folders from earlier versions resume.
func TestStateFileOfEarlierVersions(t *testing.T) {
	const old = `{
  "version": 1,
  "title": "Test talk",
  "source": "https://cdn.example.com/live/p.m3u8?token=REDACTED",
  "fingerprint": "0123456789abcdef0123456789abcdef",
  "durations": [
    2,
    2,
    1.5
  ],
  "live": "00112233445566778899aabbccddeeff",
  "first_seq": 41,
  "updated": "2025-11-02T10:00:00Z"
}`
	var st state
	if err := json.Unmarshal([]byte(old), &st); err != nil {
		t.Fatal(err)
	}
	want := state{Version: 1, Title: "Test talk", Source: "https://cdn.example.com/live/p.m3u8?token=REDACTED",
		Fingerprint: "0123456789abcdef0123456789abcdef", Durations: []float64{2, 2, 1.5},
		Live: "00112233445566778899aabbccddeeff", FirstSeq: 41, Updated: time.Date(2025, 11, 2, 10, 0, 0, 0, time.UTC)}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("read %+v, want %+v", st, want)
	}
	again, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != old {
		t.Errorf("written back as\n%s\nwant\n%s", again, old)
	}
}
