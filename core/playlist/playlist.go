// Package playlist fetches HLS playlists, chooses the best variant of a master
// playlist and turns a media playlist into a normalised list of segments:
// absolute URLs, encryption keys and init sections carried forward, byte ranges
// made explicit. It downloads no media.
package playlist

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/grafov/m3u8"

	"replayrescue/core/dash"
	"replayrescue/core/internal/codecs"
	"replayrescue/core/web"
)

// Limits on what a playlist may hold. Real replays of a three-hour talk list a
// few thousand segments in well under a megabyte.
const (
	MaxBytes    = 16 << 20
	MaxSegments = 200_000
)

// Limits on chunk lengths. A chunk is seconds long; a day is impossible,
// and a length of NaN, infinity or 1e300 seconds would overflow
// time.Duration (the sum printed as "-2562047:47:14" and the --start/--end
// checks silently passed). The total is capped at ten days, far beyond any
// broadcast worth saving, which also keeps the sum of up to MaxSegments
// chunks far from time.Duration's 292 years.
const (
	MaxChunkLength = 24 * time.Hour
	MaxTotalLength = 240 * time.Hour
)

// ErrDamaged means the playlist is HLS but says something impossible (a
// chunk of NaN seconds): no download can make sense of it.
var ErrDamaged = errors.New("the playlist is damaged")

// damagedError is an ErrDamaged with its sentence for the user.
type damagedError struct{ msg string }

func (e *damagedError) Error() string { return e.msg }
func (e *damagedError) Unwrap() error { return ErrDamaged }

// ErrNotPlaylist means the URL answered with something that is not HLS.
var ErrNotPlaylist = errors.New("this link does not lead to a video playlist")

// ErrDRM means the stream is encrypted for a DRM system (FairPlay, Widevine,
// PlayReady, or SAMPLE-AES): its keys are only ever given to a licensed
// player, so no download can yield a playable video.
var ErrDRM = errors.New("this stream is protected with DRM (copy protection), so it cannot be saved")

// ByteRange selects part of a resource.
type ByteRange struct {
	Offset int64
	Length int64
}

// Key is an EXT-X-KEY in force for a segment. IV is the explicit IV as written
// (hex with 0x prefix) or empty, meaning the media sequence number is the IV.
type Key struct {
	Method string
	URI    string
	IV     string
}

// Map is an EXT-X-MAP init section.
type Map struct {
	URI   string
	Range *ByteRange
}

// Track tells which of a stream's chunk lists a segment belongs to.
type Track uint8

const (
	// Main is the playlist's own chunks: the picture, and the sound too
	// unless a separate rendition carries it.
	Main Track = iota
	// Audio is a separate audio rendition's chunks (see Playlist.Audio).
	Audio
)

// Segment is one chunk of the stream.
type Segment struct {
	Index         int    // position in its track's list; with Track, names the chunk file
	Track         Track  // Main, or Audio for a separate audio rendition's chunk
	Seq           uint64 // media sequence number
	URL           string // absolute
	Duration      time.Duration
	Range         *ByteRange // nil means the whole resource
	Key           *Key       // nil means clear
	Map           *Map       // nil means self-initialising (MPEG-TS)
	Discontinuity bool
}

// Variant describes the rendition chosen from a master playlist.
type Variant struct {
	Bandwidth  uint32
	Resolution string
	Codecs     string
}

// Playlist is a normalised media playlist.
type Playlist struct {
	URL            string   // the media playlist's final URL (after redirects)
	Variant        *Variant // set when URL came from a master playlist
	TargetDuration time.Duration
	Ended          bool   // EXT-X-ENDLIST seen: nothing more will be added
	Type           string // "VOD", "EVENT" or "" (live sliding window)
	Segments       []Segment
	// Audio is the separate audio rendition chosen with a master
	// playlist's variant, or nil. Its segments are on the Audio track.
	Audio *Playlist
	// Renditions lists what a manifest offers, for inspect; nil for HLS.
	Renditions []Rendition
	// File says the segments are byte ranges of one plain video file, in
	// order, without lengths: joined they are the file.
	File bool
}

// Rendition is one picture or sound a manifest offers.
type Rendition struct {
	Kind      string // "video" or "audio"
	Width     int    // pictures only; 0 when not said
	Height    int
	Codecs    string
	Bandwidth uint64        // bits per second
	Length    time.Duration // of its period
	Chosen    bool          // what a save downloads
}

// Duration is the sum of the segment durations.
func (p *Playlist) Duration() time.Duration {
	var d time.Duration
	for _, s := range p.Segments {
		d += s.Duration
	}
	return d
}

// DefaultTimeout caps the fetch of one playlist, from the request to its
// last byte. A playlist is small (a three-hour replay lists well under a
// megabyte), so it has no size to scale a deadline by: without a cap, a
// server sending a byte every few seconds would hold a save forever.
const DefaultTimeout = 60 * time.Second

// Loader fetches playlists with Client, each within Timeout.
type Loader struct {
	Client  *http.Client
	Timeout time.Duration // 0 means DefaultTimeout
	// FileChunk is the byte range of a plain file fetched at a time; 0
	// means FileChunkBytes.
	FileChunk int64
}

// Load fetches rawURL with client. A master playlist is resolved to its
// highest-bandwidth variant, which is fetched in turn.
func Load(ctx context.Context, client *http.Client, rawURL string) (*Playlist, error) {
	return LoadQuality(ctx, client, rawURL, "")
}

// LoadQuality is Load choosing a master playlist's variant by quality:
// "" or "best" (highest bandwidth), "worst" (lowest), or a height such as
// "720p" (the best variant at most that high; the lowest if none is).
func LoadQuality(ctx context.Context, client *http.Client, rawURL, quality string) (*Playlist, error) {
	return Loader{Client: client}.Load(ctx, rawURL, quality)
}

// Load is LoadQuality with l's client and timeout. A server that does not
// send a whole playlist in time ends it with a *web.StallError.
func (l Loader) Load(ctx context.Context, rawURL, quality string) (*Playlist, error) {
	if l.Timeout <= 0 {
		l.Timeout = DefaultTimeout
	}
	if u, err := url.Parse(rawURL); err == nil && FileLink(u) {
		return l.loadFile(ctx, rawURL)
	}
	body, final, err := l.get(ctx, rawURL)
	if errors.Is(err, errIsFile) {
		return l.loadFile(ctx, rawURL)
	}
	if err != nil {
		return nil, err
	}
	if dash.Looks(body) {
		return l.loadManifest(ctx, body, final, quality)
	}
	pl, master, err := parse(body, final, quality)
	if err != nil {
		return nil, err
	}
	if master == nil {
		return pl, nil
	}
	body, final2, err := l.get(ctx, master.URL)
	if err != nil {
		return nil, fmt.Errorf("loading the %s variant: %w", master.describe(), err)
	}
	if final2.String() == final.String() {
		return nil, fmt.Errorf("the playlist refers to itself: %w", ErrNotPlaylist)
	}
	pl, again, err := Parse(body, final2)
	if err != nil {
		return nil, err
	}
	if again != nil {
		return nil, fmt.Errorf("a master playlist points to another master playlist: %w", ErrNotPlaylist)
	}
	pl.Variant = &master.Variant
	if master.AudioURL != "" {
		body, final3, err := l.get(ctx, master.AudioURL)
		if err != nil {
			return nil, fmt.Errorf("loading the audio of the %s variant: %w", master.describe(), err)
		}
		audio, again, err := Parse(body, final3)
		if err != nil {
			return nil, err
		}
		if again != nil {
			return nil, fmt.Errorf("an audio rendition points to a master playlist: %w", ErrNotPlaylist)
		}
		for i := range audio.Segments {
			audio.Segments[i].Track = Audio
		}
		pl.Audio = audio
	}
	return pl, nil
}

// Choice is the variant picked from a master playlist.
type Choice struct {
	Variant
	URL string // absolute
	// AudioURL is the separate audio rendition (EXT-X-MEDIA TYPE=AUDIO of
	// the variant's group) to download with it; "" when the sound is in
	// the variant's own chunks.
	AudioURL string
}

func (c *Choice) describe() string {
	if c.Resolution != "" {
		return c.Resolution
	}
	return fmt.Sprintf("%d kbit/s", c.Bandwidth/1000)
}

// Parse decodes a playlist read from r, resolving URIs against base. It
// returns either a media playlist, or the best variant of a master playlist.
func Parse(data []byte, base *url.URL) (*Playlist, *Choice, error) {
	return parse(data, base, "")
}

func parse(data []byte, base *url.URL, quality string) (*Playlist, *Choice, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("#EXTM3U")) {
		return nil, nil, ErrNotPlaylist
	}
	decoded, kind, err := decodeSafely(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrNotPlaylist, err)
	}
	switch kind {
	case m3u8.MASTER:
		c, err := chooseVariant(decoded.(*m3u8.MasterPlaylist), base, quality)
		return nil, c, err
	case m3u8.MEDIA:
		pl, err := normalise(decoded.(*m3u8.MediaPlaylist), base)
		return pl, nil, err
	}
	return nil, nil, ErrNotPlaylist
}

// decodeSafely guards against panics inside the decoder on hostile input.
func decodeSafely(data []byte) (pl m3u8.Playlist, kind m3u8.ListType, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed playlist")
		}
	}()
	return m3u8.Decode(*bytes.NewBuffer(data), false)
}

// CheckQuality tells whether q is a quality LoadQuality understands.
func CheckQuality(q string) error {
	if _, err := qualityHeight(q); err != nil {
		return err
	}
	return nil
}

// qualityHeight reads a quality: 0 best, -1 worst, else a height limit.
func qualityHeight(q string) (int, error) {
	switch q = strings.ToLower(strings.TrimSpace(q)); q {
	case "", "best":
		return 0, nil
	case "worst":
		return -1, nil
	}
	h, err := strconv.Atoi(strings.TrimSuffix(q, "p"))
	if err != nil || h <= 0 || h > 10000 {
		return 0, fmt.Errorf("%q is not a quality: use best, worst, or a height such as 720p", q)
	}
	return h, nil
}

func chooseVariant(m *m3u8.MasterPlaylist, base *url.URL, quality string) (*Choice, error) {
	var vs []*m3u8.Variant
	for _, v := range m.Variants {
		if v != nil && !v.Iframe && v.URI != "" {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("the master playlist lists no video streams: %w", ErrNotPlaylist)
	}
	sort.SliceStable(vs, func(i, j int) bool {
		if vs[i].Bandwidth != vs[j].Bandwidth {
			return vs[i].Bandwidth > vs[j].Bandwidth
		}
		return pixels(vs[i].Resolution) > pixels(vs[j].Resolution)
	})
	limit, err := qualityHeight(quality)
	if err != nil {
		return nil, err
	}
	best := vs[0]
	switch {
	case limit < 0:
		best = vs[len(vs)-1]
	case limit > 0:
		best = vs[len(vs)-1] // nothing low enough: the lowest
		for _, v := range vs {
			if h := height(v.Resolution); h > 0 && h <= limit {
				best = v
				break
			}
		}
	}
	best = playableSound(vs, best)
	u, err := resolve(base, best.URI)
	if err != nil {
		return nil, err
	}
	c := &Choice{URL: u, Variant: Variant{Bandwidth: best.Bandwidth, Resolution: best.Resolution, Codecs: best.Codecs}}
	if a := audioRendition(best); a != nil {
		if c.AudioURL, err = resolve(base, a.URI); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// playableSound returns, among the variants offering best's very picture
// (the same media playlist) with other audio groups, the first whose sound
// plays everywhere: a master may offer one picture with AAC, AC-3 and
// E-AC-3 sound, the AC-3 one with the highest bandwidth (Apple's examples
// do), and an MP4 with AC-3 sound plays in few browsers. vs are in order of
// preference; best when none is better or the CODECS do not say.
func playableSound(vs []*m3u8.Variant, best *m3u8.Variant) *m3u8.Variant {
	pick := best
	for _, v := range vs {
		if v.URI == best.URI && codecs.SoundRank(v.Codecs) > codecs.SoundRank(pick.Codecs) {
			pick = v
		}
	}
	return pick
}

// audioRendition picks the audio a player would play with v: from v's
// audio group, the DEFAULT rendition, else an AUTOSELECT one, else the
// first. Renditions without a URI are carried in the variant's chunks.
// (grafov/m3u8 may list an alternative twice; that changes nothing here.)
func audioRendition(v *m3u8.Variant) *m3u8.Alternative {
	var pick *m3u8.Alternative
	rank := func(a *m3u8.Alternative) int {
		switch {
		case a.Default:
			return 2
		case strings.EqualFold(a.Autoselect, "YES"):
			return 1
		}
		return 0
	}
	for _, a := range v.Alternatives {
		if a == nil || !strings.EqualFold(a.Type, "AUDIO") || a.GroupId != v.Audio {
			continue
		}
		if pick == nil || rank(a) > rank(pick) {
			pick = a
		}
	}
	if pick != nil && pick.URI == "" {
		// What a player plays by default is in the variant's chunks
		// (Apple's bipbop_16x9: a second, URI-bearing rendition is
		// only an alternative).
		return nil
	}
	return pick
}

func height(res string) int {
	var w, h int
	if _, err := fmt.Sscanf(res, "%dx%d", &w, &h); err != nil {
		return 0
	}
	return h
}

func pixels(res string) int {
	var w, h int
	if _, err := fmt.Sscanf(res, "%dx%d", &w, &h); err != nil {
		return 0
	}
	return w * h
}

func normalise(m *m3u8.MediaPlaylist, base *url.URL) (*Playlist, error) {
	pl := &Playlist{
		URL:            base.String(),
		TargetDuration: seconds(m.TargetDuration),
		Ended:          m.Closed,
	}
	switch m.MediaType {
	case m3u8.VOD:
		pl.Type = "VOD"
	case m3u8.EVENT:
		pl.Type = "EVENT"
	}
	key, err := convertKey(m.Key, base)
	if err != nil {
		return nil, err
	}
	imap, err := convertMap(m.Map, base)
	if err != nil {
		return nil, err
	}
	// Segments has nil entries past Count(); only the first Count() are real.
	n := int(m.Count())
	if n > MaxSegments {
		return nil, fmt.Errorf("the playlist lists %d chunks, more than the %d this app accepts", n, MaxSegments)
	}
	pl.Segments = make([]Segment, 0, n)
	var total time.Duration
	var prev *Segment
	prevURI := ""
	for i, s := range m.Segments {
		if i >= n || s == nil {
			break
		}
		// Key and Map are set only on the first segment after their tag: carry them forward.
		if s.Key != nil {
			if key, err = convertKey(s.Key, base); err != nil {
				return nil, err
			}
		}
		if s.Map != nil {
			if imap, err = convertMap(s.Map, base); err != nil {
				return nil, err
			}
		}
		u, err := resolve(base, s.URI)
		if err != nil {
			return nil, err
		}
		if s.Duration > MaxChunkLength.Seconds() || math.IsNaN(s.Duration) {
			return nil, &damagedError{fmt.Sprintf("The playlist gives chunk %d an impossible length (%g seconds): it is damaged, so get the link again from the broadcast page.", i+1, s.Duration)}
		}
		// Each chunk is at most a day, so the sum cannot overflow before
		// it passes the cap.
		if total += seconds(s.Duration); total > MaxTotalLength {
			return nil, &damagedError{fmt.Sprintf("The playlist's chunks add up to more than %d hours, longer than any broadcast: it is damaged, so get the link again from the broadcast page.", int(MaxTotalLength.Hours()))}
		}
		seg := Segment{
			Index:         len(pl.Segments),
			Seq:           m.SeqNo + uint64(i),
			URL:           u,
			Duration:      seconds(s.Duration),
			Key:           key,
			Map:           imap,
			Discontinuity: s.Discontinuity,
		}
		if s.Limit > 0 {
			off := s.Offset
			// "EXT-X-BYTERANGE:n" without "@o" decodes as offset 0 but means
			// "right after the previous range of the same resource".
			if off == 0 && prev != nil && prev.Range != nil && prevURI == u {
				off = prev.Range.Offset + prev.Range.Length
			}
			seg.Range = &ByteRange{Offset: off, Length: s.Limit}
		}
		pl.Segments = append(pl.Segments, seg)
		prev, prevURI = &pl.Segments[len(pl.Segments)-1], u
	}
	if len(pl.Segments) == 0 && pl.Ended {
		return nil, fmt.Errorf("the playlist is empty: %w", ErrNotPlaylist)
	}
	return pl, nil
}

func convertKey(k *m3u8.Key, base *url.URL) (*Key, error) {
	if k == nil || k.Method == "" || strings.EqualFold(k.Method, "NONE") {
		return nil, nil
	}
	// Only whole-segment AES-128 with a key we may fetch is plain
	// encryption; anything else is DRM, whatever its key URI (skd://...).
	if !strings.EqualFold(k.Method, "AES-128") || (k.Keyformat != "" && !strings.EqualFold(k.Keyformat, "identity")) {
		return nil, ErrDRM
	}
	out := &Key{Method: strings.ToUpper(k.Method), IV: k.IV}
	if k.URI != "" {
		u, err := resolve(base, k.URI)
		if err != nil {
			return nil, err
		}
		out.URI = u
	}
	return out, nil
}

func convertMap(m *m3u8.Map, base *url.URL) (*Map, error) {
	if m == nil || m.URI == "" {
		return nil, nil
	}
	u, err := resolve(base, m.URI)
	if err != nil {
		return nil, err
	}
	out := &Map{URI: u}
	if m.Limit > 0 {
		out.Range = &ByteRange{Offset: m.Offset, Length: m.Limit}
	}
	return out, nil
}

// maxURI bounds one address in a playlist. Signed CDN links run to a few
// kilobytes; anything far beyond is junk, and would be sent in every request.
const maxURI = 64 << 10

// resolve makes ref absolute against base and allows only http(s) results.
func resolve(base *url.URL, ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if len(ref) > maxURI {
		return "", fmt.Errorf("the playlist contains an address %d KB long: %w", len(ref)>>10, ErrNotPlaylist)
	}
	if strings.ContainsAny(ref, "\x00\r\n") {
		return "", fmt.Errorf("the playlist contains a malformed address: %w", ErrNotPlaylist)
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("the playlist contains a malformed address: %w", ErrNotPlaylist)
	}
	abs := base.ResolveReference(r)
	if err := web.CheckScheme(abs); err != nil {
		return "", fmt.Errorf("the playlist points outside the web (%s): %w", abs.Scheme, ErrNotPlaylist)
	}
	return abs.String(), nil
}

// seconds converts a length from the playlist. Negative lengths count as
// 0, as before; so do NaN and lengths beyond MaxChunkLength, which only the
// target duration can still have here (EXTINF values were checked), and
// which live polling clamps anyway.
func seconds(f float64) time.Duration {
	if !(f > 0) || f > MaxChunkLength.Seconds() {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// get fetches a playlist body, capped at MaxBytes and l.Timeout, and
// returns the final URL.
func (l Loader) get(parent context.Context, rawURL string) ([]byte, *url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, fmt.Errorf("%q is not a valid link", web.RedactURL(rawURL))
	}
	if err := web.CheckScheme(u); err != nil {
		return nil, nil, err
	}
	// A request that runs out of time is the server's stall, told apart
	// from the caller's own deadline or cancellation by its cause.
	ctx, cancel := context.WithTimeoutCause(parent, l.Timeout, web.ErrStalled)
	defer cancel()
	host := u.Hostname()
	netErr := func(err error) error {
		if errors.Is(context.Cause(ctx), web.ErrStalled) && parent.Err() == nil {
			return &web.StallError{Host: host}
		}
		return &web.Wrapped{What: "loading the playlist", Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	resp, err := l.Client.Do(req)
	if err != nil {
		return nil, nil, netErr(err)
	}
	defer resp.Body.Close()
	host = resp.Request.URL.Hostname()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, nil, web.NewStatusError(resp.StatusCode, resp.Request.URL.String())
	}
	if fileType(resp.Header.Get("Content-Type")) {
		return nil, nil, errIsFile // a video file without a telling name
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBytes+1))
	if err != nil {
		return nil, nil, netErr(err)
	}
	if len(data) > MaxBytes {
		return nil, nil, fmt.Errorf("the playlist is larger than %d MB: %w", MaxBytes>>20, ErrNotPlaylist)
	}
	return data, resp.Request.URL, nil
}
