package intake

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"replayrescue/core/chat"
	"replayrescue/core/web"
)

// periscopeReferer is what Periscope's web player sent with playlist
// requests.
const periscopeReferer = "https://www.periscope.tv/"

// periscope resolves a pscp.tv / periscope.tv broadcast link. It asks
// accessVideoPublic (api.periscope.tv, then proxsee.pscp.tv, which the web
// player used), then the pre-2018 getAccessPublic, for the replay_url (or
// the live hls_url...), the CloudFront cookies that go with it and the
// broadcast's title.
func periscope(ctx context.Context, link *url.URL, id string, uc *userCreds) ([]Candidate, error) {
	api, err := apiBase(envPeriscope, periscopeAPI)
	if err != nil {
		return nil, err
	}
	proxsee, err := apiBase(envProxsee, proxseeAPI)
	if err != nil {
		return nil, err
	}
	attempts := []string{
		endpoint(api, "/api/v2/accessVideoPublic", url.Values{"broadcast_id": {id}}),
		endpoint(proxsee, "/api/v2/accessVideoPublic", url.Values{"broadcast_id": {id}}),
		endpoint(api, "/api/v2/getAccessPublic", url.Values{"token": {id}}),
	}
	creds := newCreds(link)
	uc.apply(creds.Jar, creds.Header, link, link)
	client := web.NewClient(creds, web.ClientOptions{MaxConnsPerHost: 2})

	var lastErr error
	var info bcast
	for _, a := range attempts {
		body, _, err := call(ctx, client, http.MethodGet, a, http.Header{"Accept": {"application/json"}})
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if isStatus(err, http.StatusUnauthorized, http.StatusForbidden) {
				return nil, &CredentialsError{Msg: "Periscope will not hand out this broadcast, which is probably private: open it in your browser while logged in, start the replay, and export a HAR file.", Err: err}
			}
			if lastErr == nil || !isStatus(err, http.StatusNotFound) {
				lastErr = err
			}
			continue
		}
		f, ok := scanJSON(body)
		if !ok {
			lastErr = fmt.Errorf("%w: %s did not answer in JSON", errUnexpected, hostLabel(a))
			continue
		}
		for _, fd := range f.urls {
			if fd.b.title != "" || fd.b.id != "" {
				info = fd.b
			}
		}
		if len(f.urls) == 0 {
			for _, b := range f.casts {
				info = b
			}
			lastErr = nil
			continue
		}
		return broadcastCands(f.urls, link, id, OriginPeriscope, "Periscope", periscopeReferer, creds, uc), nil
	}
	switch {
	case info.state == "RUNNING":
		return nil, inputErr(ErrNoStream, "Periscope lists broadcast %s as live but gives no stream for it yet: try again in a minute.", id)
	case info.title != "" || info.state != "":
		return nil, inputErr(ErrNoStream, "Periscope has no replay for broadcast %s (%s): the broadcaster did not keep it, or it has expired.", id, info.title)
	case lastErr == nil || isStatus(lastErr, http.StatusNotFound, http.StatusGone, http.StatusBadRequest):
		return nil, inputErr(ErrNoStream, "Periscope has no replay for broadcast %s: it may have expired or been deleted, or the link is mistyped.", id)
	}
	return nil, unreachable(ctx, "Periscope ("+hostLabel(attempts[0])+")", lastErr)
}

// broadcastCands turns the playlists an API answer named into candidates
// sharing one jar: the user's cookies for the link, the API's Set-Cookie and
// the cookies[] of the answer, each scoped to its own host or domain.
func broadcastCands(fs []found, link *url.URL, id string, origin Origin, service, referer string, creds web.Credentials, uc *userCreds) []Candidate {
	var cs []*cand
	seen := map[string]bool{}
	for _, fd := range fs {
		c, hosts, ok := foundCand(fd, link, link, seen, origin, fmt.Sprintf("%s broadcast %s (%s)", service, id, fd.field), referer, creds, uc)
		if !ok {
			continue
		}
		c.chat = chatSource(fd.chatToken, fd.b.start)
		c.state = fd.b.state
		if c.id == "" {
			c.id = id
		}
		c.bodyCookies = len(fd.cookies) > 0
		c.cookieHosts = mergeHosts(hosts, cookieHosts(creds.Jar, c.u))
		cs = append(cs, c)
	}
	return finish(cs) // a stable sort: the API's order stays among equals
}

// chatSource is where a broadcast's chat is read, given the chat token an
// API answer handed out: Periscope's chat service, which X broadcasts use
// too. An unusable REPLAYRESCUE_PERISCOPE_API setting means no chat (the
// video does not depend on it).
func chatSource(token string, start time.Time) chat.Source {
	if token == "" {
		return chat.Source{Start: start}
	}
	api, err := apiBase(envPeriscope, periscopeAPI)
	if err != nil {
		return chat.Source{Start: start}
	}
	return chat.Source{API: api, Token: token, Start: start}
}

// foundCand makes the candidate for one playlist address that an API answer
// or a page named: resolved against base, http(s) only, skipped when seen
// (after fixReplayURL, so two spellings of one replay count once), with the
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
	fixReplayURL(pu, fd.field)
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
	c.prio, c.field = fd.prio, fd.field
	c.title, c.id = fd.b.title, fd.b.id
	c.replay, c.live = replayOrLive(pu, fd.field)
	h := http.Header{}
	h.Set("Referer", referer)
	uc.apply(creds.Jar, h, link, pu)
	c.creds = web.Credentials{Jar: creds.Jar, Header: h, Scheme: pu.Scheme, Host: pu.Host}
	c.signed = signedURL(pu.String())
	return c, hosts, true
}
