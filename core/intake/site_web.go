package intake

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"replayrescue/core/say"
	"replayrescue/core/web"
)

// maxPageLinks bounds the playlists taken from one page.
const maxPageLinks = 50

var (
	// Absolute playlist links, in HTML, scripts or JSON (after unescaping).
	absPlaylistRE = regexp.MustCompile(`(?i)https?://[^\s"'<>()\[\]{}\\]+?\.(?:m3u8|mpd)(?:\?[^\s"'<>()\[\]{}\\]*)?`)
	// Relative ones in attributes or strings: src="/live/master.m3u8".
	relPlaylistRE = regexp.MustCompile(`(?i)["'(=]((?:\.{0,2}/)?[A-Za-z0-9_\-./%~]+\.(?:m3u8|mpd)(?:\?[^\s"'<>()\\]*)?)["')]`)
	// What a <video> element (or its <source>) plays.
	videoSrcRE = regexp.MustCompile(`(?is)<(?:video|source)\b[^>]*?\bsrc\s*=\s*["']([^"'<>]+)["']`)
	// Escapes that hide slashes and ampersands in scripts and JSON.
	pageUnescaper = strings.NewReplacer(`\/`, `/`, `\u002F`, `/`, `\u002f`, `/`, `\u0026`, `&`, `&amp;`, `&`, `&#x2F;`, `/`, `&#47;`, `/`, `&quot;`, `"`, `&#34;`, `"`, `&#39;`, `'`)
)

// fromWeb is the web fallback, for a link of no site (see sites.go): a
// playlist link is taken as it is, a piece of a video is a mistake, and
// anything else is a page, fetched and searched for playlists.
func fromWeb(ctx context.Context, u *url.URL, uc *userCreds, origin Origin) ([]Candidate, error) {
	if fileLink(u) {
		// A whole video file, saved as it is.
		c := newCand(u, origin, fromLabel(origin))
		c.creds = newCreds(u)
		uc.apply(c.creds.Jar, c.creds.Header, u, u)
		c.cookieHosts = mergeHosts(cookieHosts(c.creds.Jar, u), uc.fileScopes(u))
		c.kind, c.replay = "file", true
		c.signed = signedURL(u.String())
		return finish([]*cand{c}), nil
	}
	if mediaPath(u) {
		return nil, inputSay(ErrNoSource, say.T("This link is one piece of the video ({{.Name}}), not its playlist: in the browser's Network panel type \"m3u8\" (or \"mpd\") in the filter box and use that request instead.", "Name", shortName(u)))
	}
	if playlistPath(u) {
		c := newCand(u, origin, fromLabel(origin))
		c.creds = newCreds(u)
		uc.apply(c.creds.Jar, c.creds.Header, u, u)
		c.cookieHosts = mergeHosts(cookieHosts(c.creds.Jar, u), uc.fileScopes(u))
		c.replay, c.live = replayOrLive(u, streamField{})
		c.signed = signedURL(u.String())
		return finish([]*cand{c}), nil
	}
	return fromPage(ctx, u, uc, origin)
}

// fromLabel says, for the user, where a link came from.
func fromLabel(origin Origin) string {
	if origin == OriginCurl {
		return "Copy as cURL command"
	}
	return "pasted link"
}

// fromPage fetches a web page the user gave (capped) and takes the playlists
// it names: the page itself when it is a playlist, the stream fields of a
// JSON answer, or .m3u8 links in HTML and scripts.
func fromPage(ctx context.Context, u *url.URL, uc *userCreds, origin Origin) ([]Candidate, error) {
	creds := newCreds(u)
	uc.apply(creds.Jar, creds.Header, u, u)
	client := web.NewClient(creds, web.ClientOptions{MaxConnsPerHost: 2})
	body, resp, err := call(ctx, client, http.MethodGet, u.String(), nil)
	host := u.Hostname()
	switch {
	case err == nil, errors.Is(err, errTooLarge): // a long page: search its start
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case isStatus(err, http.StatusUnauthorized, http.StatusForbidden):
		return nil, credSay(say.T("{{.Host}} refused to show this page (it answered 403): export a HAR file from your browser while the replay plays, and use that instead.", "Host", host), err)
	case isStatus(err, http.StatusNotFound, http.StatusGone):
		return nil, inputSay(ErrNoSource, say.T("{{.Host}} has no such page (it answered 404): check the link.", "Host", host))
	default:
		return nil, unreachable(ctx, host, err)
	}
	final := resp.Request.URL
	t := strings.TrimLeft(body, "\ufeff \t\r\n")
	if playlistBody(t) || playlistType(resp.Header.Get("Content-Type")) {
		// A playlist without .m3u8 in its name.
		c := newCand(u, origin, fromLabel(origin))
		c.creds = creds
		c.cookieHosts = mergeHosts(cookieHosts(creds.Jar, u, final), uc.fileScopes(u))
		c.replay, c.live = replayOrLive(u, streamField{})
		c.noteBody(t, false)
		c.signed = signedURL(u.String())
		return finish([]*cand{c}), nil
	}
	if fileType(resp.Header.Get("Content-Type")) {
		// The link is the video file itself.
		c := newCand(u, origin, fromLabel(origin))
		c.creds = creds
		c.cookieHosts = mergeHosts(cookieHosts(creds.Jar, u, final), uc.fileScopes(u))
		c.kind, c.replay = "file", true
		c.signed = signedURL(u.String())
		return finish([]*cand{c}), nil
	}
	var fs []found
	if looksJSON(t) {
		if f, ok := scanJSON(t); ok {
			fs = f.urls
		}
	}
	if len(fs) == 0 {
		for i, raw := range playlistLinks(body, final) {
			fs = append(fs, found{raw: raw, field: streamField{key: "page", rank: pageRank + i}})
		}
	}
	if len(fs) == 0 {
		// No playlist: a video file the page's player plays.
		for i, m := range videoSrcRE.FindAllStringSubmatch(pageUnescaper.Replace(body), maxPageLinks) {
			ref, err := url.Parse(strings.TrimSpace(m[1]))
			if err != nil {
				continue
			}
			if abs := final.ResolveReference(ref); (abs.Scheme == "http" || abs.Scheme == "https") && fileLink(abs) {
				fs = append(fs, found{raw: abs.String(), field: streamField{key: "page", rank: pageRank + i}})
			}
		}
	}
	var cs []*cand
	seen := map[string]bool{}
	for _, fd := range fs {
		// A browser sends only the page's origin to another site.
		c, hosts, ok := foundCand(fd, final, u, seen, OriginPage, "web page "+host, final.Scheme+"://"+final.Host+"/", creds, uc)
		if !ok {
			continue
		}
		c.cookieHosts = mergeHosts(hosts, cookieHosts(creds.Jar, c.u), uc.fileScopes(c.u))
		if fileLink(c.u) {
			c.kind, c.replay = "file", true
		}
		cs = append(cs, c)
	}
	if len(cs) == 0 {
		return nil, inputSay(ErrNoStream, say.T("No video stream was found on that page: open it in your browser, start the replay, then export a HAR file and use that instead."))
	}
	return finish(cs), nil
}

// playlistLinks finds .m3u8 links in a page, absolute or relative to base,
// in the order they appear.
func playlistLinks(page string, base *url.URL) []string {
	text := pageUnescaper.Replace(page)
	var out []string
	seen := map[string]bool{}
	add := func(raw string) {
		if len(out) >= maxPageLinks || seen[raw] {
			return
		}
		ref, err := url.Parse(raw)
		if err != nil {
			return
		}
		abs := base.ResolveReference(ref)
		if abs.Scheme != "http" && abs.Scheme != "https" {
			return
		}
		seen[raw] = true
		out = append(out, abs.String())
	}
	type hit struct {
		at  int
		raw string
	}
	var hits []hit
	for _, m := range absPlaylistRE.FindAllStringIndex(text, maxPageLinks) {
		hits = append(hits, hit{m[0], text[m[0]:m[1]]})
	}
	for _, m := range relPlaylistRE.FindAllStringSubmatchIndex(text, maxPageLinks) {
		raw := text[m[2]:m[3]]
		if !strings.Contains(raw, "://") {
			hits = append(hits, hit{m[2], raw})
		}
	}
	// In page order.
	for i := 1; i < len(hits); i++ {
		for j := i; j > 0 && hits[j].at < hits[j-1].at; j-- {
			hits[j], hits[j-1] = hits[j-1], hits[j]
		}
	}
	for _, h := range hits {
		add(h.raw)
	}
	return out
}
