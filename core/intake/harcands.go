package intake

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// fromHAR reads a HAR file (any size, streamed) and returns its candidates.
func fromHAR(r io.Reader, name string, user *userCreds) ([]Candidate, error) {
	s := newHARScan()
	_, damaged, err := readHAR(r, s)
	if err != nil {
		if errors.Is(err, errNotHAR) {
			return nil, inputErr(ErrNoSource, "%s is not a readable HAR file (it is damaged, cut short or not a HAR file at all): export it again from your browser's Network panel.", name)
		}
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return s.candidates(user, damaged)
}

// candidates ranks what the scan found and gives each candidate the
// credentials it needs, or says in one sentence why there is none.
func (s *harScan) candidates(user *userCreds, damaged bool) ([]Candidate, error) {
	if len(s.order) == 0 {
		switch {
		case damaged:
			return nil, inputErr(ErrNoStream, "This HAR file is cut short and no video stream was found in the part that could be read: export it again after the replay has started playing.")
		case s.entries == 0:
			return nil, inputErr(ErrNoStream, "This HAR file records no requests: open the broadcast page, start playing the replay, and only then export the HAR file.")
		case s.media > 0:
			return nil, inputErr(ErrNoStream, "This HAR file has pieces of the video but not its playlist: in the browser's Network panel tick \"Preserve log\", reload the page, start the replay, then export the HAR file again.")
		}
		return nil, inputErr(ErrNoStream, "No video stream was found in this HAR file: start playing the replay before exporting the HAR.")
	}
	s.linkVariants()
	s.applyBroadcasts()
	domains := map[string]bool{}
	for _, c := range s.order {
		domains[domainOf(c.u.Host)] = true
	}
	for h := range s.mediaHosts {
		domains[domainOf(h)] = true
	}
	// A HAR file records one broadcast: its chat goes with every candidate.
	cs := chatSource(s.chatSite, s.chatToken, s.start)
	cs.Messages = s.chat
	for _, c := range s.order {
		s.credsFor(c, domains, user)
		c.chat = cs
	}
	rank(s.order)
	cands := finish(s.order)
	if best := s.order[0]; best.certain {
		return cands, &CredentialsError{Msg: best.problem}
	}
	return cands, nil
}

// linkVariants matches the media playlists the browser fetched with the
// variants of a master playlist it fetched: the best variant's media
// playlist ranks first, and inherits what is known about the broadcast.
func (s *harScan) linkVariants() {
	byKey := map[string][]*cand{}
	for _, c := range s.order {
		byKey[urlKey(c.u)] = append(byKey[urlKey(c.u)], c)
	}
	for _, m := range s.order {
		// A master playlist says nothing of replay or live; its variants do
		// (one finished variant is enough: the others were older snapshots).
		if !m.replay && !m.live {
			for _, v := range m.variants {
				for _, c := range byKey[v.key] {
					if c != m {
						m.replay = m.replay || c.replay
						m.live = m.live || c.live
					}
				}
			}
			if m.replay {
				m.live = false
			}
		}
		best := 0
		for _, v := range m.variants {
			best = max(best, v.bandwidth)
		}
		for _, v := range m.variants {
			for _, c := range byKey[v.key] {
				if c == m {
					continue
				}
				c.bandwidth = v.bandwidth
				c.variantRank = 0
				if v.bandwidth == best {
					c.variantRank = 2
				}
				if c.kind == "" {
					c.kind = "media"
				}
				if !c.replay && !c.live {
					c.replay, c.live = m.replay, m.live
				}
				inherit(c, bcast{id: m.id, title: m.title, mediaKey: m.mediaKey})
			}
		}
	}
}

// applyBroadcasts gives candidates the title and ID of their broadcast: an
// answer about a media key (answerWords.mediaKeyPath) is matched with the
// broadcast described with that media key; when the file describes one broadcast only, its playlists on
// the same registrable domain all belong to it.
func (s *harScan) applyBroadcasts() {
	byKey, byID := map[string]bcast{}, map[string]bcast{}
	for _, b := range s.casts {
		if b.mediaKey != "" {
			byKey[b.mediaKey] = b
		}
		if b.id != "" {
			byID[b.id] = b
		}
	}
	distinct := map[string]bcast{}
	ownDomain := map[string]bool{}
	for _, c := range s.order {
		if b, ok := byKey[c.mediaKey]; ok && c.mediaKey != "" {
			inherit(c, b)
		}
		if b, ok := byID[c.id]; ok && c.id != "" {
			inherit(c, b)
		}
		if c.id != "" || c.title != "" {
			distinct[c.id+"\x00"+c.title] = bcast{id: c.id, title: c.title}
			ownDomain[domainOf(c.u.Host)] = true
		}
	}
	if len(distinct) != 1 {
		return
	}
	for _, b := range distinct {
		for _, c := range s.order {
			if ownDomain[domainOf(c.u.Host)] {
				inherit(c, b)
			}
		}
	}
}

func inherit(c *cand, b bcast) {
	if c.title == "" {
		c.title = b.title
	}
	if c.id == "" {
		c.id = b.id
	}
	if c.mediaKey == "" {
		c.mediaKey = b.mediaKey
	}
	if c.state == "" {
		c.state = b.state
	}
	if liveState(c.state) && !c.replay && !c.live {
		c.live = true
	}
}

// credsFor builds c's credentials from the file: the cookies seen on the
// stream's domains (its own, and those serving its chunks) in a fresh per-host
// jar, the Authorization last sent to its host, and the Referer,
// User-Agent and Origin of its request. Then it judges them.
func (s *harScan) credsFor(c *cand, domains map[string]bool, user *userCreds) {
	creds := newCreds(c.u)
	hosts, expired, _ := s.cookies.fill(creds.Jar, func(r cookieRec) bool { return domains[domainOf(r.scope())] })
	host := strings.ToLower(c.u.Host)
	for _, h := range []http.Header{c.srcHeader, s.ctxHeaders[host], c.header} { // later wins
		for name, vs := range h {
			if name != "Authorization" {
				creds.Header[name] = append([]string(nil), vs...)
			}
		}
	}
	auth := c.header.Get("Authorization")
	if auth == "" {
		auth = s.auth[host]
	}
	if auth != "" {
		creds.Header.Set("Authorization", auth)
	}
	if user != nil {
		user.apply(creds.Jar, creds.Header, nil, c.u)
	}
	c.creds = creds
	c.cookieHosts = mergeHosts(hosts, cookieHosts(creds.Jar, c.u))

	// Judge.
	own := redactedValue(c.u.RawQuery) || redactedValue(c.u.EscapedPath()) || redactedValue(auth)
	for _, ck := range creds.Jar.Cookies(c.u) {
		own = own || redactedValue(ck.Value)
	}
	c.signed = signedURL(c.u.String())
	c.sanitized = s.sanitized() || s.redacted
	c.redacted = own || s.redacted
	noCookies := len(c.cookieHosts) == 0 && auth == ""
	switch {
	case own && !c.signed:
		c.verdict, c.problem, c.certain = VerdictSanitized, msgRedacted, true
	case statusDenied(c.status) && s.sanitized() && !c.signed:
		c.verdict, c.problem, c.certain = VerdictSanitized, msgSanitized, true
	case statusDenied(c.status):
		c.verdict, c.problem, c.certain = VerdictStale, msgBrowserDenied, true
	case s.sanitized() && !c.signed && noCookies:
		c.verdict, c.problem = VerdictSanitized, msgSanitizedMaybe
	case expired > 0 && noCookies && !c.signed:
		c.verdict, c.problem = VerdictStale, msgExpiredCookies
	case c.failed():
		c.verdict = VerdictUnreachable
		c.problem = "Your browser could not load this playlist either when the HAR file was saved (the request did not complete)."
		if c.status > 0 {
			c.problem = fmt.Sprintf("Your browser could not load this playlist either when the HAR file was saved (the site answered %d %s).", c.status, http.StatusText(c.status))
		}
	default:
		c.verdict = VerdictReady
	}
}
