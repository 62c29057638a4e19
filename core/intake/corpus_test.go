package intake

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir finds shared/corpus/har by walking up from the package folder;
// it is absent from a user's clone, and the tests then skip.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "corpus", "har")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared/corpus/har is not here (it is not part of the project)")
		}
		dir = parent
	}
}

// TestCorpusHARs reads real exports from Chrome, Firefox, Safari, IE,
// Charles, Insomnia and Fiddler, and broken files. None carries HLS: each
// must end in one clear sentence (no stream, or not a readable HAR), never
// a panic or a candidate.
func TestCorpusHARs(t *testing.T) {
	dir := corpusDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.har"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no HAR files in %s: %v", dir, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			cands, err := Resolve(context.Background(), Input{Source: f})
			if len(cands) != 0 {
				t.Fatalf("found %d candidates in a HAR without HLS: %+v", len(cands), cands[0])
			}
			var ie *InputError
			if !errors.As(err, &ie) || !errors.Is(err, ErrNoSource) {
				t.Fatalf("err = %v (%T), want an *InputError", err, err)
			}
			msg := err.Error()
			if strings.Count(strings.TrimSuffix(msg, "."), ". ") > 0 || !strings.HasSuffix(msg, ".") {
				t.Errorf("not one sentence: %q", msg)
			}
			t.Logf("%s", msg)
		})
	}
}
