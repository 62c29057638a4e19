package intake

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// hostileTitle would clear the terminal, ring its bell, set its window
// title and, with U+202E, make the saved video's name read "...mp4.exe"
// backwards.
const hostileTitle = "Talk\x1b[2J\x1b]0;owned\x07 \u202Egnp.exe\u2066x\u2069\u200f\u061c\u0085\u009b end"

// acting reports the first character of s that a terminal or a file
// browser would act on rather than show.
func acting(s string) (rune, bool) {
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
			r == 0x200e || r == 0x200f || r == 0x061c {
			return r, true
		}
	}
	return 0, false
}

// TestTitlesArePrintable: a title from an API, a page's JSON or a HAR file
// reaches the candidate (shown, and made the file name) without control or
// bidi characters, and so do the sentences that quote it.
func TestTitlesArePrintable(t *testing.T) {
	periscopeAnswer := strings.Replace(accessVideoPublic(replayURL), broadcastTitle, jsonEscape(hostileTitle), 1)
	xShowHostile := strings.Replace(xShow, "Web Dev 42 South Meetup", jsonEscape(hostileTitle), 1)
	cases := []struct {
		name    string
		resolve func(t *testing.T) ([]Candidate, error)
		wantErr bool
	}{
		{"Periscope API", func(t *testing.T) ([]Candidate, error) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, periscopeAnswer) })
			t.Setenv(envPeriscope, api.URL)
			t.Setenv(envProxsee, api.URL)
			return Resolve(context.Background(), Input{Source: "https://www.pscp.tv/w/" + broadcastID})
		}, false},
		{"X API", func(t *testing.T) ([]Candidate, error) {
			t.Setenv(envX, fakeX(t, xShowHostile, xStatus(xPlaylist), 0).URL)
			return Resolve(context.Background(), Input{Source: "https://x.com/i/broadcasts/1OdKrBnaEPXKX"})
		}, false},
		{"X API error quoting the title", func(t *testing.T) ([]Candidate, error) {
			t.Setenv(envX, fakeX(t, xShowHostile, "", 404).URL)
			return Resolve(context.Background(), Input{Source: "https://x.com/i/broadcasts/1OdKrBnaEPXKX"})
		}, true},
		{"web page answering JSON", func(t *testing.T) ([]Candidate, error) {
			srv := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, periscopeAnswer) })
			return Resolve(context.Background(), Input{Source: srv.URL + "/talks/42"})
		}, false},
		{"HAR file", func(t *testing.T) ([]Candidate, error) {
			rs := periscopeSession(replayURL)
			rs[1].body = periscopeAnswer
			return resolveHAR(t, writeHAR(t, t.TempDir(), chrome, false, rs...))
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cands, err := tc.resolve(t)
			if tc.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				if r, bad := acting(err.Error()); bad {
					t.Errorf("the error keeps %U: %q", r, err.Error())
				}
				if !strings.Contains(err.Error(), "Talk[2J]0;owned gnp.exex end") {
					t.Errorf("the title is not quoted readably: %q", err.Error())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := cands[0]
			if r, bad := acting(c.Title); bad {
				t.Errorf("the title keeps %U: %q", r, c.Title)
			}
			if c.Title != "Talk[2J]0;owned gnp.exex end" {
				t.Errorf("title %q", c.Title)
			}
			for _, s := range []string{c.From, c.Problem} {
				if r, bad := acting(s); bad {
					t.Errorf("%q keeps %U", s, r)
				}
			}
		})
	}
}

// jsonEscape writes s as it would appear inside a JSON string.
func jsonEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&15])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
