package job

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"replayrescue/core/internal/safefile"
	"replayrescue/core/web"
)

// The presenter's picture (an X Space host's profile picture) is drawn on
// the card of a sound-only source's MP4. It is fetched into the job folder
// just before the render, as the chunks are: capped, its kind told by its
// bytes, and from a host that is none of the source's, so with none of its
// credentials (no cookies, no headers the user typed), never over plain
// http once https. Whatever keeps it from being had, the card is drawn
// without it; the save never fails for it.

const (
	// maxPicture caps the picture: a profile picture is tens of kB.
	maxPicture = 2 << 20
	// pictureWait bounds the wait for it, so a slow image host does not
	// hold the save.
	pictureWait = 15 * time.Second
)

// errDowngrade: a redirect from https to plain http.
var errDowngrade = errors.New("redirected from https to http")

// presenterPicture fetches the picture of p's presenter into the job
// folder for the card of an MP4 saved as out, and returns its path; ""
// when there is none to fetch, the output is a sound file, or it cannot be
// had. Each of src.Pictures is tried in turn (a larger size first).
func (p *part) presenterPicture(ctx context.Context, out string) string {
	if !p.src.Sound || strings.EqualFold(filepath.Ext(out), ".m4a") {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, pictureWait)
	defer cancel()
	for _, raw := range p.src.Pictures {
		data, ext := fetchPicture(ctx, raw)
		if data == nil {
			continue
		}
		path := filepath.Join(p.dir, "presenter"+ext)
		if safefile.WriteFile(path, data, 0o600) == nil {
			return path
		}
	}
	return ""
}

// fetchPicture reads the image at raw, an https address (http only on
// this computer, for tests), with no credentials: its bytes and the file
// extension their kind takes (".jpg", ".png"), or nil.
func fetchPicture(ctx context.Context, raw string) ([]byte, string) {
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || !(u.Scheme == "https" || u.Scheme == "http" && web.Loopback(u.Hostname())) {
		return nil, ""
	}
	client := web.NewClient(web.CredentialsFor(u), web.ClientOptions{MaxConnsPerHost: 1})
	client.Jar = nil
	follow := client.CheckRedirect
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
			return errDowngrade
		}
		return follow(req, via)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, ""
	}
	req.Header.Set("Accept", "image/jpeg,image/png")
	resp, err := client.Do(req)
	if err != nil {
		return nil, ""
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, ""
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxPicture+1))
	if err != nil || len(data) > maxPicture {
		return nil, ""
	}
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return data, ".jpg"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return data, ".png"
	}
	return nil, "" // not a picture ffmpeg is asked to read
}
