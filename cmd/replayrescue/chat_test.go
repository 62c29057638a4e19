package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"replayrescue/core/sample"
)

// inspect says the broadcast's chat can be saved; save --burn-chat draws
// it in and writes it beside the video; no chat token is ever shown.
func TestCLIChat(t *testing.T) {
	srv := startSample(t, sample.ServerOptions{})
	t.Setenv("REPLAYRESCUE_PERISCOPE_API", srv.APIBase())
	link := "https://www.pscp.tv/w/1sampleTalk42"

	code, stdout, stderr := runCLI(t, "", "inspect", link)
	if code != 0 || !strings.Contains(stdout, "chat:     available (the broadcast's chat service)") {
		t.Fatalf("inspect: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "", "inspect", "--json", link)
	var rep struct {
		Candidates []struct {
			Chat bool `json:"chat"`
		} `json:"candidates"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &rep) != nil || len(rep.Candidates) == 0 || !rep.Candidates[0].Chat {
		t.Fatalf("inspect --json: exit %d\n%s", code, stdout)
	}
	// Without chat, inspect says so.
	code, stdout, _ = runCLI(t, "", "inspect", "--cookies", "CloudFront-Policy=x", srv.PlaylistURL())
	if code != 0 || !strings.Contains(stdout, "chat:     none found") {
		t.Fatalf("inspect of a bare playlist: exit %d\n%s", code, stdout)
	}

	dir := t.TempDir()
	out := filepath.Join(dir, "talk.mp4")
	code, stdout, stderr = runCLI(t, "", "save", link, "-o", out, "--work", filepath.Join(dir, "job"), "--start", "12", "--end", "24", "--burn-chat", "--json")
	if code != 0 {
		t.Fatalf("save --burn-chat: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "Drawing the chat into the video") || !strings.Contains(stderr, "is drawn into the video and saved beside it as "+filepath.Join(dir, "talk.srt")) {
		t.Errorf("save did not say what it did with the chat:\n%s", stderr)
	}
	if !strings.Contains(stdout, `"event":"chat"`) || !strings.Contains(stdout, `"burning":true`) {
		t.Errorf("no chat or burning events in --json:\n%s", stdout)
	}
	for _, f := range []string{"talk.mp4", "talk.srt", "talk.ass"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if tok := srv.ChatToken(); tok == "" || strings.Contains(stdout+stderr, tok) || strings.Contains(stdout+stderr, "chat-access-") {
		t.Error("a chat token was shown")
	}
}
