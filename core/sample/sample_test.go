package sample

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"replayrescue/core/media"
)

var (
	once     sync.Once
	shared   *Media
	tools    media.Tools
	sharedEr error
)

// testMedia is a 12 s sample in 3 s chunks, made once per test binary.
func testMedia(t *testing.T) (*Media, media.Tools) {
	t.Helper()
	once.Do(func() {
		if tools, sharedEr = media.Find(); sharedEr != nil {
			return
		}
		shared, sharedEr = Generate(context.Background(), MediaOptions{FFmpeg: tools.FFmpeg, Duration: 12 * time.Second})
	})
	if sharedEr != nil {
		t.Skipf("cannot make the sample: %v", sharedEr)
	}
	return shared, tools
}

func get(t *testing.T, client *http.Client, u string) (int, []byte) {
	t.Helper()
	resp, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

func TestGenerateAndCache(t *testing.T) {
	m, tl := testMedia(t)
	if len(m.Chunks) != 4 || (m.Duration-12*time.Second).Abs() > 100*time.Millisecond {
		t.Fatalf("%d chunks, %v", len(m.Chunks), m.Duration)
	}
	info, err := tl.Probe(context.Background(), filepath.Join(m.Dir, m.Chunks[1].Name))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := info.Stream("video"); !ok || v.Codec != "h264" {
		t.Errorf("video: %+v", info.Streams)
	}
	if a, ok := info.Stream("audio"); !ok || a.Codec != "aac" {
		t.Errorf("audio: %+v", info.Streams)
	}
	// A second Generate with the same options reuses the cache: no ffmpeg run
	// (a bogus ffmpeg path would fail otherwise) and the same folder.
	again, err := Generate(context.Background(), MediaOptions{FFmpeg: "/nonexistent/ffmpeg", Duration: 12 * time.Second})
	if err != nil || again.Dir != m.Dir {
		t.Fatalf("cache not reused: %v %v", again, err)
	}
}

func TestMarkers(t *testing.T) {
	m, tl := testMedia(t)
	checkMarkers(t, m, tl, []time.Duration{0, 5 * time.Second, 10 * time.Second})
}

// The built-in sample (CalmStart) opens on the talk: its first flash is at
// 5 s, and the beeps are where they are without it.
func TestCalmStartHasNoFlashAtZero(t *testing.T) {
	_, tl := testMedia(t)
	m, err := Generate(context.Background(), MediaOptions{FFmpeg: tl.FFmpeg, Duration: 12 * time.Second, CalmStart: true, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	checkMarkers(t, m, tl, []time.Duration{5 * time.Second, 10 * time.Second})
}

// checkMarkers finds the flashes wantF in m and a beep 2 s before those at
// 5 and 10 s.
func checkMarkers(t *testing.T, m *Media, tl media.Tools, wantF []time.Duration) {
	t.Helper()
	// Join the chunks as one TS file and look for the flashes and beeps.
	joined := filepath.Join(t.TempDir(), "all.ts")
	f, _ := os.Create(joined)
	for _, c := range m.Chunks {
		data, _ := os.ReadFile(filepath.Join(m.Dir, c.Name))
		f.Write(data)
	}
	f.Close()
	flashes, beeps, err := tl.SyncMarkers(context.Background(), joined)
	if err != nil {
		t.Fatal(err)
	}
	wantB := []time.Duration{3 * time.Second, 8 * time.Second} // 2 s before the flashes at 5 and 10
	if len(flashes) != len(wantF) {
		t.Fatalf("flashes %v, want %v", flashes, wantF)
	}
	for i, w := range wantF {
		if (flashes[i] - w).Abs() > 40*time.Millisecond {
			t.Errorf("flash %d at %v, want %v", i, flashes[i], w)
		}
	}
	if len(beeps) < len(wantB) {
		t.Fatalf("beeps %v, want %v", beeps, wantB)
	}
	for i, w := range wantB {
		if (beeps[i] - w).Abs() > 40*time.Millisecond {
			t.Errorf("beep %d at %v, want %v", i, beeps[i], w)
		}
	}
}

func TestCookieGating(t *testing.T) {
	m, _ := testMedia(t)
	srv, err := Start(ServerOptions{Media: m})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	chunk := srv.URL + "/hls/1sampleTalk42/" + m.Chunks[0].Name
	if code, _ := get(t, http.DefaultClient, srv.PlaylistURL()); code != 403 {
		t.Errorf("playlist without cookies: %d", code)
	}
	if code, _ := get(t, http.DefaultClient, chunk); code != 403 {
		t.Errorf("chunk without cookies: %d", code)
	}
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(srv.URL)
	jar.SetCookies(u, srv.Cookies())
	client := &http.Client{Jar: jar}
	code, body := get(t, client, srv.PlaylistURL())
	if code != 200 || len(body) == 0 {
		t.Fatalf("playlist with cookies: %d", code)
	}
	if code, data := get(t, client, chunk); code != 200 || int64(len(data)) != m.Chunks[0].Size {
		t.Errorf("chunk: %d, %d bytes", code, len(data))
	}
	srv.Expire()
	if code, _ := get(t, client, chunk); code != 403 {
		t.Errorf("after Expire: %d", code)
	}
	jar.SetCookies(u, srv.Cookies())
	if code, _ := get(t, client, chunk); code != 200 {
		t.Errorf("fresh cookies: %d", code)
	}
	if n := srv.Requests(m.Chunks[0].Name); n != 4 {
		t.Errorf("Requests = %d, want 4", n)
	}
	if n := srv.Requests("playlist"); n != 2 {
		t.Errorf("playlist requests = %d, want 2", n)
	}
	if code, _ := get(t, client, srv.URL+"/hls/1sampleTalk42/chunk_999999.ts"); code != 404 {
		t.Errorf("unknown chunk: %d", code)
	}
	if code, _ := get(t, client, srv.URL+"/hls/other/"+m.Chunks[0].Name); code != 404 {
		t.Errorf("unknown broadcast: %d", code)
	}
}

func TestAPIShapes(t *testing.T) {
	m, _ := testMedia(t)
	srv, err := Start(ServerOptions{Media: m})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var v struct {
		ReplayURL string `json:"replay_url"`
		Cookies   []struct{ Name, Value, Domain, Path string }
		Broadcast struct{ ID, State, Status string }
		ChatToken string `json:"chat_token"`
	}
	code, body := get(t, http.DefaultClient, srv.APIBase()+"/api/v2/accessVideoPublic?broadcast_id=1sampleTalk42")
	if code != 200 || json.Unmarshal(body, &v) != nil {
		t.Fatalf("accessVideoPublic: %d %s", code, body)
	}
	if v.ReplayURL != srv.PlaylistURL() || len(v.Cookies) != 3 || v.Broadcast.State != "ENDED" || v.Broadcast.Status == "" || v.ChatToken == "" {
		t.Errorf("accessVideoPublic shape: %+v", v)
	}
	// The API's cookies open the playlist.
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(v.ReplayURL)
	for _, c := range v.Cookies {
		jar.SetCookies(u, []*http.Cookie{{Name: c.Name, Value: c.Value, Path: c.Path}})
	}
	if code, _ := get(t, &http.Client{Jar: jar}, v.ReplayURL); code != 200 {
		t.Errorf("API cookies refused: %d", code)
	}
	code, body = get(t, http.DefaultClient, srv.APIBase()+"/api/v2/getAccessPublic?token=1sampleTalk42")
	var old struct {
		ReplayURL string `json:"replay_url"`
		Cookies   []json.RawMessage
	}
	if code != 200 || json.Unmarshal(body, &old) != nil || old.ReplayURL == "" || len(old.Cookies) != 3 {
		t.Errorf("getAccessPublic: %d %s", code, body)
	}
	if code, _ := get(t, http.DefaultClient, srv.APIBase()+"/api/v2/accessVideoPublic?broadcast_id=nope"); code != 404 {
		t.Errorf("unknown ID: %d", code)
	}
	if code, _ := get(t, http.DefaultClient, srv.BroadcastURL()); code != 200 {
		t.Errorf("page: %d", code)
	}
}

func TestFaultRates(t *testing.T) {
	m, _ := testMedia(t)
	srv, err := Start(ServerOptions{Media: m, NoCookies: true, Fail403: 0.2, Fail500: 0.1, ResetRate: 0.1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	counts := map[string]int{}
	const n = 400
	for range n {
		resp, err := http.Get(srv.URL + "/hls/1sampleTalk42/" + m.Chunks[0].Name)
		if err != nil {
			counts["error"]++
			continue
		}
		data, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == 403:
			counts["403"]++
		case resp.StatusCode == 500:
			counts["500"]++
		case rerr != nil || int64(len(data)) < m.Chunks[0].Size:
			counts["short"]++
		default:
			counts["ok"]++
		}
	}
	check := func(k string, want float64) {
		got := float64(counts[k]) / n
		if got < want-0.07 || got > want+0.07 {
			t.Errorf("%s rate %.2f, want about %.2f (%v)", k, got, want, counts)
		}
	}
	check("403", 0.2)
	check("500", 0.1)
	check("short", 0.1)
	if srv.Requests(m.Chunks[0].Name) != n-counts["error"] {
		t.Errorf("requests counted %d", srv.Requests(m.Chunks[0].Name))
	}
}

func TestRateLimitPerConnection(t *testing.T) {
	m, _ := testMedia(t)
	srv, err := Start(ServerOptions{Media: m, NoCookies: true, RateLimit: 200 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// One connection, two chunks back to back: they share its budget, so the
	// transfer cannot beat size/rate. (A lower bound only: never an upper one.)
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	start := time.Now()
	var total int64
	for _, c := range m.Chunks[:2] {
		_, data := get(t, client, srv.URL+"/hls/1sampleTalk42/"+c.Name)
		total += int64(len(data))
	}
	floor := time.Duration(float64(total-piece) / float64(200<<10) * float64(time.Second))
	if el := time.Since(start); el < floor {
		t.Errorf("%d bytes in %v, faster than the %v the limit allows", total, el, floor)
	}
}

// An ffmpeg without libx264 makes the sample with the encoder it has.
// -short (make test-short) makes only the shared sample.
func TestGenerateWithOtherEncoder(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: not in -short")
	}
	_, tools := testMedia(t)
	m, err := Generate(context.Background(), MediaOptions{FFmpeg: tools.FFmpeg, Duration: 6 * time.Second, Encoder: "mpeg4", CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tools.FFprobe, "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name",
		"-of", "csv=p=0", filepath.Join(m.Dir, m.Chunks[0].Name)).Output()
	// MPEG-TS lists the stream once per program too: the first is enough.
	if f := strings.Fields(string(out)); err != nil || len(f) == 0 || f[0] != "mpeg4" {
		t.Fatalf("first chunk's video codec %q %v, want mpeg4", out, err)
	}
	if len(m.Chunks) != 2 {
		t.Errorf("%d chunks for 6 s in 3 s chunks", len(m.Chunks))
	}
	// Every chunk decodes on its own, as a player joining mid-broadcast and
	// the edit screen's previews need: mpeg4's picture size is in its VOL
	// header, which HLS would otherwise keep only in the (unsent) extradata.
	for _, c := range m.Chunks {
		out, err := exec.Command(tools.FFprobe, "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
			"-of", "csv=p=0", filepath.Join(m.Dir, c.Name)).Output()
		if f := strings.Fields(string(out)); err != nil || len(f) == 0 || f[0] != "640,360" {
			t.Errorf("%s on its own: picture size %q %v, want 640,360", c.Name, out, err)
		}
	}
}
