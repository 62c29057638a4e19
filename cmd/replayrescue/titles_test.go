package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"replayrescue/core/sample"
)

// acting reports the first character of s a terminal or a file browser
// would act on rather than show: C0/C1 controls and bidi controls.
func acting(s string) (rune, bool) {
	for _, r := range s {
		if r == '\n' || r == '\r' {
			continue // the CLI's own line breaks
		}
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
			r == 0x200e || r == 0x200f || r == 0x061c {
			return r, true
		}
	}
	return 0, false
}

// TestBroadcastTitleSafe saves a broadcast whose title (from the Periscope
// API) would act on the terminal, or is too long in bytes for a file name,
// without -o: the save finishes, the name it picks is printable and fits
// the file system's 255 bytes, and neither inspect nor save prints a
// control or bidi character.
func TestBroadcastTitleSafe(t *testing.T) {
	cases := []struct {
		name, title, file string
	}{
		{"terminal escapes and U+202E", "Talk\x1b]0;owned\x07\x1b[2J \u202Egnp.exe", "Talk]0;owned[2J gnp.exe.mp4"},
		{"300 emoji", strings.Repeat("🎥", 300), strings.Repeat("🎥", 50) + ".mp4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := startSample(t, sample.ServerOptions{Title: tc.title})
			t.Setenv("REPLAYRESCUE_PERISCOPE_API", srv.APIBase())
			const link = "https://www.pscp.tv/w/1sampleTalk42"

			code, stdout, stderr := runCLI(t, "", "inspect", link)
			if code != 0 {
				t.Fatalf("inspect: exit %d: %s", code, stderr)
			}
			if r, bad := acting(stdout + stderr); bad {
				t.Errorf("inspect prints %U: %q", r, stdout)
			}
			code, stdout, stderr = runCLI(t, "", "inspect", "--json", link)
			var rep struct {
				Candidates []candidateReport `json:"candidates"`
			}
			if err := json.Unmarshal([]byte(stdout), &rep); code != 0 || err != nil || len(rep.Candidates) == 0 {
				t.Fatalf("inspect --json: exit %d, %v: %s", code, err, stderr)
			}
			if r, bad := acting(rep.Candidates[0].Title); bad {
				t.Errorf("inspect --json gives a title with %U: %q", r, rep.Candidates[0].Title)
			}

			dir := t.TempDir()
			t.Chdir(dir)
			code, stdout, stderr = runCLI(t, "", "save", link, "--json", "--work", filepath.Join(dir, "job"))
			if code != 0 {
				t.Fatalf("save without -o: exit %d: %s", code, stderr)
			}
			if r, bad := acting(stderr); bad {
				t.Errorf("save prints %U: %q", r, stderr)
			}
			for _, ev := range ndjson(t, stdout) {
				if title, _ := ev["title"].(string); title != "" {
					if r, bad := acting(title); bad {
						t.Errorf("the %v event's title has %U", ev["event"], r)
					}
				}
			}
			if st, err := os.Stat(filepath.Join(dir, tc.file)); err != nil || st.Size() == 0 {
				entries, _ := os.ReadDir(dir)
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Fatalf("want %q, the folder holds %q", tc.file, names)
			}
		})
	}
}
