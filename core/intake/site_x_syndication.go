package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"replayrescue/core/web"
)

// The syndication endpoint (cdn.syndication.twimg.com/tweet-result) is what
// X's embedded posts are drawn from: public, without a guest pass, and
// answering in the REST API's words. It is the soft fallback for a post
// when GraphQL fails (a query id X has retired, a flag it now requires, a
// refusal): the post is read there instead and leads on as it would. It is
// another host: nothing of X's session (bearer, guest token) and nothing
// the user typed goes there.

const (
	xSyndication    = "https://cdn.syndication.twimg.com"
	envXSyndication = "REPLAYRESCUE_X_SYNDICATION"
)

// syndicated reads the post id from the syndication endpoint, as the post
// GraphQL would have given: nil, nil when the endpoint has no such post.
func syndicated(ctx context.Context, id string) (*xPostResult, error) {
	base, err := apiBase(envXSyndication, xSyndication)
	if err != nil {
		return nil, err
	}
	client := web.NewClient(web.CredentialsFor(base), web.ClientOptions{MaxConnsPerHost: 2})
	client.Jar = nil
	q := url.Values{"id": {id}, "lang": {"en"}, "token": {syndicationToken(id)}}
	body, _, err := call(ctx, client, http.MethodGet, endpoint(base, "/tweet-result", q), http.Header{"Accept": {"application/json"}})
	switch {
	case isStatus(err, http.StatusNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	var p xSyndicated
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		return nil, fmt.Errorf("%w: tweet-result: %v", errUnexpected, err)
	}
	if p.Typename == "" && p.IDStr == "" && p.Tombstone == nil {
		return nil, nil // {} is how it says it has no such post
	}
	return p.result(), nil
}

// syndicationToken is the token X's embed sends with a post's id: the id
// over 1e15 times pi, in base 36, without its zeros and point. The endpoint
// does not check it (yt-dlp sends random letters); it is sent in the shape
// the embed sends.
func syndicationToken(id string) string {
	n, err := strconv.ParseFloat(id, 64)
	if err != nil {
		return "1" // not a post's id: intake never asks for one
	}
	x := n / 1e15 * math.Pi
	whole := math.Floor(x)
	s := strconv.FormatInt(int64(whole), 36)
	frac := x - whole
	var b strings.Builder
	for i := 0; i < 11 && frac > 0; i++ {
		frac *= 36
		d := math.Floor(frac)
		b.WriteString(strconv.FormatInt(int64(d), 36))
		frac -= d
	}
	token := strings.ReplaceAll(s+b.String(), "0", "")
	if token == "" {
		return "1"
	}
	return token
}

// xSyndicated is a post as tweet-result gives it: the REST API's words,
// with its media under mediaDetails, its author under user and the time in
// ISO 8601.
type xSyndicated struct {
	Typename  string `json:"__typename"`
	IDStr     string `json:"id_str"`
	Text      string `json:"text"`
	CreatedAt string `json:"created_at"` // "2024-05-17T14:02:11.000Z"
	User      xName  `json:"user"`
	Entities  struct {
		URLs []struct {
			Expanded string `json:"expanded_url"`
		} `json:"urls"`
	} `json:"entities"`
	Media     json.RawMessage `json:"mediaDetails"`
	Card      *xCard          `json:"card"`
	Quoted    *xSyndicated    `json:"quoted_tweet"`
	Tombstone *struct {
		Text struct {
			Text string `json:"text"`
		} `json:"text"`
	} `json:"tombstone"`
}

// result is p as GraphQL's TweetResultByRestId would give it.
func (p *xSyndicated) result() *xPostResult {
	if p == nil {
		return nil
	}
	r := &xPostResult{Typename: p.Typename, Tombstone: p.Tombstone}
	r.Core.UserResults.Result = xUser{Legacy: p.User}
	r.Legacy.Text = p.Text
	if t, err := time.Parse(time.RFC3339, p.CreatedAt); err == nil {
		r.Legacy.CreatedAt = t.UTC().Format(time.RubyDate)
	}
	r.Legacy.Entities.URLs = p.Entities.URLs
	_ = json.Unmarshal(p.Media, &r.Legacy.Media.Media) // no media: none
	r.Legacy.Card = p.Card
	r.Quoted.Result = p.Quoted.result()
	return r
}
