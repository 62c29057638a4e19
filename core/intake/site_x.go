package intake

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"replayrescue/core/web"
)

// OriginX: an X (Twitter) broadcast link, resolved through its API.
const OriginX Origin = "x"

// xSite is X (x.com, twitter.com): its broadcast links x.com/i/broadcasts/ID
// and twitter.com/i/broadcasts/ID, with or without www., mobile. or m., over
// http or https. X's broadcasts are Periscope's: their playlists are on
// Periscope's video hosts, their chat on Periscope's chat service.
var xSite = &site{
	name:    "X",
	origin:  OriginX,
	hosts:   []string{"x.com", "twitter.com"},
	referer: xReferer,
	headers: []string{"X-Guest-Token"},
	links: []linkShape{
		{path: []string{"i", "broadcasts", "{id}"}, idRE: xIDRE, resolve: xBroadcast},
	},
	// broadcasts/show.json describes broadcasts (broadcasts{ID: {id,
	// media_key, status: the title, state}});
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
	chat: periscopeChat,
}

var xIDRE = regexp.MustCompile(`^[A-Za-z0-9]{5,40}$`)

// X's API, and the setting that replaces it (tests and self-hosted fakes;
// see apiBase).
const (
	xAPI = "https://api.x.com"
	envX = "REPLAYRESCUE_X_API"
)

// xBearer is the public bearer token of X's web client, the one every public
// client (yt-dlp and others) uses to get a guest token. It is not a secret.
const xBearer = "AAAAAAAAAAAAAAAAAAAAANRILgAAAAAAnNwIzUejRCOuH5E6I8xnZz4puTs%3D1Zv7ttfk8LF81IUq16cHjhLTvJu4FA33AGWWjCpTnA"

const xReferer = "https://x.com/"

// xBroadcast resolves an X broadcast link: a guest
// token from activate.json, the broadcast's media key and title from
// broadcasts/show.json, then the playlist from
// live_video_stream/status/MEDIA_KEY (source.noRedirectPlaybackUrl, or
// source.location).
func xBroadcast(ctx context.Context, m linkMatch, uc *userCreds) ([]Candidate, error) {
	link, id := m.link, m.id
	base, err := apiBase(envX, xAPI)
	if err != nil {
		return nil, err
	}
	// The API's own credentials: the bearer and guest token go to its host
	// only (web.NewClient binds Authorization and X-Guest-Token to Host).
	apiCreds := newCreds(base)
	apiCreds.Header.Set("Authorization", "Bearer "+xBearer)
	client := web.NewClient(apiCreds, web.ClientOptions{MaxConnsPerHost: 2})
	service := "X (" + base.Host + ")"

	body, _, err := call(ctx, client, http.MethodPost, endpoint(base, "/1.1/guest/activate.json", nil), nil)
	if err != nil {
		return nil, unreachable(ctx, service, err)
	}
	tok := guestToken(body)
	if tok == "" {
		return nil, &NetworkError{Msg: "X did not hand out a guest pass for reading broadcasts: try again in a few minutes."}
	}
	apiCreds.Header.Set("X-Guest-Token", tok)

	body, _, err = call(ctx, client, http.MethodGet, endpoint(base, "/1.1/broadcasts/show.json", url.Values{"ids": {id}}), nil)
	if err != nil {
		if isStatus(err, http.StatusNotFound) {
			return nil, inputErr(ErrNoStream, "X has no broadcast %s: it may have been deleted, or the link is mistyped.", id)
		}
		if isStatus(err, http.StatusUnauthorized, http.StatusForbidden) {
			return nil, &CredentialsError{Msg: "X will not show this broadcast without logging in: open it in your browser while logged in, start the replay, and export a HAR file.", Err: err}
		}
		return nil, unreachable(ctx, service, err)
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
		return nil, inputErr(ErrNoStream, "X has no broadcast %s: it may have been deleted, or the link is mistyped.", id)
	case b.state == "NOT_STARTED":
		return nil, inputErr(ErrNoStream, "The broadcast %s has not started yet: try again once it has.", id)
	}

	body, _, err = call(ctx, client, http.MethodGet, endpoint(base, "/1.1/live_video_stream/status/"+url.PathEscape(b.mediaKey), nil), nil)
	if err != nil {
		if isStatus(err, http.StatusNotFound) {
			return nil, inputErr(ErrNoStream, "X has no replay for broadcast %s (%s): the broadcaster did not keep it, or it has expired.", id, b.title)
		}
		if isStatus(err, http.StatusUnauthorized, http.StatusForbidden) {
			return nil, &CredentialsError{Msg: "X will not hand out this broadcast's video, which is probably private: open it in your browser while logged in, start the replay, and export a HAR file.", Err: err}
		}
		return nil, unreachable(ctx, service, err)
	}
	f, _ = scanJSON(body)
	var urls []found
	for _, fd := range f.urls {
		if strings.Contains(fd.raw, "/live_video_stream/geoblocked/") {
			return nil, inputErr(ErrNoStream, "X does not show the broadcast %s in your country.", id)
		}
		fd.b = bcast{id: id, title: b.title, state: b.state, mediaKey: b.mediaKey, start: b.start}
		urls = append(urls, fd)
	}
	if len(urls) == 0 {
		return nil, inputErr(ErrNoStream, "X gives no video for broadcast %s (%s): the replay may not be kept or may have expired.", id, b.title)
	}
	// The candidate's jar holds only what the user typed: the API's
	// Authorization and guest token never leave its host.
	creds := newCreds(link)
	uc.apply(creds.Jar, creds.Header, link, link)
	return broadcastCands(m, urls, creds, uc), nil
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
