package playlist

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestImpossibleChunkLengths: an EXTINF of NaN, infinity or a huge number
// overflowed the total ("-2562047:47:14") and slipped past the --start/--end
// checks; such a playlist is refused with one sentence, and ordinary odd
// values keep their old meaning.
func TestImpossibleChunkLengths(t *testing.T) {
	base := mustURL(t, "https://h.example/v/p.m3u8")
	list := func(extinf ...string) string {
		var b strings.Builder
		b.WriteString("#EXTM3U\n#EXT-X-TARGETDURATION:4\n")
		for i, v := range extinf {
			b.WriteString("#EXTINF:" + v + ",\nc" + strings.Repeat("x", i) + ".ts\n")
		}
		return b.String() + "#EXT-X-ENDLIST\n"
	}
	day := "86400"
	var tenDays []string
	for range 11 {
		tenDays = append(tenDays, "86000")
	}
	cases := []struct {
		name   string
		src    string
		total  time.Duration // when accepted
		reject string        // words of the sentence when refused
	}{
		{"NaN", list("4", "NaN"), 0, "chunk 2 an impossible length (NaN seconds)"},
		{"infinity", list("Inf"), 0, "impossible length (+Inf seconds)"},
		{"overflowing float", list("1e400"), 0, "impossible length"},
		{"huge", list("1e300"), 0, "impossible length (1e+300 seconds)"},
		{"just past int64 nanoseconds", list("9223372037"), 0, "impossible length"},
		{"a day and a second", list("86401"), 0, "impossible length (86401 seconds)"},
		{"total over ten days", list(tenDays...), 0, "add up to more than 240 hours"},
		{"a whole day is possible", list(day, "4"), 24*time.Hour + 4*time.Second, ""},
		{"negative counts as 0", list("-5", "4"), 4 * time.Second, ""},
		{"minus infinity counts as 0", list("-Inf", "4"), 4 * time.Second, ""},
		{"ordinary", list("3.989", "3.989"), 7978 * time.Millisecond, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pl, _, err := Parse([]byte(c.src), base)
			if c.reject == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got := pl.Duration(); got != c.total {
					t.Errorf("total %v, want %v", got, c.total)
				}
				return
			}
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("err = %v, want ErrDamaged", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, c.reject) || strings.Count(msg, ". ") > 0 || !strings.HasSuffix(msg, ".") || strings.Contains(msg, "2562047") {
				t.Errorf("not the one sentence wanted (%q): %q", c.reject, msg)
			}
		})
	}
	// Through Load too, as the job and inspect use it.
	srv := serve(t, map[string]string{"/nan.m3u8": list("NaN")})
	if _, err := Load(context.Background(), srv.Client(), srv.URL+"/nan.m3u8"); !errors.Is(err, ErrDamaged) {
		t.Errorf("Load: %v", err)
	}
}

// A target duration of NaN or 1e300 is taken as unknown (0) instead of
// overflowing; live polling has its own bounds.
func TestImpossibleTargetDuration(t *testing.T) {
	base := mustURL(t, "https://h.example/v/p.m3u8")
	for _, v := range []string{"NaN", "1e300", "Inf"} {
		pl, _, err := Parse([]byte("#EXTM3U\n#EXT-X-TARGETDURATION:"+v+"\n#EXTINF:2,\na.ts\n#EXT-X-ENDLIST\n"), base)
		if err != nil || pl.TargetDuration != 0 {
			t.Errorf("%s: %v, %v", v, pl.TargetDuration, err)
		}
	}
}
