package intake

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWrongFileNeverEchoed: a file picked by mistake (or piped in) may hold
// passwords; the sentence saying it is not a source names the file, never a
// word of what is in it.
func TestWrongFileNeverEchoed(t *testing.T) {
	cases := []struct {
		name, file, content string
		secrets             []string
		unnamed             bool // the sentence is about a cURL command, not the file
	}{
		{"netrc", "netrc.txt", "machine example.com login bob password hunter2\n", []string{"bob", "hunter2", "machine"}, false},
		{"short note", "notes.txt", "call alice tomorrow\n", []string{"alice", "tomorrow"}, false},
		{"user and password", "creds.txt", "bob hunter2\nsecond line\n", []string{"bob", "hunter2"}, false},
		{"shell script", "get.sh", "echo sekrit-value\n", []string{"sekrit"}, false},
		{"broken HAR", "session.har", `{"password": "hunter2", `, []string{"hunter2"}, false},
		{"broken cURL", "req.curl", "curl -H 'Authorization: Bearer hunter2", []string{"hunter2"}, true},
	}
	dir := t.TempDir()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.file)
			if err := os.WriteFile(p, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, in := range []Input{{Source: p}, {Source: "-", Stdin: strings.NewReader(tc.content)}} {
				_, err := Resolve(context.Background(), in)
				if err == nil {
					t.Fatalf("%s: no error", in.Source)
				}
				msg := err.Error()
				for _, s := range tc.secrets {
					if strings.Contains(msg, s) {
						t.Errorf("%s: the error echoes %q: %s", in.Source, s, msg)
					}
				}
				if in.Source == p && !tc.unnamed && !strings.Contains(msg, tc.file) {
					t.Errorf("the error does not name the file: %s", msg)
				}
				if strings.Contains(msg, "\n") || !strings.HasSuffix(msg, ".") {
					t.Errorf("not one sentence: %q", msg)
				}
			}
		})
	}
	// Typed text is the user's own, on their screen already: short and
	// harmless, it is quoted back; a credential-looking line is not.
	for _, typed := range []string{"machine example.com login bob password hunter2", "my secret hunter2"} {
		_, err := Resolve(context.Background(), Input{Source: typed})
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("typed %q: %v", typed, err)
		}
	}
	if _, err := Resolve(context.Background(), Input{Source: "not a link"}); err == nil || !strings.Contains(err.Error(), `"not a link"`) {
		t.Errorf("a harmless typed text is no longer quoted: %v", err)
	}
}
