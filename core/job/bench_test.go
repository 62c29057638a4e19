package job

import (
	"context"
	"net/url"
	"testing"
	"time"

	"replayrescue/core/media"
	"replayrescue/core/player"
	"replayrescue/core/sample"
	"replayrescue/core/web"
)

// benchTalk is a downloaded 640x360, 60-s sample (3-s chunks, phone-like
// encoding) for the edit screen's benchmarks.
func benchTalk(b *testing.B) *Job {
	b.Helper()
	tools, err := media.Find()
	if err != nil {
		b.Skip("ffmpeg is not installed")
	}
	m, err := sample.Generate(context.Background(), sample.MediaOptions{FFmpeg: tools.FFmpeg, Duration: time.Minute, ChunkDuration: 3 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := sample.Start(sample.ServerOptions{Media: m, NoCookies: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	u, err := url.Parse(srv.PlaylistURL())
	if err != nil {
		b.Fatal(err)
	}
	src := Source{URL: u.String(), Creds: web.Credentials{Jar: web.NewJar(), Scheme: u.Scheme, Host: u.Host}}
	j, err := Open(src, Options{Work: b.TempDir(), Tools: tools, tuning: fast()})
	if err != nil {
		b.Fatal(err)
	}
	if err := j.Load(context.Background()); err != nil {
		b.Fatal(err)
	}
	if err := j.Download(context.Background()); err != nil {
		b.Fatal(err)
	}
	return j
}

// BenchmarkFrame is the edit screen's picture after a handle is let go: the
// picture at a time (each one in another place of a chunk, the last second
// of chunks included) at the preview's width, made by the ffmpeg started
// ahead (spare, as the window gets it) and by an ffmpeg started for it
// (process). A presenter lets go of a handle a moment after the last
// picture came: the benchmark waits half a second between pictures, off the
// clock.
func BenchmarkFrame(b *testing.B) {
	j := benchTalk(b)
	ctx := context.Background()
	for _, how := range []struct {
		name   string
		frames *media.Frames
	}{{"spare", &j.frames}, {"process", nil}} {
		b.Run(how.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				at := time.Duration(i*7919%58000) * time.Millisecond
				i++
				if _, err := j.parts[0].frame(ctx, j.opts.Tools, how.frames, at, 960); err != nil {
					b.Fatalf("at %v: %v", at, err)
				}
				b.StopTimer()
				time.Sleep(500 * time.Millisecond)
				b.StartTimer()
			}
		})
	}
}

// BenchmarkPlayStart is the time from Play to the first picture shown, the
// sound running (a clock stands in for the device).
func BenchmarkPlayStart(b *testing.B) {
	j := benchTalk(b)
	first := make(chan struct{}, 1)
	p := player.New(player.Options{Source: j.PlaySource(), Sink: &player.Clock{Speed: 1}, Width: 640,
		Show: func(player.Frame) {
			select {
			case first <- struct{}{}:
			default:
			}
		}})
	i := 0
	for b.Loop() {
		from := time.Duration(i*7919%50000) * time.Millisecond
		i++
		if err := p.Play(from, from+5*time.Second); err != nil {
			b.Fatal(err)
		}
		<-first
		p.Stop()
		select {
		case <-first: // one that came before Stop
		default:
		}
	}
}
