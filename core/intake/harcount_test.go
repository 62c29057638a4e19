package intake

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countVisitor remembers the longest header and cookie lists it was given.
type countVisitor struct{ headers, cookies int }

func (v *countVisitor) onCreator(harCreator) {}
func (v *countVisitor) onEntry(_ int, e *harEntry) {
	v.headers = max(v.headers, len(e.Request.Headers), len(e.Response.Headers))
	v.cookies = max(v.cookies, len(e.Request.Cookies), len(e.Response.Cookies))
}

// writeManyHeadersHAR writes a Periscope session HAR whose first entry
// carries n request headers and n/10 response cookies.
func writeManyHeadersHAR(t testing.TB, n int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "many-headers.har")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	session := harBytes(chrome, false, periscopeSession(replayURL)...)
	i := bytes.Index(session, []byte(`"entries": [`)) + len(`"entries": [`)
	w.Write(session[:i])
	w.WriteString(`{"startedDateTime":"2025-03-14T17:59:00.000Z","request":{"method":"GET","url":"https://h.example/x","headers":[`)
	for k := range n {
		if k > 0 {
			w.WriteByte(',')
		}
		fmt.Fprintf(w, `{"name":"x-h%d","value":"v"}`, k)
	}
	w.WriteString(`],"cookies":[]},"response":{"status":200,"headers":[],"cookies":[`)
	for k := range n / 10 {
		if k > 0 {
			w.WriteByte(',')
		}
		fmt.Fprintf(w, `{"name":"c%d","value":"v","path":"/"}`, k)
	}
	w.WriteString(`],"content":{"mimeType":"text/plain","text":"x"}}},`)
	w.Write(session[i:])
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

// peakHeap runs f and returns the highest heap in use seen while it ran
// (sampled) and the bytes it allocated in all.
func peakHeap(f func()) (peak, total uint64) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var top atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > top.Load() {
				top.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if top.Load() > before.HeapInuse {
		peak = top.Load() - before.HeapInuse
	}
	return peak, after.TotalAlloc - before.TotalAlloc
}

// TestHARManyHeaders: one entry with two million headers (and 200,000
// cookies) is read keeping at most maxHARHeaders of each list, and the
// session around it is still found. The memory it takes is reported, not
// asserted (it depends on the machine and the garbage collector).
func TestHARManyHeaders(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads a 70 MB HAR file")
	}
	p := writeManyHeadersHAR(t, 2_000_000)
	st, _ := os.Stat(p)
	var v countVisitor
	var n int
	var err error
	peak, total := peakHeap(func() {
		f, ferr := os.Open(p)
		if ferr != nil {
			t.Fatal(ferr)
		}
		defer f.Close()
		n, _, err = readHAR(f, &v)
	})
	t.Logf("%d MB HAR, one entry with 2,000,000 headers and 200,000 cookies: peak heap %d MB, %d MB allocated in all",
		st.Size()>>20, peak>>20, total>>20)
	if err != nil || n != 5 {
		t.Fatalf("read %d entries: %v", n, err)
	}
	if v.headers > maxHARHeaders || v.cookies > maxHARCookies {
		t.Errorf("kept %d headers and %d cookies of one entry, cap %d and %d", v.headers, v.cookies, maxHARHeaders, maxHARCookies)
	}
	if v.headers < 100 {
		t.Errorf("kept only %d headers", v.headers)
	}
	cands, err := Resolve(context.Background(), Input{Source: p})
	if err != nil || cands[0].URL != replayURL {
		t.Fatalf("the session around it: %v", err)
	}
}
