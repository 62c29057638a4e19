package job

import (
	"testing"
	"time"
)

func TestParseClock(t *testing.T) {
	ok := map[string]time.Duration{
		"165":        165 * time.Second,
		"29.5":       29500 * time.Millisecond,
		"2:45":       165 * time.Second,
		"02:45":      165 * time.Second,
		"1:02:03.5":  time.Hour + 2*time.Minute + 3500*time.Millisecond,
		"0:00:00":    0,
		" 10 ":       10 * time.Second,
		"00:59.999":  59999 * time.Millisecond,
		"100:00":     100 * time.Minute, // minutes may exceed 59 when there is no hour field
		"0.001":      time.Millisecond,
		"3:00:00.25": 3*time.Hour + 250*time.Millisecond,
	}
	for in, want := range ok {
		got, err := ParseClock(in)
		if err != nil || got != want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	bad := []string{"", "abc", "-5", "1:60", "1:2:3:4", "1::2", ":30", "1.5:30", "1e3", "+5", "NaN", "Inf", "1:30:", "999999999"}
	for _, in := range bad {
		if got, err := ParseClock(in); err == nil {
			t.Errorf("ParseClock(%q) = %v, want an error", in, got)
		}
	}
}

func TestParseOffset(t *testing.T) {
	ok := map[string]time.Duration{
		"":       0,
		"0":      0,
		"auto":   0,
		"AUTO":   0,
		"2s":     2 * time.Second,
		"2":      2 * time.Second,
		"-350ms": -350 * time.Millisecond,
		"-0.35":  -350 * time.Millisecond,
		"1.25s":  1250 * time.Millisecond,
		"+0.01":  10 * time.Millisecond,
	}
	for in, want := range ok {
		got, err := ParseOffset(in)
		if err != nil || got != want {
			t.Errorf("ParseOffset(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"soon", "2 s", "1e400", "NaN", "9999999h"} {
		if got, err := ParseOffset(in); err == nil {
			t.Errorf("ParseOffset(%q) = %v, want an error", in, got)
		}
	}
}

func TestFormatClock(t *testing.T) {
	cases := map[time.Duration]string{
		0:                                       "0:00",
		165 * time.Second:                       "2:45",
		29500 * time.Millisecond:                "0:29.5",
		time.Hour + 2*time.Minute + time.Second: "1:02:01",
		-2 * time.Second:                        "-0:02",
	}
	for in, want := range cases {
		if got := FormatClock(in); got != want {
			t.Errorf("FormatClock(%v) = %q, want %q", in, got, want)
		}
	}
	// What FormatClock prints, ParseClock reads back.
	for _, d := range []time.Duration{0, 5 * time.Second, 165 * time.Second, 3*time.Hour + 100*time.Millisecond} {
		back, err := ParseClock(FormatClock(d))
		if err != nil || back != d {
			t.Errorf("round trip of %v: %v, %v", d, back, err)
		}
	}
}

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"165", "2:45", "1:02:03.5", "-1", "1e9", "::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseClock(s)
		if err != nil {
			return
		}
		if d < 0 || d > maxClock {
			t.Fatalf("ParseClock(%q) = %v out of range", s, d)
		}
	})
}

func FuzzParseOffset(f *testing.F) {
	for _, s := range []string{"2s", "-350ms", "-0.35", "auto", "1e300", "9223372036854775807ns", "-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseOffset(s)
		if err != nil {
			return
		}
		if d > maxClock || d < -maxClock {
			t.Fatalf("ParseOffset(%q) = %v out of range", s, d)
		}
	})
}
