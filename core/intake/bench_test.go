package intake

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// writeBigHAR writes a video session HAR of about size bytes to path,
// streaming: a Periscope replay session, then media chunk entries with
// 2 MiB base64 bodies (as Chrome saves them with content), the playlist
// polled every ten chunks.
func writeBigHAR(tb testing.TB, path string, size int64) int64 {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	raw := make([]byte, 1536<<10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range raw {
		raw[i] = byte(rng.Uint32())
	}
	raw[0] = 0x47
	body, _ := json.Marshal(raw) // base64, quoted
	start := time.Date(2025, 3, 14, 18, 0, 0, 0, time.UTC)
	write := func(e map[string]any, first bool) {
		if !first {
			w.WriteString(",\n")
		}
		data, _ := json.Marshal(e)
		if i := bytes.Index(data, []byte(`"@BODY@"`)); i >= 0 {
			w.Write(data[:i])
			w.Write(body)
			w.Write(data[i+len(`"@BODY@"`):])
			return
		}
		w.Write(data)
	}
	w.WriteString(`{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[],"entries":[` + "\n")
	session := periscopeSession(replayURL)
	for i, r := range session[:3] {
		write(chrome.entry(r, start.Add(time.Duration(i)*time.Second)), i == 0)
	}
	chunk := session[3]
	var written int64
	for n := 0; written < size; n++ {
		at := start.Add(time.Duration(n+3) * time.Second)
		if n%10 == 9 {
			write(chrome.entry(session[2], at), false)
		}
		chunk.url = "https://replay.periscope.tv/Ab3xY/chunk_1432911712834479447_" + strconv.Itoa(n) + "_a.ts"
		e := chrome.entry(chunk, at)
		content := e["response"].(map[string]any)["content"].(map[string]any)
		content["text"], content["encoding"], content["size"] = "@BODY@", "base64", len(raw)
		write(e, false)
		written += int64(len(body)) + 2048
	}
	w.WriteString("\n]}}\n")
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	st, _ := f.Stat()
	f.Close()
	return st.Size()
}

// BenchmarkLargeHAR resolves a generated 300 MB video HAR (set
// INTAKE_BENCH_MB for another size). Run with -benchmem; peak memory:
// /usr/bin/time -v on the test binary.
func BenchmarkLargeHAR(b *testing.B) {
	mb := 300
	if v, err := strconv.Atoi(os.Getenv("INTAKE_BENCH_MB")); err == nil && v > 0 {
		mb = v
	}
	path := filepath.Join(b.TempDir(), "video-session.har")
	b.SetBytes(writeBigHAR(b, path, int64(mb)<<20))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		cands, err := Resolve(context.Background(), Input{Source: path})
		if err != nil || cands[0].URL != replayURL || cands[0].Title != broadcastTitle {
			b.Fatalf("%v %v", err, urls(cands))
		}
	}
}
