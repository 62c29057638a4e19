package intake

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"replayrescue/core/chat"
	"replayrescue/core/say"
	"replayrescue/core/web"
)

// A site is one broadcast service whose links intake resolves through its
// API, the way a downloader keeps one extractor per site. Everything intake
// knows of a service is in its file, site_NAME.go: the hosts and shapes of
// its links, its API's base addresses and the settings that move them
// (REPLAYRESCUE_..._API, for the tests' loopback fakes), its calls, the keys
// of its answers, and its wording when it refuses; its tests are in
// site_NAME_test.go. The generic code around the sites reads them from the
// registry below and names none. A link of no site is left to the web
// fallback (site_web.go): a playlist link as it is, any other page searched
// for playlists.
//
// To add a site, write site_NAME.go holding the Origin of what its API
// hands out and a var of type *site (its hosts, its link shapes with their
// resolvers, the words of its answers with their playlist keys ranked among
// the other sites'), and add the var to sites in init below; TestSites
// checks what sites must not share. Its tests go to site_NAME_test.go: its
// links (checkLinks), and its API faked on loopback (newFakeAPI, with its
// REPLAYRESCUE_..._API setting pointed there). To teach a site another kind
// of link (X's posts, events or Spaces, say), add a linkShape to its links
// and the resolver beside it, both in its file: a resolver that finds a
// broadcast may hand it on to the site's broadcast resolver with a
// linkMatch of its own.
type site struct {
	name   string       // the service, in messages and in Candidate.From ("Periscope")
	shapes say.Sentence // its kinds of links, for people ("posts, broadcasts, live events and Spaces")
	origin Origin       // Candidate.Origin of the playlists its API hands out
	hosts  []string     // hosts of its links: lower case, without www., mobile. or m.
	links  []linkShape
	// referer is what its web player sends with playlist requests.
	referer string
	// headers are the names of headers its requests carry, which a user
	// may copy: an error about a mistyped -H may name them back.
	headers []string
	// answers are the words of its API's answers.
	answers answerWords
	// chat, when set, is where its broadcasts' chat is read, given the chat
	// token its answers hand out.
	chat func(token string, start time.Time) chat.Source
	// playlistKind, when set, says whether a playlist is a replay or live
	// by its address alone (a query parameter, say). It is asked of every
	// playlist address, whoever serves it.
	playlistKind func(u *url.URL) (replay, live bool)
	// soundOnly, when set, says whether a playlist is sound only (an X
	// Space) by its address alone; asked of every playlist address too.
	soundOnly func(u *url.URL) bool
}

// answerWords are what a site's API answers call things. scanJSON looks for
// every site's words in every JSON answer, whoever sent it (the site's API,
// a web page, a copied request, a HAR file, a browser), so that a copy of
// an answer reads as the answer does. An object describing a broadcast is
// read for its id, title (status or title), state and start (start or
// created_at), the keys Periscope's API used and X's kept; a site whose
// answers differ more reads them in its resolver (as X's guest token is).
type answerWords struct {
	playlists []streamField // keys whose value is a playlist's address
	// Beside a playlist key, in the same object:
	cookies   string // key of the cookies to send for it (Go's http.Cookie as JSON)
	chatToken string // key of the broadcast's chat token
	broadcast string // key of the object describing the broadcast (under this key anywhere, such an object describes one too)
	// mediaKey is the key of a broadcast's media key (its video's id): an
	// object holding one describes a broadcast, unless it has neither state
	// nor title (a post's photo or video).
	mediaKey string
	// liveState is the state of a broadcast still live.
	liveState string
	// Requests, as a HAR file or a browser shows them:
	// mediaKeyPath is in the path of its API's requests whose answer is
	// about the broadcast whose media key ends the path;
	mediaKeyPath string
	// chatHistory ends the path of its chat service's history requests,
	// whose answers are chat messages (chat.ParseHistory).
	chatHistory string
}

// A streamField is a key of an API answer whose value is a playlist's
// address.
type streamField struct {
	key   string
	under string // when set, the key counts only in an object under this one
	// rank orders every site's keys on one scale, lower preferred: a site
	// gives its keys ranks among the other sites' (ranks are unique; a
	// playlist a page merely links to comes after them all).
	rank int
	// replay, live: what the playlist is when its address does not say.
	replay, live bool
	// fix, when set, turns the value into the playlist's address.
	fix func(u *url.URL)
}

// name is the field as the user is told of it ("replay_url",
// "source.location").
func (f streamField) name() string {
	if f.under != "" {
		return f.under + "." + f.key
	}
	return f.key
}

// fixURL turns the value u of the field into the playlist's address.
func (f streamField) fixURL(u *url.URL) {
	if f.fix != nil {
		f.fix(u)
	}
}

// A linkShape is one kind of link of a site's, and how to resolve it.
type linkShape struct {
	// name is the kind of link, for people and for a site's resolver that
	// hands one kind on to another ("broadcast", "Space", "post").
	name string
	// path is the shape of the link's path, element by element (split at
	// "/", without the slashes at either end): a word it must be, "*" for
	// any word, or "{id}" where the id stands, which idRE must match.
	path []string
	idRE *regexp.Regexp
	// resolve returns the candidates for a link of this shape. A refusal is
	// a *CredentialsError, a service that could not be read a
	// *NetworkError (see unreachable), anything else an *InputError.
	resolve func(ctx context.Context, m linkMatch, uc *userCreds) ([]Candidate, error)
}

// linkMatch is a link some site's linkShape took, and the id it found.
type linkMatch struct {
	site  *site
	shape *linkShape
	link  *url.URL
	id    string
}

// match returns the id a link whose path has the elements parts names, or
// false when the link has another shape.
func (l *linkShape) match(parts []string) (string, bool) {
	if len(parts) != len(l.path) {
		return "", false
	}
	id := ""
	for i, want := range l.path {
		switch want {
		case "*":
			if parts[i] == "" {
				return "", false
			}
		case "{id}":
			if !l.idRE.MatchString(parts[i]) {
				return "", false
			}
			id = parts[i]
		default:
			if parts[i] != want {
				return "", false
			}
		}
	}
	return id, true
}

// resolve resolves the link with the resolver of its shape. Whatever
// keeps the API from handing out the video, the browser may still play it:
// every failure but a cancel is a *CaptureError for the link.
func (m linkMatch) resolve(ctx context.Context, uc *userCreds) ([]Candidate, error) {
	cands, err := m.shape.resolve(ctx, m, uc)
	if err != nil && ctx.Err() == nil {
		err = &CaptureError{Link: m.site.page(m.link), Err: err}
	}
	return cands, err
}

// page is the page to open in the browser for u, a link on one of s's
// hosts: its path on s's first host, over https, without the query or
// fragment (a share link's tracking, never needed to play it). Every byte
// of the path but letters, digits and "/._~-" is %-escaped, so the command
// line can name it in a command to run as it is.
func (s *site) page(u *url.URL) string {
	var b strings.Builder
	for _, c := range []byte("/" + strings.Trim(u.Path, "/")) {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("/._~-", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return "https://" + s.hosts[0] + b.String()
}

// unknownLink is the error for a link on a site's host that is none of
// the site's link shapes (a profile, a list...), or nil when u is on no
// site's host. intake cannot resolve it, but the browser may play it.
func unknownLink(u *url.URL) error {
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	for _, p := range linkHostPrefixes {
		host = strings.TrimPrefix(host, p)
	}
	for _, s := range sites {
		if slices.Contains(s.hosts, host) {
			return &CaptureError{Link: s.page(u), Err: inputSay(ErrNoStream, say.T("This {{.Site}} page is not a kind of link Replay Rescue reads ({{.Shapes}}).", "Site", s.name, "Shapes", s.shapes))}
		}
	}
	return nil
}

// sites are the services intake knows by name, tried in this order. They,
// and the tables built from them, are set in init rather than by an
// initializer, so that a site's resolver may itself use them (matchLink,
// scanJSON) without an initialization cycle.
var sites []*site

// Tables built from the sites.
var (
	// bareLinkRE: a link pasted without a scheme, on a site's host.
	bareLinkRE *regexp.Regexp
	// answerFields are every site's playlist keys, by rank.
	answerFields []streamField
	// pageRank is the rank of the first playlist a page links to: after
	// every site's keys.
	pageRank int
	// answerHints are what an answer that scanJSON finds something in
	// mentions (see mayNameStream).
	answerHints []string
)

func init() {
	sites = []*site{periscopeSite, xSite}

	for _, s := range sites {
		w := s.answers
		answerFields = append(answerFields, w.playlists...)
		if w.broadcast != "" {
			answerHints = append(answerHints, `"`+w.broadcast+`"`)
		}
		if w.mediaKey != "" {
			answerHints = append(answerHints, w.mediaKey)
		}
	}
	sort.SliceStable(answerFields, func(i, j int) bool { return answerFields[i].rank < answerFields[j].rank })
	for _, f := range answerFields {
		pageRank = max(pageRank, f.rank+1)
		if f.under != "" {
			// A key read only under another is a common word ("location"):
			// looked for with its quotes.
			answerHints = append(answerHints, `"`+f.key+`"`)
		} else {
			answerHints = append(answerHints, f.key)
		}
	}

	var prefixes, hosts []string
	for _, p := range linkHostPrefixes {
		prefixes = append(prefixes, regexp.QuoteMeta(p))
	}
	for _, s := range sites {
		for _, h := range s.hosts {
			hosts = append(hosts, regexp.QuoteMeta(h))
		}
	}
	hosts = append(hosts, regexp.QuoteMeta(tcoHost)) // X's short links (site_x_short.go)
	bareLinkRE = regexp.MustCompile(`(?i)^(?:` + strings.Join(prefixes, "|") + `)?(?:` + strings.Join(hosts, "|") + `)/`)
}

// linkHostPrefixes are the host prefixes a site's links may carry.
var linkHostPrefixes = []string{"www.", "mobile.", "m."}

// matchLink finds the site and link shape of u, an http or https link on
// one of a site's hosts (with or without www., mobile. or m.).
func matchLink(u *url.URL) (linkMatch, bool) {
	if u == nil || (u.Scheme != "http" && u.Scheme != "https") {
		return linkMatch{}, false
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	for _, p := range linkHostPrefixes {
		host = strings.TrimPrefix(host, p)
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	for _, s := range sites {
		if !slices.Contains(s.hosts, host) {
			continue
		}
		for i := range s.links {
			if id, ok := s.links[i].match(parts); ok {
				return linkMatch{site: s, shape: &s.links[i], link: u, id: id}, true
			}
		}
	}
	return linkMatch{}, false
}

// siteOrigin reports whether origin is a site's: a playlist its API handed
// out.
func siteOrigin(origin Origin) bool {
	for _, s := range sites {
		if s.origin == origin {
			return true
		}
	}
	return false
}

// siteHeader reports whether a site's requests carry the header name
// (canonical form).
func siteHeader(name string) bool {
	for _, s := range sites {
		for _, h := range s.headers {
			if http.CanonicalHeaderKey(h) == name {
				return true
			}
		}
	}
	return false
}

// liveState reports whether a broadcast's state says it is still live.
func liveState(state string) bool {
	for _, s := range sites {
		if w := s.answers; w.liveState != "" && state == w.liveState {
			return true
		}
	}
	return false
}

// soundOnly reports whether a playlist's address says it is sound only.
func soundOnly(u *url.URL) bool {
	for _, s := range sites {
		if s.soundOnly != nil && s.soundOnly(u) {
			return true
		}
	}
	return false
}

// chatHistoryPath reports whether a request's path is a chat service's
// history request.
func chatHistoryPath(p string) bool {
	for _, s := range sites {
		if w := s.answers; w.chatHistory != "" && strings.HasSuffix(p, w.chatHistory) {
			return true
		}
	}
	return false
}

// answerMediaKey is the media key of the broadcast an API answer is about,
// by the path of its request; "" if the path does not say.
func answerMediaKey(p string) string {
	for _, s := range sites {
		if w := s.answers; w.mediaKeyPath != "" && strings.Contains(p, w.mediaKeyPath) {
			return path.Base(p)
		}
	}
	return ""
}

// chatSource is where a broadcast's chat is read: the chat service of s,
// the site whose answer handed out token; without both, only the start is
// known.
func chatSource(s *site, token string, start time.Time) chat.Source {
	if s == nil || s.chat == nil || token == "" {
		return chat.Source{Start: start}
	}
	return s.chat(token, start)
}

// broadcastCands turns the playlists a site's API answer named for m's
// broadcast (what it is, for people: "broadcast", "Space", "post") into
// candidates sharing one jar: the user's cookies for the link, the API's
// Set-Cookie and the cookies of the answer, each scoped to its own host or
// domain.
func broadcastCands(m linkMatch, what string, fs []found, creds web.Credentials, uc *userCreds) []Candidate {
	var cs []*cand
	seen := map[string]bool{}
	for _, fd := range fs {
		c, hosts, ok := foundCand(fd, m.link, m.link, seen, m.site.origin, fmt.Sprintf("%s %s %s (%s)", m.site.name, what, m.id, fd.field.name()), m.site.referer, creds, uc)
		if !ok {
			continue
		}
		c.chat = chatSource(fd.chatSite, fd.chatToken, fd.b.start)
		c.state = fd.b.state
		if c.id == "" {
			c.id = m.id
		}
		c.bodyCookies = len(fd.cookies) > 0
		c.cookieHosts = mergeHosts(hosts, cookieHosts(creds.Jar, c.u))
		cs = append(cs, c)
	}
	return finish(cs) // a stable sort: the API's order stays among equals
}

// foundCand makes the candidate for one playlist address that an API answer
// or a page named: resolved against base, http(s) only, skipped when seen
// (after its field's fix, so two spellings of one replay count once), with the
// cookies that came with it put in the jar. It returns the hosts those
// cookies are for.
func foundCand(fd found, base, link *url.URL, seen map[string]bool, origin Origin, from, referer string, creds web.Credentials, uc *userCreds) (*cand, []string, bool) {
	ref, err := url.Parse(fd.raw)
	if err != nil {
		return nil, nil, false
	}
	pu := base.ResolveReference(ref)
	if (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return nil, nil, false
	}
	fd.field.fixURL(pu)
	if seen[pu.String()] {
		return nil, nil, false
	}
	seen[pu.String()] = true
	var set cookieSet
	for _, ck := range fd.cookies {
		set.add(pu, ck, false)
	}
	hosts, _, _ := set.fill(creds.Jar, nil)
	c := newCand(pu, origin, from)
	c.prio, c.field = fd.field.rank, fd.field
	c.title, c.id = fd.b.title, fd.b.id
	c.replay, c.live = replayOrLive(pu, fd.field)
	h := http.Header{}
	h.Set("Referer", referer)
	uc.apply(creds.Jar, h, link, pu)
	c.creds = web.Credentials{Jar: creds.Jar, Header: h, Scheme: pu.Scheme, Host: pu.Host}
	c.signed = signedURL(pu.String())
	return c, hosts, true
}
