package intake

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"replayrescue/core/say"
	"replayrescue/core/web"
)

// OriginX: an X (Twitter) link, resolved through its API.
const OriginX Origin = "x"

// xSite is X (x.com, twitter.com), with or without www., mobile. or m.,
// over http or https: its broadcasts (x.com/i/broadcasts/ID), the posts
// that announce them (x.com/USER/status/ID, whose card is the broadcast or
// Space, or whose own video is the talk), its live events
// (x.com/i/events/ID) and its Spaces (x.com/i/spaces/ID, sound only). X's
// broadcasts are Periscope's: their playlists are on Periscope's video
// hosts, their chat on Periscope's chat service. Posts and Spaces are read
// through x.com's GraphQL API (its operations are kept in
// site_x_graphql.go), broadcasts and live events through api.x.com; posts
// are in site_x_post.go, Spaces in site_x_space.go.
var xSite = &site{
	name:    "X",
	shapes:  say.T("posts, broadcasts, live events and Spaces"),
	origin:  OriginX,
	hosts:   []string{"x.com", "twitter.com"},
	referer: xReferer,
	headers: []string{"X-Guest-Token"},
	links: []linkShape{
		{name: "broadcast", path: []string{"i", "broadcasts", "{id}"}, idRE: xIDRE, resolve: xBroadcast},
		{name: "live event", path: []string{"i", "events", "{id}"}, idRE: xNumberRE, resolve: xEvent},
		{name: "Space", path: []string{"i", "spaces", "{id}"}, idRE: xIDRE, resolve: xSpace},
		{name: "Space", path: []string{"i", "spaces", "{id}", "peek"}, idRE: xIDRE, resolve: xSpace},
		{name: "post", path: []string{"*", "status", "{id}"}, idRE: xNumberRE, resolve: xPost},
		{name: "post", path: []string{"*", "statuses", "{id}"}, idRE: xNumberRE, resolve: xPost},
		{name: "post", path: []string{"*", "status", "{id}", "video", "*"}, idRE: xNumberRE, resolve: xPost},
		{name: "post", path: []string{"i", "web", "status", "{id}"}, idRE: xNumberRE, resolve: xPost},
	},
	// broadcasts/show.json describes broadcasts (broadcasts{ID: {id,
	// media_key, status: the title, state}}), AudioSpaceById a Space
	// (metadata{media_key, title, state});
	// live_video_stream/status/MEDIA_KEY names the playlist
	// (source.noRedirectPlaybackUrl, source.location).
	answers: answerWords{
		playlists: []streamField{
			{key: "noRedirectPlaybackUrl", rank: 1},
			{key: "location", under: "source", rank: 6},
		},
		chatToken:    "chatToken",
		mediaKey:     "media_key",
		liveState:    "RUNNING",
		mediaKeyPath: "/live_video_stream/status/",
	},
	chat:      periscopeChat,
	soundOnly: xSpacePlaylist,
}

var (
	xIDRE     = regexp.MustCompile(`^[A-Za-z0-9]{5,40}$`)
	xNumberRE = regexp.MustCompile(`^[0-9]{1,25}$`)
)

// X's API host, its web site (whose /i/api/graphql/ is the GraphQL API its
// web client reads posts and Spaces through), and the settings that replace
// them (tests and self-hosted fakes; see apiBase).
const (
	xAPI    = "https://api.x.com"
	xWeb    = "https://x.com"
	envX    = "REPLAYRESCUE_X_API"
	envXWeb = "REPLAYRESCUE_X_WEB"
)

// xBearer is the public bearer token of X's web client, the one every public
// client (yt-dlp and others) uses to get a guest token. It is not a secret.
const xBearer = "AAAAAAAAAAAAAAAAAAAAANRILgAAAAAAnNwIzUejRCOuH5E6I8xnZz4puTs%3D1Zv7ttfk8LF81IUq16cHjhLTvJu4FA33AGWWjCpTnA"

const xReferer = "https://x.com/"

// xSpacePlaylist: a Space's playlists are in an audio-space folder on
// Periscope's video hosts.
func xSpacePlaylist(u *url.URL) bool {
	return strings.Contains(u.Path, "/audio-space/")
}

// xSession is one conversation with X on behalf of one link: the web
// client's public bearer and a guest token, sent to X's API host and to its
// web site's GraphQL API only, each through a client of its own
// (web.NewClient binds Authorization and X-Guest-Token to one host).
type xSession struct {
	apiURL, webURL       *url.URL
	apiClient, webClient *http.Client
}

// newXSession asks api.x.com's guest/activate.json for a guest token.
func newXSession(ctx context.Context) (*xSession, error) {
	apiURL, err := apiBase(envX, xAPI)
	if err != nil {
		return nil, err
	}
	webURL, err := apiBase(envXWeb, xWeb)
	if err != nil {
		return nil, err
	}
	apiCreds, webCreds := newCreds(apiURL), newCreds(webURL)
	for _, h := range []http.Header{apiCreds.Header, webCreds.Header} {
		h.Set("Authorization", "Bearer "+xBearer)
	}
	s := &xSession{apiURL: apiURL, webURL: webURL,
		apiClient: web.NewClient(apiCreds, web.ClientOptions{MaxConnsPerHost: 2}),
		webClient: web.NewClient(webCreds, web.ClientOptions{MaxConnsPerHost: 2})}
	body, err := s.call(ctx, s.apiClient, http.MethodPost, endpoint(apiURL, "/1.1/guest/activate.json", nil))
	switch {
	case err == nil:
	case isStatus(err, http.StatusUnauthorized, http.StatusForbidden):
		return nil, netSay(say.T("X refused the guest pass Replay Rescue reads it with (it answered 403), which happens when X limits readers who are not logged in."), err)
	default:
		return nil, s.failed(ctx, apiURL, err)
	}
	tok := guestToken(body)
	if tok == "" {
		return nil, netSay(say.T("X did not hand out the guest pass Replay Rescue reads it with: try again in a few minutes."), nil)
	}
	for _, h := range []http.Header{apiCreds.Header, webCreds.Header} {
		h.Set("X-Guest-Token", tok)
	}
	return s, nil
}

// call makes one request of X and returns the body of a 2xx answer.
func (s *xSession) call(ctx context.Context, client *http.Client, method, rawURL string) (string, error) {
	body, _, err := call(ctx, client, method, rawURL, http.Header{"Accept": {"application/json"}})
	return body, err
}

// failed is the error to show for a call to X's host base that failed
// other than the caller words itself: a 429 says X is limiting its API,
// the rest is unreachable's (an answer not understood says to check for an
// update).
func (s *xSession) failed(ctx context.Context, base *url.URL, err error) error {
	if ctx.Err() == nil && isStatus(err, http.StatusTooManyRequests) {
		return xLimited(err)
	}
	return unreachable(ctx, "X ("+base.Host+")", err)
}

// xLimited is X's 429 (err): it is limiting how often it is asked.
func xLimited(err error) error {
	return netSay(say.T("X is limiting how often it may be asked right now (it answered 429): wait a few minutes, then try again."), err)
}

// get asks X's API host for rawURL. Its refusals are missing (a 404: there
// is no such thing) and, for a 401 or 403, a *CredentialsError saying
// denied; anything else is failed's.
func (s *xSession) get(ctx context.Context, rawURL string, missing *InputError, denied say.Sentence) (string, error) {
	body, err := s.call(ctx, s.apiClient, http.MethodGet, rawURL)
	switch {
	case err == nil:
		return body, nil
	case isStatus(err, http.StatusNotFound):
		return "", missing
	case isStatus(err, http.StatusUnauthorized, http.StatusForbidden):
		return "", credSay(denied, err)
	}
	return "", s.failed(ctx, s.apiURL, err)
}

// xAbout is what a post or a live event says of the broadcast or Space it
// leads to: the title, presenter and start used where the broadcast's own
// answer gives none.
type xAbout struct {
	title, presenter string
	start            time.Time
}

// or is a, with what b says where a says nothing.
func (a xAbout) or(b xAbout) xAbout {
	if a.title == "" {
		a.title = b.title
	}
	if a.presenter == "" {
		a.presenter = b.presenter
	}
	if a.start.IsZero() {
		a.start = b.start
	}
	return a
}

// candidates turns the playlists found for m (a broadcast, Space or post:
// what) into candidates, with the presenter; the jar holds only what the
// user typed: the API's Authorization and guest token never leave its
// hosts.
func (a xAbout) candidates(m linkMatch, what string, fs []found, uc *userCreds) []Candidate {
	creds := newCreds(m.link)
	uc.apply(creds.Jar, creds.Header, m.link, m.link)
	cands := broadcastCands(m, what, fs, creds, uc)
	for i := range cands {
		cands[i].Presenter = CleanTitle(redactText(a.presenter))
	}
	return cands
}

// xPerson names someone as X shows them: "Ada Lovelace (@ada)".
func xPerson(name, handle string) string {
	name, handle = strings.TrimSpace(name), strings.TrimPrefix(strings.TrimSpace(handle), "@")
	switch {
	case name != "" && handle != "":
		return name + " (@" + handle + ")"
	case handle != "":
		return "@" + handle
	}
	return name
}

// xMillis is a time X gives in milliseconds since 1970, as a number or a
// string of digits.
type xMillis time.Time

func (t *xMillis) UnmarshalJSON(data []byte) error {
	ms, err := strconv.ParseInt(strings.Trim(string(data), `"`), 10, 64)
	if err == nil && ms > 946684800000 { // after 2000
		*t = xMillis(time.UnixMilli(ms).UTC())
	}
	return nil // a time that is not one is unknown, not a broken answer
}

// X's resolvers, one for each kind of link, each in a session of its own.
var (
	xBroadcast = inXSession(func(s *xSession, ctx context.Context, m linkMatch, uc *userCreds) ([]Candidate, error) {
		return s.broadcast(ctx, m, uc, xAbout{})
	})
	xSpace = inXSession(func(s *xSession, ctx context.Context, m linkMatch, uc *userCreds) ([]Candidate, error) {
		return s.space(ctx, m, uc, xAbout{})
	})
	xEvent = inXSession((*xSession).event)
	xPost  = inXSession((*xSession).post)
)

// inXSession is the resolver that opens a session, then resolves with f.
func inXSession(f func(s *xSession, ctx context.Context, m linkMatch, uc *userCreds) ([]Candidate, error)) func(context.Context, linkMatch, *userCreds) ([]Candidate, error) {
	return func(ctx context.Context, m linkMatch, uc *userCreds) ([]Candidate, error) {
		s, err := newXSession(ctx)
		if err != nil {
			return nil, err
		}
		return f(s, ctx, m, uc)
	}
}

// broadcast resolves the broadcast m.id (m.link is the link the user gave:
// the broadcast's, or the post's or live event's that led to it): its
// media key, title and presenter from broadcasts/show.json, then the
// playlist from live_video_stream/status/MEDIA_KEY
// (source.noRedirectPlaybackUrl, or source.location).
func (s *xSession) broadcast(ctx context.Context, m linkMatch, uc *userCreds, about xAbout) ([]Candidate, error) {
	id := m.id
	missing := inputSay(ErrNoStream, say.T("X has no broadcast {{.ID}}: it may have been deleted, or the link is mistyped.", "ID", id))
	body, err := s.get(ctx, endpoint(s.apiURL, "/1.1/broadcasts/show.json", url.Values{"ids": {id}}), missing,
		say.T("X will not show this broadcast without logging in."))
	if err != nil {
		return nil, err
	}
	f, _ := scanJSON(body)
	var b bcast
	for _, c := range f.casts {
		if c.id == id || (b.mediaKey == "" && c.mediaKey != "") {
			b = c
		}
	}
	switch {
	case b.mediaKey == "":
		return nil, missing
	case b.state == "NOT_STARTED":
		return nil, inputSay(ErrNoStream, say.T("The broadcast {{.ID}} has not started yet: try again once it has.", "ID", id))
	}
	about = xBroadcaster(body, b).or(about)
	b.title, b.start = about.title, about.start

	fs, err := s.stream(ctx, m, b, "broadcast")
	if err != nil {
		return nil, err
	}
	return about.candidates(m, "broadcast", fs, uc), nil
}

// stream reads the playlists of m's broadcast or Space (what) b from
// live_video_stream/status/MEDIA_KEY, each described as b.
func (s *xSession) stream(ctx context.Context, m linkMatch, b bcast, what string) ([]found, error) {
	id := m.id
	named := id
	if b.title != "" {
		named += " (" + b.title + ")"
	}
	words := xStreamWords[what]
	body, err := s.get(ctx, endpoint(s.apiURL, "/1.1/live_video_stream/status/"+url.PathEscape(b.mediaKey), nil),
		inputSay(ErrNoStream, words.noReplay(named)), words.private)
	if err != nil {
		return nil, err
	}
	f, _ := scanJSON(body)
	// The chat token stands beside source, not in it.
	var chat struct {
		Token string `json:"chatToken"`
	}
	_ = json.Unmarshal([]byte(body), &chat)
	var fs []found
	for _, fd := range f.urls {
		if strings.Contains(fd.raw, "/live_video_stream/geoblocked/") {
			return nil, inputSay(ErrNoStream, words.geoblocked(named))
		}
		fd.b = bcast{id: id, title: b.title, state: b.state, mediaKey: b.mediaKey, start: b.start}
		if fd.chatToken == "" && strings.TrimSpace(chat.Token) != "" {
			fd.chatToken, fd.chatSite = strings.TrimSpace(chat.Token), m.site
		}
		fs = append(fs, fd)
	}
	if len(fs) == 0 {
		return nil, inputSay(ErrNoStream, words.noStream(named))
	}
	return fs, nil
}

// xStreamWords are stream's sentences for a broadcast and for a Space,
// each its own template: the languages the window speaks give the two
// words different genders.
var xStreamWords = map[string]struct {
	private                        say.Sentence
	noReplay, geoblocked, noStream func(named string) say.Sentence
}{
	"broadcast": {
		private: say.T("X will not hand out this broadcast's sound and picture, which are probably private."),
		noReplay: func(n string) say.Sentence {
			return say.T("X has no replay for broadcast {{.Name}}: it was not kept, or it has expired.", "Name", n)
		},
		geoblocked: func(n string) say.Sentence {
			return say.T("X does not play the broadcast {{.Name}} in your country.", "Name", n)
		},
		noStream: func(n string) say.Sentence {
			return say.T("X gives no stream for broadcast {{.Name}}: the replay may not be kept or may have expired.", "Name", n)
		},
	},
	"Space": {
		private: say.T("X will not hand out this Space's recording, which is probably private."),
		noReplay: func(n string) say.Sentence {
			return say.T("X has no replay for Space {{.Name}}: it was not kept, or it has expired.", "Name", n)
		},
		geoblocked: func(n string) say.Sentence {
			return say.T("X does not play the Space {{.Name}} in your country.", "Name", n)
		},
		noStream: func(n string) say.Sentence {
			return say.T("X gives no stream for Space {{.Name}}: the replay may not be kept or may have expired.", "Name", n)
		},
	},
}

// xBroadcaster reads, from broadcasts/show.json's answer, what it says of
// the broadcast b: its title, who broadcast it (user_display_name,
// twitter_username or username) and when it started (start_ms, else the
// start scanJSON read).
func xBroadcaster(body string, b bcast) xAbout {
	var v struct {
		Broadcasts map[string]struct {
			Name            string  `json:"user_display_name"`
			TwitterUsername string  `json:"twitter_username"`
			Username        string  `json:"username"`
			Start           xMillis `json:"start_ms"`
		} `json:"broadcasts"`
	}
	about := xAbout{title: b.title, start: b.start}
	if json.Unmarshal([]byte(body), &v) != nil {
		return about
	}
	who, ok := v.Broadcasts[b.id]
	if !ok {
		return about
	}
	handle := who.TwitterUsername
	if handle == "" {
		handle = who.Username
	}
	about.presenter = xPerson(who.Name, handle)
	if t := time.Time(who.Start); !t.IsZero() {
		about.start = t
	}
	return about
}

// event resolves a live event's link: live_event/1/ID/timeline.json lists
// the event's broadcasts (twitter_objects.broadcasts), or posts whose cards
// are its broadcast; the first is resolved as a broadcast link would be.
func (s *xSession) event(ctx context.Context, m linkMatch, uc *userCreds) ([]Candidate, error) {
	body, err := s.get(ctx, endpoint(s.apiURL, "/1.1/live_event/1/"+url.PathEscape(m.id)+"/timeline.json", url.Values{"count": {"0"}, "urt": {"true"}}),
		inputSay(ErrNoStream, say.T("X has no live event {{.ID}}: it may have been removed, or the link is mistyped.", "ID", m.id)),
		say.T("X will not show this live event without logging in."))
	if err != nil {
		return nil, err
	}
	var v struct {
		Objects struct {
			Broadcasts map[string]struct {
				ID          string `json:"id"`
				BroadcastID string `json:"broadcast_id"`
			} `json:"broadcasts"`
			Events map[string]struct {
				Title string `json:"title"`
			} `json:"live_events"`
			Posts map[string]xLegacy `json:"tweets"`
		} `json:"twitter_objects"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		return nil, s.failed(ctx, s.apiURL, fmt.Errorf("%w: live event timeline: %v", errUnexpected, err))
	}
	about := xAbout{title: CleanTitle(v.Objects.Events[m.id].Title)}
	for _, key := range slices.Sorted(maps.Keys(v.Objects.Broadcasts)) {
		b := v.Objects.Broadcasts[key]
		id := cmp.Or(b.ID, b.BroadcastID, key)
		if xIDRE.MatchString(id) {
			return s.broadcast(ctx, m.as(id), uc, about)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(v.Objects.Posts)) {
		if lead, ok := v.Objects.Posts[key].lead(nil); ok {
			return s.follow(ctx, m, uc, lead, about)
		}
	}
	if about.title != "" {
		return nil, inputSay(ErrNoStream, say.T("The live event {{.ID}} ({{.Title}}) lists no broadcast yet: it may not have started.", "ID", m.id, "Title", about.title))
	}
	return nil, inputSay(ErrNoStream, say.T("The live event {{.ID}} lists no broadcast yet: it may not have started.", "ID", m.id))
}

// as is m with another id: the broadcast or Space a post or live event led
// to, still resolved for the link the user gave.
func (m linkMatch) as(id string) linkMatch {
	m.id = id
	return m
}

// follow resolves lead, a broadcast or Space link a post or live event led
// to (or another site's link, resolved by that site), for the link m the
// user gave.
func (s *xSession) follow(ctx context.Context, m linkMatch, uc *userCreds, lead linkMatch, about xAbout) ([]Candidate, error) {
	if lead.site.origin != OriginX {
		return lead.resolve(ctx, uc)
	}
	if lead.shape.name == "Space" {
		return s.space(ctx, m.as(lead.id), uc, about)
	}
	return s.broadcast(ctx, m.as(lead.id), uc, about)
}

// guestToken reads {"guest_token": "..."}.
func guestToken(body string) string {
	var v struct {
		GuestToken any `json:"guest_token"`
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return ""
	}
	switch t := v.GuestToken.(type) {
	case string:
		return strings.TrimSpace(t)
	case json.Number:
		return t.String()
	}
	return ""
}
