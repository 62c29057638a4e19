// Package dash reads MPEG-DASH manifests (MPD files): it decodes the XML,
// picks the picture and the sound a presenter's save wants, and lists their
// segments with absolute addresses, byte ranges and init sections, in the
// shape the playlist package gives the rest of the save. It downloads no
// media; the one thing it may ask for is a SegmentBase's index (sidx), which
// the caller fetches for it (IndexFunc).
package dash

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// Caps on what a manifest may hold, as for HLS playlists: a three-hour
// talk's manifest is at most a few hundred kilobytes, its timeline a few
// thousand entries.
const (
	MaxBytes       = 16 << 20
	MaxSegments    = 200_000
	MaxTotalLength = 240 * time.Hour
	maxURI         = 64 << 10
	maxElements    = 1_000_000
)

// ErrNotManifest means the data is not a manifest this package can read.
var ErrNotManifest = errors.New("this link does not lead to a video playlist")

// ErrDRM means every picture (or every sound) is encrypted for a DRM system:
// its keys are only given to a licensed player.
var ErrDRM = errors.New("the video is protected with DRM")

// Looks tells whether data is probably an MPD: XML whose root is MPD.
func Looks(data []byte) bool {
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if !bytes.HasPrefix(data, []byte("<")) {
		return false
	}
	head := data[:min(len(data), 4096)]
	return bytes.Contains(head, []byte("<MPD")) || bytes.Contains(head, []byte(":MPD"))
}

// mpd and the types below mirror the parts of ISO/IEC 23009-1 the save
// reads. Tags carry no namespace, so manifests with or without the usual
// default namespace (and the odd prefixed one) decode alike.
type mpd struct {
	XMLName                   xml.Name  `xml:"MPD"`
	Type                      string    `xml:"type,attr"`
	MediaPresentationDuration string    `xml:"mediaPresentationDuration,attr"`
	MinimumUpdatePeriod       string    `xml:"minimumUpdatePeriod,attr"`
	TimeShiftBufferDepth      string    `xml:"timeShiftBufferDepth,attr"`
	AvailabilityStartTime     string    `xml:"availabilityStartTime,attr"`
	BaseURL                   []baseURL `xml:"BaseURL"`
	Periods                   []period  `xml:"Period"`
}

type baseURL struct {
	Value string `xml:",chardata"`
}

type period struct {
	ID              string           `xml:"id,attr"`
	Start           string           `xml:"start,attr"`
	Duration        string           `xml:"duration,attr"`
	BaseURL         []baseURL        `xml:"BaseURL"`
	SegmentBase     *segmentBase     `xml:"SegmentBase"`
	SegmentList     *segmentList     `xml:"SegmentList"`
	SegmentTemplate *segmentTemplate `xml:"SegmentTemplate"`
	Sets            []adaptationSet  `xml:"AdaptationSet"`
}

type adaptationSet struct {
	ContentType string `xml:"contentType,attr"`
	MimeType    string `xml:"mimeType,attr"`
	Codecs      string `xml:"codecs,attr"`
	Lang        string `xml:"lang,attr"`
	Width       int    `xml:"width,attr"`
	Height      int    `xml:"height,attr"`
	commonSegments
	Protection []descriptor       `xml:"ContentProtection"`
	Roles      []descriptor       `xml:"Role"`
	Essential  []descriptor       `xml:"EssentialProperty"`
	Reps       []representation   `xml:"Representation"`
	Components []contentComponent `xml:"ContentComponent"`
}

type contentComponent struct {
	ContentType string `xml:"contentType,attr"`
}

type representation struct {
	ID        string `xml:"id,attr"`
	Bandwidth uint64 `xml:"bandwidth,attr"`
	Width     int    `xml:"width,attr"`
	Height    int    `xml:"height,attr"`
	Codecs    string `xml:"codecs,attr"`
	MimeType  string `xml:"mimeType,attr"`
	commonSegments
	Protection []descriptor `xml:"ContentProtection"`
}

// commonSegments are the elements an AdaptationSet and a Representation
// share; a Representation's own win, the set's are inherited.
type commonSegments struct {
	BaseURL         []baseURL        `xml:"BaseURL"`
	SegmentBase     *segmentBase     `xml:"SegmentBase"`
	SegmentList     *segmentList     `xml:"SegmentList"`
	SegmentTemplate *segmentTemplate `xml:"SegmentTemplate"`
}

type descriptor struct {
	SchemeIDURI string `xml:"schemeIdUri,attr"`
	Value       string `xml:"value,attr"`
}

type urlRange struct {
	SourceURL string `xml:"sourceURL,attr"`
	Range     string `xml:"range,attr"`
}

// multi holds the attributes SegmentList and SegmentTemplate share; pointers
// tell "not written here" (inherit) from zero.
type multi struct {
	Timescale              *uint64   `xml:"timescale,attr"`
	PresentationTimeOffset *uint64   `xml:"presentationTimeOffset,attr"`
	Duration               *float64  `xml:"duration,attr"`
	StartNumber            *uint64   `xml:"startNumber,attr"`
	EndNumber              *uint64   `xml:"endNumber,attr"`
	Timeline               *timeline `xml:"SegmentTimeline"`
	Initialization         *urlRange `xml:"Initialization"`
}

type segmentBase struct {
	Timescale              *uint64   `xml:"timescale,attr"`
	PresentationTimeOffset *uint64   `xml:"presentationTimeOffset,attr"`
	IndexRange             string    `xml:"indexRange,attr"`
	Initialization         *urlRange `xml:"Initialization"`
}

type segmentList struct {
	multi
	URLs []segmentURL `xml:"SegmentURL"`
}

type segmentURL struct {
	Media      string `xml:"media,attr"`
	MediaRange string `xml:"mediaRange,attr"`
}

type segmentTemplate struct {
	multi
	Media             string `xml:"media,attr"`
	InitializationURL string `xml:"initialization,attr"`
}

type timeline struct {
	S []timelineEntry `xml:"S"`
}

type timelineEntry struct {
	T *uint64 `xml:"t,attr"`
	D uint64  `xml:"d,attr"`
	R int64   `xml:"r,attr"`
}

// Manifest is a decoded MPD.
type Manifest struct {
	URL      *url.URL // where it was read, for relative addresses
	Dynamic  bool     // live: the manifest grows (type="dynamic")
	Duration time.Duration
	// MinimumUpdate is how often a dynamic manifest should be read again.
	MinimumUpdate time.Duration
	// TimeShift is how far back a dynamic manifest keeps its segments
	// (timeShiftBufferDepth); 0 when it does not say.
	TimeShift time.Duration
	// AvailabilityStart is when a live manifest's timeline began (its
	// availabilityStartTime); zero when it does not say.
	AvailabilityStart time.Time
	// Now is the clock a live manifest's segments are worked out by;
	// nil is time.Now.
	Now func() time.Time
	m   mpd
}

// Parse decodes an MPD read from base.
func Parse(data []byte, base *url.URL) (*Manifest, error) {
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("the playlist is larger than %d MB: %w", MaxBytes>>20, ErrNotManifest)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var m mpd
	dec := xml.NewDecoder(&elementCap{r: bytes.NewReader(data)})
	// Only the encodings Go reads; others are refused rather than misread.
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		if l := strings.ToLower(label); l == "utf-8" || l == "us-ascii" || l == "ascii" {
			return r, nil
		}
		return nil, fmt.Errorf("text encoding %q", label)
	}
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotManifest, err)
	}
	if len(m.Periods) == 0 {
		return nil, fmt.Errorf("the playlist lists no periods: %w", ErrNotManifest)
	}
	out := &Manifest{URL: base, m: m}
	switch strings.TrimSpace(m.Type) {
	case "", "static":
	case "dynamic":
		out.Dynamic = true
	default:
		return nil, fmt.Errorf("the playlist's type %q is unknown: %w", m.Type, ErrNotManifest)
	}
	var err error
	if out.Duration, err = optDuration(m.MediaPresentationDuration); err != nil {
		return nil, err
	}
	if out.MinimumUpdate, err = optDuration(m.MinimumUpdatePeriod); err != nil {
		return nil, err
	}
	if out.TimeShift, err = optDuration(m.TimeShiftBufferDepth); err != nil {
		return nil, err
	}
	if s := strings.TrimSpace(m.AvailabilityStartTime); s != "" {
		if out.AvailabilityStart, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return nil, fmt.Errorf("the playlist's start time %q is malformed: %w", s, ErrNotManifest)
		}
	}
	return out, nil
}

// elementCap counts '<' as it reads, bounding how many elements the
// decoder builds: a manifest of a million tiny elements fits the byte cap
// but would cost far more memory decoded.
type elementCap struct {
	r *bytes.Reader
	n int
}

func (c *elementCap) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += bytes.Count(p[:n], []byte("<"))
	if c.n > maxElements {
		return n, errors.New("too many elements")
	}
	return n, err
}

func optDuration(s string) (time.Duration, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	d, err := parseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrNotManifest, err)
	}
	return d, nil
}
