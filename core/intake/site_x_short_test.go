package intake

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"replayrescue/core/intake/xfake"
)

// TestXShortLinks: a short link leads to the post, Space or page it
// stands for, through t.co's redirects (one or several), asked without the
// user's cookies, which go nowhere else either.
func TestXShortLinks(t *testing.T) {
	x := newX(t)
	xWorld(x)
	page := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		fmt.Fprint(w, "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nc0.ts\n#EXT-X-ENDLIST\n")
	})
	x.AddShort("aB3dE5fG7h", "https://x.com/webdev42/status/"+xPostID)
	x.AddShort("Sp4ce00001", "https://t.co/Sp4ce00002")
	x.AddShort("Sp4ce00002", "https://twitter.com/i/spaces/"+xSpaceID+"?s=20")
	x.AddShort("Pl4in00001", page.URL+"/talk.m3u8")
	for _, tc := range []struct{ link, url, from string }{
		{"https://t.co/aB3dE5fG7h", xPlaylist, "X broadcast 1OdKrBnaEPXKX"},
		{"t.co/aB3dE5fG7h", xPlaylist, "X broadcast"},
		{"Watch it again: https://t.co/Sp4ce00001", xSpaceList, "X Space " + xSpaceID},
		{"http://t.co/Pl4in00001", page.URL + "/talk.m3u8", "pasted link"},
	} {
		before := len(x.Hits())
		cands, err := Resolve(context.Background(), Input{Source: tc.link, Cookies: "auth_token=" + secSession, Headers: []string{"X-Csrf-Token: " + secSession}})
		if err != nil {
			t.Fatalf("%s: %v", tc.link, err)
		}
		c := cands[0]
		if c.URL != tc.url || !strings.HasPrefix(c.From, tc.from) {
			t.Errorf("%s: %s from %q", tc.link, c.URL, c.From)
		}
		if _, ok := cookieValue(t, c, c.URL, "auth_token"); ok || c.Creds.Header.Get("X-Csrf-Token") != "" {
			t.Errorf("%s: what the user typed for t.co goes to %s", tc.link, c.URL)
		}
		if hits := x.Hits()[before:]; !slices.ContainsFunc(hits, func(h string) bool { return strings.HasPrefix(h, "Short GET /") }) {
			t.Errorf("%s: t.co not asked: %q", tc.link, hits)
		}
	}
}

// t.co answers a browser with a page that sends it on; its link is read.
func TestXShortPage(t *testing.T) {
	x := newX(t)
	xWorld(x)
	const target = "https://x.com/webdev42/status/" + xPostID + "?s=20&amp;t=x"
	short := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<head><meta name="referrer" content="always"><noscript><META http-equiv="refresh" content="0;URL=%s"></noscript><title>%s</title></head><script>window.opener = null; location.replace("https:\/\/x.com\/webdev42")</script>`, target, target)
	})
	t.Setenv(envTco, short.URL)
	cands, err := Resolve(context.Background(), Input{Source: "https://t.co/aB3dE5fG7h"})
	if err != nil || cands[0].URL != xPlaylist {
		t.Fatalf("%v %+v", err, cands)
	}
}

// A short link that leads nowhere is one sentence and the offer to open
// the short link itself in the browser, which follows it as it does.
func TestXShortFailures(t *testing.T) {
	const link = "https://t.co/aB3dE5fG7h"
	checkXFailures(t, []xFailure{
		{"no such short link", link, nil, "X has no short link t.co/aB3dE5fG7h: check that the whole link was copied.", noStream},
		{"loop", link, func(x *xfake.X) {
			x.AddShort("aB3dE5fG7h", "https://t.co/Loop000002")
			x.AddShort("Loop000002", "https://t.co/aB3dE5fG7h")
		}, "only leads to other short links, in circles", noStream},
		{"too many hops", link, func(x *xfake.X) {
			x.AddShort("aB3dE5fG7h", "https://t.co/Hop0000001")
			for i := 1; i < 6; i++ {
				x.AddShort(fmt.Sprintf("Hop000000%d", i), fmt.Sprintf("https://t.co/Hop000000%d", i+1))
			}
		}, "in circles", noStream},
		{"not a web page", link, func(x *xfake.X) { x.AddShort("aB3dE5fG7h", "javascript:alert(1)") }, "does not lead to a web page", noStream},
		{"rate limited", link, func(x *xfake.X) { x.Refuse(xfake.Shorten, 429) }, "429", offline},
		{"t.co down", link, func(x *xfake.X) { x.Refuse(xfake.Shorten, 503) }, "X (t.co) is having trouble right now (it answered 503)", offline},
	})

	// A short link to an X page intake does not read: that page is the
	// one to capture.
	x := newX(t)
	x.AddShort("aB3dE5fG7h", "https://x.com/webdev42")
	_, err := Resolve(context.Background(), Input{Source: link})
	if page, ok := CaptureLink(err); !ok || page != "https://x.com/webdev42" || !strings.Contains(err.Error(), "not a kind of link") {
		t.Errorf("capture %q: %v", page, err)
	}
}

func TestXShortLinkShapes(t *testing.T) {
	for raw, want := range map[string]string{
		"https://t.co/aB3dE5fG7h": "aB3dE5fG7h", "http://www.t.co/x1": "x1", "https://T.CO./aB3": "aB3",
		"https://t.co/": "", "https://t.co/a/b": "", "https://t.com/aB3": "", "https://xt.co/aB3": "",
	} {
		id, ok := tcoLink(mustURL(t, raw))
		if ok != (want != "") || ok && id != want {
			t.Errorf("%s: %q %v", raw, id, ok)
		}
	}
}
