package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"replayrescue/core/media"
	"replayrescue/core/sample"
)

// runCLI runs the command in-process and returns its exit code and output.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// oneSentence checks the contract for failures: a short plain message, no
// stack trace or Go error chain noise.
func oneSentence(t *testing.T, stderr string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	last := lines[len(lines)-1]
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
		t.Errorf("stderr has a stack trace: %s", stderr)
	}
	if !strings.HasSuffix(last, ".") || len(last) > 400 {
		t.Errorf("failure is not one plain sentence: %q", last)
	}
}

func TestUsageAndBadInput(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string // in stdout+stderr
	}{
		{[]string{"--help"}, 0, "Usage"},
		{[]string{"--version"}, 0, "Replay Rescue"},
		{[]string{"fly"}, 2, "Unknown command"},
		{[]string{"save"}, 2, "Give a broadcast link"},
		{[]string{"save", "--help"}, 0, "Usage: replayrescue save"},
		{[]string{"save", "--bogus", "x"}, 2, "flag provided but not defined"},
		{[]string{"save", "--start", "two minutes", "https://h.example/p.m3u8"}, 2, "--start"},
		{[]string{"save", "--start", "3:00", "--end", "2:00", "https://h.example/p.m3u8"}, 2, "after --start"},
		{[]string{"save", "--audio-offset", "soon", "https://h.example/p.m3u8"}, 2, "--audio-offset"},
		{[]string{"save", "--jobs", "65", "https://h.example/p.m3u8"}, 2, "--jobs"},
		{[]string{"save", "--quality", "ultra", "https://h.example/p.m3u8"}, 2, "--quality"},
		{[]string{"save", "--audio-offset", "2s,0", "a.m3u8", "b.m3u8", "c.m3u8"}, 2, "2 values for 3 sources"},
		{[]string{"save", "--audio-offset", "2s,soon", "a.m3u8", "b.m3u8"}, 2, `"soon"`},
		{[]string{"save", "--crossfade", "3s", "a.m3u8", "b.m3u8"}, 2, `--crossfade "3s" is not a fade length`},
		{[]string{"save", "--crossfade", "soon", "a.m3u8", "b.m3u8"}, 2, `--crossfade "soon"`},
		{[]string{"save", "--crossfade", "0.5s", "a.m3u8"}, 2, "give two sources or more"},
		{[]string{"save", "-", "-"}, 2, "only once"},
		{[]string{"save", "not a link"}, 2, "link"},
		{[]string{"inspect"}, 2, "inspect"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, c.code, stderr)
			}
			if !strings.Contains(stdout+stderr, c.want) {
				t.Errorf("output lacks %q:\nstdout: %s\nstderr: %s", c.want, stdout, stderr)
			}
			if c.code == 2 && !strings.Contains(stderr, "flag provided") && !strings.Contains(stderr, "Unknown") {
				oneSentence(t, stderr)
			}
		})
	}
}

func TestFFmpegMissingExit4(t *testing.T) {
	t.Setenv("REPLAYRESCUE_FFMPEG", filepath.Join(t.TempDir(), "no-ffmpeg-here"))
	code, _, stderr := runCLI(t, "", "save", "https://h.example/p.m3u8")
	if code != 4 {
		t.Fatalf("exit %d, want 4 (stderr %q)", code, stderr)
	}
	if !strings.Contains(strings.ToLower(stderr), "ffmpeg") {
		t.Errorf("message does not name ffmpeg: %q", stderr)
	}
	oneSentence(t, stderr)
}

// ffmpeg is looked for while the download starts; when it is missing, even
// a live broadcast (rendered only once it ends) stops as soon as that is
// known instead of being followed to its end first.
func TestFFmpegMissingStopsALiveSave(t *testing.T) {
	var mu sync.Mutex
	reads := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/live.m3u8" {
			mu.Lock()
			reads++
			mu.Unlock()
			// Still live: no end, and no new chunk either.
			fmt.Fprint(w, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1.0,\nc0.ts\n")
			return
		}
		w.Write(make([]byte, 188*100))
	}))
	t.Cleanup(srv.Close)
	t.Setenv("REPLAYRESCUE_FFMPEG", filepath.Join(t.TempDir(), "no-ffmpeg-here"))
	code, _, stderr := runCLI(t, "", "save", srv.URL+"/live.m3u8", "--work", filepath.Join(t.TempDir(), "job"),
		"-o", filepath.Join(t.TempDir(), "talk.mp4"))
	if code != 4 || !strings.Contains(stderr, "ffmpeg") {
		t.Fatalf("exit %d, want 4 naming ffmpeg (stderr %q)", code, stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	// Following ends after 12 reads without news; this save never got there.
	if reads >= 12 {
		t.Errorf("the live playlist was read %d times before the missing ffmpeg was reported", reads)
	}
}

var (
	cliSampleOnce sync.Once
	cliSample     *sample.Media
	cliErr        error
)

func startSample(t *testing.T, opts sample.ServerOptions) *sample.Server {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test")
	}
	cliSampleOnce.Do(func() {
		tools, err := media.Find()
		if err != nil {
			cliErr = err
			return
		}
		cliSample, cliErr = sample.Generate(context.Background(), sample.MediaOptions{FFmpeg: tools.FFmpeg, Duration: 30 * time.Second})
	})
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	opts.Media = cliSample
	srv, err := sample.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// ndjson reads --json output: one event per line.
func ndjson(t *testing.T, stdout string) []map[string]any {
	t.Helper()
	var events []map[string]any
	sc := bufio.NewScanner(strings.NewReader(stdout))
	for sc.Scan() {
		var ev map[string]any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("stdout line is not JSON: %q", sc.Text())
		}
		events = append(events, ev)
	}
	return events
}

func cookieString(srv *sample.Server) string {
	var parts []string
	for _, c := range srv.Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

func TestSaveJSONAndNoSecrets(t *testing.T) {
	srv := startSample(t, sample.ServerOptions{})
	cookies := cookieString(srv)
	dir := t.TempDir()
	out := filepath.Join(dir, "talk.mp4")
	code, stdout, stderr := runCLI(t, "", "save", srv.PlaylistURL(), "--cookies", cookies, "--audio-offset", "2s",
		"--start", "0:05", "-o", out, "--json", "--work", filepath.Join(dir, "job"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	kinds := map[string]int{}
	for _, ev := range ndjson(t, stdout) {
		kinds[ev["event"].(string)]++
	}
	for _, k := range []string{"found", "progress", "rendering", "done"} {
		if kinds[k] == 0 {
			t.Errorf("no %q event in %v", k, kinds)
		}
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
	for _, c := range srv.Cookies() {
		if strings.Contains(stdout+stderr, c.Value) {
			t.Errorf("cookie %s's value appears in the output", c.Name)
		}
	}
	// Same output again without --force: refused, file untouched.
	before, _ := os.Stat(out)
	code, _, stderr = runCLI(t, "", "save", srv.PlaylistURL(), "--cookies", cookies, "-o", out)
	if code != 2 || !strings.Contains(stderr, "--force") {
		t.Errorf("second save: exit %d, %q", code, stderr)
	}
	if after, _ := os.Stat(out); !after.ModTime().Equal(before.ModTime()) {
		t.Error("existing output was modified")
	}
}

func TestSaveWithoutCookiesExit3(t *testing.T) {
	srv := startSample(t, sample.ServerOptions{})
	out := filepath.Join(t.TempDir(), "talk.mp4")
	code, _, stderr := runCLI(t, "", "save", srv.PlaylistURL(), "-o", out, "--work", t.TempDir())
	if code != 3 {
		t.Fatalf("exit %d, want 3: %s", code, stderr)
	}
	oneSentence(t, stderr)
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("output written on failure")
	}
}

func TestInspectPlaylist(t *testing.T) {
	srv := startSample(t, sample.ServerOptions{})
	cookies := cookieString(srv)
	code, stdout, stderr := runCLI(t, "", "inspect", "--json", "--cookies", cookies, srv.PlaylistURL())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Candidates []candidateReport `json:"candidates"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("inspect --json: %v\n%s", err, stdout)
	}
	if len(rep.Candidates) != 1 || rep.Candidates[0].Verdict != "ready" || rep.Candidates[0].Chunks != 10 {
		t.Errorf("report %+v", rep.Candidates)
	}
	for _, c := range srv.Cookies() {
		if strings.Contains(stdout, c.Value) {
			t.Errorf("inspect shows cookie %s's value", c.Name)
		}
	}
	// Without cookies the verdict says what is wrong, and inspect still succeeds.
	code, stdout, _ = runCLI(t, "", "inspect", srv.PlaylistURL())
	if code != 0 || !strings.Contains(stdout, "needs fresh credentials") {
		t.Errorf("inspect without cookies: exit %d\n%s", code, stdout)
	}
}

func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test")
	}
	out := filepath.Join(t.TempDir(), "demo.mp4")
	code, _, stderr := runCLI(t, "", "demo", "-o", out, "--work", t.TempDir())
	if code != 0 {
		t.Fatalf("demo exit %d: %s", code, stderr)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("demo output: %v", err)
	}
	if !strings.Contains(stderr, "Saved") {
		t.Errorf("demo did not say it saved: %s", stderr)
	}
}

func TestOutputPath(t *testing.T) {
	if got := outputPath("", "", false); got != "replay.mp4" {
		t.Errorf("default output %q", got)
	}
	if got := outputPath("", "My talk: live!", false); got != "My talk live!.mp4" {
		t.Errorf("output from the title %q", got)
	}
	if got := outputPath("x/talk.mp4", "My talk", false); got != "x/talk.mp4" {
		t.Errorf("-o ignored: %q", got)
	}
	if got := outputPath("", "Ask me anything", true); got != "Ask me anything.m4a" {
		t.Errorf("a Space's default %q", got)
	}
	if got := outputPath("ama.mp4", "Ask me anything", true); got != "ama.mp4" {
		t.Errorf("-o ignored for a Space: %q", got)
	}
}

// TestSaveBroadcastLink follows the path a presenter takes: paste the
// broadcast link; the app asks the Periscope API (here the sample's) for the
// replay and its cookies.
func TestSaveBroadcastLink(t *testing.T) {
	srv := startSample(t, sample.ServerOptions{})
	t.Setenv("REPLAYRESCUE_PERISCOPE_API", srv.APIBase())
	dir := t.TempDir()
	out := filepath.Join(dir, "talk.mp4")
	code, stdout, stderr := runCLI(t, "", "save", "https://www.pscp.tv/w/1sampleTalk42", "-o", out, "--work", filepath.Join(dir, "job"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "Internationalization Done Wrong") {
		t.Errorf("the broadcast title was not shown: %s", stderr)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("output: %v", err)
	}
	if strings.Contains(stdout+stderr, "CloudFront-Signature=") {
		t.Error("cookie shown in output")
	}
}

// TestSaveFromHAR saves from a HAR file shaped like Chrome's export of the
// sample broadcast page: the API response carries replay_url and cookies.
func TestSaveFromHAR(t *testing.T) {
	srv := startSample(t, sample.ServerOptions{})
	resp, err := http.Get(srv.APIBase() + "/api/v2/accessVideoPublic?broadcast_id=1sampleTalk42")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	har := map[string]any{"log": map[string]any{"version": "1.2", "creator": map[string]any{"name": "WebInspector", "version": "537.36"},
		"entries": []any{map[string]any{
			"startedDateTime": "2026-11-24T10:00:00.000Z", "_resourceType": "xhr",
			"request": map[string]any{"method": "GET", "url": srv.APIBase() + "/api/v2/accessVideoPublic?broadcast_id=1sampleTalk42",
				"headers": []any{map[string]any{"name": ":authority", "value": "127.0.0.1"}}, "cookies": []any{}},
			"response": map[string]any{"status": 200, "headers": []any{map[string]any{"name": "content-type", "value": "application/json"}},
				"cookies": []any{}, "content": map[string]any{"mimeType": "application/json", "text": string(body)}},
		}}}}
	data, _ := json.Marshal(har)
	dir := t.TempDir()
	harPath := filepath.Join(dir, "pscp.tv.har")
	os.WriteFile(harPath, data, 0o600)
	out := filepath.Join(dir, "talk.mp4")
	code, _, stderr := runCLI(t, "", "save", harPath, "-o", out, "--work", filepath.Join(dir, "job"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("output: %v", err)
	}
	// The same HAR through stdin.
	out2 := filepath.Join(dir, "talk2.mp4")
	code, _, stderr = runCLI(t, string(data), "save", "-", "-o", out2, "--work", filepath.Join(dir, "job2"))
	if code != 0 {
		t.Fatalf("stdin: exit %d: %s", code, stderr)
	}
}

func TestFFmpegStatus(t *testing.T) {
	if _, err := media.Find(); err != nil {
		t.Skip(err)
	}
	code, stdout, stderr := runCLI(t, "", "ffmpeg", "status")
	if code != 0 || !strings.Contains(stdout, "ffmpeg version") || !strings.Contains(stdout, "It will do.") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
	// An ffmpeg too old to rely on is named, with what to do.
	dir := t.TempDir()
	old := filepath.Join(dir, "ffmpeg")
	os.WriteFile(old, []byte("#!/bin/sh\necho 'ffmpeg version 4.1.11 Copyright (c) 2000-2023'\n"), 0o755)
	os.WriteFile(filepath.Join(dir, "ffprobe"), []byte("#!/bin/sh\nexit 0\n"), 0o755)
	t.Setenv("REPLAYRESCUE_FFMPEG", old)
	t.Setenv("REPLAYRESCUE_FFPROBE", filepath.Join(dir, "ffprobe"))
	code, _, stderr = runCLI(t, "", "ffmpeg", "status")
	if code != 4 || !strings.Contains(stderr, "version 4.1, older than") {
		t.Errorf("old ffmpeg: exit %d: %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "", "save", "-o", filepath.Join(dir, "x.mp4"), "https://h.example/p.m3u8")
	if code != 4 || !strings.Contains(stderr, "older than") {
		t.Errorf("save with an old ffmpeg: exit %d: %s", code, stderr)
	}
}

// --poster is checked before anything slow: a time it cannot read, and a
// poster that would replace a file without --force, each get one sentence
// and exit 2, and nothing is fetched.
func TestPosterFlagCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "talk.mp4")
	code, _, stderr := runCLI(t, "", "save", "--poster", "soon", "-o", out, "http://127.0.0.1:1/talk.m3u8")
	if code != 2 || !strings.Contains(stderr, `--poster "soon" is not a time`) {
		t.Errorf("--poster soon: exit %d, %q", code, stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, "talk.jpg"), []byte("the user's picture"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, "", "save", "--poster", "1:05", "-o", out, "http://127.0.0.1:1/talk.m3u8")
	if code != 2 || !strings.Contains(stderr, "talk.jpg already exists") {
		t.Errorf("an existing poster: exit %d, %q", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "talk.jpg")); string(b) != "the user's picture" {
		t.Error("the user's picture was touched")
	}
}
