package intake

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// fixture returns testdata/har/name at the module root.
func fixture(t *testing.T, name string) string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "testdata", "har", name)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the package")
		}
		dir = parent
	}
}

// Hand-written fixtures in the exact shapes of the browsers' exports.
func TestFixtures(t *testing.T) {
	t.Run("firefox master with variants", func(t *testing.T) {
		cands, err := Resolve(context.Background(), Input{Source: fixture(t, "firefox-hls-master.har")})
		if err != nil {
			t.Fatal(err)
		}
		got := urls(cands)
		want := []string{
			"https://events.example.org/hls/talk-42/1080p/index.m3u8 [ready]",
			"https://events.example.org/hls/talk-42/master.m3u8 [ready]",
			"https://events.example.org/hls/talk-42/640x360/index.m3u8 [ready]",
		}
		if !slices.Equal(got, want) {
			t.Fatalf("got %v", got)
		}
		c := cands[0]
		if c.Bandwidth != 5000000 || !c.Replay || cands[1].Kind != "master" || !cands[2].Live {
			t.Errorf("%+v", c)
		}
		if v, _ := cookieValue(t, c, c.URL, "edge_auth"); v != secPolicy {
			t.Error("Set-Cookie joined with a newline (Firefox) lost")
		}
		if _, ok := cookieValue(t, c, "https://events.example.org/other/x", "edge_auth"); ok {
			t.Error("edge_auth escaped its Path=/hls/")
		}
		if v, _ := cookieValue(t, c, "https://media.example-cdn.net/talk-42/1080p/seg1.ts", "cdn_tok"); v != secSignature {
			t.Error("the chunk host's cookie is missing")
		}
		if !slices.Equal(c.CookieHosts, []string{"events.example.org", "media.example-cdn.net"}) {
			t.Errorf("CookieHosts %v", c.CookieHosts)
		}
	})
}
