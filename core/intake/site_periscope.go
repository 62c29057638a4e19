package intake

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"

	"replayrescue/core/chat"
	"replayrescue/core/say"
	"replayrescue/core/web"
)

// OriginPeriscope: a Periscope broadcast link, resolved through its API.
const OriginPeriscope Origin = "periscope"

// periscopeSite is Periscope (pscp.tv, periscope.tv): its broadcast links
// pscp.tv/w/ID, periscope.tv/w/ID and periscope.tv/USER/ID, with or without
// www., over http or https.
var periscopeSite = &site{
	name:    "Periscope",
	shapes:  say.T("broadcast links such as pscp.tv/w/ID"),
	origin:  OriginPeriscope,
	hosts:   []string{"pscp.tv", "periscope.tv"},
	referer: periscopeReferer,
	links: []linkShape{
		{name: "broadcast", path: []string{"*", "{id}"}, idRE: periscopeIDRE, resolve: periscopeBroadcast},
	},
	// accessVideoPublic and getAccessPublic answer with the playlists
	// (replay_url, the live hls_url...), the CloudFront cookies[] for them,
	// the chat_token and a broadcast{} (id, status: the title, state,
	// created_at).
	answers: answerWords{
		playlists: []streamField{
			{key: "replay_url", rank: 0, replay: true, fix: periscopeReplayFolder},
			{key: "https_hls_url", rank: 2, live: true},
			{key: "hls_url", rank: 3, live: true},
			{key: "lhlsweb_url", rank: 4, live: true},
			{key: "lhls_url", rank: 5, live: true},
		},
		cookies:     "cookies",
		chatToken:   "chat_token",
		broadcast:   "broadcast",
		liveState:   "RUNNING",
		chatHistory: "/chatapi/v1/history",
	},
	chat:         periscopeChat,
	playlistKind: periscopePlaylistKind,
}

// Periscope broadcast IDs are 13 characters today; links from 2015 carry a
// longer base64 token ("aJUQ...-g==").
var periscopeIDRE = regexp.MustCompile(`^[A-Za-z0-9_=+-]{5,200}$`)

// Periscope's API, the proxy its web player used, and the settings that
// replace them (tests and self-hosted fakes; see apiBase).
const (
	periscopeAPI = "https://api.periscope.tv"
	proxseeAPI   = "https://proxsee.pscp.tv"

	envPeriscope = "REPLAYRESCUE_PERISCOPE_API"
	envProxsee   = "REPLAYRESCUE_PROXSEE_API"
)

// periscopeReferer is what Periscope's web player sent with playlist
// requests.
const periscopeReferer = "https://www.periscope.tv/"

// periscopeBroadcast resolves a Periscope broadcast link. It asks
// accessVideoPublic (api.periscope.tv, then proxsee.pscp.tv, which the web
// player used), then the pre-2018 getAccessPublic, for the replay_url (or
// the live hls_url...), the CloudFront cookies that go with it and the
// broadcast's title.
func periscopeBroadcast(ctx context.Context, m linkMatch, uc *userCreds) ([]Candidate, error) {
	link, id := m.link, m.id
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
				return nil, credSay(say.T("Periscope will not hand out this broadcast, which is probably private: open it in your browser while logged in, start the replay, and export a HAR file."), err)
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
		return broadcastCands(m, "broadcast", f.urls, creds, uc), nil
	}
	switch {
	case info.state == "RUNNING":
		return nil, inputSay(ErrNoStream, say.T("Periscope lists broadcast {{.ID}} as live but gives no stream for it yet: try again in a minute.", "ID", id))
	case info.title != "" || info.state != "":
		return nil, inputSay(ErrNoStream, say.T("Periscope has no replay for broadcast {{.ID}} ({{.Title}}): the broadcaster did not keep it, or it has expired.", "ID", id, "Title", info.title))
	case lastErr == nil || isStatus(lastErr, http.StatusNotFound, http.StatusGone, http.StatusBadRequest):
		return nil, inputSay(ErrNoStream, say.T("Periscope has no replay for broadcast {{.ID}}: it may have expired or been deleted, or the link is mistyped.", "ID", id))
	}
	return nil, unreachable(ctx, "Periscope ("+hostLabel(attempts[0])+")", lastErr)
}

// periscopeChat is Periscope's chat service, which X's broadcasts use too:
// a broadcast's chat is read there with the chat token an answer handed
// out. An unusable REPLAYRESCUE_PERISCOPE_API setting means no chat (the
// video does not depend on it).
func periscopeChat(token string, start time.Time) chat.Source {
	api, err := apiBase(envPeriscope, periscopeAPI)
	if err != nil {
		return chat.Source{Start: start}
	}
	return chat.Source{API: api, Token: token, Start: start}
}

// periscopeReplayFolder: Periscope's old getAccessPublic answered with the
// folder of the replay ("https://replay.periscope.tv/<id>/"), the playlist
// being playlist.m3u8 inside it.
func periscopeReplayFolder(u *url.URL) {
	if playlistPath(u) {
		return
	}
	host := strings.ToLower(u.Hostname())
	if !strings.HasSuffix(u.Path, "/") && !strings.HasSuffix(host, "periscope.tv") && !strings.HasSuffix(host, "pscp.tv") {
		return
	}
	if path.Ext(u.Path) != "" {
		return
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/playlist.m3u8"
	u.RawPath = ""
}

// periscopePlaylistKind: Periscope's video hosts (X's broadcasts' too) add
// type=replay or type=live to a playlist's address.
func periscopePlaylistKind(u *url.URL) (replay, live bool) {
	switch strings.ToLower(u.Query().Get("type")) {
	case "replay", "vod":
		return true, false
	case "live", "lhls":
		return false, true
	}
	return false, false
}
