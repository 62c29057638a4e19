package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"replayrescue/core/say"
)

// X's GraphQL operations, as its web client (x.com) sends them: the one
// place their query ids, variables and feature flags are kept.
//
// X names each operation by a query id that changes every few months, and
// answers 400 to a request whose "features" lack a flag it has since made
// required. Either way a post or Space link then ends with "X (x.com)
// answered in a way this version of Replay Rescue does not understand"
// (and the offer to capture it in the browser, which keeps working). To
// bring them up to date: open a post on x.com in a browser while logged
// out, open DevTools' Network panel and filter for "graphql"; the request
// named TweetResultByRestId has the query id in its path
// (/i/api/graphql/QUERY_ID/TweetResultByRestId) and its variables, features
// and fieldToggles, URL-encoded JSON, in its query. Copy the id and the
// decoded JSON below (keep the id variable's name in idVar); likewise for
// AudioSpaceById with a Space (x.com/i/spaces/ID). TestXGraphQLData checks
// that what is here is well formed; docs/development.md says the same.
var xGraphQL = map[string]xOperation{
	"TweetResultByRestId": {
		queryID:   "0hWvDhmW8YQ-S_ib3azIrw",
		idVar:     "tweetId",
		variables: `{"tweetId":"","withCommunity":false,"includePromotedContent":false,"withVoice":false}`,
		features: `{"creator_subscriptions_tweet_preview_api_enabled":true,"premium_content_api_read_enabled":false,` +
			`"communities_web_enable_tweet_community_results_fetch":true,"c9s_tweet_anatomy_moderator_badge_enabled":true,` +
			`"responsive_web_grok_analyze_button_fetch_trends_enabled":false,"responsive_web_grok_analyze_post_followups_enabled":false,` +
			`"responsive_web_jetfuel_frame":false,"responsive_web_grok_share_attachment_enabled":true,"articles_preview_enabled":true,` +
			`"responsive_web_edit_tweet_api_enabled":true,"graphql_is_translatable_rweb_tweet_is_translatable_enabled":true,` +
			`"view_counts_everywhere_api_enabled":true,"longform_notetweets_consumption_enabled":true,` +
			`"responsive_web_twitter_article_tweet_consumption_enabled":true,"tweet_awards_web_tipping_enabled":false,` +
			`"responsive_web_grok_show_grok_translated_post":false,"responsive_web_grok_analysis_button_from_backend":false,` +
			`"creator_subscriptions_quote_tweet_preview_enabled":false,"freedom_of_speech_not_reach_fetch_enabled":true,` +
			`"standardized_nudges_misinfo":true,"tweet_with_visibility_results_prefer_gql_limited_actions_policy_enabled":true,` +
			`"longform_notetweets_rich_text_read_enabled":true,"longform_notetweets_inline_media_enabled":true,` +
			`"profile_label_improvements_pcf_label_in_post_enabled":true,"rweb_tipjar_consumption_enabled":true,` +
			`"verified_phone_label_enabled":false,"responsive_web_grok_image_annotation_enabled":true,` +
			`"responsive_web_graphql_skip_user_profile_image_extensions_enabled":false,` +
			`"responsive_web_graphql_timeline_navigation_enabled":true,"responsive_web_enhance_cards_enabled":false}`,
		fieldToggles: `{"withArticleRichContentState":true,"withArticlePlainText":false,"withGrokAnalyze":false,"withDisallowedReplyControls":false}`,
	},
	"AudioSpaceById": {
		queryID:   "rR7CQrr8kxb6fatlUaB61Q",
		idVar:     "id",
		variables: `{"id":"","isMetatagsQuery":false,"withReplays":true,"withListeners":false}`,
		features: `{"spaces_2022_h2_spaces_communities":true,"spaces_2022_h2_clipping":true,` +
			`"creator_subscriptions_tweet_preview_api_enabled":true,"profile_label_improvements_pcf_label_in_post_enabled":true,` +
			`"rweb_tipjar_consumption_enabled":false,"verified_phone_label_enabled":false,"premium_content_api_read_enabled":false,` +
			`"communities_web_enable_tweet_community_results_fetch":true,"c9s_tweet_anatomy_moderator_badge_enabled":true,` +
			`"articles_preview_enabled":true,"responsive_web_graphql_skip_user_profile_image_extensions_enabled":false,` +
			`"responsive_web_edit_tweet_api_enabled":true,"graphql_is_translatable_rweb_tweet_is_translatable_enabled":true,` +
			`"view_counts_everywhere_api_enabled":true,"longform_notetweets_consumption_enabled":true,` +
			`"responsive_web_twitter_article_tweet_consumption_enabled":true,"tweet_awards_web_tipping_enabled":false,` +
			`"freedom_of_speech_not_reach_fetch_enabled":true,"standardized_nudges_misinfo":true,` +
			`"tweet_with_visibility_results_prefer_gql_limited_actions_policy_enabled":true,` +
			`"longform_notetweets_rich_text_read_enabled":true,"longform_notetweets_inline_media_enabled":true,` +
			`"responsive_web_graphql_timeline_navigation_enabled":true,"responsive_web_enhance_cards_enabled":false}`,
	},
}

// xOperation is one of X's GraphQL operations.
type xOperation struct {
	queryID string // the id in its path, which X changes every few months
	idVar   string // the variable that holds the post's or Space's id
	// variables, features and fieldToggles are JSON objects, as the web
	// client sends them; fieldToggles may be empty.
	variables, features, fieldToggles string
}

// query is the operation's query string for id.
func (op xOperation) query(id string) (url.Values, error) {
	var vars map[string]any
	if err := json.Unmarshal([]byte(op.variables), &vars); err != nil {
		return nil, err
	}
	vars[op.idVar] = id
	v, err := json.Marshal(vars)
	if err != nil {
		return nil, err
	}
	q := url.Values{"variables": {string(v)}, "features": {op.features}}
	if op.fieldToggles != "" {
		q.Set("fieldToggles", op.fieldToggles)
	}
	return q, nil
}

// query asks the GraphQL operation name about id and decodes its data into
// v. A 401 or 403 is a *CredentialsError saying denied; other failures are
// failed's.
func (s *xSession) query(ctx context.Context, name, id string, denied say.Sentence, v any) error {
	data, err := s.graphQL(ctx, name, id)
	switch {
	case err == nil:
	case isStatus(err, http.StatusUnauthorized, http.StatusForbidden):
		return credSay(denied, err)
	default:
		return s.failed(ctx, s.webURL, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return s.failed(ctx, s.webURL, fmt.Errorf("%w: %s: %v", errUnexpected, name, err))
	}
	return nil
}

// graphQL asks x.com's GraphQL API for the operation name about id and
// returns the answer's data. An answer that says the query id or the
// features are out of date (400, 404, 422), or that holds errors and no
// data, is errUnexpected: X has changed its API since this version was
// made. Other failures are the call's (see failed).
func (s *xSession) graphQL(ctx context.Context, name, id string) (json.RawMessage, error) {
	op, ok := xGraphQL[name]
	if !ok {
		return nil, fmt.Errorf("%w: no GraphQL operation %s", errUnexpected, name)
	}
	q, err := op.query(id)
	if err != nil {
		return nil, fmt.Errorf("%w: the variables of %s: %v", errUnexpected, name, err)
	}
	body, err := s.call(ctx, s.webClient, http.MethodGet, endpoint(s.webURL, "/i/api/graphql/"+op.queryID+"/"+name, q))
	if isStatus(err, http.StatusBadRequest, http.StatusNotFound, http.StatusUnprocessableEntity) {
		return nil, fmt.Errorf("%w: %s: %w", errUnexpected, name, err)
	}
	if err != nil {
		return nil, err
	}
	var v struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", errUnexpected, name, err)
	}
	if d := strings.TrimSpace(string(v.Data)); d == "" || d == "null" || d == "{}" && len(v.Errors) > 0 {
		return nil, fmt.Errorf("%w: %s answered no data (%d errors)", errUnexpected, name, len(v.Errors))
	}
	return v.Data, nil
}
