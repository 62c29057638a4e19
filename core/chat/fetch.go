package chat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"replayrescue/core/web"
)

// Bounds on what one broadcast's chat may cost, whatever the service sends.
const (
	maxPages     = 2000
	maxMessages  = 200_000
	maxPageBytes = 8 << 20
	pageLimit    = 1000 // messages asked for per page
)

// ErrTruncated: the chat was longer than the bounds above; the messages
// returned with it are the first part.
var ErrTruncated = errors.New("the chat is too long; only its first part was read")

// ErrRefused: the chat service refused the token (expired or private).
var ErrRefused = errors.New("the chat service refused access")

// Fetch reads a broadcast's whole chat history: accessChatPublic with the
// chat token gives an endpoint and an access token, and
// {endpoint}/chatapi/v1/history is read page by page until the cursor is
// empty. Times are wall-clock (see Align). Errors never contain the tokens.
func Fetch(ctx context.Context, client *http.Client, api *url.URL, chatToken string) ([]Message, error) {
	if api == nil || chatToken == "" {
		return nil, errors.New("no chat token")
	}
	// The tokens travel in request bodies, which a 307 or 308 redirect
	// sends again to wherever it points: a redirect is followed only within
	// the origin the body was meant for, never to another host or from
	// https to plain http.
	client = web.SameOrigin(client)
	var access struct {
		Endpoint       string `json:"endpoint"`
		ReplayEndpoint string `json:"replay_endpoint"`
		AccessToken    string `json:"access_token"`
	}
	if err := post(ctx, client, join(api, "/api/v2/accessChatPublic"), map[string]any{"chat_token": chatToken}, &access); err != nil {
		return nil, fmt.Errorf("asking for chat access: %w", err)
	}
	raw := access.Endpoint
	if raw == "" {
		raw = access.ReplayEndpoint
	}
	if raw == "" || access.AccessToken == "" {
		return nil, errors.New("asking for chat access: the answer has no endpoint or access token")
	}
	endpoint, err := web.CheckBase(raw)
	if err != nil {
		// The service chooses this address: it must not make us send the
		// token in clear text, or anywhere but a web address.
		return nil, fmt.Errorf("the chat endpoint %s is not usable: %v", web.RedactURL(raw), err)
	}
	if api.Scheme == "https" && endpoint.Scheme != "https" {
		// Even to this computer: a token fetched over https is not sent on
		// in clear text.
		return nil, fmt.Errorf("the chat endpoint %s is not usable: the chat service uses https, so its endpoint must too", web.RedactURL(raw))
	}
	history := join(endpoint, "/chatapi/v1/history")
	var out []Message
	cursor := ""
	seen := map[string]bool{}
	for pages := 0; ; pages++ {
		if pages >= maxPages || len(out) >= maxMessages {
			return out, ErrTruncated
		}
		var data json.RawMessage
		req := map[string]any{"access_token": access.AccessToken, "cursor": cursor, "since": nil, "limit": pageLimit}
		if err := post(ctx, client, history, req, &data); err != nil {
			return out, fmt.Errorf("reading chat page %d: %w", pages+1, err)
		}
		msgs, next, err := ParseHistory(data)
		if err != nil {
			return out, fmt.Errorf("reading chat page %d: %w", pages+1, err)
		}
		out = append(out, msgs...)
		if next == "" {
			return out, nil
		}
		if seen[next] { // a service going round in circles
			return out, nil
		}
		seen[next] = true
		cursor = next
	}
}

func join(base *url.URL, p string) string {
	u := *base
	u.Path = base.Path + p
	return u.String()
}

// post sends body as JSON and decodes a 2xx JSON answer into v.
func post(ctx context.Context, client *http.Client, rawURL string, body, v any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var origin *web.OriginError
		if errors.As(err, &origin) {
			return origin // its text has no address
		}
		return errors.New(web.Redact(err.Error()))
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		se := web.NewStatusError(resp.StatusCode, rawURL)
		if web.IsCredentialError(se) {
			return fmt.Errorf("%w: %v", ErrRefused, se)
		}
		return se
	}
	got, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes+1))
	if err != nil {
		return fmt.Errorf("reading the answer of %s: %v", web.RedactURL(rawURL), web.Redact(err.Error()))
	}
	if len(got) > maxPageBytes {
		return fmt.Errorf("%s sent more than %d MB", web.RedactURL(rawURL), maxPageBytes>>20)
	}
	if err := json.Unmarshal(got, v); err != nil {
		return fmt.Errorf("%s did not answer in JSON", web.RedactURL(rawURL))
	}
	return nil
}
