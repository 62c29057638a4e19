package job

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// maxClock bounds parsed times: nothing we save is a week long, and the bound
// keeps arithmetic far from overflow.
const maxClock = 7 * 24 * time.Hour

var errClock = errors.New("not a time")

// ParseClock reads a trim time: seconds, possibly fractional ("165", "29.5"),
// or [hh:]mm:ss[.ms] ("2:45", "1:02:03.5").
func ParseClock(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("%w: empty", errClock)
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return 0, fmt.Errorf("%w: %q", errClock, s)
	}
	var total float64
	for i, p := range parts {
		if p == "" {
			return 0, fmt.Errorf("%w: %q", errClock, s)
		}
		last := i == len(parts)-1
		if !last && strings.ContainsAny(p, ".eE+-") {
			return 0, fmt.Errorf("%w: %q", errClock, s)
		}
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) || strings.ContainsAny(p, "eE+-") {
			return 0, fmt.Errorf("%w: %q", errClock, s)
		}
		if i > 0 && v >= 60 {
			return 0, fmt.Errorf("%w: %q has %v where at most 59 fits", errClock, s, p)
		}
		total = total*60 + v
	}
	// Compare before converting: a huge number would overflow Duration.
	if total > maxClock.Seconds() {
		return 0, fmt.Errorf("%w: %q is longer than a week", errClock, s)
	}
	return time.Duration(math.Round(total * float64(time.Second))), nil
}

// ParseOffset reads an audio offset: "0", "auto", "2s", "2", "-350ms", "-0.35".
// Plain numbers are seconds.
func ParseOffset(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "0", "auto":
		return 0, nil
	}
	var d time.Duration
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > maxClock.Seconds() {
			return 0, fmt.Errorf("%w: %q", errClock, s)
		}
		d = time.Duration(math.Round(f * float64(time.Second)))
	} else {
		v, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("%w: %q", errClock, s)
		}
		d = v
	}
	if d > maxClock || d < -maxClock {
		return 0, fmt.Errorf("%w: %q", errClock, s)
	}
	return d, nil
}

// FormatClock shows d as m:ss or h:mm:ss, with tenths when not whole.
func FormatClock(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	d = d.Round(100 * time.Millisecond)
	h := int(d / time.Hour)
	m := int(d/time.Minute) % 60
	s := int(d/time.Second) % 60
	tenths := int(d/(100*time.Millisecond)) % 10
	out := fmt.Sprintf("%d:%02d", m, s)
	if h > 0 {
		out = fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	if tenths != 0 {
		out += fmt.Sprintf(".%d", tenths)
	}
	if neg {
		out = "-" + out
	}
	return out
}
