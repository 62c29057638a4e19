package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"replayrescue/core/chat"
	"replayrescue/core/job"
	"replayrescue/core/sample"
	"replayrescue/core/web"
)

// demoLength keeps the built-in sample quick to make and to save while still
// being long enough (40 chunks) to show parallel downloading.
const demoLength = 2 * time.Minute

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	var f saveFlags
	f.register(fs, false)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: replayrescue demo [-o FILE]\n\nServes the built-in sample broadcast on this computer and saves it, as save would. Flags:")
		fs.PrintDefaults()
	}
	// The sample's audio runs 2 s early, like the broadcast in the story this
	// app comes from; the demo fixes it unless told otherwise.
	f.audioOffset = "2s"
	if _, code, ok := parseArgs(fs, args, stderr); !ok {
		return code
	}
	out := newReporter(stdout, stderr, f.json)
	settings, err := f.settings()
	if err != nil {
		return out.fail(err)
	}
	if len(f.offsets) > 1 {
		return out.fail(usageError("The demo saves one broadcast: give one --audio-offset."))
	}
	settings.Output = outputPath(f.output, "sample talk")
	if err := job.CheckOutput(settings.Output, settings.Force); err != nil {
		return out.fail(err)
	}
	tools, err := f.useTools(stderr)
	if err != nil {
		return out.fail(err)
	}
	fmt.Fprintln(stderr, "Preparing the sample broadcast (the first time takes a few seconds)...")
	m, err := sample.Generate(ctx, sample.MediaOptions{FFmpeg: tools.FFmpeg, Encoder: tools.VideoEncoder(ctx), Duration: demoLength})
	if err != nil {
		return out.fail(err)
	}
	srv, err := sample.Start(sample.ServerOptions{Media: m})
	if err != nil {
		return out.fail(err)
	}
	defer srv.Close()

	src, err := demoSource(srv)
	if err != nil {
		return out.fail(err)
	}
	opts := job.Options{Work: f.work, Jobs: f.jobs, Keep: f.keep, Tools: tools, Events: out.event}
	if err := job.Save(ctx, src, opts, settings); err != nil {
		return out.fail(err)
	}
	return 0
}

// demoSource gives the sample's playlist with the cookies its API hands out,
// scoped to the sample host, as intake would for a real broadcast.
func demoSource(srv *sample.Server) (job.Source, error) {
	u, err := url.Parse(srv.PlaylistURL())
	if err != nil {
		return job.Source{}, err
	}
	jar := web.NewJar()
	jar.SetCookies(u, srv.Cookies())
	api, err := url.Parse(srv.APIBase())
	if err != nil {
		return job.Source{}, err
	}
	return job.Source{
		URL:   u.String(),
		Creds: web.Credentials{Jar: jar, Header: http.Header{}, Scheme: u.Scheme, Host: u.Host},
		Title: "Sample talk",
		ID:    "sample-demo",
		Chat:  chat.Source{API: api, Token: srv.ChatToken(), Start: sample.BroadcastStart},
	}, nil
}
