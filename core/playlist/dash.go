package playlist

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"replayrescue/core/dash"
	"replayrescue/core/web"
)

// Manifests (MPEG-DASH) are read into the same Playlist as HLS: the chosen
// picture's segments on the Main track, a separate sound's on the Audio
// track, each with its init section as the Map, and a new period's first
// segment marked as a discontinuity (a period is often a new encoder run).
// The rest of the save does not know the difference.

// manifestError is a dash error seen by the rest of the save as the
// playlist's own: ErrNotPlaylist or ErrDRM.
type manifestError struct{ err error }

func (e *manifestError) Error() string { return e.err.Error() }
func (e *manifestError) Unwrap() error { return e.err }
func (e *manifestError) Is(target error) bool {
	return (target == ErrNotPlaylist && errors.Is(e.err, dash.ErrNotManifest)) ||
		(target == ErrDRM && errors.Is(e.err, dash.ErrDRM))
}

// parseManifest reads body, fetched from final, as an MPD.
func parseManifest(body []byte, final *url.URL) (*dash.Manifest, error) {
	m, err := dash.Parse(body, final)
	if err != nil {
		return nil, &manifestError{err}
	}
	return m, nil
}

// loadManifest turns an MPD into a Playlist, fetching the index of an
// on-demand file (SegmentBase) when it has one.
func (l Loader) loadManifest(ctx context.Context, body []byte, final *url.URL, quality string) (*Playlist, error) {
	limit, err := qualityHeight(quality)
	if err != nil {
		return nil, err
	}
	m, err := parseManifest(body, final)
	if err != nil {
		return nil, err
	}
	sel, err := m.Select(ctx, limit, l.index)
	if err != nil {
		if errors.Is(err, dash.ErrDRM) {
			return nil, ErrDRM
		}
		if errors.Is(err, dash.ErrNotManifest) {
			return nil, &manifestError{err}
		}
		return nil, err
	}
	pl := &Playlist{URL: final.String(), Ended: !m.Dynamic, Type: "VOD", Segments: convert(sel.Video, Main)}
	if m.Dynamic {
		// Read again as often as the manifest asks (the live polling
		// keeps it between 1 and 10 s).
		pl.Type, pl.TargetDuration = "EVENT", m.MinimumUpdate
	} else {
		for _, s := range pl.Segments {
			pl.TargetDuration = max(pl.TargetDuration, s.Duration)
		}
	}
	if len(sel.Audio) > 0 {
		pl.Audio = &Playlist{URL: pl.URL, Ended: pl.Ended, Type: pl.Type, Segments: convert(sel.Audio, Audio)}
	}
	if v := sel.VideoRep; v != nil {
		pl.Variant = &Variant{Bandwidth: uint32(min(v.Bandwidth, 1<<32-1)), Codecs: v.Codecs}
		if v.Width > 0 && v.Height > 0 {
			pl.Variant.Resolution = fmt.Sprintf("%dx%d", v.Width, v.Height)
		}
		if a := sel.AudioRep; a != nil && a.Codecs != "" {
			pl.Variant.Codecs = strings.Trim(pl.Variant.Codecs+","+a.Codecs, ",")
		}
	}
	pl.Renditions = renditions(m, sel)
	if len(pl.Segments) == 0 && pl.Ended {
		return nil, fmt.Errorf("the playlist is empty: %w", ErrNotPlaylist)
	}
	return pl, nil
}

// convert makes the manifest's segments the playlist's. Seq is the
// segment's number, which a live manifest keeps as it grows.
func convert(segs []dash.Segment, track Track) []Segment {
	out := make([]Segment, len(segs))
	for i, s := range segs {
		out[i] = Segment{Index: i, Track: track, Seq: s.Number, URL: s.URL, Duration: s.Duration,
			Discontinuity: i > 0 && s.Period != segs[i-1].Period}
		if s.Range != nil {
			out[i].Range = &ByteRange{Offset: s.Range.Offset, Length: s.Range.Length}
		}
		if s.Init != nil {
			out[i].Map = &Map{URI: s.Init.URL}
			if s.Init.Range != nil {
				out[i].Map.Range = &ByteRange{Offset: s.Init.Range.Offset, Length: s.Init.Range.Length}
			}
		}
	}
	return out
}

// index fetches a byte range of an on-demand file: its segment index.
func (l Loader) index(parent context.Context, rawURL string, r dash.Range) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%q is not a valid link", web.RedactURL(rawURL))
	}
	ctx, cancel := context.WithTimeoutCause(parent, l.Timeout, web.ErrStalled)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Range", "bytes="+strconv.FormatInt(r.Offset, 10)+"-"+strconv.FormatInt(r.Offset+r.Length-1, 10))
	resp, err := l.Client.Do(req)
	if err != nil {
		if errors.Is(context.Cause(ctx), web.ErrStalled) && parent.Err() == nil {
			return nil, &web.StallError{Host: u.Hostname()}
		}
		return nil, &web.Wrapped{What: "loading the video's index", Err: err}
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusPartialContent:
	case http.StatusOK:
		// A host that ignores Range sends the whole file: read only up
		// to the index's end, then drop what comes before it.
		data, err := readCapped(resp.Body, r.Offset+r.Length)
		if err != nil {
			return nil, &web.Wrapped{What: "loading the video's index", Err: err}
		}
		if int64(len(data)) < r.Offset+r.Length {
			return nil, fmt.Errorf("the video file is shorter than its index says: %w", ErrNotPlaylist)
		}
		return data[r.Offset:], nil
	default:
		return nil, web.NewStatusError(resp.StatusCode, resp.Request.URL.String())
	}
	data, err := readCapped(resp.Body, r.Length)
	if err != nil {
		return nil, &web.Wrapped{What: "loading the video's index", Err: err}
	}
	if int64(len(data)) < r.Length {
		return nil, fmt.Errorf("the video's index was cut short: %w", ErrNotPlaylist)
	}
	return data, nil
}

// maxIndexFetch bounds what index reads from a host that ignores Range:
// an index lies near the file's start.
const maxIndexFetch = 8 << 20

func readCapped(r io.Reader, n int64) ([]byte, error) {
	if n > maxIndexFetch {
		return nil, fmt.Errorf("the index lies %d MB into the file", n>>20)
	}
	return io.ReadAll(io.LimitReader(r, n))
}

// renditions lists the manifest's pictures and sounds, each with its
// period's length.
func renditions(m *dash.Manifest, sel *dash.Selection) []Rendition {
	lengths := map[int]time.Duration{}
	for _, s := range sel.Video {
		lengths[s.Period] += s.Duration
	}
	var out []Rendition
	for _, r := range m.Representations() {
		chosen := (sel.VideoRep != nil && r.Period == sel.VideoRep.Period && r.ID == sel.VideoRep.ID && r.Kind == sel.VideoRep.Kind) ||
			(sel.AudioRep != nil && r.Period == sel.AudioRep.Period && r.ID == sel.AudioRep.ID && r.Kind == sel.AudioRep.Kind)
		out = append(out, Rendition{Kind: string(r.Kind), Width: r.Width, Height: r.Height, Codecs: r.Codecs,
			Bandwidth: r.Bandwidth, Length: lengths[r.Period], Chosen: chosen})
	}
	return out
}
