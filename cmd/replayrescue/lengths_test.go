package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestImpossibleChunkLength: a playlist giving a chunk a length of NaN,
// infinity or 1e300 seconds once showed a length of "-2562047:47:14" and
// went on; inspect and save now say in one sentence that it is damaged.
func TestImpossibleChunkLength(t *testing.T) {
	for _, v := range []string{"NaN", "Inf", "1e300"} {
		t.Run(v, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
				fmt.Fprintf(w, "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\na.ts\n#EXTINF:%s,\nb.ts\n#EXT-X-ENDLIST\n", v)
			}))
			defer srv.Close()
			link := srv.URL + "/p.m3u8"

			code, stdout, stderr := runCLI(t, "", "inspect", link)
			if code != 0 || !strings.Contains(stdout, "damaged playlist") || !strings.Contains(stdout, "impossible length") || strings.Contains(stdout, "2562047") {
				t.Errorf("inspect: exit %d\n%s%s", code, stdout, stderr)
			}
			dir := t.TempDir()
			code, _, stderr = runCLI(t, "", "save", link, "-o", filepath.Join(dir, "talk.mp4"), "--work", filepath.Join(dir, "job"))
			if code != 2 || !strings.Contains(stderr, "impossible length") || strings.Contains(stderr, "2562047") {
				t.Errorf("save: exit %d: %s", code, stderr)
			}
			oneSentence(t, stderr)
		})
	}
}
