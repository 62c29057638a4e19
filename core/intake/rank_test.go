package intake

import (
	"net/url"
	"slices"
	"testing"
	"time"
)

func TestRank(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := func(name string, set func(c *cand)) *cand {
		c := newCand(&url.URL{Scheme: "https", Host: "h.example", Path: "/" + name}, OriginHAR, name)
		set(c)
		return c
	}
	cases := []struct {
		name string
		cs   []*cand
		want []string
	}{
		{"fetched OK beats failed", []*cand{
			mk("failed", func(c *cand) { c.requested, c.status, c.replay = true, 404, true }),
			mk("ok", func(c *cand) { c.requested, c.status = true, 200 }),
		}, []string{"ok", "failed"}},
		{"never fetched is not failed", []*cand{
			mk("failed", func(c *cand) { c.requested, c.status = true, 0 }),
			mk("named", func(c *cand) {}),
		}, []string{"named", "failed"}},
		{"replay over live", []*cand{
			mk("live", func(c *cand) { c.live, c.requested, c.status, c.when = true, true, 200, t0.Add(time.Hour) }),
			mk("replay", func(c *cand) { c.replay, c.requested, c.status, c.when = true, true, 200, t0 }),
		}, []string{"replay", "live"}},
		{"a sure credentials problem sinks", []*cand{
			mk("redacted", func(c *cand) { c.certain, c.replay = true, true }),
			mk("fine", func(c *cand) { c.live = true }),
		}, []string{"fine", "redacted"}},
		{"best variant, then master, then lesser variants", []*cand{
			mk("low", func(c *cand) { c.variantRank, c.bandwidth = 0, 800_000 }),
			mk("master", func(c *cand) { c.variantRank = 1 }),
			mk("high", func(c *cand) { c.variantRank, c.bandwidth = 2, 2_500_000 }),
		}, []string{"high", "master", "low"}},
		{"fetched beats only named", []*cand{
			mk("named", func(c *cand) { c.replay = true }),
			mk("fetched", func(c *cand) { c.replay, c.requested, c.status = true, true, 200 }),
		}, []string{"fetched", "named"}},
		{"replay_url beats hls_url", []*cand{
			mk("hls", func(c *cand) { c.prio = 3 }),
			mk("replay_url", func(c *cand) { c.prio = 0 }),
		}, []string{"replay_url", "hls"}},
		{"later over earlier", []*cand{
			mk("early", func(c *cand) { c.when = t0 }),
			mk("late", func(c *cand) { c.when = t0.Add(time.Minute) }),
			mk("middle", func(c *cand) { c.when = t0.Add(time.Second) }),
		}, []string{"late", "middle", "early"}},
		{"later by order when times are missing", []*cand{
			mk("first", func(c *cand) { c.seq = 1 }),
			mk("second", func(c *cand) { c.seq = 2 }),
		}, []string{"second", "first"}},
		{"the broadcast beats other videos on the page", []*cand{
			mk("promo", func(c *cand) { c.replay, c.requested, c.status = true, true, 200 }),
			mk("talk", func(c *cand) { c.title = "Talk" }),
		}, []string{"talk", "promo"}},
	}
	for _, tc := range cases {
		rank(tc.cs)
		var got []string
		for _, c := range tc.cs {
			got = append(got, c.from)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
