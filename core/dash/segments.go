package dash

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Range is a byte range of a resource.
type Range struct{ Offset, Length int64 }

// Init is a representation's initialization section (the fMP4 header every
// segment needs in front of it to be played).
type Init struct {
	URL   string
	Range *Range // nil: the whole resource
}

// Segment is one segment of the chosen picture or sound.
type Segment struct {
	URL      string // absolute
	Range    *Range // nil: the whole resource
	Init     *Init  // nil: the segment plays alone
	Duration time.Duration
	// Number is the segment's number ($Number$, or its place from
	// startNumber); Time its start in the media's timescale, when known.
	Number, Time uint64
	// Start is where it plays in the whole presentation.
	Start time.Duration
	// Period is the index of the period it belongs to: a new period is
	// often a new encoder run, with timestamps from zero again.
	Period int
}

// IndexFunc fetches a byte range of a resource: a SegmentBase's index.
type IndexFunc func(ctx context.Context, url string, r Range) ([]byte, error)

// periodInfo is a period with its place in the presentation worked out.
type periodInfo struct {
	live     *liveClock // nil for a static manifest
	p        *period
	index    int
	start    time.Duration
	duration time.Duration // 0: unknown (a live manifest's last period)
	base     *url.URL
}

func (m *Manifest) periods() ([]periodInfo, error) {
	base, err := resolveBase(m.URL, m.m.BaseURL)
	if err != nil {
		return nil, err
	}
	out := make([]periodInfo, len(m.m.Periods))
	var next time.Duration
	for i := range m.m.Periods {
		p := &m.m.Periods[i]
		pi := periodInfo{p: p, index: i, start: next, live: m.clock()}
		if p.Start != "" {
			if pi.start, err = optDuration(p.Start); err != nil {
				return nil, err
			}
		}
		if p.Duration != "" {
			if pi.duration, err = optDuration(p.Duration); err != nil {
				return nil, err
			}
		}
		if pi.base, err = resolveBase(base, p.BaseURL); err != nil {
			return nil, err
		}
		out[i] = pi
		next = pi.start + pi.duration
	}
	for i := range out {
		if out[i].duration > 0 {
			continue
		}
		switch {
		case i+1 < len(out) && m.m.Periods[i+1].Start != "":
			out[i].duration = out[i+1].start - out[i].start
		case i+1 == len(out) && m.Duration > 0:
			out[i].duration = m.Duration - out[i].start
		}
		if out[i].duration < 0 {
			return nil, fmt.Errorf("the playlist's periods overlap: %w", ErrNotManifest)
		}
	}
	return out, nil
}

// resolveBase applies the first BaseURL of a level (a CDN's alternatives
// after it are the same files) to the address above it.
func resolveBase(base *url.URL, urls []baseURL) (*url.URL, error) {
	if len(urls) == 0 || strings.TrimSpace(urls[0].Value) == "" {
		return base, nil
	}
	s, err := resolve(base, urls[0].Value)
	if err != nil {
		return nil, err
	}
	return url.Parse(s)
}

// resolve makes ref absolute against base; only http(s) addresses are
// allowed, and no control characters.
func resolve(base *url.URL, ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if len(ref) > maxURI {
		return "", fmt.Errorf("the playlist contains an address %d KB long: %w", len(ref)>>10, ErrNotManifest)
	}
	if strings.ContainsAny(ref, "\x00\r\n\t") {
		return "", fmt.Errorf("the playlist contains a malformed address: %w", ErrNotManifest)
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("the playlist contains a malformed address: %w", ErrNotManifest)
	}
	abs := base.ResolveReference(r)
	if abs.Scheme != "http" && abs.Scheme != "https" {
		return "", fmt.Errorf("the playlist points outside the web (%s): %w", abs.Scheme, ErrNotManifest)
	}
	// A manifest read over https never sends its media over plain http:
	// cookies and tokens meant for the secure host would travel in clear.
	if base.Scheme == "https" && abs.Scheme == "http" {
		return "", fmt.Errorf("the playlist points from a secure address to an insecure one: %w", ErrNotManifest)
	}
	return abs.String(), nil
}

// segmentsOf lists the segments of rep (in set as) of period pi.
func segmentsOf(ctx context.Context, pi periodInfo, as *adaptationSet, rep *representation, index IndexFunc, budget *int) ([]Segment, error) {
	base, err := resolveBase(pi.base, as.BaseURL)
	if err != nil {
		return nil, err
	}
	if base, err = resolveBase(base, rep.BaseURL); err != nil {
		return nil, err
	}
	e := expander{pi: pi, base: base, rep: rep, budget: budget}
	if t := mergeTemplate(pi.p.SegmentTemplate, as.SegmentTemplate, rep.SegmentTemplate); t != nil {
		return e.template(t)
	}
	if l := mergeList(pi.p.SegmentList, as.SegmentList, rep.SegmentList); l != nil {
		return e.list(l)
	}
	if b := mergeBase(pi.p.SegmentBase, as.SegmentBase, rep.SegmentBase); b != nil && b.IndexRange != "" {
		return e.indexed(ctx, b, index)
	}
	// No segment information: the BaseURL is the whole media file.
	if err := e.take(1); err != nil {
		return nil, err
	}
	return []Segment{{URL: base.String(), Duration: pi.duration, Start: pi.start, Period: pi.index, Number: 1}}, nil
}

// mergeTemplate applies the levels' SegmentTemplates in order, each
// attribute written at a lower level replacing the one above.
func mergeTemplate(levels ...*segmentTemplate) *segmentTemplate {
	var out *segmentTemplate
	for _, l := range levels {
		if l == nil {
			continue
		}
		if out == nil {
			out = &segmentTemplate{}
		}
		mergeMulti(&out.multi, &l.multi)
		if l.Media != "" {
			out.Media = l.Media
		}
		if l.InitializationURL != "" {
			out.InitializationURL = l.InitializationURL
		}
	}
	return out
}

func mergeList(levels ...*segmentList) *segmentList {
	var out *segmentList
	for _, l := range levels {
		if l == nil {
			continue
		}
		if out == nil {
			out = &segmentList{}
		}
		mergeMulti(&out.multi, &l.multi)
		if len(l.URLs) > 0 {
			out.URLs = l.URLs
		}
	}
	if out != nil && len(out.URLs) == 0 {
		return nil
	}
	return out
}

func mergeBase(levels ...*segmentBase) *segmentBase {
	var out *segmentBase
	for _, l := range levels {
		if l == nil {
			continue
		}
		if out == nil {
			out = &segmentBase{}
		}
		if l.Timescale != nil {
			out.Timescale = l.Timescale
		}
		if l.PresentationTimeOffset != nil {
			out.PresentationTimeOffset = l.PresentationTimeOffset
		}
		if l.IndexRange != "" {
			out.IndexRange = l.IndexRange
		}
		if l.Initialization != nil {
			out.Initialization = l.Initialization
		}
	}
	return out
}

func mergeMulti(out, l *multi) {
	if l.Timescale != nil {
		out.Timescale = l.Timescale
	}
	if l.PresentationTimeOffset != nil {
		out.PresentationTimeOffset = l.PresentationTimeOffset
	}
	if l.Duration != nil {
		out.Duration = l.Duration
	}
	if l.StartNumber != nil {
		out.StartNumber = l.StartNumber
	}
	if l.EndNumber != nil {
		out.EndNumber = l.EndNumber
	}
	if l.Timeline != nil {
		out.Timeline = l.Timeline
	}
	if l.Initialization != nil {
		out.Initialization = l.Initialization
	}
}

// expander lists one representation's segments in one period.
type expander struct {
	pi     periodInfo
	base   *url.URL
	rep    *representation
	budget *int // segments still allowed in the whole manifest
}

func (e *expander) take(n int) error {
	if *e.budget -= n; *e.budget < 0 {
		return fmt.Errorf("the playlist lists more than %d segments: %w", MaxSegments, ErrNotManifest)
	}
	return nil
}

func (e *expander) init(m *multi, tmpl string) (*Init, error) {
	if tmpl != "" {
		u, err := expand(tmpl, e.rep.ID, e.rep.Bandwidth, 0, 0)
		if err != nil {
			return nil, err
		}
		if u, err = resolve(e.base, u); err != nil {
			return nil, err
		}
		return &Init{URL: u}, nil
	}
	if m == nil || m.Initialization == nil {
		return nil, nil
	}
	return e.urlRange(m.Initialization)
}

func (e *expander) urlRange(ur *urlRange) (*Init, error) {
	u := e.base.String()
	if ur.SourceURL != "" {
		var err error
		if u, err = resolve(e.base, ur.SourceURL); err != nil {
			return nil, err
		}
	}
	r, err := parseRange(ur.Range)
	if err != nil {
		return nil, err
	}
	return &Init{URL: u, Range: toRange(r)}, nil
}

func toRange(r *byteRange) *Range {
	if r == nil {
		return nil
	}
	return &Range{Offset: r.First, Length: r.Length()}
}

func scale(m *multi) (ts, pto, start uint64) {
	ts, start = 1, 1
	if m.Timescale != nil && *m.Timescale > 0 {
		ts = *m.Timescale
	}
	if m.PresentationTimeOffset != nil {
		pto = *m.PresentationTimeOffset
	}
	if m.StartNumber != nil {
		start = *m.StartNumber
	}
	return ts, pto, start
}

// slot is a segment's place in time, in the timescale's units.
type slot struct {
	number, t, d uint64
}

// slots lists the segments' places of a SegmentTemplate or SegmentList:
// from its SegmentTimeline, else from its fixed duration (count segments,
// or as many as the period's length needs when count is 0).
func (e *expander) slots(m *multi, count int) ([]slot, error) {
	ts, pto, number := scale(m)
	// The period's end in media time; 0 when unknown.
	var end uint64
	if e.pi.duration > 0 {
		end = pto + uint64(math.Ceil(e.pi.duration.Seconds()*float64(ts)))
	}
	var out []slot
	if m.Timeline != nil {
		var t uint64
		for i, s := range m.Timeline.S {
			if s.T != nil {
				t = *s.T
			}
			if s.D == 0 {
				return nil, fmt.Errorf("the playlist's timeline has a segment without length: %w", ErrNotManifest)
			}
			reps := s.R
			if reps < 0 {
				// -1: repeat until the next entry's start, or the
				// period's end.
				limit := end
				if i+1 < len(m.Timeline.S) && m.Timeline.S[i+1].T != nil {
					limit = *m.Timeline.S[i+1].T
				}
				if limit <= t {
					reps = 0
				} else {
					reps = int64((limit-t+s.D-1)/s.D) - 1
				}
			}
			if reps >= int64(*e.budget) {
				return nil, fmt.Errorf("the playlist lists more than %d segments: %w", MaxSegments, ErrNotManifest)
			}
			for range reps + 1 {
				if end > 0 && t >= end && len(out) > 0 {
					break // past the period's end
				}
				if err := e.take(1); err != nil {
					return nil, err
				}
				out = append(out, slot{number: number, t: t, d: s.D})
				number++
				t += s.D
			}
		}
		return out, nil
	}
	if m.Duration == nil || !(*m.Duration > 0) || math.IsInf(*m.Duration, 0) {
		return nil, fmt.Errorf("the playlist gives its segments no length: %w", ErrNotManifest)
	}
	d := *m.Duration
	if count == 0 {
		switch {
		case e.pi.duration == 0 && e.pi.live != nil:
			// A live period without a timeline: what the clock says
			// is available.
			firstIndex, count, err := e.liveWindow(d, ts)
			if err != nil {
				return nil, err
			}
			if err := e.take(count); err != nil {
				return nil, err
			}
			for i := firstIndex; i < firstIndex+count; i++ {
				t0 := float64(i) * d
				out = append(out, slot{number: number + uint64(i), t: pto + uint64(math.Round(t0)), d: uint64(math.Round(d))})
			}
			return out, nil
		case m.EndNumber != nil && *m.EndNumber >= number:
			count = int(min(*m.EndNumber-number+1, uint64(MaxSegments+1)))
		case e.pi.duration > 0:
			n := math.Ceil(e.pi.duration.Seconds()*float64(ts)/d - 1e-9)
			if n > float64(MaxSegments) {
				return nil, fmt.Errorf("the playlist lists more than %d segments: %w", MaxSegments, ErrNotManifest)
			}
			count = max(int(n), 1)
		default:
			return nil, fmt.Errorf("the playlist does not say how long the video is: %w", ErrNotManifest)
		}
	}
	if err := e.take(count); err != nil {
		return nil, err
	}
	total := e.pi.duration.Seconds() * float64(ts)
	for i := range count {
		t0 := float64(i) * d
		length := d
		if total > 0 && t0+d > total {
			length = max(total-t0, 0) // the last one ends with the period
		}
		out = append(out, slot{number: number + uint64(i), t: pto + uint64(math.Round(t0)), d: uint64(math.Round(length))})
	}
	return out, nil
}

// segment makes a Segment of a slot.
func (e *expander) segment(m *multi, s slot, u string, r *Range, init *Init) Segment {
	ts, pto, _ := scale(m)
	start := e.pi.start
	if s.t >= pto {
		start += ticks(s.t-pto, ts)
	}
	return Segment{URL: u, Range: r, Init: init, Duration: ticks(s.d, ts), Number: s.number, Time: s.t, Start: start, Period: e.pi.index}
}

func (e *expander) template(t *segmentTemplate) ([]Segment, error) {
	if t.Media == "" {
		return nil, fmt.Errorf("the playlist's segment template has no address: %w", ErrNotManifest)
	}
	init, err := e.init(&t.multi, t.InitializationURL)
	if err != nil {
		return nil, err
	}
	slots, err := e.slots(&t.multi, 0)
	if err != nil {
		return nil, err
	}
	if e.pi.live != nil && t.Timeline != nil && t.StartNumber == nil && !strings.Contains(t.Media, "$Number") {
		numberByTime(slots, t.PresentationTimeOffset)
	}
	out := make([]Segment, 0, len(slots))
	for _, s := range slots {
		u, err := expand(t.Media, e.rep.ID, e.rep.Bandwidth, s.number, s.t)
		if err != nil {
			return nil, err
		}
		if u, err = resolve(e.base, u); err != nil {
			return nil, err
		}
		seg := e.segment(&t.multi, s, u, nil, init)
		if e.pi.expired(seg.Start + seg.Duration) {
			continue // left the time-shift window: the host may have deleted it
		}
		out = append(out, seg)
	}
	return out, nil
}

func (e *expander) list(l *segmentList) ([]Segment, error) {
	init, err := e.init(&l.multi, "")
	if err != nil {
		return nil, err
	}
	if len(l.URLs) > MaxSegments {
		return nil, fmt.Errorf("the playlist lists more than %d segments: %w", MaxSegments, ErrNotManifest)
	}
	m := l.multi
	if m.Timeline == nil && m.Duration == nil {
		// A list without lengths (seen with single-segment periods):
		// the period's length shared out evenly.
		if e.pi.duration <= 0 {
			return nil, fmt.Errorf("the playlist gives its segments no length: %w", ErrNotManifest)
		}
		ts, _, _ := scale(&m)
		d := e.pi.duration.Seconds() * float64(ts) / float64(len(l.URLs))
		m.Duration = &d
	}
	slots, err := e.slots(&m, len(l.URLs))
	if err != nil {
		return nil, err
	}
	out := make([]Segment, 0, len(slots))
	for i, s := range slots {
		if i >= len(l.URLs) {
			break
		}
		su := l.URLs[i]
		u := e.base.String()
		if su.Media != "" {
			if u, err = resolve(e.base, su.Media); err != nil {
				return nil, err
			}
		}
		r, err := parseRange(su.MediaRange)
		if err != nil {
			return nil, err
		}
		out = append(out, e.segment(&m, s, u, toRange(r), init))
	}
	return out, nil
}

// indexed lists a SegmentBase's segments from the sidx box its indexRange
// points at, fetched with index.
func (e *expander) indexed(ctx context.Context, b *segmentBase, index IndexFunc) ([]Segment, error) {
	ir, err := parseRange(b.IndexRange)
	if err != nil {
		return nil, err
	}
	if ir == nil {
		return nil, fmt.Errorf("the video's segment index has no place: %w", ErrNotManifest)
	}
	if ir.Length() > maxIndexBytes {
		return nil, fmt.Errorf("the video's segment index is larger than %d KB: %w", maxIndexBytes>>10, ErrNotManifest)
	}
	var init *Init
	if b.Initialization != nil {
		if init, err = e.urlRange(b.Initialization); err != nil {
			return nil, err
		}
	} else if ir.First > 0 {
		// The header is what comes before the index.
		init = &Init{URL: e.base.String(), Range: &Range{Offset: 0, Length: ir.First}}
	}
	if index == nil {
		return nil, fmt.Errorf("no way to read the video's segment index: %w", ErrNotManifest)
	}
	u := e.base.String()
	data, err := index(ctx, u, Range{Offset: ir.First, Length: ir.Length()})
	if err != nil {
		return nil, fmt.Errorf("reading the video's segment index: %w", err)
	}
	ts, earliest, refs, err := parseSidx(data, ir.First)
	if err != nil {
		return nil, err
	}
	if err := e.take(len(refs)); err != nil {
		return nil, err
	}
	pto := uint64(0)
	if b.PresentationTimeOffset != nil {
		pto = *b.PresentationTimeOffset
		if b.Timescale != nil && *b.Timescale > 0 && uint64(ts) != *b.Timescale {
			pto = uint64(float64(pto) * float64(ts) / float64(*b.Timescale))
		}
	}
	m := multi{Timescale: new(uint64), PresentationTimeOffset: &pto}
	*m.Timescale = uint64(ts)
	out := make([]Segment, 0, len(refs))
	t := earliest
	for i, r := range refs {
		out = append(out, e.segment(&m, slot{number: uint64(i + 1), t: t, d: r.Duration}, u, &Range{Offset: r.Offset, Length: r.Size}, init))
		t += r.Duration
	}
	return out, nil
}

// liveClock places a live manifest's segments in wall-clock time: which
// are available now, and which have left the time-shift window.
type liveClock struct {
	start     time.Time     // availabilityStartTime
	now       time.Time     // when the manifest was read
	timeShift time.Duration // 0: everything listed is kept
}

func (m *Manifest) clock() *liveClock {
	if !m.Dynamic || m.AvailabilityStart.IsZero() {
		return nil
	}
	now := time.Now()
	if m.Now != nil {
		now = m.Now()
	}
	return &liveClock{start: m.AvailabilityStart, now: now, timeShift: m.TimeShift}
}

// liveWindow is the segments of fixed length d (timescale ts) of a live
// period that are available now: complete, and not older than the
// time-shift window.
func (e *expander) liveWindow(d float64, ts uint64) (first, count int, err error) {
	c := e.pi.live
	elapsed := c.now.Sub(c.start) - e.pi.start
	if elapsed <= 0 {
		return 0, 0, nil
	}
	length := d / float64(ts)                             // seconds
	last := int64(math.Floor(elapsed.Seconds() / length)) // segments complete
	from := int64(0)
	if c.timeShift > 0 {
		from = max(0, int64(math.Floor((elapsed-c.timeShift).Seconds()/length)))
	}
	if last-from > int64(MaxSegments) || last < 0 {
		return 0, 0, fmt.Errorf("the playlist lists more than %d segments: %w", MaxSegments, ErrNotManifest)
	}
	return int(from), int(last - from), nil
}

// expired tells whether a segment ending at end (in the presentation) has
// left a live manifest's time-shift window: the host may have deleted it.
func (pi periodInfo) expired(end time.Duration) bool {
	c := pi.live
	return c != nil && c.timeShift > 0 && c.start.Add(end).Before(c.now.Add(-c.timeShift))
}

// numberByTime numbers a live timeline's segments by their time: a
// manifest addressed by $Time$ need not keep startNumber as its window
// slides, and counted from its first entry the same segment would get
// another number at each reading (so the save would take it for old, or
// for new). Segments are numbered by how many typical lengths (the
// timeline's median) after the presentation's start they begin, never
// twice the same.
func numberByTime(slots []slot, pto *uint64) {
	if len(slots) == 0 {
		return
	}
	ds := make([]uint64, len(slots))
	for i, s := range slots {
		ds[i] = s.d
	}
	slices.Sort(ds)
	typical := float64(ds[len(ds)/2])
	var zero uint64
	if pto != nil {
		zero = *pto
	}
	var prev uint64
	for i := range slots {
		n := uint64(1)
		if slots[i].t > zero {
			n += uint64(math.Round(float64(slots[i].t-zero) / typical))
		}
		if i > 0 && n <= prev {
			n = prev + 1
		}
		slots[i].number, prev = n, n
	}
}
