package intake

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"replayrescue/core/say"
	"replayrescue/core/web"
)

// X's short links (t.co/ID): what a post's text links to, and what people
// copy from it. intake follows one to the link it stands for, asking
// nothing but the short link itself, and resolves that link as if it had
// been given: an X or Periscope link through its site, any other through
// the web fallback. A short link that leads nowhere (a loop, too many
// hops, something other than a web page) is one sentence, and the offer to
// open it in the browser, which follows it as it does.

// tcoHost is the short links' host; envTco moves it (tests).
const (
	tcoHost = "t.co"
	tcoBase = "https://t.co"
	envTco  = "REPLAYRESCUE_X_SHORT"
)

// tcoHops caps the short links followed for one: t.co answers with the
// link itself, so one hop is the rule and a few are plenty.
const tcoHops = 4

// tcoIDRE is a short link's id.
var tcoIDRE = regexp.MustCompile(`^[A-Za-z0-9]{1,32}$`)

// tcoLink reports whether u is a short link, and its id.
func tcoLink(u *url.URL) (string, bool) {
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if host != tcoHost && host != "www."+tcoHost {
		return "", false
	}
	id := strings.Trim(u.Path, "/")
	return id, tcoIDRE.MatchString(id)
}

// t.co answers a browser with a page that sends it on (a meta refresh and
// a script, the link also the page's title) and any other client with a
// 301; both are read.
var (
	tcoRefreshRE = regexp.MustCompile(`(?i)<meta[^>]+http-equiv=["']?refresh["']?[^>]+content=["']?\d*\s*;\s*url=([^"'>\s]+)`)
	tcoTitleRE   = regexp.MustCompile(`(?i)<title>\s*(https?://[^<\s]+)\s*</title>`)
)

// fromShort resolves the short link t.co/id, given by the user: the link it
// leads to is resolved as if it had been given, with none of the user's
// typed cookies or headers, which belong to the short link's host (a
// cookies.txt file's are scoped to their own domains, and stay).
func fromShort(ctx context.Context, id string, uc *userCreds, origin Origin) ([]Candidate, error) {
	dest, err := expandShort(ctx, id)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &CaptureError{Link: tcoBase + "/" + id, Err: err}
	}
	return fromURL(ctx, dest, &userCreds{file: uc.file, header: http.Header{}}, origin)
}

// expandShort asks t.co where the short link id leads, following t.co's
// own answers at most tcoHops times.
func expandShort(ctx context.Context, id string) (*url.URL, error) {
	base, err := apiBase(envTco, tcoBase)
	if err != nil {
		return nil, err
	}
	client := web.NewClient(web.CredentialsFor(base), web.ClientOptions{MaxConnsPerHost: 2})
	client.Jar = nil // t.co sets cookies no one needs
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	seen := map[string]bool{}
	for hop := 0; hop < tcoHops; hop++ {
		if seen[id] {
			return nil, shortLoop(id)
		}
		seen[id] = true
		at := endpoint(base, "/"+id, nil)
		dest, err := askShort(ctx, client, at, id)
		if err != nil {
			return nil, err
		}
		if dest.Scheme != "http" && dest.Scheme != "https" || dest.Host == "" {
			return nil, inputSay(ErrNoStream, say.T("The short link t.co/{{.ID}} does not lead to a web page.", "ID", id))
		}
		next, short := tcoLink(dest)
		if !short && !strings.EqualFold(dest.Host, base.Host) {
			return dest, nil
		}
		if !short {
			next = strings.Trim(dest.Path, "/") // the fake's own address
		}
		if !tcoIDRE.MatchString(next) {
			return nil, inputSay(ErrNoStream, say.T("The short link t.co/{{.ID}} does not lead to a web page.", "ID", id))
		}
		id = next
	}
	return nil, shortLoop(id)
}

// shortLoop is a short link that leads to short links only.
func shortLoop(id string) error {
	return inputSay(ErrNoStream, say.T("The short link t.co/{{.ID}} only leads to other short links, in circles.", "ID", id))
}

// askShort asks t.co (at) where the short link id leads: a redirect's
// Location, or the link of the page it sends a browser.
func askShort(ctx context.Context, client *http.Client, at, id string) (*url.URL, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, at, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, unreachable(ctx, "X (t.co)", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode <= 399:
		loc, err := resp.Location()
		if err != nil {
			return nil, unreachable(ctx, "X (t.co)", errors.Join(errUnexpected, err))
		}
		return loc, nil
	case resp.StatusCode == http.StatusOK:
		for _, re := range []*regexp.Regexp{tcoRefreshRE, tcoTitleRE} {
			if m := re.FindSubmatch(body); m != nil {
				if u, err := url.Parse(html.UnescapeString(string(m[1]))); err == nil {
					return resp.Request.URL.ResolveReference(u), nil
				}
			}
		}
		return nil, unreachable(ctx, "X (t.co)", errUnexpected)
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, inputSay(ErrNoStream, say.T("X has no short link t.co/{{.ID}}: check that the whole link was copied.", "ID", id))
	case resp.StatusCode == http.StatusTooManyRequests:
		return nil, xLimited(web.NewStatusError(resp.StatusCode, at))
	}
	return nil, unreachable(ctx, "X (t.co)", web.NewStatusError(resp.StatusCode, at))
}
