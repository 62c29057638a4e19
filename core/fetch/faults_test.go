package fetch

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"replayrescue/core/playlist"
)

// A connection reset in the middle of a body (the server drops the TCP
// connection after part of the chunk) is retried, and the half-received
// chunk is never taken for a finished one.
func TestConnectionResetMidBody(t *testing.T) {
	h := newHost(t, nil)
	var mu sync.Mutex
	resets := map[int]int{}
	h.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/c/"), ".ts"))
		h.mu.Lock()
		h.requests[i]++
		h.mu.Unlock()
		body := chunkBody(i)
		mu.Lock()
		first := resets[i] == 0
		resets[i]++
		mu.Unlock()
		if first {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(body))
			buf.Write(body[:len(body)/2])
			buf.Flush()
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetLinger(0) // a real reset (RST), not a clean close
			}
			conn.Close()
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
	downloadAll(t, h, 10, 2)
}

// downloadAll downloads n chunks from h, checks them, and checks that each
// took exactly requests requests.
func downloadAll(t *testing.T, h *host, n, requests int) {
	t.Helper()
	dir := t.TempDir()
	if err := Download(context.Background(), h.segments(n), fastOptions(dir)); err != nil {
		t.Fatal(err)
	}
	checkChunks(t, dir, n, all)
	for i := range n {
		if h.count(i) != requests {
			t.Errorf("chunk %d: %d requests, want %d", i, h.count(i), requests)
		}
	}
}

// The host refuses connections for a while (restarting, or the network is
// down), then comes back: the download waits it out and completes.
func TestConnectionRefusedThenBack(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connections are refused

	var served sync.Map
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/c/"), ".ts"))
		served.Store(i, true)
		body := chunkBody(i)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})}
	back := make(chan error, 1)
	time.AfterFunc(400*time.Millisecond, func() {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			back <- err
			return
		}
		back <- nil
		srv.Serve(ln)
	})
	t.Cleanup(func() { srv.Close() })

	segs := make([]playlist.Segment, 8)
	for i := range segs {
		segs[i] = playlist.Segment{Index: i, URL: fmt.Sprintf("http://%s/c/%d.ts", addr, i), Duration: time.Second}
	}
	dir := t.TempDir()
	opts := fastOptions(dir)
	opts.Backoff, opts.MaxBackoff = 20*time.Millisecond, 150*time.Millisecond
	start := time.Now()
	err = Download(context.Background(), segs, opts)
	if e := <-back; e != nil {
		t.Skipf("could not listen on %s again: %v", addr, e)
	}
	if err != nil {
		t.Fatalf("download failed after the host came back: %v", err)
	}
	checkChunks(t, dir, 8, all)
	t.Logf("completed %v after the start, host back after 400ms", time.Since(start).Round(time.Millisecond))
}

// A host that never comes back fails with one message naming the problem,
// and leaves no partial files.
func TestConnectionRefusedForGood(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	segs := []playlist.Segment{{Index: 0, URL: "http://" + addr + "/c/0.ts?token=SECRET123", Duration: time.Second}}
	dir := t.TempDir()
	err = Download(context.Background(), segs, fastOptions(dir))
	if err == nil || !strings.Contains(err.Error(), "connection problem") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "SECRET123") {
		t.Errorf("error shows the token: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left: %v", entries)
	}
}
