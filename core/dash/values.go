package dash

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// parseDuration reads an xs:duration such as PT1H2M3.5S or P1DT2H. Years
// and months (never seen in a video's manifest) count 365 and 30 days.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	orig := s
	if !strings.HasPrefix(s, "P") {
		return 0, fmt.Errorf("%q is not a duration", orig)
	}
	s = s[1:]
	var total float64
	inTime := false
	units := map[bool]map[byte]float64{
		false: {'Y': 365 * 86400, 'M': 30 * 86400, 'W': 7 * 86400, 'D': 86400},
		true:  {'H': 3600, 'M': 60, 'S': 1},
	}
	seen := false
	for s != "" {
		if s[0] == 'T' {
			if inTime {
				return 0, fmt.Errorf("%q is not a duration", orig)
			}
			inTime, s = true, s[1:]
			continue
		}
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		if i == 0 || i == len(s) {
			return 0, fmt.Errorf("%q is not a duration", orig)
		}
		v, err := strconv.ParseFloat(s[:i], 64)
		mult, ok := units[inTime][s[i]]
		if err != nil || !ok {
			return 0, fmt.Errorf("%q is not a duration", orig)
		}
		total += v * mult
		seen = true
		s = s[i+1:]
	}
	if !seen || total > MaxTotalLength.Seconds() || math.IsNaN(total) {
		return 0, fmt.Errorf("%q is not a duration this app accepts", orig)
	}
	return time.Duration(total * float64(time.Second)), nil
}

// byteRange is a range of bytes, first and last included as the MPD writes
// them ("835-103606").
type byteRange struct{ First, Last int64 }

// Length is the number of bytes in r.
func (r byteRange) Length() int64 { return r.Last - r.First + 1 }

func parseRange(s string) (*byteRange, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	a, b, ok := strings.Cut(s, "-")
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || first < 0 || last < first {
		return nil, fmt.Errorf("the byte range %q is malformed: %w", s, ErrNotManifest)
	}
	return &byteRange{first, last}, nil
}

// expand fills a SegmentTemplate's identifiers ($RepresentationID$,
// $Number$, $Bandwidth$, $Time$, each with an optional %0Nd width, and $$).
func expand(tmpl, repID string, bandwidth, number, t uint64) (string, error) {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '$')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String(), nil
		}
		b.WriteString(tmpl[:i])
		rest := tmpl[i+1:]
		j := strings.IndexByte(rest, '$')
		if j < 0 {
			return "", fmt.Errorf("a segment address template has an unclosed $: %w", ErrNotManifest)
		}
		ident, format := rest[:j], ""
		if k := strings.IndexByte(ident, '%'); k >= 0 {
			ident, format = ident[:k], ident[k:]
		}
		var v uint64
		switch ident {
		case "":
			b.WriteByte('$')
			tmpl = rest[j+1:]
			continue
		case "RepresentationID":
			if format != "" {
				return "", fmt.Errorf("a segment address template is malformed: %w", ErrNotManifest)
			}
			b.WriteString(repID)
			tmpl = rest[j+1:]
			continue
		case "Number":
			v = number
		case "Bandwidth":
			v = bandwidth
		case "Time":
			v = t
		default:
			return "", fmt.Errorf("the segment address template uses $%s$, which this app does not know: %w", ident, ErrNotManifest)
		}
		width := 0
		if format != "" {
			// Only %0Nd (and %d) are allowed: a printf format from the
			// manifest is never handed to fmt as it is.
			f := strings.TrimSuffix(strings.TrimPrefix(format, "%"), "d")
			if !strings.HasSuffix(format, "d") || (f != "" && f[0] != '0') {
				return "", fmt.Errorf("a segment address template is malformed: %w", ErrNotManifest)
			}
			if f != "" {
				n, err := strconv.Atoi(f)
				if err != nil || n < 0 || n > 32 {
					return "", fmt.Errorf("a segment address template is malformed: %w", ErrNotManifest)
				}
				width = n
			}
		}
		s := strconv.FormatUint(v, 10)
		for k := len(s); k < width; k++ {
			b.WriteByte('0')
		}
		b.WriteString(s)
		tmpl = rest[j+1:]
	}
}
