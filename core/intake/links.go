package intake

import (
	"net"
	"net/url"
	"path"
	"regexp"
	"strings"

	"golang.org/x/net/publicsuffix"

	"replayrescue/core/dash"
	"replayrescue/core/web"
)

// A link in free text; trailing punctuation is trimmed afterwards.
var textLinkRE = regexp.MustCompile(`(?i)\bhttps?://[^\s"'<>]+`)

// firstLink finds the first http(s) link in text a user pasted ("here is my
// talk: https://x.com/i/broadcasts/1abc!"), or a bare link on a site's
// host (bareLinkRE).
func firstLink(text string) (*url.URL, bool) {
	text = strings.TrimSpace(text)
	raw := textLinkRE.FindString(text)
	if raw == "" {
		first, _, _ := strings.Cut(text, "\n")
		first = strings.TrimSpace(first)
		if !bareLinkRE.MatchString(first) || strings.ContainsAny(first, " \t") {
			return nil, false
		}
		raw = "https://" + first
	}
	raw = strings.TrimRight(raw, ".,;:!?)]}>'\"")
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || web.CheckScheme(u) != nil {
		return nil, false
	}
	return u, true
}

// playlistPath reports whether u names a playlist by its file name: an HLS
// playlist, or a manifest (MPEG-DASH), which the save reads alike.
func playlistPath(u *url.URL) bool {
	ext := path.Ext(u.Path)
	return strings.EqualFold(ext, ".m3u8") || strings.EqualFold(ext, ".mpd")
}

// mediaPath reports whether u names one piece of media (a chunk, an init
// section or a key) rather than a playlist.
func mediaPath(u *url.URL) bool {
	switch strings.ToLower(path.Ext(u.Path)) {
	case ".ts", ".m4s", ".aac", ".m4a", ".m4v", ".mp4", ".fmp4", ".cmfv", ".cmfa", ".key", ".mp3", ".vtt", ".webvtt":
		return true
	}
	return false
}

// fileLink reports whether u names a whole video or sound file, which is
// saved as it is (fetched by byte ranges), not a piece of a stream.
func fileLink(u *url.URL) bool {
	switch strings.ToLower(path.Ext(u.Path)) {
	case ".mp4", ".m4v", ".mov", ".m4a", ".webm":
		return true
	}
	return false
}

// fileType reports whether a content type is a whole video or sound file.
func fileType(mime string) bool {
	mime = strings.ToLower(strings.TrimSpace(strings.Split(mime, ";")[0]))
	switch mime {
	case "video/mp4", "video/quicktime", "video/webm", "audio/mp4", "audio/webm", "video/x-m4v", "audio/x-m4a":
		return true
	}
	return false
}

// mediaType reports whether a response content type is audio or video.
func mediaType(mime string) bool {
	mime = strings.ToLower(mime)
	if playlistType(mime) {
		return false
	}
	return strings.HasPrefix(mime, "video/") || strings.HasPrefix(mime, "audio/") || strings.Contains(mime, "mp2t")
}

// playlistType reports whether a content type is a playlist: HLS, or a
// manifest (application/dash+xml).
func playlistType(mime string) bool {
	mime = strings.ToLower(mime)
	return strings.Contains(mime, "mpegurl") || strings.Contains(mime, "dash+xml")
}

// playlistBody reports whether a body is a playlist or a manifest.
func playlistBody(body string) bool {
	t := strings.TrimLeft(body, "\ufeff \t\r\n")
	return strings.HasPrefix(t, "#EXTM3U") || dash.Looks([]byte(t[:min(len(t), 8192)]))
}

// signedURL reports whether u carries its own access token: a signature-like
// query parameter or a long opaque path element such as Periscope's
// /Transcoding/v1/hls/<token>/. It uses the same rules as web.RedactURL, so
// whatever grants access is exactly what gets redacted in output.
func signedURL(raw string) bool {
	if redactedValue(raw) {
		return false
	}
	return strings.Contains(web.RedactURL(raw), web.Redacted)
}

// redactedValue reports whether a credential was replaced by a HAR
// sanitizer ("redacted", "[REDACTED]", "<redacted>").
func redactedValue(v string) bool {
	return strings.Contains(strings.ToLower(v), "redacted")
}

// domainOf is the registrable domain of host ("video.pscp.tv" ->
// "pscp.tv"); an IP address or a single-label name is its own domain.
func domainOf(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if net.ParseIP(host) != nil || !strings.Contains(host, ".") {
		return host
	}
	if s, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return s
	}
	return host
}

// shortName is the last element of u's path, for telling the user which
// request something came from ("playlist_123.m3u8"), without the query.
func shortName(u *url.URL) string {
	name := path.Base(u.Path)
	if name == "/" || name == "." || name == "" {
		return u.Hostname()
	}
	// Redact the way a URL path is redacted: long opaque tokens go.
	red := web.RedactURL((&url.URL{Scheme: "https", Host: "h", Path: "/" + name}).String())
	name, _ = url.PathUnescape(strings.TrimPrefix(red, "https://h/"))
	if r := []rune(name); len(r) > 60 {
		name = string(r[:57]) + "..."
	}
	return name
}
