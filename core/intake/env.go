package intake

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	"replayrescue/core/web"
)

// apiBase returns the base URL for a service (each site names its own, and
// the setting that replaces it): the environment variable key when set,
// otherwise def. An https URL may point anywhere; an http URL only
// at this computer (loopback), so a stray setting cannot send requests in
// clear text over the network.
func apiBase(key, def string) (*url.URL, error) {
	raw := strings.TrimSpace(os.Getenv(key))
	if raw == "" {
		raw = def
	}
	u, err := web.CheckBase(raw)
	if err != nil {
		return nil, &InputError{Msg: fmt.Sprintf("The setting %s=%q is not usable: %s.", key, raw, err.Error()), Err: ErrNoSource}
	}
	return u, nil
}

// endpoint joins base and an API path such as "/api/v2/accessVideoPublic".
func endpoint(base *url.URL, p string, q url.Values) string {
	u := *base
	u.Path = base.Path + p
	u.RawQuery = q.Encode()
	return u.String()
}
