package intake

import (
	"cmp"
	"context"
	"encoding/json"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"

	"replayrescue/core/say"
	"replayrescue/core/web"
)

// X's posts (x.com/USER/status/ID): the post that said "live now" is the
// link a presenter has. Its card is the broadcast (card name ending in
// "broadcast", the link in binding "broadcast_url"), an old Periscope
// broadcast ("periscope_broadcast", binding "url") or a Space
// ("audiospace", binding "id"); or a link in its text is one; or its own
// video (an HLS playlist among its variants) is the talk.

// post resolves a post's link: the post through GraphQL's
// TweetResultByRestId (or, when that fails, the syndication endpoint: see
// site_x_syndication.go), then the broadcast or Space it leads to, or its
// own video.
func (s *xSession) post(ctx context.Context, m linkMatch, uc *userCreds) ([]Candidate, error) {
	var v struct {
		TweetResult struct {
			Result *xPostResult `json:"result"`
		} `json:"tweetResult"`
	}
	if err := s.query(ctx, "TweetResultByRestId", m.id, say.T("X shows the post {{.ID}} only to logged-in accounts.", "ID", m.id), &v); err != nil {
		// The embed's endpoint, when it has the post; else GraphQL's
		// failure is the one to tell.
		p, serr := syndicated(ctx, m.id)
		if serr != nil || p == nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
		v.TweetResult.Result = p
	}
	p, err := v.TweetResult.Result.visible(m.id)
	if err != nil {
		return nil, err
	}
	about := p.about()
	if lead, ok := p.Legacy.lead(&p.Card.Legacy); ok {
		return s.follow(ctx, m, uc, lead, about)
	}
	if fs := p.Legacy.videos(m.id, about); len(fs) > 0 {
		return about.candidates(m, "post", fs, uc), nil
	}
	// A repost of the post that announced it ("watch this").
	if q := p.Quoted.Result; q != nil {
		if q, err := q.visible(m.id); err == nil {
			if lead, ok := q.Legacy.lead(&q.Card.Legacy); ok {
				return s.follow(ctx, m, uc, lead, q.about())
			}
		}
	}
	return nil, inputSay(ErrNoStream, say.T("This post has no video, nor a broadcast or Space in it: if another post announced the talk, use that post's link."))
}

// xPostResult is a post as GraphQL's TweetResultByRestId gives it.
type xPostResult struct {
	Typename string       `json:"__typename"`
	Tweet    *xPostResult `json:"tweet"` // TweetWithVisibilityResults: the post inside
	// A post X no longer shows (TweetTombstone), and why.
	Tombstone *struct {
		Text struct {
			Text string `json:"text"`
		} `json:"text"`
	} `json:"tombstone"`
	Reason string `json:"reason"` // TweetUnavailable: why ("Protected", "NsfwLoggedOut", "Suspended")
	Core   struct {
		UserResults struct {
			Result xUser `json:"result"`
		} `json:"user_results"`
	} `json:"core"`
	Card struct {
		Legacy xCard `json:"legacy"`
	} `json:"card"`
	Legacy xLegacy `json:"legacy"`
	Quoted struct {
		Result *xPostResult `json:"result"`
	} `json:"quoted_status_result"`
}

// xUser is an account as GraphQL gives it: its name under core since 2025,
// under legacy before.
type xUser struct {
	Core   xName `json:"core"`
	Legacy xName `json:"legacy"`
	Avatar struct {
		ImageURL string `json:"image_url"` // since 2025
	} `json:"avatar"`
}

type xName struct {
	Name         string `json:"name"`
	ScreenName   string `json:"screen_name"`
	ProfileImage string `json:"profile_image_url_https"` // before 2025, and the syndication endpoint's
}

// person is u as X shows it ("Ada Lovelace (@ada)").
func (u xUser) person() string {
	if p := xPerson(u.Core.Name, u.Core.ScreenName); p != "" {
		return p
	}
	return xPerson(u.Legacy.Name, u.Legacy.ScreenName)
}

// pictures are the addresses of u's profile picture: X names its sizes in
// the file name (ada_normal.jpg is 48 pixels), so the 400-pixel one first,
// then the one X gave. Only https addresses are taken (http on this
// computer, for tests).
func (u xUser) pictures() []string {
	raw := cmp.Or(u.Avatar.ImageURL, u.Core.ProfileImage, u.Legacy.ProfileImage)
	p, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || p.User != nil || !(p.Scheme == "https" || p.Scheme == "http" && web.Loopback(p.Hostname())) {
		return nil
	}
	out := []string{p.String()}
	if dir, file := path.Split(p.Path); strings.Contains(file, "_normal.") {
		big := *p
		big.Path, big.RawPath = dir+strings.Replace(file, "_normal.", "_400x400.", 1), ""
		out = []string{big.String(), p.String()}
	}
	return out
}

// visible is the post p stands for, or why X does not show it: none (a
// deleted post or a mistyped id), a tombstone, or one that needs a login.
func (p *xPostResult) visible(id string) (*xPostResult, error) {
	switch {
	case p == nil:
		return nil, inputSay(ErrNoStream, say.T("X has no post {{.ID}}: it may have been deleted, or the link is mistyped.", "ID", id))
	case p.Typename == "TweetWithVisibilityResults" && p.Tweet != nil:
		return p.Tweet.visible(id)
	case p.Tombstone != nil || p.Typename == "TweetTombstone":
		why := ""
		if p.Tombstone != nil {
			why = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(p.Tombstone.Text.Text), "Learn more"))
		}
		if why == "" {
			return nil, inputSay(ErrNoStream, say.T("X no longer shows the post {{.ID}}.", "ID", id))
		}
		if !strings.HasSuffix(why, ".") {
			why += "."
		}
		return nil, inputSay(ErrNoStream, say.T("X no longer shows the post {{.ID}}: {{.Why}}", "ID", id, "Why", why))
	case p.Typename == "TweetUnavailable" && p.Reason == "Suspended":
		return nil, inputSay(ErrNoStream, say.T("X no longer shows the post {{.ID}}: its account is suspended.", "ID", id))
	case p.Typename == "TweetUnavailable":
		return nil, credSay(say.T("X shows the post {{.ID}} only to logged-in accounts.", "ID", id), nil)
	}
	return p, nil
}

// about is what the post says of the talk: its text as the title (without
// its t.co links), its author and when it was posted.
func (p *xPostResult) about() xAbout {
	a := p.Legacy.about()
	a.presenter = p.Core.UserResults.Result.person()
	return a
}

// xLegacy is a post in the words of X's REST API, which GraphQL keeps
// under legacy (a live event's timeline gives posts in these words, card
// included).
type xLegacy struct {
	FullText  string `json:"full_text"`
	Text      string `json:"text"`
	CreatedAt string `json:"created_at"` // "Fri May 17 14:02:11 +0000 2024"
	Entities  struct {
		URLs []struct {
			Expanded string `json:"expanded_url"`
		} `json:"urls"`
	} `json:"entities"`
	Media struct {
		Media []struct {
			Type      string `json:"type"` // video, animated_gif, photo
			VideoInfo struct {
				Variants []struct {
					ContentType string `json:"content_type"`
					URL         string `json:"url"`
				} `json:"variants"`
			} `json:"video_info"`
		} `json:"media"`
	} `json:"extended_entities"`
	Card *xCard `json:"card"`
}

// tcoLinkRE: the short links X writes into a post's text.
var tcoLinkRE = regexp.MustCompile(`\s*https?://t\.co/\S+`)

func (st xLegacy) about() xAbout {
	text := st.FullText
	if text == "" {
		text = st.Text
	}
	a := xAbout{title: CleanTitle(tcoLinkRE.ReplaceAllString(text, ""))}
	if t, err := time.Parse(time.RubyDate, st.CreatedAt); err == nil {
		a.start = t.UTC()
	}
	return a
}

// lead is the broadcast or Space (or another site's broadcast) the post
// leads to: its card (GraphQL's, or the post's own in the REST API's
// words), else the first link in its text that is one.
func (st xLegacy) lead(card *xCard) (linkMatch, bool) {
	for _, c := range []*xCard{card, st.Card} {
		if c == nil {
			continue
		}
		if m, ok := leadLink(c.lead()); ok {
			return m, true
		}
	}
	for _, u := range st.Entities.URLs {
		if m, ok := leadLink(u.Expanded); ok {
			return m, true
		}
	}
	return linkMatch{}, false
}

// leadLink is raw when it is a link a post may lead to: an X broadcast or
// Space, or a broadcast of another site; never another post, so a post
// cannot lead intake in circles.
func leadLink(raw string) (linkMatch, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || raw == "" {
		return linkMatch{}, false
	}
	m, ok := matchLink(u)
	if !ok || (m.site.origin == OriginX && m.shape.name != "broadcast" && m.shape.name != "Space") {
		return linkMatch{}, false
	}
	return m, true
}

// xVariants is the field a post's own video's playlist is named in.
var xVariants = streamField{key: "url", under: "variants", rank: 7}

// videos are the HLS playlists of the post's own videos.
func (st xLegacy) videos(id string, about xAbout) []found {
	var fs []found
	for _, md := range st.Media.Media {
		if md.Type != "video" {
			continue
		}
		for _, v := range md.VideoInfo.Variants {
			u, err := url.Parse(v.URL)
			if err != nil || (!strings.Contains(strings.ToLower(v.ContentType), "mpegurl") && !playlistPath(u)) {
				continue
			}
			fs = append(fs, found{raw: v.URL, field: xVariants, b: bcast{id: id, title: about.title, start: about.start}})
		}
	}
	return fs
}

// xCard is a post's card: GraphQL lists its binding values ([{"key": k,
// "value": {"type": "STRING", "string_value": v}}]), the REST API maps
// them ({k: {...}}).
type xCard struct {
	Name   string          `json:"name"` // "745291183405076480:broadcast"
	Values json.RawMessage `json:"binding_values"`
}

// value is the card's binding value key, as a string.
func (c xCard) value(key string) string {
	type value struct {
		Type   string `json:"type"`
		String string `json:"string_value"`
	}
	var list []struct {
		Key   string `json:"key"`
		Value value  `json:"value"`
	}
	if json.Unmarshal(c.Values, &list) == nil {
		for _, kv := range list {
			if kv.Key == key {
				return strings.TrimSpace(kv.Value.String)
			}
		}
		return ""
	}
	var byKey map[string]value
	if json.Unmarshal(c.Values, &byKey) == nil {
		return strings.TrimSpace(byKey[key].String)
	}
	return ""
}

// lead is the link the card is about, when it is a broadcast's, an old
// Periscope broadcast's or a Space's; "" otherwise.
func (c xCard) lead() string {
	kind := c.Name[strings.LastIndex(c.Name, ":")+1:]
	switch kind {
	case "broadcast":
		if u := c.value("broadcast_url"); u != "" {
			return u
		}
		if id := c.value("broadcast_id"); xIDRE.MatchString(id) {
			return xWeb + "/i/broadcasts/" + id
		}
	case "periscope_broadcast":
		return c.value("url")
	case "audiospace":
		if id := c.value("id"); xIDRE.MatchString(id) {
			return xWeb + "/i/spaces/" + id
		}
	}
	return ""
}
