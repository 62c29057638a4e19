package intake

import (
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"
	"unicode"

	"replayrescue/core/chat"
	"replayrescue/core/web"
)

// cand is a candidate while it is being put together and ranked.
type cand struct {
	u      *url.URL
	origin Origin
	from   string

	title, id, state, mediaKey string

	field     streamField // the answer's key that named it, if any
	prio      int         // preference among fields (their rank); lower is better
	requested bool        // the HAR shows a request for it
	status    int         // last HTTP status of that request
	seq       int         // order seen; higher is later
	when      time.Time

	kind         string        // "master", "media" or ""
	length       time.Duration // a complete presentation's length, when its body said
	replay, live bool
	variants     []variant // when it is a master playlist whose body was seen
	bandwidth    int
	variantRank  int // 2: best variant's media playlist, 1: master or unknown, 0: a lesser variant

	header      http.Header // replayable headers its own request carried
	srcHeader   http.Header // replayable headers of the request whose answer named it
	bodyCookies bool        // an API answer handed out cookies for it

	chat        chat.Source // the broadcast's chat, when the source says where it is
	creds       web.Credentials
	cookieHosts []string
	signed      bool
	sanitized   bool
	redacted    bool
	verdict     Verdict
	problem     string
	certain     bool // the problem will surely stop the download
}

type variant struct {
	key       string // host and path, lower-case host, no query
	bandwidth int
}

func newCand(u *url.URL, origin Origin, from string) *cand {
	return &cand{u: u, origin: origin, from: from, prio: 99, variantRank: 1}
}

// urlKey identifies a playlist regardless of its (often re-signed) query.
func urlKey(u *url.URL) string {
	return strings.ToLower(u.Host) + u.EscapedPath()
}

func statusOK(s int) bool { return s >= 200 && s <= 299 || s == http.StatusNotModified }

func statusDenied(s int) bool { return s == http.StatusUnauthorized || s == http.StatusForbidden }

// failed: the browser asked for it and did not get it.
func (c *cand) failed() bool { return c.requested && !statusOK(c.status) }

func (c *cand) replayScore() int {
	switch {
	case c.replay:
		return 2
	case c.live:
		return 0
	}
	return 1
}

// rank sorts best first: fetched OK beats failed, a sure credentials
// problem sinks, a known broadcast beats other videos, replay beats live, a playlist the browser fetched beats
// one only named in an answer, the best variant's media playlist beats the
// master beats lesser variants, then the better JSON field, then later
// beats earlier.
func rank(cs []*cand) {
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.failed() != b.failed() {
			return !a.failed()
		}
		if a.certain != b.certain {
			return !a.certain
		}
		if x, y := a.kind == "file", b.kind == "file"; x != y {
			return y // a playlist or manifest over a file the page also played
		}
		if x, y := a.id != "" || a.title != "", b.id != "" || b.title != ""; x != y {
			return x // part of a known broadcast, not a video elsewhere on the page
		}
		if x, y := a.replayScore(), b.replayScore(); x != y {
			return x > y
		}
		if x, y := a.requested && statusOK(a.status), b.requested && statusOK(b.status); x != y {
			return x
		}
		if a.length > 0 && b.length > 0 && a.length != b.length {
			// The talk, not the trailer or advert played before it.
			return a.length > b.length
		}
		if a.variantRank != b.variantRank {
			return a.variantRank > b.variantRank
		}
		if a.bandwidth != b.bandwidth {
			return a.bandwidth > b.bandwidth
		}
		if a.prio != b.prio {
			return a.prio < b.prio
		}
		if !a.when.IsZero() && !b.when.IsZero() && !a.when.Equal(b.when) {
			return a.when.After(b.when)
		}
		return a.seq > b.seq
	})
}

// candidate is the exported form; every display string is redacted.
func (c *cand) candidate() Candidate {
	verdict := c.verdict
	if verdict == "" {
		verdict = VerdictReady
	}
	live := c.live && !c.replay
	title := c.title
	if title == "" && c.kind == "file" {
		title = fileTitle(c.u)
	}
	return Candidate{
		URL:         c.u.String(),
		Title:       CleanTitle(web.Redact(title)),
		BroadcastID: c.id,
		From:        web.Printable(web.Redact(c.from)),
		Creds:       c.creds,
		Origin:      c.origin,
		Kind:        c.kind,
		Live:        live,
		Replay:      c.replay,
		Signed:      c.signed,
		Sanitized:   c.sanitized,
		Redacted:    c.redacted,
		CookieHosts: append([]string{}, c.cookieHosts...),
		Status:      c.status,
		Bandwidth:   c.bandwidth,
		Verdict:     verdict,
		Problem:     web.Printable(web.Redact(c.problem)),
		Chat:        c.chat,
		Sound:       soundOnly(c.u),
	}
}

// finish ranks cs and returns them in exported form.
func finish(cs []*cand) []Candidate {
	rank(cs)
	out := make([]Candidate, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.candidate())
	}
	return out
}

// fileTitle is a plain video file's name as its title ("keynote 2026" of
// .../keynote%202026.mp4), when it reads as words: a name with a long run
// of letters and digits and nothing between them may be a key the host
// signs its links with, and is not shown.
func fileTitle(u *url.URL) string {
	name := path.Base(u.Path)
	name = strings.TrimSuffix(name, path.Ext(name))
	if name == "" || name == "." || name == "/" || len(name) > 100 {
		return ""
	}
	run, letters := 0, 0
	for _, r := range name {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			run++
			if unicode.IsLetter(r) {
				letters++
			}
			if run > 20 {
				return ""
			}
		default:
			run = 0
		}
	}
	if letters == 0 {
		return ""
	}
	return strings.NewReplacer("_", " ", "+", " ").Replace(name)
}
