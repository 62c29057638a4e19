// Command samplehost serves the sample broadcast on loopback for benchmarks
// and manual testing: it prints the playlist URL, the cookie string to pass
// with --cookies, and the API base for REPLAYRESCUE_PERISCOPE_API, then
// serves until interrupted.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"replayrescue/core/media"
	"replayrescue/core/sample"
)

func main() {
	duration := flag.Duration("duration", 10*time.Minute, "length of the sample")
	chunk := flag.Duration("chunk", 3*time.Second, "chunk length")
	rate := flag.Int64("rate", 0, "bytes per second per connection (0 = unlimited)")
	fail403 := flag.Float64("fail403", 0, "chance of a 403 per chunk request")
	fail500 := flag.Float64("fail500", 0, "chance of a 500 per chunk request")
	width := flag.Int("width", 0, "picture width (0: the sample's default)")
	height := flag.Int("height", 0, "picture height (0: the sample's default)")
	flag.Parse()

	tools, err := media.Find()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(4)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	m, err := sample.Generate(ctx, sample.MediaOptions{FFmpeg: tools.FFmpeg, Duration: *duration, ChunkDuration: *chunk, Width: *width, Height: *height})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv, err := sample.Start(sample.ServerOptions{Media: m, RateLimit: *rate, Fail403: *fail403, Fail500: *fail500, Seed: 1})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer srv.Close()
	var cookies []string
	for _, c := range srv.Cookies() {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	var size int64
	for _, c := range m.Chunks {
		size += c.Size
	}
	fmt.Printf("playlist=%s\ncookies=%s\napi=%s\nchunks=%d\nbytes=%d\n", srv.PlaylistURL(), strings.Join(cookies, "; "), srv.APIBase(), len(m.Chunks), size)
	<-ctx.Done()
}
