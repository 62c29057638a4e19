package fetch

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"replayrescue/core/playlist"
	"replayrescue/core/web"
	"replayrescue/core/web/webtest"
)

// sawSecrets records which of the secrets a server was sent, by path.
type sawSecrets struct {
	mu   sync.Mutex
	hits map[string][]string
}

func (s *sawSecrets) note(r *http.Request, secrets []string) {
	var b strings.Builder
	_ = r.Header.Write(&b)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hits == nil {
		s.hits = map[string][]string{}
	}
	s.hits[r.URL.Path] = append(s.hits[r.URL.Path], "")
	for _, sec := range secrets {
		if strings.Contains(b.String(), sec) {
			s.hits[r.URL.Path] = append(s.hits[r.URL.Path], sec)
		}
	}
}

func (s *sawSecrets) get() map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]string{}
	for k, v := range s.hits {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// encryptBody is body in AES-128-CBC with PKCS#7 padding, as HLS has it.
func encryptBody(t *testing.T, body, key, iv []byte) []byte {
	t.Helper()
	pad := aes.BlockSize - len(body)%aes.BlockSize
	data := append(append([]byte(nil), body...), bytes.Repeat([]byte{byte(pad)}, pad)...)
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(data, data)
	return data
}

// TestUserHeadersNeverReachOtherHosts: the source's custom headers reach
// its own chunk, but not a chunk on a second host, not the AES key on that
// host, and not a chunk the source redirects there.
func TestUserHeadersNeverReachOtherHosts(t *testing.T) {
	secrets := []string{"SECRETAPIKEY", "SECRETPROXY", "SECRETREF"}
	key := []byte("0123456789abcdef")
	iv := make([]byte, aes.BlockSize)
	var other sawSecrets
	cdn := webtest.OtherHost(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.note(r, secrets)
		switch r.URL.Path {
		case "/key":
			w.Write(key)
		case "/c/1.ts":
			w.Write(encryptBody(t, chunkBody(1), key, iv))
		case "/c/2.ts":
			w.Write(chunkBody(2))
		}
	}))
	var home sawSecrets
	src := webtest.StartDual(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		home.note(r, secrets)
		switch r.URL.Path {
		case "/c/0.ts":
			w.Write(chunkBody(0))
		case "/c/2.ts":
			http.Redirect(w, r, cdn.URL+"/c/2.ts", http.StatusFound)
		}
	}))
	srcURL, _ := url.Parse(src.HTTP + "/list.m3u8")
	h := http.Header{}
	h.Set("X-Api-Key", "SECRETAPIKEY")
	h.Set("Proxy-Authorization", "Basic SECRETPROXY")
	h.Set("Referer", "http://site.example/watch?token=SECRETREF")
	dir := t.TempDir()
	opts := fastOptions(dir)
	opts.Client = web.NewClient(web.Credentials{Jar: web.NewJar(), Header: h, Scheme: srcURL.Scheme, Host: srcURL.Host}, web.ClientOptions{})
	segs := []playlist.Segment{
		{Index: 0, URL: src.HTTP + "/c/0.ts"},
		{Index: 1, URL: cdn.URL + "/c/1.ts", Key: &playlist.Key{Method: "AES-128", URI: cdn.URL + "/key", IV: "0x" + strings.Repeat("00", aes.BlockSize)}},
		{Index: 2, URL: src.HTTP + "/c/2.ts"},
	}
	if err := Download(context.Background(), segs, opts); err != nil {
		t.Fatal(err)
	}
	checkChunks(t, dir, 3, all)
	if got := home.get()["/c/0.ts"]; len(got) != 4 {
		t.Errorf("the source's own chunk got %v, want all three secrets", got)
	}
	seen := other.get()
	for _, p := range []string{"/key", "/c/1.ts", "/c/2.ts"} {
		got, ok := seen[p]
		if !ok {
			t.Errorf("the other host never served %s", p)
		}
		if len(got) != 1 {
			t.Errorf("the other host got %v with %s", got[1:], p)
		}
	}
}

// trickle answers with a promised length (or none) and then one byte every
// so often, often enough that no idle timeout ever fires, until the client
// goes away.
func trickle(w http.ResponseWriter, r *http.Request, length int, every time.Duration) {
	if length > 0 {
		w.Header().Set("Content-Length", strconv.Itoa(length))
	}
	w.WriteHeader(http.StatusOK)
	for range length + 1<<20 {
		if _, err := w.Write([]byte{'x'}); err != nil {
			return
		}
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(every):
		}
	}
}

// TestTrickledChunkEndsAsStall: a chunk that keeps coming a byte at a time
// (which resets any idle timer) is ended by its pace, with an error naming
// the host, and the chunk already downloaded stays.
func TestTrickledChunkEndsAsStall(t *testing.T) {
	for _, length := range []int{100_000, 0} {
		t.Run(fmt.Sprintf("length %d", length), func(t *testing.T) {
			srv := webtest.StartDual(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/c/0.ts" {
					w.Write(chunkBody(0))
					return
				}
				trickle(w, r, length, 10*time.Millisecond)
			}))
			dir := t.TempDir()
			opts := fastOptions(dir)
			opts.Jobs = 1
			opts.Retries = 1
			opts.IdleTimeout = 5 * time.Second
			opts.ChunkBase, opts.MinRate = 100*time.Millisecond, 1000
			// A safety net for the test only: without a pace the trickle
			// would go on far longer than this.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			segs := []playlist.Segment{{Index: 0, URL: srv.HTTP + "/c/0.ts"}, {Index: 1, URL: srv.HTTP + "/c/1.ts"}}
			err := Download(ctx, segs, opts)
			var stall *web.StallError
			if !errors.As(err, &stall) || stall.Host != "127.0.0.1" || !errors.Is(err, ErrStalled) {
				t.Fatalf("err = %v, want the host's stall", err)
			}
			if stall.Sentence() != "The server at 127.0.0.1 stopped sending data: try again later." {
				t.Errorf("sentence %q", stall.Sentence())
			}
			checkChunks(t, dir, 2, func(i int) bool { return i == 0 })
		})
	}
}

// TestPermanentErrorsFailAtOnce: a chunk over the size cap, a redirect
// loop and a redirect to a file: link get the same answer every time, so
// each is tried once, and said as what it is.
func TestPermanentErrorsFailAtOnce(t *testing.T) {
	var mu sync.Mutex
	attempts := map[string]int{}
	srv := webtest.StartDual(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/c/") {
			mu.Lock()
			attempts[r.URL.Path]++
			mu.Unlock()
		}
		switch r.URL.Path {
		case "/c/big.ts":
			w.Header().Set("Content-Length", "5000")
			w.Write(bytes.Repeat([]byte("x"), 5000))
		case "/c/bigchunked.ts":
			for range 5 {
				w.Write(bytes.Repeat([]byte("x"), 1000))
				w.(http.Flusher).Flush()
			}
		case "/c/loop.ts", "/loop":
			http.Redirect(w, r, "/loop?token=SECRET", http.StatusFound)
		case "/c/file.ts":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		}
	}))
	for _, c := range []struct{ path, words string }{
		{"/c/big.ts", "larger than"},
		{"/c/bigchunked.ts", "larger than"},
		{"/c/loop.ts", "kept redirecting"},
		{"/c/file.ts", "redirected to a file: link, which is not allowed"},
	} {
		opts := fastOptions(t.TempDir())
		opts.MaxChunkBytes = 1000
		opts.Backoff, opts.MaxBackoff = time.Millisecond, time.Millisecond
		err := Download(context.Background(), []playlist.Segment{{Index: 0, URL: srv.HTTP + c.path}}, opts)
		if err == nil || !strings.Contains(err.Error(), c.words) || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: err = %v", c.path, err)
		}
		mu.Lock()
		n := attempts[c.path]
		mu.Unlock()
		if n != 1 {
			t.Errorf("%s: tried %d times, want once", c.path, n)
		}
	}
}

// TestKeyStallNamesKeyHost: a key server that stalls is the one named.
func TestKeyStallNamesKeyHost(t *testing.T) {
	keys := webtest.OtherHost(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { trickle(w, r, 16, 50*time.Millisecond) }))
	srv := webtest.StartDual(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(make([]byte, 32))
	}))
	opts := fastOptions(t.TempDir())
	opts.Retries = 1
	opts.IdleTimeout = 5 * time.Second
	opts.ChunkBase, opts.MinRate = 100*time.Millisecond, 1000
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	seg := playlist.Segment{Index: 0, URL: srv.HTTP + "/c/0.ts", Key: &playlist.Key{Method: "AES-128", URI: keys.URL + "/key"}}
	err := Download(ctx, []playlist.Segment{seg}, opts)
	var stall *web.StallError
	if !errors.As(err, &stall) || stall.Host != webtest.OtherHostIP {
		t.Fatalf("err = %v, want the key host's stall", err)
	}
	if _, err := os.Stat(filepath.Join(opts.Dir, ChunkName(0))); err == nil {
		t.Error("a chunk without its key was kept")
	}
}
