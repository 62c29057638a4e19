package intake

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"replayrescue/core/say"
)

// maxCookiesFile caps what is read of a cookies.txt file.
const maxCookiesFile = 8 << 20

// txtCookie is one line of a Netscape cookies.txt file.
type txtCookie struct {
	seen *url.URL // https://host/path the cookie is set against
	c    *http.Cookie
}

// parseCookiesTxt reads the Netscape cookie file format curl, wget, yt-dlp
// and browser extensions write: seven TAB-separated fields (domain,
// include-subdomains flag, path, secure, expiry in Unix seconds, name,
// value). "#HttpOnly_" before the domain marks an HttpOnly cookie and is not
// a comment; other lines starting with "#" are. An expiry of 0 is a session
// cookie. It returns the cookies and the number of lines it could not read.
func parseCookiesTxt(text string) (cookies []txtCookie, bad int) {
	text = strings.TrimPrefix(text, "\ufeff")
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		httpOnly := false
		if rest, ok := cutPrefixFold(line, "#HttpOnly_"); ok {
			line, httpOnly = rest, true
		} else if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) == 6 { // an empty value with its TAB trimmed by an editor
			f = append(f, "")
		}
		if len(f) != 7 {
			bad++
			continue
		}
		c, seen, ok := txtFields(f, httpOnly)
		if !ok {
			bad++
			continue
		}
		cookies = append(cookies, txtCookie{seen: seen, c: c})
	}
	return cookies, bad
}

func txtFields(f []string, httpOnly bool) (*http.Cookie, *url.URL, bool) {
	domain := strings.ToLower(strings.TrimSpace(f[0]))
	sub := strings.EqualFold(strings.TrimSpace(f[1]), "TRUE")
	p := strings.TrimSpace(f[2])
	secure := strings.EqualFold(strings.TrimSpace(f[3]), "TRUE")
	exp, err := strconv.ParseInt(strings.TrimSpace(f[4]), 10, 64)
	name := strings.TrimSpace(f[5])
	host := strings.TrimPrefix(domain, ".")
	if err != nil || name == "" || host == "" || strings.ContainsAny(host, "/ :@") {
		return nil, nil, false
	}
	if p == "" || !strings.HasPrefix(p, "/") {
		p = "/"
	}
	seen, err := url.Parse("https://" + host + p)
	if err != nil || seen.Host == "" {
		return nil, nil, false
	}
	c := &http.Cookie{Name: name, Value: f[6], Path: p, Secure: secure, HttpOnly: httpOnly}
	if sub || strings.HasPrefix(domain, ".") {
		c.Domain = host
	}
	if exp > 0 {
		c.Expires = time.Unix(exp, 0)
	}
	return c, seen, true
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// looksLikeCookiesTxt reports whether text is a cookies.txt file rather than
// a "name=value; ..." cookie string.
func looksLikeCookiesTxt(text string) bool {
	t := strings.TrimSpace(strings.TrimPrefix(text, "\ufeff"))
	if strings.HasPrefix(t, "# Netscape HTTP Cookie File") || strings.HasPrefix(t, "# HTTP Cookie File") {
		return true
	}
	for _, line := range strings.Split(t, "\n") {
		if strings.Count(line, "\t") >= 5 {
			return true
		}
	}
	return false
}

// loadCookiesFile reads path as cookies.txt into set.
func loadCookiesFile(path string, set *cookieSet) error {
	f, err := os.Open(path)
	if err != nil {
		return inputErr(ErrNoSource, "The cookies file %s cannot be opened: check the name and that it exists.", path)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCookiesFile+1))
	if err != nil {
		return inputErr(ErrNoSource, "The cookies file %s cannot be read.", path)
	}
	if len(data) > maxCookiesFile {
		return inputErr(ErrNoSource, "The cookies file %s is larger than %d MB, too large for a cookies.txt file.", path, maxCookiesFile>>20)
	}
	return addCookiesTxt(string(data), path, set)
}

func addCookiesTxt(text, name string, set *cookieSet) error {
	cookies, bad := parseCookiesTxt(text)
	if len(cookies) == 0 {
		if bad > 0 || strings.TrimSpace(text) != "" {
			return inputErr(ErrNoSource, "%s is not a cookies.txt file: export one with a \"cookies.txt\" browser extension (seven TAB-separated columns per line).", name)
		}
		return inputErr(ErrNoSource, "The cookies file %s holds no cookies.", name)
	}
	now := time.Now()
	live := 0
	for _, tc := range cookies {
		if tc.c.Expires.IsZero() || tc.c.Expires.After(now) {
			live++
		}
		set.add(tc.seen, tc.c, false)
	}
	if live == 0 {
		return credSay(say.T("Every cookie in {{.File}} has expired: export the cookies again from your browser right after playing the replay.", "File", name), nil)
	}
	return nil
}
