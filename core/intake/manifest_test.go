package intake

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Manifests (MPEG-DASH) are found wherever playlists are: by name
// (.mpd), by content type (application/dash+xml) or by their body, in HAR
// files, copied requests, pages and pasted links; the longest complete one
// is preferred (the talk over the advert played before it).

func manifestOf(length string, dynamic bool) string {
	typ := "static"
	if dynamic {
		typ = "dynamic"
	}
	return `<?xml version="1.0" encoding="utf-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="` + typ + `" mediaPresentationDuration="` + length + `" minBufferTime="PT2S">
<Period><AdaptationSet contentType="video"><SegmentTemplate duration="4" media="v$Number$.m4s" initialization="vi.mp4"/>
<Representation id="v" bandwidth="900000" width="1280" height="720" codecs="avc1.64001f"/></AdaptationSet></Period></MPD>`
}

func TestManifestsInHAR(t *testing.T) {
	const cdn = "https://cdn.webinar.example/vod/"
	for _, s := range []shape{chrome, firefox, safari, playwright} {
		har := writeHAR(t, t.TempDir(), s, false,
			req{url: "https://webinar.example/watch/42", status: 200, mime: "text/html", body: "<html></html>", kind: "document"},
			// An advert before the talk, by name.
			req{url: cdn + "preroll/ad.mpd", status: 200, mime: "application/dash+xml", body: manifestOf("PT30S", false), kind: "xhr",
				cookies: [][2]string{{"session", secSession}}},
			// The talk, by content type only.
			req{url: cdn + "talk/manifest?format=dash", status: 200, mime: "application/dash+xml", body: manifestOf("PT1H2M3.5S", false), kind: "xhr",
				cookies: [][2]string{{"session", secSession}}},
			req{url: cdn + "talk/v1.m4s", status: 200, mime: "video/mp4", kind: "media"},
		)
		cands, err := Resolve(context.Background(), Input{Source: har})
		if err != nil {
			t.Fatalf("%v: %v", s, err)
		}
		got := urls(cands)
		want := []string{cdn + "talk/manifest?format=dash [ready]", cdn + "preroll/ad.mpd [ready]"}
		if !slices.Equal(got, want) {
			t.Errorf("%v: got %v, want %v", s, got, want)
		}
		if c := cands[0]; c.Kind != "master" || !c.Replay || c.Live {
			t.Errorf("%v: %+v", s, c)
		}
	}

	// A live manifest (dynamic) is live, and the body alone marks it.
	har := writeHAR(t, t.TempDir(), chrome, false,
		req{url: cdn + "live/stream", status: 200, mime: "text/plain", body: manifestOf("PT0S", true), kind: "xhr"})
	cands, err := Resolve(context.Background(), Input{Source: har})
	if err != nil || len(cands) != 1 || !cands[0].Live || cands[0].Replay {
		t.Fatalf("%v %+v", err, cands)
	}
}

func TestManifestLinks(t *testing.T) {
	srv := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/event/7":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(`<html><body><div data-player='{"dash":"\/media\/talk-7\/stream.mpd?sig=` + secSignature + `"}'></div></body></html>`))
		case "/media/talk-7/stream.mpd", "/manifest":
			w.Header().Set("Content-Type", "application/dash+xml")
			w.Write([]byte(manifestOf("PT45M", false)))
		default:
			http.NotFound(w, r)
		}
	})
	// A page naming a manifest.
	cands, err := Resolve(context.Background(), Input{Source: srv.URL + "/event/7"})
	if err != nil || len(cands) != 1 || cands[0].URL != srv.URL+"/media/talk-7/stream.mpd?sig="+secSignature {
		t.Fatalf("page: %v %v", err, urls(cands))
	}
	// A pasted manifest link is taken as it is, as a playlist link is.
	cands, err = Resolve(context.Background(), Input{Source: "here: " + srv.URL + "/media/talk-7/stream.mpd?sig=" + secSignature + " thanks", Cookies: "sid=" + secSession})
	if err != nil || len(cands) != 1 || !strings.HasSuffix(cands[0].URL, "stream.mpd?sig="+secSignature) || cands[0].Origin != OriginLink {
		t.Fatalf("pasted: %v %+v", err, cands)
	}
	// A manifest without .mpd in its name, found by its answer.
	cands, err = Resolve(context.Background(), Input{Source: srv.URL + "/manifest"})
	if err != nil || len(cands) != 1 || cands[0].URL != srv.URL+"/manifest" || cands[0].Kind != "master" || !cands[0].Replay {
		t.Fatalf("unnamed: %v %+v", err, cands)
	}
	// Copy as cURL of the manifest's request, cookies and all.
	curl := "curl '" + srv.URL + "/media/talk-7/stream.mpd' -H 'accept: */*' -b 'sid=" + secSession + "'"
	cands, err = Resolve(context.Background(), Input{Source: curl})
	if err != nil || len(cands) != 1 || cands[0].URL != srv.URL+"/media/talk-7/stream.mpd" {
		t.Fatalf("curl: %v %v", err, urls(cands))
	}
	if v, _ := cookieValue(t, cands[0], cands[0].URL, "sid"); v != secSession {
		t.Error("the copied request's cookie")
	}
	// The body of a manifest pasted instead of its address.
	dir := t.TempDir()
	p := filepath.Join(dir, "m.txt")
	os.WriteFile(p, []byte(manifestOf("PT1M", false)), 0o600)
	if _, err := Resolve(context.Background(), Input{Source: manifestOf("PT1M", false)}); err == nil || !strings.Contains(err.Error(), "content of a playlist") {
		t.Errorf("pasted body: %v", err)
	}
	_ = time.Second
}

// TestRecorderFindsManifest: the browser capture stops as soon as the
// player has loaded a manifest, as it does for a playlist.
func TestRecorderFindsManifest(t *testing.T) {
	const talk = "https://cdn.webinar.example/vod/talk/stream.mpd"
	r := NewRecorder()
	for _, x := range exchanges([]req{
		{url: "https://webinar.example/watch/42", mime: "text/html"},
		{url: "https://cdn.webinar.example/vod/talk/init.mp4", mime: "video/mp4"},
	}) {
		r.Add(x)
	}
	if _, ok := r.Found(); ok {
		t.Fatal("found a replay before any manifest")
	}
	for _, x := range exchanges([]req{{url: talk, mime: "application/dash+xml", body: manifestOf("PT20M", false)}}) {
		r.Add(x)
	}
	if got, ok := r.Found(); !ok || got != talk {
		t.Errorf("Found = %q, %v", got, ok)
	}
}

// TestVideoFiles: a plain video file is a source too: pasted, played by a
// page's <video>, answered by a link without a telling name, or fetched
// by ranges in a HAR file (below any playlist the HAR also shows).
func TestVideoFiles(t *testing.T) {
	srv := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/talk/9":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(`<html><body><video controls poster="p.jpg"><source src="/files/talk-9.webm" type="video/webm"></video></body></html>`))
		case "/download":
			w.Header().Set("Content-Type", "video/mp4")
			w.Write([]byte("\x00\x00\x00\x18ftypmp42"))
		default:
			http.NotFound(w, r)
		}
	})
	cands, err := Resolve(context.Background(), Input{Source: srv.URL + "/talk/9"})
	if err != nil || len(cands) != 1 || cands[0].URL != srv.URL+"/files/talk-9.webm" || cands[0].Kind != "file" || cands[0].Title != "talk-9" {
		t.Fatalf("page: %v %+v", err, cands)
	}
	cands, err = Resolve(context.Background(), Input{Source: srv.URL + "/download?id=9"})
	if err != nil || len(cands) != 1 || cands[0].Kind != "file" || !cands[0].Replay || cands[0].Title != "download" {
		t.Fatalf("unnamed file: %v %+v", err, cands)
	}
	cands, err = Resolve(context.Background(), Input{Source: "https://videos.example.org/2026/keynote.mp4?sig=" + secSignature, Cookies: "sid=" + secSession})
	if err != nil || len(cands) != 1 || cands[0].Kind != "file" || cands[0].Title != "keynote" {
		t.Fatalf("pasted: %v %+v", err, cands)
	}
	// A name that may be the host's key is no title.
	cands, err = Resolve(context.Background(), Input{Source: "https://cdn.example.org/v/" + secSignature + "a1B2c3D4e5F6g7H8i9J0/master_1080_x.mp4"})
	if err != nil || len(cands) != 1 || cands[0].Title != "master 1080 x" {
		t.Fatalf("a named file in a keyed folder: %v %+v", err, cands)
	}
	cands, err = Resolve(context.Background(), Input{Source: "https://cdn.example.org/v/a1B2c3D4e5F6g7H8i9J0k1L2.mp4"})
	if err != nil || len(cands) != 1 || cands[0].Title != "" {
		t.Fatalf("a keyed name: %v %+v", err, cands)
	}

	const file = "https://media.portal.example/v/keynote.mp4"
	rs := []req{
		{url: "https://portal.example/watch/keynote", status: 200, mime: "text/html", body: "<html></html>", kind: "document"},
		{url: file, status: 206, mime: "video/mp4", kind: "media", headers: [][2]string{{"Range", "bytes=0-"}}, cookies: [][2]string{{"portal_session", secSession}}},
		{url: file, status: 206, mime: "video/mp4", kind: "media", headers: [][2]string{{"Range", "bytes=5242880-"}}, cookies: [][2]string{{"portal_session", secSession}}},
	}
	for _, s := range []shape{chrome, firefox, safari, playwright} {
		cands, err := Resolve(context.Background(), Input{Source: writeHAR(t, t.TempDir(), s, false, rs...)})
		if err != nil || len(cands) != 1 || cands[0].URL != file || cands[0].Kind != "file" {
			t.Fatalf("%v: %v %+v", s, err, cands)
		}
		if v, _ := cookieValue(t, cands[0], file, "portal_session"); v != secSession {
			t.Errorf("%v: the file's cookie", s)
		}
	}
	// Beside a manifest the page played, the manifest ranks first.
	withManifest := append(rs, req{url: "https://media.portal.example/v/keynote.mpd", status: 200, mime: "application/dash+xml", body: manifestOf("PT40M", false)})
	cands, err = Resolve(context.Background(), Input{Source: writeHAR(t, t.TempDir(), chrome, false, withManifest...)})
	if err != nil || len(cands) != 2 || cands[0].Kind != "master" || cands[1].Kind != "file" {
		t.Fatalf("with a manifest: %v %v", err, urls(cands))
	}
	// The browser capture stops once the file plays.
	r := NewRecorder()
	for _, x := range exchanges(rs) {
		r.Add(x)
	}
	if got, ok := r.Found(); !ok || got != file {
		t.Errorf("recorder: %q %v", got, ok)
	}
}
