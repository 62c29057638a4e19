package job

import (
	"fmt"
	"slices"
	"time"
)

// Span is a stretch of the talk's timeline (the one --start and --end
// are given on), From up to To.
type Span struct{ From, To time.Duration }

// kept are the stretches a render of s keeps of a talk total long: from
// the start to the end, without s.Cuts (merged where they overlap or
// touch, clipped to the start and end). A cut that ends before it starts
// is refused, as is one that leaves nothing.
func kept(s Settings, total time.Duration) ([]Span, error) {
	end := total
	if s.End > 0 && s.End < total {
		end = s.End
	}
	cuts := slices.Clone(s.Cuts)
	for _, c := range cuts {
		if c.To <= c.From {
			return nil, &Error{Code: ExitUsage, Msg: fmt.Sprintf("The cut %s-%s must end after it starts.", FormatClock(c.From), FormatClock(c.To))}
		}
	}
	slices.SortFunc(cuts, func(a, b Span) int { return int(a.From - b.From) })
	var out []Span
	at := s.Start
	for _, c := range cuts {
		from, to := max(c.From, s.Start), min(c.To, end)
		if to <= at || from >= end {
			continue // wholly before what is kept so far, or after the end
		}
		if from > at {
			out = append(out, Span{at, from})
		}
		at = max(at, to)
	}
	if at < end {
		out = append(out, Span{at, end})
	}
	if len(out) == 0 {
		return nil, &Error{Code: ExitUsage, Msg: "The cuts remove the whole video: keep something between them."}
	}
	return out, nil
}

// keptWindows are the parts' windows a render of s reads (see windows):
// those of each stretch kept between the cuts, in order, each marked
// where a cut comes just before or after it.
func keptWindows(s Settings, lengths []time.Duration) ([]partWindow, error) {
	var total time.Duration
	for _, l := range lengths {
		total += l
	}
	spans, err := kept(s, total)
	if err != nil {
		return nil, err
	}
	var ws []partWindow
	for i, k := range spans {
		end := k.To
		if end >= total {
			end = 0 // to the end
		}
		w := windows(lengths, k.From, end)
		if len(w) == 0 {
			continue
		}
		w[0].cutBefore = i > 0
		w[len(w)-1].cutAfter = i < len(spans)-1
		ws = append(ws, w...)
	}
	return ws, nil
}
