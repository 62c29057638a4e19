package intake

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"

	"replayrescue/core/web"
)

// maxCookies bounds the cookies remembered from one source.
const maxCookies = 20000

// cookieRec is one cookie and the URL it was seen with: the URL a browser
// sent it to, or the URL whose answer set it.
type cookieRec struct {
	seen        *url.URL
	c           *http.Cookie
	fromRequest bool // seen in a Cookie header: its real domain and path are unknown
}

// scope is the host or domain the cookie is sent to, for people ("pscp.tv").
func (r cookieRec) scope() string {
	if r.c.Domain != "" {
		return r.c.Domain
	}
	return strings.ToLower(r.seen.Hostname())
}

func (r cookieRec) expired(now time.Time) bool {
	return r.c.MaxAge < 0 || (!r.c.Expires.IsZero() && r.c.Expires.Before(now))
}

// cookieSet collects cookies in the order seen; a later cookie with the same
// name, scope and path replaces an earlier one. It is turned into per-host
// jars (web.NewJar), never into one Cookie header.
type cookieSet struct {
	recs []cookieRec
	idx  map[string]int
}

// add records c as seen with u. Cookies seen in a request have no domain or
// path: they belong to u's host, every path. A Domain that u's host does not
// belong to, or a public suffix, is dropped, making the cookie host-only.
func (s *cookieSet) add(u *url.URL, c *http.Cookie, fromRequest bool) {
	if c == nil || c.Name == "" || u == nil || u.Host == "" {
		return
	}
	cc := *c
	cc.Domain = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(cc.Domain)), ".")
	host := strings.ToLower(u.Hostname())
	if cc.Domain != "" && cc.Domain != host {
		ps, _ := publicsuffix.PublicSuffix(cc.Domain)
		if !strings.HasSuffix(host, "."+cc.Domain) || ps == cc.Domain {
			cc.Domain = ""
		}
	}
	if fromRequest || cc.Path == "" {
		cc.Path = "/"
	}
	if fromRequest && u.Scheme == "https" {
		// Its real flags are unknown: one the browser sent over https is
		// kept off plain http, as the Secure cookie it may well be.
		cc.Secure = true
	}
	rec := cookieRec{seen: u, c: &cc, fromRequest: fromRequest}
	key := rec.scope() + "|" + cc.Path + "|" + cc.Name
	if s.idx == nil {
		s.idx = map[string]int{}
	}
	if i, ok := s.idx[key]; ok {
		s.recs[i] = rec
		return
	}
	if len(s.recs) >= maxCookies {
		return
	}
	s.idx[key] = len(s.recs)
	s.recs = append(s.recs, rec)
}

// fill sets the kept cookies into jar against the URL each was seen with and
// returns the hosts (or domains) that will receive them, plus how many kept
// cookies had already expired.
func (s *cookieSet) fill(jar http.CookieJar, keep func(cookieRec) bool) (hosts []string, expired int, redacted bool) {
	now := time.Now()
	seen := map[string]bool{}
	// A cookie seen in a request is also known from the Set-Cookie that
	// created it: that one has the real domain and path, so it alone is kept.
	set := map[string][]cookieRec{}
	for _, r := range s.recs {
		if !r.fromRequest {
			set[r.c.Name] = append(set[r.c.Name], r)
		}
	}
	explained := func(r cookieRec) bool {
		host := strings.ToLower(r.seen.Hostname())
		for _, o := range set[r.c.Name] {
			if o.c.Value == r.c.Value && (o.scope() == host || strings.HasSuffix(host, "."+o.scope())) {
				return true
			}
		}
		return false
	}
	for _, r := range s.recs {
		if (keep != nil && !keep(r)) || (r.fromRequest && explained(r)) {
			continue
		}
		jar.SetCookies(r.seen, []*http.Cookie{r.c})
		if r.expired(now) {
			expired++
			continue
		}
		if redactedValue(r.c.Value) {
			redacted = true
		}
		if h := r.scope(); !seen[h] {
			seen[h] = true
			hosts = append(hosts, h)
		}
	}
	sort.Strings(hosts)
	return hosts, expired, redacted
}

// Headers worth replaying. Everything else a browser sends (Accept, sec-ch-*,
// HTTP/2 pseudo headers, Accept-Encoding, Host, Content-Length) is dropped.
var replayHeaders = map[string]bool{"Referer": true, "User-Agent": true, "Origin": true, "Authorization": true}

// harHeaders turns HAR headers into an http.Header with canonical names,
// without HTTP/2 pseudo headers.
func harHeaders(hs []harHeader) http.Header {
	h := http.Header{}
	for _, x := range hs {
		name := strings.TrimSpace(x.Name)
		if name == "" || strings.HasPrefix(name, ":") {
			continue
		}
		h.Add(name, x.Value)
	}
	return h
}

// replayable keeps only the headers in replayHeaders.
func replayable(h http.Header) http.Header {
	out := http.Header{}
	for name, vs := range h {
		if replayHeaders[name] && len(vs) > 0 && strings.TrimSpace(vs[len(vs)-1]) != "" {
			out.Set(name, strings.TrimSpace(vs[len(vs)-1]))
		}
	}
	return out
}

// userCreds are the cookies and headers the user typed (--cookies,
// --cookies-file, -H). Typed cookies and headers belong to the origin
// (scheme and host) of the URL the user gave; cookies.txt entries carry
// their own domains.
type userCreds struct {
	cookies []*http.Cookie // --cookies and -H "Cookie: ..."
	file    cookieSet      // --cookies-file
	header  http.Header    // other -H headers
}

// apply adds the user's credentials to a candidate's jar and header. given
// is the URL the user gave (nil for a HAR file, where typed cookies go to
// the candidate's own host); target is the candidate's URL.
func (uc *userCreds) apply(jar http.CookieJar, h http.Header, given, target *url.URL) {
	if given == nil {
		given = target
	}
	for _, c := range uc.cookies {
		cc := *c
		if cc.Path == "" {
			cc.Path = "/" // typed cookies are for the whole host
		}
		// Typed for an https source, a cookie is kept off plain http even
		// on the same host: the user cannot say it is Secure.
		cc.Secure = cc.Secure || given.Scheme == "https"
		jar.SetCookies(given, []*http.Cookie{&cc})
	}
	for _, r := range uc.file.recs {
		jar.SetCookies(r.seen, []*http.Cookie{r.c})
	}
	home := web.InOrigin(given, target)
	for name, vs := range uc.header {
		switch {
		case home, web.Harmless(name):
			h[name] = append([]string(nil), vs...)
		case len(vs) > 0:
			// Another origin (the CDN a broadcast link leads to) gets what
			// a browser would send it: a Referer's or Origin's origin.
			if v, ok := web.CrossOrigin(name, vs[len(vs)-1], target); ok {
				h.Set(name, v)
			}
		}
	}
}

// cookieHosts lists the hosts among urls that jar sends cookies to.
func cookieHosts(jar http.CookieJar, urls ...*url.URL) []string {
	seen := map[string]bool{}
	var out []string
	for _, u := range urls {
		if u == nil || seen[u.Hostname()] {
			continue
		}
		if len(jar.Cookies(u)) > 0 {
			seen[u.Hostname()] = true
			out = append(out, strings.ToLower(u.Hostname()))
		}
	}
	return out
}

// mergeHosts returns the sorted union of host lists.
func mergeHosts(lists ...[]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lists {
		for _, h := range l {
			if h != "" && !seen[h] {
				seen[h] = true
				out = append(out, h)
			}
		}
	}
	sort.Strings(out)
	return out
}

// newCreds is an empty set of credentials that belong to u's origin.
func newCreds(u *url.URL) web.Credentials { return web.CredentialsFor(u) }
