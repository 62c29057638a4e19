package web

import (
	"net/url"
	"regexp"
	"strings"
)

// sensitiveParams are query parameter names whose values grant access.
// Periscope/X sign chunk URLs with CloudFront-style parameters; other hosts
// use token/sig/auth variants. Matching is case-insensitive.
var sensitiveParams = []string{
	"token", "access_token", "auth", "authorization", "sig", "signature",
	"policy", "key-pair-id", "x-amz-signature", "x-amz-credential",
	"x-amz-security-token", "hdnts", "hdnea", "jwt", "session", "sessionid",
	"password", "pass", "secret", "key", "cookie", "csrf", "expires_sig",
	// CDN and streaming-server signatures: nginx secure_link (md5), generic
	// sign/hmac, Tencent (txSecret), Wowza (wmsAuthSign), Akamai
	// (__hdnea__, hdnts), Alibaba (auth_key).
	"md5", "sign", "hmac", "txsecret", "wmsauthsign", "auth_key",
}

// pairedParams are names too common to redact alone ("e" is an event, a
// page, an edition; "st" a state or a start) that are a signature when they
// come together: some CDNs sign links as ?st=TOKEN&e=EXPIRY. Both values go
// then, as Redact errs on the side of removing too much; the expiry alone
// grants nothing, but which of the two holds the token differs by CDN.
var pairedParams = [][2]string{{"st", "e"}}

var (
	// A JWT: three base64url parts, the first starting with the encoding of '{"'.
	jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+`)
	// Header-like "Cookie: ...", "Authorization: Bearer ...", "Set-Cookie: ..." up to the end of line.
	headerRE = regexp.MustCompile(`(?i)\b(cookie|set-cookie|authorization|x-csrf-token|x-guest-token)(\s*[:=]\s*)[^\r\n"]+`)
	// URLs embedded in free text.
	urlRE = regexp.MustCompile(`https?://[^\s"'<>]+`)
	// Long opaque path elements (signed path tokens such as /Transcoding/v1/hls/<token>/).
	pathTokenRE = regexp.MustCompile(`[A-Za-z0-9_\-+=%~]{40,}`)
)

// Redacted is what secrets are replaced with.
const Redacted = "[redacted]"

// Redact removes secrets from s: cookie and authorization values, JWTs,
// sensitive query parameters and long opaque tokens in URL paths. Every log
// line, error message, event and inspect output goes through it, so it errs on
// the side of removing too much.
func Redact(s string) string {
	if s == "" {
		return s
	}
	s = headerRE.ReplaceAllString(s, "${1}${2}"+Redacted)
	s = urlRE.ReplaceAllStringFunc(s, RedactURL)
	return jwtRE.ReplaceAllString(s, Redacted)
}

// RedactURL returns raw with user info, sensitive query values and long path
// tokens replaced. Unparseable input is redacted whole after the scheme and host.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return jwtRE.ReplaceAllString(raw, Redacted)
	}
	if u.User != nil {
		u.User = url.User(Redacted)
	}
	if u.RawQuery != "" {
		q := u.Query()
		for name := range q {
			if isSensitiveParam(name) {
				q[name] = []string{Redacted}
			}
		}
		for _, p := range pairedParams {
			a, b := paramNamed(q, p[0]), paramNamed(q, p[1])
			if a != "" && b != "" {
				q[a], q[b] = []string{Redacted}, []string{Redacted}
			}
		}
		u.RawQuery = strings.ReplaceAll(q.Encode(), url.QueryEscape(Redacted), Redacted)
	}
	u.Fragment = ""
	out := u.Scheme + "://" + u.Host + pathTokenRE.ReplaceAllString(u.EscapedPath(), Redacted)
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return jwtRE.ReplaceAllString(out, Redacted)
}

// paramNamed is the spelling q uses for the parameter name (any case), or "".
func paramNamed(q url.Values, name string) string {
	for k := range q {
		if strings.EqualFold(k, name) {
			return k
		}
	}
	return ""
}

func isSensitiveParam(name string) bool {
	// Akamai writes __hdnea__: the underscores around a name are decoration.
	n := strings.Trim(strings.ToLower(name), "_")
	for _, s := range sensitiveParams {
		if n == s || strings.HasSuffix(n, "_"+s) || strings.HasSuffix(n, "-"+s) {
			return true
		}
	}
	return strings.Contains(n, "signature") || strings.Contains(n, "token")
}
