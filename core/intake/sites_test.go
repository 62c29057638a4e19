package intake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

// linkCase is a link, and the site (by name) and id it names; "" for a
// link of no site.
type linkCase struct {
	in, site, id string
}

// checkLinks checks which site and id matchLink finds in each link.
func checkLinks(t *testing.T, cases []linkCase) {
	t.Helper()
	for _, c := range cases {
		u, err := url.Parse(c.in)
		if err != nil {
			t.Fatal(err)
		}
		m, ok := matchLink(u)
		name := ""
		if ok {
			name = m.site.name
		}
		if ok != (c.site != "") || name != c.site || m.id != c.id {
			t.Errorf("%s: got (%q, %q, %v), want (%q, %q)", c.in, name, m.id, ok, c.site, c.id)
		}
	}
}

// TestSites: the registry holds sites the generic code can tell apart: a
// name, an origin and hosts of their own, a resolver for every shape, and
// answer keys ranked on one scale without ties.
func TestSites(t *testing.T) {
	names, origins, hosts := map[string]bool{}, map[Origin]bool{}, map[string]bool{}
	for _, s := range sites {
		if s.name == "" || names[s.name] || s.origin == "" || origins[s.origin] || !siteOrigin(s.origin) {
			t.Errorf("site %q: name or origin %q missing or taken", s.name, s.origin)
		}
		names[s.name], origins[s.origin] = true, true
		for _, h := range s.hosts {
			if h != strings.ToLower(h) || hosts[h] {
				t.Errorf("%s: host %q not lower case or another site's", s.name, h)
			}
			hosts[h] = true
			if u, ok := firstLink(h + "/a"); !ok || u.Host != h {
				t.Errorf("%s: a bare link on %s is not taken for a link", s.name, h)
			}
		}
		if len(s.hosts) == 0 || len(s.links) == 0 || s.referer == "" {
			t.Errorf("%s: no hosts, links or referer", s.name)
		}
		for _, l := range s.links {
			if !slices.Contains(l.path, "{id}") || l.idRE == nil || l.resolve == nil {
				t.Errorf("%s: link shape %v without an id or a resolver", s.name, l.path)
			}
		}
	}
	ranks := map[int]string{}
	for _, f := range answerFields {
		if f.key == "" || ranks[f.rank] != "" || f.rank >= pageRank {
			t.Errorf("field %q: rank %d empty, taken by %q, or not before a page's links", f.name(), f.rank, ranks[f.rank])
		}
		ranks[f.rank] = f.name()
	}
	for _, o := range []Origin{OriginLink, OriginPage, OriginHAR, OriginCurl, OriginBrowser} {
		if siteOrigin(o) {
			t.Errorf("%s taken for a site's origin", o)
		}
	}
	checkLinks(t, []linkCase{
		{"https://example.com/w/1yoKMwNbNBjKQ", "", ""},
		{"https://www.example.com/i/broadcasts/1OdKrBnaEPXKX", "", ""},
	})
}

// fakeAPI is a site's API (or any web server) on loopback: handle decides
// each answer, and hits lists the requests it got.
type fakeAPI struct {
	*httptest.Server
	mu   sync.Mutex
	hits []string
}

func newFakeAPI(t *testing.T, handle func(w http.ResponseWriter, r *http.Request)) *fakeAPI {
	f := &fakeAPI{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.hits = append(f.hits, r.Method+" "+r.URL.RequestURI())
		f.mu.Unlock()
		handle(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if s, ok := v.(string); ok {
		w.Write([]byte(s))
		return
	}
	json.NewEncoder(w).Encode(v)
}
