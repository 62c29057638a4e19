// Package web is the HTTP plumbing shared by intake, playlist and fetch: a
// client that sends each host only its own cookies, typed status errors that
// tell "credentials" from "server trouble", and the one redaction function
// every log line and error goes through.
package web

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"
)

// MaxRedirects caps redirect chains; HLS hosts use one or two.
const MaxRedirects = 10

// Credentials are what a source needs besides its URL: cookies scoped per
// host in a jar, and headers such as Referer, User-Agent or Authorization.
// They are never written to disk.
type Credentials struct {
	Jar    http.CookieJar
	Header http.Header
	// Host is the host (with port, if any) that sensitive headers such as
	// Authorization belong to. Empty means they are sent nowhere.
	Host string
}

// NewJar returns an empty cookie jar that follows the public suffix list, so a
// cookie set for one site is never sent to another.
func NewJar() *cookiejar.Jar {
	jar, err := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List})
	if err != nil { // cookiejar.New only fails on a nil-safe path; keep the jar usable regardless.
		jar, _ = cookiejar.New(nil)
	}
	return jar
}

// ParseCookieString turns "a=b; c=d" (what a user pastes, or a Cookie header)
// into cookies. Empty names are dropped.
func ParseCookieString(s string) []*http.Cookie {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "Cookie:")
	s = strings.TrimPrefix(s, "cookie:")
	var out []*http.Cookie
	for _, part := range strings.Split(s, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		out = append(out, &http.Cookie{Name: name, Value: strings.Trim(strings.TrimSpace(value), `"`)})
	}
	return out
}

// ClientOptions tune NewClient. Zero values pick sensible defaults.
type ClientOptions struct {
	// MaxConnsPerHost bounds parallel connections to one host (default 8).
	MaxConnsPerHost int
	// ResponseHeaderTimeout bounds the wait for a response to start (default 30s).
	ResponseHeaderTimeout time.Duration
}

// NewClient returns a client that uses creds' jar and adds creds' headers to
// every request. It follows only http and https redirects, at most
// MaxRedirects. Authorization-like headers go only to creds.Host, so a
// playlist's token never reaches the CDN that serves its chunks.
func NewClient(creds Credentials, opts ClientOptions) *http.Client {
	if opts.MaxConnsPerHost <= 0 {
		opts.MaxConnsPerHost = 8
	}
	if opts.ResponseHeaderTimeout <= 0 {
		opts.ResponseHeaderTimeout = 30 * time.Second
	}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          2 * opts.MaxConnsPerHost,
		MaxIdleConnsPerHost:   opts.MaxConnsPerHost,
		MaxConnsPerHost:       opts.MaxConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: opts.ResponseHeaderTimeout,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Transport: &headerTransport{base: tr, header: creds.Header, host: creds.Host},
		Jar:       creds.Jar,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= MaxRedirects {
				return fmt.Errorf("stopped after %d redirects", MaxRedirects)
			}
			if err := CheckScheme(req.URL); err != nil {
				return err
			}
			// The automatic Referer is the previous URL, query and all: a
			// signed playlist URL must not travel to the next host.
			req.Header.Del("Referer")
			return nil
		},
	}
}

// CheckScheme accepts only http and https URLs.
func CheckScheme(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("only http and https links are supported, not %q", u.Scheme)
	}
	return nil
}

// headerTransport adds fixed headers; Authorization-like ones only to host.
type headerTransport struct {
	base   http.RoundTripper
	header http.Header
	host   string
}

// hostBound are headers that must not follow a request to another host.
var hostBound = map[string]bool{"Authorization": true, "X-Csrf-Token": true, "X-Guest-Token": true}

func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if len(t.header) == 0 {
		return t.base.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	for name, values := range t.header {
		name = http.CanonicalHeaderKey(name)
		// net/http sets Referer to the previous URL on redirects, which may
		// carry a signed query; the source's own Referer replaces it.
		if r.Header.Get(name) != "" && name != "Referer" {
			continue
		}
		if hostBound[name] && !strings.EqualFold(req.URL.Host, t.host) {
			continue
		}
		r.Header[name] = values
	}
	return t.base.RoundTrip(r)
}

// StatusError is an HTTP answer other than 2xx. Its message never contains
// secrets.
type StatusError struct {
	Status int
	URL    string // already redacted
}

// NewStatusError records resp's status for u, redacting the URL.
func NewStatusError(status int, u string) *StatusError {
	return &StatusError{Status: status, URL: RedactURL(u)}
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s answered %d %s", e.URL, e.Status, http.StatusText(e.Status))
}

// IsCredentialError reports whether err is the host refusing access (401 or
// 403): the fix is fresh cookies or a fresh link, not a retry.
func IsCredentialError(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && (se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden)
}

// Retryable reports whether a failed request may succeed if tried again:
// network errors, 5xx, 408, 429 and (sporadic) 401/403.
func Retryable(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		switch {
		case se.Status >= 500, se.Status == http.StatusRequestTimeout, se.Status == http.StatusTooManyRequests,
			se.Status == http.StatusUnauthorized, se.Status == http.StatusForbidden:
			return true
		}
		return false
	}
	return err != nil
}
