package intake

import (
	"errors"
	"testing"
)

func TestFirstLink(t *testing.T) {
	cases := map[string]string{
		"https://h.example/a.m3u8":                                      "https://h.example/a.m3u8",
		"  Here is my talk: https://x.com/i/broadcasts/1abcDEF23ghij! ": "https://x.com/i/broadcasts/1abcDEF23ghij",
		"(see https://h.example/p?a=1&b=2).":                            "https://h.example/p?a=1&b=2",
		"pscp.tv/w/1yoKMwNbNBjKQ":                                       "https://pscp.tv/w/1yoKMwNbNBjKQ",
		"www.x.com/i/broadcasts/1OdKrBnaEPXKX":                          "https://www.x.com/i/broadcasts/1OdKrBnaEPXKX",
		"javascript:alert(1)":                                           "",
		"file:///etc/passwd":                                            "",
		"just words":                                                    "",
		"example.com/video.m3u8":                                        "",
	}
	for in, want := range cases {
		u, ok := firstLink(in)
		got := ""
		if ok {
			got = u.String()
		}
		if got != want {
			t.Errorf("firstLink(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAPIBase: a base URL from the environment may use http only for this
// computer.
func TestAPIBase(t *testing.T) {
	cases := []struct {
		value, want string
	}{
		{"", "https://api.periscope.tv"},
		{"https://fake.example.org/periscope/", "https://fake.example.org/periscope"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"http://127.9.9.9", "http://127.9.9.9"},
		{"http://localhost:1234/", "http://localhost:1234"},
		{"http://[::1]:9000", "http://[::1]:9000"},
		{"http://api.example.com", ""},
		{"http://10.0.0.1:80", ""},
		{"http://127.0.0.1.evil.example", ""},
		{"http://localhost.evil.example", ""},
		{"http://foo.localhost", ""},
		{"http://0.0.0.0:80", ""},
		{"ftp://127.0.0.1", ""},
		{"https://user:pw@api.example.com", ""},
		{"https://api.example.com/?x=1", ""},
		{"api.example.com", ""},
		{"not a url", ""},
	}
	for _, c := range cases {
		t.Setenv(envPeriscope, c.value)
		u, err := apiBase(envPeriscope, periscopeAPI)
		if c.want == "" {
			var ie *InputError
			if err == nil || !errors.As(err, &ie) || !errors.Is(err, ErrNoSource) {
				t.Errorf("%q accepted (%v)", c.value, u)
			}
			continue
		}
		if err != nil || u.String() != c.want {
			t.Errorf("%q: got %v, %v; want %s", c.value, u, err, c.want)
		}
	}
}

func TestSignedURL(t *testing.T) {
	cases := map[string]bool{
		signedReplay: true,
		"https://h.example/a.m3u8?Policy=x&Signature=y&Key-Pair-Id=z": true,
		"https://h.example/a.m3u8?hdnts=exp=1~acl=/*~hmac=abc":        true,
		"https://h.example/a.m3u8?token=abc":                          true,
		"https://h.example/a.m3u8?token=redacted":                     false,
		replayURL: false,
		"https://h.example/live/index.m3u8?type=live": false,
	}
	for in, want := range cases {
		if got := signedURL(in); got != want {
			t.Errorf("signedURL(%s) = %v", in, got)
		}
	}
}
