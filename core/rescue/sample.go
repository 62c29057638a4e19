package rescue

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"replayrescue/core/chat"
	"replayrescue/core/fetch"
	"replayrescue/core/sample"
	"replayrescue/core/web"
)

// Sample is the built-in sample broadcast, served on loopback the way
// Periscope served replays, for the demo and the window's "Try the sample".
type Sample struct {
	// Source is the sample's playlist with the cookies its fake API hands
	// out, scoped to the sample host, as Find gives a real broadcast.
	Source Source
	srv    *sample.Server
}

// StartSample makes the sample broadcast length long with tools (cached
// after the first time) and serves it until Close. title and id name it;
// the id keeps the demo's and the window's job folders apart.
func StartSample(ctx context.Context, tools Tools, length time.Duration, title, id string) (*Sample, error) {
	m, err := sample.Generate(ctx, sample.MediaOptions{FFmpeg: tools.FFmpeg, Encoder: tools.VideoEncoder(ctx), Duration: length, CalmStart: true})
	if err != nil {
		return nil, err
	}
	srv, err := sample.Start(sample.ServerOptions{Media: m, RateLimit: sampleRate(m)})
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(srv.PlaylistURL())
	if err != nil {
		srv.Close()
		return nil, err
	}
	api, err := url.Parse(srv.APIBase())
	if err != nil {
		srv.Close()
		return nil, err
	}
	jar := web.NewJar()
	jar.SetCookies(u, srv.Cookies())
	return &Sample{srv: srv, Source: Source{
		URL:   u.String(),
		Creds: web.Credentials{Jar: jar, Header: http.Header{}, Scheme: u.Scheme, Host: u.Host},
		Title: title,
		ID:    id,
		Chat:  chat.Source{API: api, Token: srv.ChatToken(), Start: sample.BroadcastStart},
	}}, nil
}

// sampleDownload is about how long downloading the sample takes: on
// loopback it would be over before the download screen could be read, and
// the sample is there to show every step.
const sampleDownload = 6 * time.Second

// sampleRate is the bytes per second each connection to the sample gets, so
// that the default connections take about sampleDownload for all of m.
func sampleRate(m *sample.Media) int64 {
	var size int64
	for _, c := range m.Chunks {
		size += c.Size
	}
	perConn := float64(size) / sampleDownload.Seconds() / float64(fetch.DefaultJobs)
	return max(int64(perConn), 32<<10) // well above the pace a save demands
}

// Close stops serving the sample.
func (s *Sample) Close() { s.srv.Close() }
