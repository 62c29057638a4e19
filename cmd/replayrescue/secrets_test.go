package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"replayrescue/core/sample"
)

// TestNoSecretInAnyOutput runs everything a user can run on a source that
// carries every kind of secret (cookies, an Authorization header, a signed
// query string), successful and failing, and greps every byte the program
// leaves behind: stdout, stderr, NDJSON events, inspect reports, the job
// folder (state file, concat list) and the MP4 itself.
func TestNoSecretInAnyOutput(t *testing.T) {
	srv := startSample(t, sample.ServerOptions{})
	const (
		bearer = "BEARERsecret0123456789"
		sig    = "SIGNATUREsecret0123456789"
		policy = "POLICYsecret0123456789"
	)
	sep := "?"
	if strings.Contains(srv.PlaylistURL(), "?") {
		sep = "&"
	}
	signed := srv.PlaylistURL() + sep + "Policy=" + policy + "&Signature=" + sig + "&Key-Pair-Id=K2"
	secrets := []string{bearer, sig, policy}
	for _, c := range srv.Cookies() {
		secrets = append(secrets, c.Value)
	}
	dir := t.TempDir()
	work := filepath.Join(dir, "job")
	var outputs []string
	runs := [][]string{
		{"inspect", "--cookies", cookieString(srv), "-H", "Authorization: Bearer " + bearer, signed},
		{"inspect", "--json", "--cookies", cookieString(srv), "-H", "Authorization: Bearer " + bearer, signed},
		// Refused (no cookies): the failure sentence.
		{"save", "-H", "Authorization: Bearer " + bearer, "-o", filepath.Join(dir, "refused.mp4"), "--work", filepath.Join(dir, "refused"), signed},
		{"save", "--json", "-H", "Authorization: Bearer " + bearer, "-o", filepath.Join(dir, "refused.mp4"), "--work", filepath.Join(dir, "refused"), signed},
		// The whole save, keeping the job folder.
		{"save", "--json", "--keep", "--cookies", cookieString(srv), "-H", "Authorization: Bearer " + bearer,
			"--audio-offset", "2s", "-o", filepath.Join(dir, "talk.mp4"), "--work", work, signed},
	}
	for _, args := range runs {
		code, stdout, stderr := runCLI(t, "", args...)
		outputs = append(outputs, stdout, stderr)
		if args[len(args)-2] == work && code != 0 {
			t.Fatalf("save: exit %d: %s", code, stderr)
		}
	}
	files := 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files++
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds a secret (%.8s...)", path, s)
			}
		}
		return nil
	})
	if _, err := os.Stat(filepath.Join(work, "state.json")); err != nil || files < 3 {
		t.Fatalf("the kept job folder is missing (%d files): %v", files, err)
	}
	for i, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("output %d (%s) shows a secret (%.8s...):\n%s", i/2, strings.Join(runs[i/2][:1], " "), s, out)
			}
		}
	}
}
