// Package webtest starts real loopback servers for tests of what travels
// where: a second host on another loopback address, and one port that
// speaks both https and plain http, so that a downgrade keeps the host.
package webtest

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// OtherHostIP is a second loopback address: on Linux the whole of 127/8 is
// this computer, so a server there is "another host" to a client (its own
// cookies, its own origin) with nothing leaving the machine.
const OtherHostIP = "127.0.0.2"

// OtherHost starts h on OtherHostIP. The test is skipped where the system
// cannot listen there (macOS configures only 127.0.0.1).
func OtherHost(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	ln, err := net.Listen("tcp", OtherHostIP+":0")
	if err != nil {
		t.Skipf("no second loopback address: %v", err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// Dual is one server on 127.0.0.1 that answers https and plain http on the
// same port, as a host does on 443 and 80: https://127.0.0.1:P and
// http://127.0.0.1:P are the same host to a client, only the scheme differs.
type Dual struct {
	HTTPS, HTTP string // base URLs, no trailing slash
	// Pool trusts the server's certificate (for web.ClientOptions.RootCAs).
	Pool *x509.CertPool
}

// StartDual starts h as a Dual server, closed when the test ends.
func StartDual(t testing.TB, h http.Handler) *Dual {
	t.Helper()
	// A TLS test server only lends its certificate (valid for 127.0.0.1).
	donor := httptest.NewTLSServer(http.NotFoundHandler())
	cfg := donor.TLS.Clone()
	pool := x509.NewCertPool()
	pool.AddCert(donor.Certificate())
	donor.Close()

	srv := httptest.NewUnstartedServer(h)
	srv.Listener = &sniffListener{Listener: srv.Listener, tls: cfg}
	srv.Start()
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	return &Dual{HTTPS: "https://" + addr, HTTP: "http://" + addr, Pool: pool}
}

// sniffListener hands out TLS connections for clients that open with a TLS
// handshake record (first byte 0x16) and plain ones for the rest.
type sniffListener struct {
	net.Listener
	tls *tls.Config
}

func (l *sniffListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		// Test clients write at once; the deadline only keeps a silent
		// one from blocking the accept loop.
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		br := bufio.NewReader(c)
		first, err := br.Peek(1)
		_ = c.SetReadDeadline(time.Time{})
		if err != nil {
			c.Close()
			continue
		}
		pc := &peekedConn{Conn: c, r: br}
		if first[0] == 0x16 {
			return tls.Server(pc, l.tls), nil
		}
		return pc, nil
	}
}

// peekedConn reads first what was peeked at.
type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
