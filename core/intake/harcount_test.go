package intake

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
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

// TestDecodeEntryMatchesEncodingJSON: reading an entry field by field gives
// what encoding/json gives for the same entry (under the caps), odd shapes
// included.
func TestDecodeEntryMatchesEncodingJSON(t *testing.T) {
	cases := []struct{ name, entry string }{
		{"plain", `{"startedDateTime":"2025-03-14T18:00:00Z","_resourceType":"xhr","request":{"method":"GET","url":"https://h.example/a.m3u8","headers":[{"name":"referer","value":"https://r/"}],"cookies":[{"name":"a","value":"b","path":"/","domain":"h.example","httpOnly":true,"secure":true}]},"response":{"status":200,"headers":[{"name":"content-type","value":"application/json"}],"cookies":[],"content":{"mimeType":"application/json","text":"{\"replay_url\":\"https://h.example/p.m3u8\"}"}}}`},
		{"keys in another case", `{"Request":{"URL":"https://h.example/a.m3u8","Headers":[{"Name":"Referer","Value":"x"}]},"RESPONSE":{"Status":403}}`},
		{"status as a string", `{"request":{"url":"https://h.example/a"},"response":{"status":"200","content":{"text":"x","mimeType":"text/plain"}}}`},
		{"nulls", `{"request":null,"response":{"headers":null,"cookies":null,"content":null}}`},
		{"wrong shapes", `{"request":[1,[2],{"url":"x"}],"response":{"headers":{"name":"a"},"cookies":"c","status":[200]}}`},
		{"unknown fields skipped", `{"timings":{"wait":[1,2,{"x":[]}]},"request":{"postData":{"params":[{"name":"a"}]},"queryString":[{"name":"q","value":"1"}],"url":"https://h.example/a"},"response":{"content":{"size":5,"compression":0,"_extra":[{}],"text":"abc"}}}`},
		{"a list given twice", `{"request":{"headers":[{"name":"a","value":"1"}],"headers":[{"name":"b","value":"2"}]}}`},
		{"an entry that is not an object", `"entry"`},
		{"an entry that is a list", `[{"request":{"url":"x"}}]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var want harEntry
			if err := json.Unmarshal([]byte(c.entry), &want); err != nil && !isTypeError(err) {
				t.Fatalf("encoding/json: %v", err)
			}
			var got harEntry
			dec := json.NewDecoder(strings.NewReader(c.entry + ` "next"`))
			if err := decodeEntry(dec, &got); err != nil {
				t.Fatal(err)
			}
			if tok, err := dec.Token(); err != nil || tok != "next" {
				t.Fatalf("the entry was not consumed exactly: next token %v, %v", tok, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}
