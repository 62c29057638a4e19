package intake

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// OriginBrowser: caught while the user played the replay in a browser that
// Replay Rescue opened (core/capture).
const OriginBrowser Origin = "browser"

// Exchange is one request and its answer, as a HAR entry records it or a
// browser's network events report it. HAR files and live captures go through
// the same scan, so they find the same candidates with the same credentials.
type Exchange struct {
	Method  string
	URL     string
	Started time.Time
	// ReqHeaders are the headers sent (HTTP/2 pseudo headers already
	// dropped); ReqCookies the cookies sent, when listed apart.
	ReqHeaders http.Header
	ReqCookies []*http.Cookie
	Status     int // 0 when no answer came
	// RespHeaders are the answer's headers; RespCookies the cookies it set,
	// when listed apart (with domain and path).
	RespHeaders http.Header
	RespCookies []*http.Cookie
	MimeType    string
	Body        string // only JSON and playlist bodies matter; "" otherwise
	BodyCut     bool   // Body was shortened
}

// Recorder gathers the exchanges of a browsing session one at a time and
// ranks the streams they show exactly as a HAR file of the same session
// would be ranked. It is safe for use from several goroutines.
type Recorder struct {
	mu sync.Mutex
	s  *harScan
	n  int
	// media is one media request's URL per host (chunks, keys), whose
	// cookies the browser is asked for too.
	media map[string]string
}

// NewRecorder starts an empty recording.
func NewRecorder() *Recorder {
	s := newHARScan()
	s.origin, s.label = OriginBrowser, "browser"
	return &Recorder{s: s, media: map[string]string{}}
}

// Add records one finished exchange.
func (r *Recorder) Add(x Exchange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.onExchange(r.n, x)
	r.n++
	if u, err := url.Parse(x.URL); err == nil && mediaPath(u) && len(r.media) < maxHARHosts {
		r.media[strings.ToLower(u.Hostname())] = u.String()
	}
}

// AddCookies records cookies the browser holds for seen (as its cookie store
// reports them, HttpOnly ones included, with their domain and path).
func (r *Recorder) AddCookies(seen *url.URL, cs []*http.Cookie) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range cs {
		r.s.noteValue(c.Value)
		r.s.cookies.add(seen, c, false)
	}
}

// Found reports whether the recording holds a replay worth stopping for: the
// best candidate is a playlist the browser fetched successfully, or one an
// API answer handed out as the replay. It returns that candidate's URL.
func (r *Recorder) Found() (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.s.order) == 0 {
		return "", false
	}
	r.s.linkVariants()
	r.s.applyBroadcasts()
	rank(r.s.order)
	best := r.s.order[0]
	fetched := best.requested && ((best.status == http.StatusOK && (best.kind == "media" || best.kind == "master")) ||
		(statusOK(best.status) && best.kind == "file"))
	handed := !best.requested && best.field.replay
	if !fetched && !handed {
		return "", false
	}
	return best.u.String(), true
}

// CookieURLs lists the URLs whose cookies matter: every candidate's, and
// one media request's per host that served chunks.
func (r *Recorder) CookieURLs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, u := range r.media {
		out = append(out, u)
	}
	for _, c := range r.s.order {
		out = append(out, c.u.String())
	}
	return out
}

// Candidates ranks what was recorded, each candidate with its credentials.
// With nothing found it returns an *InputError wrapping ErrNoStream.
func (r *Recorder) Candidates() ([]Candidate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.s.order) == 0 {
		return nil, inputErr(ErrNoStream, "No video stream was seen in the browser: open the broadcast there and press play.")
	}
	return r.s.candidates(nil, false)
}
