// Package web is the HTTP plumbing shared by intake, playlist and fetch: a
// client that sends each host only its own cookies, typed status errors that
// tell "credentials" from "server trouble", and the one redaction function
// every log line and error goes through.
package web

import (
	"crypto/tls"
	"crypto/x509"
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
//
// Scheme and Host are the origin they belong to: the source the user gave,
// whose address the cookies and headers were typed or recorded for. Every
// header except a few harmless ones (see NewClient) goes only to that origin,
// and when it is https nothing of them travels over plain http.
type Credentials struct {
	Jar    http.CookieJar
	Header http.Header
	// Scheme is "http" or "https". Empty is taken as https, so a caller that
	// forgets it never sends credentials in clear text.
	Scheme string
	// Host is the host (with port, if any) the headers belong to. Empty
	// means they are sent nowhere but for the harmless ones.
	Host string
}

// CredentialsFor returns empty credentials (a fresh jar, no headers) that
// belong to u's scheme and host.
func CredentialsFor(u *url.URL) Credentials {
	return Credentials{Jar: NewJar(), Header: http.Header{}, Scheme: u.Scheme, Host: u.Host}
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
	// RootCAs, when set, replaces the system's certificate authorities:
	// for a company's own CA, and for tests against a local https server.
	RootCAs *x509.CertPool
}

// NewClient returns a client that uses creds' jar and adds creds' headers to
// every request. It follows only http and https redirects, at most
// MaxRedirects.
//
// The headers are credentials of creds' origin (scheme and host): a custom
// header such as X-Api-Key, Proxy-Authorization or Authorization never
// reaches the CDN that serves the chunks, a redirect target or a key server
// on another host. Only User-Agent, Accept and Accept-Language go everywhere;
// Referer and Origin go elsewhere cut to their origin (https://site/), as a
// browser sends them, so a token in a Referer's path or query stays home.
// When the origin is https, requests over plain http carry no cookies and no
// headers but the harmless ones, whatever their host.
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
	if opts.RootCAs != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: opts.RootCAs, MinVersion: tls.VersionTLS12}
	}
	scheme := strings.ToLower(creds.Scheme)
	if scheme == "" {
		scheme = "https"
	}
	return &http.Client{
		Transport: &headerTransport{base: tr, header: creds.Header, scheme: scheme, host: canonicalHost(scheme, creds.Host)},
		Jar:       creds.Jar,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			from := via[len(via)-1].URL.Hostname()
			if len(via) >= MaxRedirects {
				return &RedirectError{Host: from}
			}
			if err := CheckScheme(req.URL); err != nil {
				return &RedirectError{Host: from, Scheme: req.URL.Scheme}
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

// RedirectError is a redirect the client refused to follow: too many of
// them (a loop, most likely), or one to a scheme other than http and https.
// Asking again gets the same answer, so it is not retried.
type RedirectError struct {
	Host   string // the host that sent the last redirect
	Scheme string // the refused scheme; "" when there were too many redirects
}

func (e *RedirectError) Error() string {
	if e.Scheme == "" {
		return fmt.Sprintf("the server kept redirecting (more than %d times), so the link leads nowhere", MaxRedirects)
	}
	// url.Parse admits only letters, digits, "+", "-" and "." in a
	// scheme, so it cannot smuggle anything into the sentence; a long one
	// is cut.
	scheme := e.Scheme
	if len(scheme) > 20 {
		scheme = scheme[:20] + "..."
	}
	return fmt.Sprintf("the server redirected to a %s: link, which is not allowed", scheme)
}

// harmlessHeaders describe the program, not the user: they go to every host.
var harmlessHeaders = map[string]bool{"User-Agent": true, "Accept": true, "Accept-Language": true}

// Harmless reports whether the header name (canonical) may go to every
// host: it describes the program, not the user.
func Harmless(name string) bool { return harmlessHeaders[name] }

// InOrigin reports whether u belongs to origin's scheme and host: the same
// host, over the same scheme or upgraded from http to https.
func InOrigin(origin, u *url.URL) bool {
	return inOrigin(origin.Scheme, canonicalHost(origin.Scheme, origin.Host), u)
}

// CrossOrigin is what of a Referer or Origin header (name canonical) goes
// to target on another origin: the value's own origin alone, nothing from
// https to plain http, nothing for another header.
func CrossOrigin(name, value string, target *url.URL) (string, bool) {
	if name != "Referer" && name != "Origin" {
		return "", false
	}
	out := crossOrigin(name, []string{value}, target)
	if len(out) == 0 {
		return "", false
	}
	return out[0], true
}

// headerTransport adds fixed headers, each only where it belongs (see
// NewClient), and keeps an https source's cookies off plain http.
type headerTransport struct {
	base   http.RoundTripper
	header http.Header
	scheme string // the credentials' scheme, lower case
	host   string // the credentials' host, canonical; "" for none
}

func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// The jar adds cookies before the transport runs; a loopback host is
	// even "secure" to it, and a cookie typed without the Secure flag is
	// not. Plain http after an https source gets none.
	downgrade := t.scheme == "https" && req.URL.Scheme == "http"
	if len(t.header) == 0 && !(downgrade && req.Header.Get("Cookie") != "") {
		return t.base.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	if downgrade {
		r.Header.Del("Cookie")
	}
	home := t.home(req.URL)
	for name, values := range t.header {
		name = http.CanonicalHeaderKey(name)
		switch {
		case name == "Referer" || name == "Origin":
			// net/http sets Referer to the previous URL on redirects,
			// which may carry a signed query; the source's own Referer
			// (or its origin) replaces it.
			if !home {
				values = crossOrigin(name, values, req.URL)
			}
			if len(values) == 0 {
				r.Header.Del(name)
				continue
			}
		case r.Header.Get(name) != "":
			continue // the request's own value wins (Range, Accept)
		case !harmlessHeaders[name] && !home:
			continue
		}
		r.Header[name] = values
	}
	return t.base.RoundTrip(r)
}

// home reports whether u is the credentials' origin.
func (t *headerTransport) home(u *url.URL) bool { return inOrigin(t.scheme, t.host, u) }

// inOrigin reports whether u belongs to the origin scheme://host (host
// canonical): the same host, over the same scheme or upgraded from http to
// https, never downgraded.
func inOrigin(scheme, host string, u *url.URL) bool {
	if host == "" || canonicalHost(u.Scheme, u.Host) != host {
		return false
	}
	return u.Scheme == scheme || (scheme == "http" && u.Scheme == "https")
}

// crossOrigin is what a browser sends as Referer or Origin to another
// origin: the value's own origin alone, and nothing from https to plain http.
func crossOrigin(name string, values []string, target *url.URL) []string {
	if len(values) == 0 {
		return nil
	}
	v, err := url.Parse(strings.TrimSpace(values[len(values)-1]))
	if err != nil || v.Host == "" || (v.Scheme != "http" && v.Scheme != "https") {
		return nil
	}
	if v.Scheme == "https" && target.Scheme == "http" {
		return nil
	}
	out := v.Scheme + "://" + v.Host
	if name == "Referer" {
		out += "/"
	}
	return []string{out}
}

// canonicalHost is host in lower case, without a trailing dot or the
// scheme's default port, so https://Example.com:443 and https://example.com
// are one origin.
func canonicalHost(scheme, host string) string {
	host = strings.ToLower(host)
	if h, port, err := net.SplitHostPort(host); err == nil {
		if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
			host = h
			if strings.Contains(h, ":") {
				host = "[" + h + "]"
			}
		} else {
			return net.JoinHostPort(strings.TrimSuffix(h, "."), port)
		}
	}
	return strings.TrimSuffix(host, ".")
}

// SameOrigin returns a copy of c that follows a redirect only within the
// first request's origin (the same host, the same scheme or http upgraded
// to https), for requests whose body carries a token: a 307 or 308 redirect
// sends the body again, to wherever it points.
func SameOrigin(c *http.Client) *http.Client {
	out := *c
	next := c.CheckRedirect
	out.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if !inOrigin(first.Scheme, canonicalHost(first.Scheme, first.Host), req.URL) {
			return &OriginError{Host: via[len(via)-1].URL.Hostname()}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= MaxRedirects {
			return &RedirectError{Host: via[len(via)-1].URL.Hostname()}
		}
		return nil
	}
	return &out
}

// OriginError is a redirect to another host, or from https to plain http,
// that SameOrigin refused: the request carried a token.
type OriginError struct {
	Host string // the host that sent the redirect
}

func (e *OriginError) Error() string {
	return "the server at " + e.Host + " redirected to another address, which was not followed so that the access token stays with it"
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

// Permanent marks err as not worth retrying: asking again gets the same
// answer (a chunk over the size cap, say). Its text is err's.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Retryable reports whether a failed request may succeed if tried again:
// network errors, 5xx, 408, 429 and (sporadic) 401/403. Refused redirects
// and errors marked Permanent are final.
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
	var pe *permanentError
	var re *RedirectError
	var oe *OriginError
	if errors.As(err, &pe) || errors.As(err, &re) || errors.As(err, &oe) {
		return false
	}
	return err != nil
}
