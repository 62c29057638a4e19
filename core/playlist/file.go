package playlist

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"replayrescue/core/web"
)

// A plain video file (an .mp4 a site's <video> plays) is read into a
// Playlist too: the file cut into byte ranges, one segment each, fetched
// in parallel and resumed like chunks, and joined back into the file for
// the render (Playlist.File). Its segments have no length: only the render
// reads how long the video is.

// FileChunkBytes is the size of one byte range of a plain file.
const FileChunkBytes = 8 << 20

// MaxFileBytes bounds a plain file: a three-hour talk in 4K is far less.
const MaxFileBytes = 256 << 30

// errIsFile says a link answered with a video or sound file itself.
var errIsFile = errors.New("a media file")

// FileLink reports whether u names a plain video or sound file by its
// extension.
func FileLink(u *url.URL) bool {
	switch strings.ToLower(path.Ext(u.Path)) {
	case ".mp4", ".m4v", ".mov", ".m4a", ".webm":
		return true
	}
	return false
}

// fileType reports whether a content type is a whole video or sound file
// (not a playlist, not a transport stream chunk).
func fileType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch mt {
	case "video/mp4", "video/quicktime", "video/webm", "audio/mp4", "audio/webm", "video/x-m4v", "audio/x-m4a":
		return true
	}
	return false
}

// loadFile asks for the file's first byte to learn its size (and whether
// the host serves ranges), and cuts it into ranges.
func (l Loader) loadFile(parent context.Context, rawURL string) (*Playlist, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%q is not a valid link", web.RedactURL(rawURL))
	}
	if err := web.CheckScheme(u); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeoutCause(parent, l.Timeout, web.ErrStalled)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Range", "bytes=0-0")
	resp, err := l.Client.Do(req)
	if err != nil {
		if errors.Is(context.Cause(ctx), web.ErrStalled) && parent.Err() == nil {
			return nil, &web.StallError{Host: u.Hostname()}
		}
		return nil, &web.Wrapped{What: "loading the video", Err: err}
	}
	resp.Body.Close() // one byte, or a whole file we do not read here
	final := resp.Request.URL
	pl := &Playlist{URL: final.String(), Ended: true, Type: "VOD", File: true}
	switch resp.StatusCode {
	case http.StatusPartialContent:
		size, err := totalSize(resp.Header.Get("Content-Range"))
		if err != nil {
			return nil, err
		}
		chunk := l.FileChunk
		if chunk <= 0 {
			chunk = FileChunkBytes
		}
		if size/chunk >= MaxSegments {
			return nil, fmt.Errorf("the video file is too large: %w", ErrNotPlaylist)
		}
		for off := int64(0); off < size; off += chunk {
			n := min(chunk, size-off)
			pl.Segments = append(pl.Segments, Segment{Index: len(pl.Segments), Seq: uint64(len(pl.Segments)), URL: final.String(),
				Range: &ByteRange{Offset: off, Length: n}})
		}
	case http.StatusOK:
		// No ranges: the file in one piece.
		pl.Segments = []Segment{{URL: final.String()}}
	default:
		return nil, web.NewStatusError(resp.StatusCode, final.String())
	}
	if len(pl.Segments) == 0 {
		return nil, fmt.Errorf("the video file is empty: %w", ErrNotPlaylist)
	}
	return pl, nil
}

// totalSize reads the whole length from "bytes 0-0/12345".
func totalSize(contentRange string) (int64, error) {
	_, total, ok := strings.Cut(contentRange, "/")
	n, err := strconv.ParseInt(strings.TrimSpace(total), 10, 64)
	if !ok || err != nil || n <= 0 {
		return 0, fmt.Errorf("the video host did not say how large the video is: %w", ErrNotPlaylist)
	}
	if n > MaxFileBytes {
		return 0, fmt.Errorf("the video file is %d GB, more than the %d GB this app accepts: %w", n>>30, MaxFileBytes>>30, ErrNotPlaylist)
	}
	return n, nil
}
