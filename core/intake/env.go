package intake

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
)

// The services broadcast links are resolved through, and the environment
// variables that replace them (tests and self-hosted fakes).
const (
	periscopeAPI = "https://api.periscope.tv"
	xAPI         = "https://api.x.com"
	proxseeAPI   = "https://proxsee.pscp.tv"

	envPeriscope = "REPLAYRESCUE_PERISCOPE_API"
	envX         = "REPLAYRESCUE_X_API"
	envProxsee   = "REPLAYRESCUE_PROXSEE_API"
)

// apiBase returns the base URL for a service: the environment variable key
// when set, otherwise def. An https URL may point anywhere; an http URL only
// at this computer (loopback), so a stray setting cannot send requests in
// clear text over the network.
func apiBase(key, def string) (*url.URL, error) {
	raw := strings.TrimSpace(os.Getenv(key))
	if raw == "" {
		raw = def
	}
	u, err := checkBase(raw)
	if err != nil {
		return nil, &InputError{Msg: fmt.Sprintf("The setting %s=%q is not usable: %s.", key, raw, err.Error()), Err: ErrNoSource}
	}
	return u, nil
}

func checkBase(raw string) (*url.URL, error) {
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
		if !loopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("http:// is allowed only for this computer (localhost, 127.0.0.1 or ::1); use https://")
		}
	default:
		return nil, fmt.Errorf("it must start with https://")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// loopbackHost reports whether host is this computer.
func loopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// endpoint joins base and an API path such as "/api/v2/accessVideoPublic".
func endpoint(base *url.URL, p string, q url.Values) string {
	u := *base
	u.Path = base.Path + p
	u.RawQuery = q.Encode()
	return u.String()
}
