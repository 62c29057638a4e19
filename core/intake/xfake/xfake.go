// Package xfake answers as X does, on loopback, for tests: its API host
// (api.x.com: the guest pass, broadcasts, live events and the playlists of
// broadcasts and Spaces) and its web site's GraphQL API (x.com/i/api/graphql:
// posts and Spaces), in the shapes of their real answers, their refusals
// included, its short links (t.co) and the syndication endpoint its embeds
// read posts from (cdn.syndication.twimg.com). Point REPLAYRESCUE_X_API at
// API.URL, REPLAYRESCUE_X_WEB at Web.URL, REPLAYRESCUE_X_SHORT at Short.URL
// and REPLAYRESCUE_X_SYNDICATION at Syndication.URL. It serves no media: a broadcast's or Space's Playlist is any
// address the test serves.
package xfake

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Bearer is the public bearer token of X's web client: X answers only
// requests that carry it.
const Bearer = "AAAAAAAAAAAAAAAAAAAAANRILgAAAAAAnNwIzUejRCOuH5E6I8xnZz4puTs%3D1Zv7ttfk8LF81IUq16cHjhLTvJu4FA33AGWWjCpTnA"

// Guest is the guest token the fake hands out, and then asks for.
const Guest = "1791480000000000000"

// The operations Refuse names: the calls X answers.
const (
	Activate   = "activate"            // POST /1.1/guest/activate.json
	Show       = "show"                // GET /1.1/broadcasts/show.json
	Status     = "status"              // GET /1.1/live_video_stream/status/MEDIA_KEY
	Timeline   = "timeline"            // GET /1.1/live_event/1/ID/timeline.json
	Shorten    = "short"               // GET t.co/ID
	Syndicate  = "syndication"         // GET cdn.syndication.twimg.com/tweet-result?id=ID
	PostQuery  = "TweetResultByRestId" // GraphQL
	SpaceQuery = "AudioSpaceById"      // GraphQL
)

// User is an account; Picture, when set, is the address of its profile
// picture as X gives it (the 48-pixel "_normal" file).
type User struct{ Name, Handle, Picture string }

// Post is a post (a tweet).
type Post struct {
	ID     string
	Author User
	Text   string
	Posted time.Time
	Card   Card     // its card, if Card.Name is set
	Links  []string // the links in its text, as expanded_url
	Video  string   // the playlist of its own video
	Photo  bool     // it shows a photo
	Quoted *Post    // the post it quotes
	// Tombstone, when set, is why X no longer shows it; Unavailable,
	// why X shows it only to logged-in accounts ("Protected").
	Tombstone, Unavailable string
	// Wrapped: X wraps it as TweetWithVisibilityResults.
	Wrapped bool
}

// Card is a post's card: its kind ("broadcast", "periscope_broadcast",
// "audiospace", "summary") and binding values.
type Card struct {
	Name   string
	Values map[string]string
}

// BroadcastCard is the card of a post announcing broadcast id.
func BroadcastCard(id, title string) Card {
	return Card{Name: "broadcast", Values: map[string]string{"broadcast_id": id, "broadcast_url": "https://x.com/i/broadcasts/" + id,
		"broadcast_title": title, "broadcast_state": "ENDED"}}
}

// SpaceCard is the card of a post announcing Space id.
func SpaceCard(id string) Card {
	return Card{Name: "audiospace", Values: map[string]string{"id": id, "card_url": "https://x.com/i/spaces/" + id}}
}

// Broadcast is a broadcast on X; an empty Playlist has no replay (404).
type Broadcast struct {
	ID, MediaKey, Title, State string
	Host                       User
	Start                      time.Time
	Playlist, ChatToken        string
}

// Space is a Space; an empty Playlist has no replay (404).
type Space struct {
	ID, MediaKey, Title, State string // State: NotStarted, Running, Ended, TimedOut
	Host                       User
	Started                    time.Time
	Replay                     bool // is_space_available_for_replay
	Playlist                   string
}

// Event is a live event: its broadcasts, or the posts that show them.
type Event struct {
	ID, Title  string
	Broadcasts []string
	Posts      []Post
}

// X is the fake. Its methods may be called while it serves.
type X struct {
	API, Web, Short, Syndication *httptest.Server

	mu         sync.Mutex
	posts      map[string]Post
	broadcasts map[string]Broadcast
	spaces     map[string]Space
	events     map[string]Event
	shorts     map[string]string
	refuse     map[string]int
	queryIDs   map[string]string
	hits       []string
}

// New starts the fake; it stops with the test.
func New(tb testing.TB) *X {
	x := &X{posts: map[string]Post{}, broadcasts: map[string]Broadcast{}, spaces: map[string]Space{},
		events: map[string]Event{}, shorts: map[string]string{}, refuse: map[string]int{}, queryIDs: map[string]string{}}
	x.API = httptest.NewServer(http.HandlerFunc(x.api))
	x.Web = httptest.NewServer(http.HandlerFunc(x.web))
	x.Short = httptest.NewServer(http.HandlerFunc(x.short))
	x.Syndication = httptest.NewServer(http.HandlerFunc(x.syndication))
	tb.Cleanup(x.API.Close)
	tb.Cleanup(x.Web.Close)
	tb.Cleanup(x.Short.Close)
	tb.Cleanup(x.Syndication.Close)
	return x
}

// AddPost, AddBroadcast, AddSpace and AddEvent put things on X.
func (x *X) AddPost(p Post)           { x.mu.Lock(); x.posts[p.ID] = p; x.mu.Unlock() }
func (x *X) AddBroadcast(b Broadcast) { x.mu.Lock(); x.broadcasts[b.ID] = b; x.mu.Unlock() }
func (x *X) AddSpace(s Space)         { x.mu.Lock(); x.spaces[s.ID] = s; x.mu.Unlock() }
func (x *X) AddEvent(e Event)         { x.mu.Lock(); x.events[e.ID] = e; x.mu.Unlock() }

// AddShort makes the short link t.co/id lead to target.
func (x *X) AddShort(id, target string) { x.mu.Lock(); x.shorts[id] = target; x.mu.Unlock() }

// Refuse makes X answer op (Activate, Show, ...) with status, as X words
// that refusal; 0 answers again.
func (x *X) Refuse(op string, status int) { x.mu.Lock(); x.refuse[op] = status; x.mu.Unlock() }

// RequireQueryID makes X know the GraphQL operation op only by id: another
// id is answered 404, as X answers one it has retired; "" knows any again.
func (x *X) RequireQueryID(op, id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if id == "" {
		delete(x.queryIDs, op)
		return
	}
	x.queryIDs[op] = id
}

// Hits are the requests answered, "API POST /1.1/guest/activate.json" or
// "Web GET TweetResultByRestId 1791474843318882304".
func (x *X) Hits() []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	return slices.Clone(x.hits)
}

func (x *X) hit(s string) { x.mu.Lock(); x.hits = append(x.hits, s); x.mu.Unlock() }

// refused answers r as X refuses op when Refuse says so.
func (x *X) refused(w http.ResponseWriter, op string) bool {
	x.mu.Lock()
	status := x.refuse[op]
	x.mu.Unlock()
	if status == 0 {
		return false
	}
	code, msg := 0, http.StatusText(status)
	switch status {
	case http.StatusTooManyRequests:
		code, msg = 88, "Rate limit exceeded."
	case http.StatusForbidden, http.StatusUnauthorized:
		code, msg = 200, "Forbidden."
	case http.StatusNotFound:
		code, msg = 34, "Sorry, that page does not exist."
	}
	writeJSON(w, status, map[string]any{"errors": []any{map[string]any{"code": code, "message": msg}}})
	return true
}

// authorized checks what every request of X's web client carries: the
// bearer, and (but for the guest pass's) the guest token.
func (x *X) authorized(w http.ResponseWriter, r *http.Request, guest bool) bool {
	if r.Header.Get("Authorization") != "Bearer "+Bearer {
		writeJSON(w, http.StatusForbidden, map[string]any{"errors": []any{map[string]any{"code": 215, "message": "Bad Authentication data."}}})
		return false
	}
	if guest && r.Header.Get("X-Guest-Token") != Guest {
		writeJSON(w, http.StatusForbidden, map[string]any{"errors": []any{map[string]any{"code": 239, "message": "Bad guest token."}}})
		return false
	}
	return true
}

// api answers as api.x.com.
func (x *X) api(w http.ResponseWriter, r *http.Request) {
	x.hit("API " + r.Method + " " + r.URL.Path)
	p := r.URL.Path
	if p == "/1.1/guest/activate.json" && r.Method == http.MethodPost {
		if x.authorized(w, r, false) && !x.refused(w, Activate) {
			writeJSON(w, http.StatusOK, map[string]any{"guest_token": Guest})
		}
		return
	}
	if !x.authorized(w, r, true) {
		return
	}
	op, arg := "", ""
	switch {
	case p == "/1.1/broadcasts/show.json":
		op, arg = Show, r.URL.Query().Get("ids")
	case strings.HasPrefix(p, "/1.1/live_video_stream/status/"):
		op, arg = Status, strings.TrimPrefix(p, "/1.1/live_video_stream/status/")
	case strings.HasPrefix(p, "/1.1/live_event/1/") && strings.HasSuffix(p, "/timeline.json"):
		op, arg = Timeline, strings.TrimSuffix(strings.TrimPrefix(p, "/1.1/live_event/1/"), "/timeline.json")
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": []any{map[string]any{"code": 34, "message": "Sorry, that page does not exist."}}})
		return
	}
	if x.refused(w, op) {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	switch op {
	case Show:
		x.show(w, arg)
	case Status:
		x.status(w, arg)
	case Timeline:
		x.timeline(w, arg)
	}
}

// show answers broadcasts/show.json (x.mu held): the broadcasts it knows
// of ids, none for one it does not.
func (x *X) show(w http.ResponseWriter, ids string) {
	out := map[string]any{}
	for _, id := range strings.Split(ids, ",") {
		b, ok := x.broadcasts[id]
		if !ok {
			continue
		}
		out[id] = map[string]any{"class_name": "Broadcast", "id": b.ID, "state": b.State, "status": b.Title, "media_key": b.MediaKey,
			"user_display_name": b.Host.Name, "username": strings.ToLower(b.Host.Handle), "twitter_username": b.Host.Handle,
			"start_ms": b.Start.UnixMilli(), "created_at_ms": b.Start.Add(-time.Minute).UnixMilli(),
			"width": 1280, "height": 720, "available_for_replay": b.Playlist != "", "is_high_latency": true}
	}
	writeJSON(w, http.StatusOK, map[string]any{"broadcasts": out})
}

// status answers live_video_stream/status/KEY (x.mu held): the playlist of
// the broadcast or Space with that media key.
func (x *X) status(w http.ResponseWriter, key string) {
	for _, b := range x.broadcasts {
		if b.MediaKey == key && b.Playlist != "" {
			src := map[string]any{"location": b.Playlist, "noRedirectPlaybackUrl": b.Playlist, "status": "LIVE_PUBLIC", "streamType": "HLS"}
			ans := map[string]any{"source": src, "sessionId": "1lDxLnrWjQOKm", "lifecycleToken": "lt-" + b.ID,
				"shareUrl": "https://twitter.com/i/broadcasts/" + b.ID}
			if b.ChatToken != "" {
				ans["chatToken"] = b.ChatToken
			}
			writeJSON(w, http.StatusOK, ans)
			return
		}
	}
	for _, s := range x.spaces {
		if s.MediaKey == key && s.Playlist != "" {
			writeJSON(w, http.StatusOK, map[string]any{"source": map[string]any{"location": s.Playlist, "status": "LIVE_PUBLIC", "streamType": "HLS"},
				"sessionId": "1vOGwMdBqNyGB", "lifecycleToken": "lt-" + s.ID, "shareUrl": "https://twitter.com/i/spaces/" + s.ID})
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"errors": []any{map[string]any{"code": 34, "message": "Sorry, that page does not exist."}}})
}

// timeline answers live_event/1/ID/timeline.json (x.mu held).
func (x *X) timeline(w http.ResponseWriter, id string) {
	e, ok := x.events[id]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": []any{map[string]any{"code": 34, "message": "Sorry, that page does not exist."}}})
		return
	}
	broadcasts, posts := map[string]any{}, map[string]any{}
	for _, bid := range e.Broadcasts {
		b := x.broadcasts[bid]
		broadcasts[bid] = map[string]any{"id": bid, "broadcast_id": bid, "state": b.State, "title": b.Title}
	}
	for _, p := range e.Posts {
		posts[p.ID] = restPost(p)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"twitter_objects": map[string]any{"tweets": posts, "users": map[string]any{}, "broadcasts": broadcasts,
			"live_events": map[string]any{id: map[string]any{"id": id, "title": e.Title, "description": "", "hashtags": []any{}}}},
		"timeline": map[string]any{"id": "live_event-timeline-" + id, "instructions": []any{}},
	})
}

// short answers as t.co: a 301 to where the link leads, or, to a browser,
// a page that sends it there (X's own words); 404 for a link it has not.
func (x *X) short(w http.ResponseWriter, r *http.Request) {
	x.hit("Short " + r.Method + " " + r.URL.Path)
	if x.refused(w, Shorten) {
		return
	}
	x.mu.Lock()
	target, ok := x.shorts[strings.Trim(r.URL.Path, "/")]
	x.mu.Unlock()
	switch {
	case !ok:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "<html><head><title>t.co / Twitter</title></head><body>Sorry, that page does not exist.</body></html>")
	case strings.Contains(r.UserAgent(), "Mozilla"):
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "private,max-age=300")
		e := html.EscapeString(target)
		fmt.Fprintf(w, `<head><meta name="referrer" content="always"><noscript><META http-equiv="refresh" content="0;URL=%s"></noscript><title>%s</title></head><script>window.opener = null; location.replace(%q)</script>`, e, e, target)
	default:
		w.Header().Set("Location", target)
		w.Header().Set("Cache-Control", "private,max-age=300")
		w.WriteHeader(http.StatusMovedPermanently)
	}
}

// syndication answers as cdn.syndication.twimg.com/tweet-result: a post in
// the REST API's words, as X's embeds read it. It asks for no credentials
// and is sent none: a request carrying X's bearer or guest token is
// recorded as "Syndication LEAK".
func (x *X) syndication(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	x.hit("Syndication " + r.Method + " " + r.URL.Path + " " + id)
	if r.Header.Get("Authorization") != "" || r.Header.Get("X-Guest-Token") != "" || r.Header.Get("Cookie") != "" {
		x.hit("Syndication LEAK")
	}
	if r.URL.Path != "/tweet-result" || r.URL.Query().Get("token") == "" {
		http.NotFound(w, r)
		return
	}
	if x.refused(w, Syndicate) {
		return
	}
	x.mu.Lock()
	p, ok := x.posts[id]
	x.mu.Unlock()
	if !ok || p.Unavailable != "" {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, syndicatedPost(p))
}

// syndicatedPost is a post as tweet-result gives it.
func syndicatedPost(p Post) map[string]any {
	if p.Tombstone != "" {
		return map[string]any{"__typename": "TweetTombstone", "tombstone": map[string]any{"text": map[string]any{"text": p.Tombstone + " Learn more", "entities": []any{}}}}
	}
	out := legacyPost(p)
	out["__typename"] = "Tweet"
	out["text"] = out["full_text"]
	delete(out, "full_text")
	out["created_at"] = p.Posted.UTC().Format("2006-01-02T15:04:05.000Z")
	out["user"] = map[string]any{"id_str": fmt.Sprint(len(p.Author.Handle) * 1000003), "name": p.Author.Name, "screen_name": p.Author.Handle,
		"verified": false}
	if p.Author.Picture != "" {
		out["user"].(map[string]any)["profile_image_url_https"] = p.Author.Picture
	}
	if ee, ok := out["extended_entities"].(map[string]any); ok {
		out["mediaDetails"] = ee["media"]
		delete(out, "extended_entities")
	}
	if c, ok := restPost(p)["card"]; ok {
		out["card"] = c
	}
	if p.Quoted != nil {
		out["quoted_tweet"] = syndicatedPost(*p.Quoted)
	}
	out["isEdited"], out["isStaleEdit"], out["conversation_count"] = false, false, 0
	return out
}

// web answers as x.com's GraphQL API.
func (x *X) web(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) != 5 || parts[0] != "i" || parts[1] != "api" || parts[2] != "graphql" || r.Method != http.MethodGet {
		x.hit("Web " + r.Method + " " + r.URL.Path)
		http.NotFound(w, r)
		return
	}
	queryID, op := parts[3], parts[4]
	q := r.URL.Query()
	var vars map[string]any
	var features map[string]bool
	if json.Unmarshal([]byte(q.Get("variables")), &vars) != nil || json.Unmarshal([]byte(q.Get("features")), &features) != nil {
		x.hit("Web GET " + op + " (not JSON)")
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []any{map[string]any{"message": "Query: variables and features must be JSON", "code": 366}}})
		return
	}
	id := ""
	for _, k := range []string{"tweetId", "id"} {
		if s, ok := vars[k].(string); ok {
			id = s
		}
	}
	x.hit("Web GET " + op + " " + id)
	if !x.authorized(w, r, true) || x.refused(w, op) {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if want, ok := x.queryIDs[op]; ok && want != queryID {
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": []any{map[string]any{"message": "Query not found", "code": 0}}})
		return
	}
	switch op {
	case PostQuery:
		result := map[string]any{}
		if p, ok := x.posts[id]; ok {
			result["result"] = graphPost(p)
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"tweetResult": result}})
	case SpaceQuery:
		space := map[string]any{}
		if s, ok := x.spaces[id]; ok {
			space = graphSpace(s)
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"audioSpace": space}})
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": []any{map[string]any{"message": "Query not found", "code": 0}}})
	}
}

// graphUser is an account as GraphQL gives it (its name under core, as
// since 2025).
func graphUser(u User) map[string]any {
	out := map[string]any{"__typename": "User", "rest_id": fmt.Sprint(len(u.Handle) * 1000003),
		"core":   map[string]any{"name": u.Name, "screen_name": u.Handle, "created_at": "Tue Mar 01 10:00:00 +0000 2016"},
		"legacy": map[string]any{"description": "", "followers_count": 42, "verified": false}}
	if u.Picture != "" {
		out["avatar"] = map[string]any{"image_url": u.Picture}
	}
	return out
}

// legacyPost is a post in the REST API's words (GraphQL's "legacy").
func legacyPost(p Post) map[string]any {
	text := p.Text
	var urls []any
	for i, l := range p.Links {
		short := fmt.Sprintf("https://t.co/%07d", i)
		text += " " + short
		u, _ := url.Parse(l)
		display := l
		if u != nil {
			display = u.Host + u.Path
		}
		urls = append(urls, map[string]any{"url": short, "expanded_url": l, "display_url": display, "indices": []int{0, 0}})
	}
	legacy := map[string]any{"id_str": p.ID, "full_text": text, "created_at": p.Posted.UTC().Format(time.RubyDate), "lang": "en",
		"entities": map[string]any{"urls": urls, "hashtags": []any{}, "user_mentions": []any{}}, "favorite_count": 7, "retweet_count": 1}
	var media []any
	if p.Video != "" {
		media = append(media, map[string]any{"type": "video", "id_str": "1" + p.ID[1:], "media_key": "7_" + p.ID,
			"media_url_https": "https://pbs.twimg.com/ext_tw_video_thumb/" + p.ID + "/pu/img/thumb.jpg",
			"video_info": map[string]any{"aspect_ratio": []int{16, 9}, "duration_millis": 30000, "variants": []any{
				map[string]any{"bitrate": 2176000, "content_type": "video/mp4", "url": "https://video.twimg.com/ext_tw_video/" + p.ID + "/pu/vid/1280x720/talk.mp4?tag=12"},
				map[string]any{"content_type": "application/x-mpegURL", "url": p.Video},
			}}})
	}
	if p.Photo {
		media = append(media, map[string]any{"type": "photo", "id_str": "3" + p.ID[1:], "media_key": "3_" + p.ID,
			"media_url_https": "https://pbs.twimg.com/media/photo.jpg"})
	}
	if len(media) > 0 {
		legacy["extended_entities"] = map[string]any{"media": media}
	}
	return legacy
}

// cardName is the full name X gives a card of kind.
func cardName(kind string) string {
	if kind == "audiospace" {
		return "3691233323:audiospace"
	}
	return "745291183405076480:" + kind
}

// graphPost is a post as TweetResultByRestId gives it.
func graphPost(p Post) map[string]any {
	switch {
	case p.Tombstone != "":
		return map[string]any{"__typename": "TweetTombstone", "tombstone": map[string]any{"__typename": "TextTombstone",
			"text": map[string]any{"rtl": false, "text": p.Tombstone + " Learn more", "entities": []any{}}}}
	case p.Unavailable != "":
		return map[string]any{"__typename": "TweetUnavailable", "reason": p.Unavailable}
	}
	out := map[string]any{"__typename": "Tweet", "rest_id": p.ID,
		"core":   map[string]any{"user_results": map[string]any{"result": graphUser(p.Author)}},
		"legacy": legacyPost(p), "views": map[string]any{"state": "EnabledWithCount", "count": "120"}}
	if p.Card.Name != "" {
		var values []any
		for _, k := range sortedKeys(p.Card.Values) {
			values = append(values, map[string]any{"key": k, "value": map[string]any{"string_value": p.Card.Values[k], "type": "STRING"}})
		}
		out["card"] = map[string]any{"rest_id": "https://t.co/c" + p.ID, "legacy": map[string]any{
			"binding_values": values, "name": cardName(p.Card.Name), "url": "https://t.co/c" + p.ID,
			"card_platform":     map[string]any{"platform": map[string]any{"audience": map[string]any{"name": "production"}, "device": map[string]any{"name": "Swift", "version": "12"}}},
			"user_refs_results": []any{}}}
	}
	if p.Quoted != nil {
		out["quoted_status_result"] = map[string]any{"result": graphPost(*p.Quoted)}
	}
	if p.Wrapped {
		return map[string]any{"__typename": "TweetWithVisibilityResults", "tweet": out,
			"tweetInterstitial": map[string]any{"__typename": "ContextualTweetInterstitial", "displayType": "NonCompliant"}}
	}
	return out
}

// restPost is a post as the REST API gives it: its card's binding values
// keyed by name.
func restPost(p Post) map[string]any {
	out := legacyPost(p)
	out["user"] = map[string]any{"name": p.Author.Name, "screen_name": p.Author.Handle}
	if p.Card.Name != "" {
		values := map[string]any{}
		for k, v := range p.Card.Values {
			values[k] = map[string]any{"type": "STRING", "string_value": v}
		}
		out["card"] = map[string]any{"name": cardName(p.Card.Name), "url": "https://t.co/card", "binding_values": values}
	}
	return out
}

// graphSpace is a Space as AudioSpaceById gives it.
func graphSpace(s Space) map[string]any {
	started := s.Started.UnixMilli()
	md := map[string]any{"rest_id": s.ID, "state": s.State, "title": s.Title, "media_key": s.MediaKey,
		"created_at": started - 60000, "updated_at": started + 3600000, "content_type": "audio_space",
		"is_employee_only": false, "is_locked": false, "disallow_join": false, "narrow_cast_space_type": 0,
		"is_space_available_for_replay": s.Replay, "is_space_available_for_clipping": false,
		"total_replay_watched": 12, "total_live_listeners": 40,
		"creator_results": map[string]any{"result": graphUser(s.Host)}}
	if s.State != "NotStarted" {
		md["started_at"] = started
	}
	if s.State == "Ended" || s.State == "TimedOut" {
		md["ended_at"] = fmt.Sprint(started + 3600000)
	}
	return map[string]any{"metadata": md, "is_subscribed": false,
		"participants": map[string]any{"total": 1, "listeners": []any{}, "speakers": []any{},
			"admins": []any{map[string]any{"periscope_user_id": "1eaJbWvVEkWxX", "start": started, "twitter_screen_name": s.Host.Handle,
				"display_name": s.Host.Name, "is_verified": false, "is_muted_by_admin": false, "is_muted_by_guest": true}}}}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
