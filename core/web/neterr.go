package web

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"syscall"

	"replayrescue/core/say"
)

// Describe puts a network failure into words a presenter can act on,
// without the Go error chain (and so without any URL or query string).
// ok is false when err is not a network failure it knows. A refused
// redirect or a stalled server is described too; Connection tells whether
// the words are about the connection (so that checking it may help).
func Describe(err error) (words string, ok bool) {
	w, ok := DescribeWords(err)
	return w.String(), ok
}

// DescribeWords is Describe as a sentence's template and values, for the
// window to translate.
func DescribeWords(err error) (words say.Sentence, ok bool) {
	var host any = say.T("the video host")
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Hostname() != "" {
			host = u.Hostname()
		}
	}
	var redirect *RedirectError
	var origin *OriginError
	var stall *StallError
	var dns *net.DNSError
	var unknownAuth x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var recordHeader tls.RecordHeaderError
	switch {
	// What the server did, first: these are no network trouble, and
	// "check your connection" would send the user the wrong way.
	case errors.As(err, &redirect):
		return say.Plain(redirect.Error()), true
	case errors.As(err, &origin):
		return say.Plain(origin.Error()), true
	case errors.As(err, &stall):
		return say.Plain(stall.Error()), true
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return say.T("the address {{.Host}} does not exist (is the link complete?)", "Host", dns.Name), true
		}
		return say.T("the address {{.Host}} could not be looked up (is this computer online?)", "Host", dns.Name), true
	case errors.Is(err, syscall.ECONNREFUSED):
		return say.T("{{.Host}} refused the connection", "Host", host), true
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF):
		return say.T("the connection to {{.Host}} broke off", "Host", host), true
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return say.T("{{.Host}} cannot be reached from this network", "Host", host), true
	case errors.Is(err, os.ErrDeadlineExceeded):
		return say.T("{{.Host}} did not answer in time", "Host", host), true
	case errors.As(err, &unknownAuth), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &recordHeader):
		return say.T("the secure connection to {{.Host}} could not be verified (a network filter or a wrong link?)", "Host", host), true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return say.T("{{.Host}} did not answer in time", "Host", host), true
	}
	return say.Sentence{}, false
}

// Wrapped is err behind a short description, shown redacted: its text never
// holds a query string or token, while errors.Is/As still reach the cause
// (so Describe can name what went wrong).
type Wrapped struct {
	What string // "loading the playlist"
	Err  error
}

func (e *Wrapped) Error() string { return e.What + ": " + Redact(e.Err.Error()) }
func (e *Wrapped) Unwrap() error { return e.Err }

// Connection reports whether err is trouble with the connection that the
// user might fix (or wait out), as opposed to something the server did that
// asking again will not change: a redirect loop, a redirect to a refused
// scheme or another origin.
func Connection(err error) bool {
	var redirect *RedirectError
	var origin *OriginError
	return !errors.As(err, &redirect) && !errors.As(err, &origin)
}
