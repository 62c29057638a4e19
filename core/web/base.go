package web

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// CheckBase checks the base URL of a service (a setting such as
// REPLAYRESCUE_PERISCOPE_API, or an address a service handed out, like the
// chat endpoint): an https URL may point anywhere, an http URL only at this
// computer (loopback), so nothing travels in clear text over the network.
// The result has no trailing slash. The error is a clause for a sentence.
func CheckBase(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("it must be a web address such as https://api.example.com")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("it must not contain a user name, a query or a fragment")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !Loopback(u.Hostname()) {
			return nil, fmt.Errorf("http:// is allowed only for this computer (localhost, 127.0.0.1 or ::1); use https://")
		}
	default:
		return nil, fmt.Errorf("it must start with https://")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// Loopback reports whether host is this computer.
func Loopback(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
