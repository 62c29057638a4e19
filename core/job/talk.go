package job

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"replayrescue/core/chat"
	"replayrescue/core/fetch"
	"replayrescue/core/media"
)

// A talk saved from several broadcasts: the phone's app crashed and the talk
// went on in a new broadcast, perhaps from another account. Each part is a
// Job of its own, in a job folder of its own (its own credentials, lock,
// state and resume); a Talk downloads them at the same time from one
// connection budget and renders them as one video on one timeline, the
// parts one after another. Each part keeps its own audio offset.

// Talk is several parts of one talk, in play order. Its methods are not safe
// for concurrent use, like Job's.
type Talk struct {
	parts []*Job
	opts  Options
	// emitMu makes the parts' events, fired from their own goroutines,
	// reach Options.Events one at a time, as a single job's do.
	emitMu sync.Mutex
}

// PartEvent is an event of one part of a talk; Part counts from 0.
type PartEvent struct {
	Part  int
	Event Event
}

func (PartEvent) kind() string { return "part" }

// OpenTalk prepares a job folder for each source: opts.Work/part-1,
// part-2... when Work is given, else each broadcast's own default folder,
// so running the same command again resumes every part.
func OpenTalk(srcs []Source, opts Options) (*Talk, error) {
	if len(srcs) == 0 {
		return nil, &Error{Code: ExitUsage, Msg: "Give at least one broadcast link, playlist link or HAR file."}
	}
	if opts.Work != "" {
		if err := prepareFolder(opts.Work, true); err != nil {
			return nil, err
		}
	}
	t := &Talk{opts: opts}
	var mu sync.Mutex
	progress := make([]Progress, len(srcs))
	used := map[string]bool{}
	for i, src := range srcs {
		po := opts
		if opts.Work != "" {
			po.Work = filepath.Join(opts.Work, fmt.Sprintf("part-%d", i+1))
		} else {
			dir, err := DefaultDir(src)
			if err != nil {
				return nil, err
			}
			if used[dir] {
				// The same broadcast twice (a part given twice, or parts
				// only told apart by their links): a folder each.
				dir += fmt.Sprintf("-part-%d", i+1)
			}
			used[dir] = true
			po.Work = dir
		}
		if opts.Jobs > 0 {
			po.Jobs = max(1, opts.Jobs/len(srcs))
		}
		po.Events = func(e Event) {
			if p, ok := e.(Progress); ok {
				// One line for the whole download, and each part's own.
				// (Emitted under mu, so the sums never go backwards.)
				mu.Lock()
				progress[i] = p
				t.emit(sumProgress(progress))
				mu.Unlock()
			}
			t.emit(PartEvent{Part: i, Event: e})
		}
		j, err := Open(src, po)
		if err != nil {
			return nil, err
		}
		j.share = len(srcs)
		t.parts = append(t.parts, j)
	}
	return t, nil
}

// sumProgress is the progress of every part's download together.
func sumProgress(ps []Progress) Progress {
	var s Progress
	for _, p := range ps {
		s.Done += p.Done
		s.Total += p.Total
		s.Bytes += p.Bytes
		s.Speed += p.Speed
		s.Resumed += p.Resumed
		s.ETA = max(s.ETA, p.ETA)
	}
	return s
}

func (t *Talk) emit(e Event) {
	if t.opts.Events != nil {
		t.emitMu.Lock()
		defer t.emitMu.Unlock()
		t.opts.Events(e)
	}
}

// Parts are the talk's jobs, in play order.
func (t *Talk) Parts() []*Job { return t.parts }

// Load loads every part's playlist, one after another (a few requests each).
func (t *Talk) Load(ctx context.Context) error {
	for i, j := range t.parts {
		if err := j.Load(ctx); err != nil {
			return partError(i, len(t.parts), err)
		}
	}
	return nil
}

// Download fetches every part at the same time, sharing the connections. The
// first failure stops the others (their finished chunks are kept).
func (t *Talk) Download(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(t.parts))
	var wg sync.WaitGroup
	for i, j := range t.parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errs[i] = j.Download(ctx); errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	// The part that failed first explains; the others were only stopped.
	for i, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return partError(i, len(t.parts), err)
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// partError names the part in a failure's sentence when there are several.
func partError(i, n int, err error) error {
	if n < 2 || errors.Is(err, context.Canceled) {
		return err
	}
	msg, code := Explain(err)
	return &Error{Code: code, Msg: fmt.Sprintf("Part %d: %s", i+1, msg), Err: err}
}

// Duration is the talk's length: its parts' lengths added up.
func (t *Talk) Duration() time.Duration {
	var d time.Duration
	for _, j := range t.parts {
		d += j.Duration()
	}
	return d
}

// PartAt tells which part plays at time at of the joined timeline, and
// where in that part.
func (t *Talk) PartAt(at time.Duration) (part int, local time.Duration) {
	for i, j := range t.parts {
		d := j.Duration()
		if at < d || i == len(t.parts)-1 {
			return i, min(max(at, 0), d)
		}
		at -= d
	}
	return 0, 0
}

// Frame is a preview image at time at of the joined timeline.
func (t *Talk) Frame(ctx context.Context, at time.Duration, maxWidth int) ([]byte, error) {
	i, local := t.PartAt(at)
	return t.parts[i].Frame(ctx, local, maxWidth)
}

// partWindow is one part's share of a render: its window on its own
// timeline (End 0: to its end) and where its own timeline's zero stands on
// the joined one.
type partWindow struct {
	part       int
	start, end time.Duration
	offset     time.Duration
}

// windows maps the joined timeline's cut (start, end; end 0: to the end) to
// the parts it covers: parts wholly outside it are left out.
func windows(lengths []time.Duration, start, end time.Duration) []partWindow {
	var ws []partWindow
	var off time.Duration
	for i, d := range lengths {
		w := partWindow{part: i, offset: off}
		off += d
		if start >= off || (end > 0 && end <= w.offset) {
			continue
		}
		w.start = max(start-w.offset, 0)
		if end > 0 && end < off {
			w.end = end - w.offset
		}
		ws = append(ws, w)
	}
	return ws
}

// offsets are s's audio offsets for n parts.
func offsets(s Settings, n int) ([]time.Duration, error) {
	if s.PartOffsets == nil {
		o := make([]time.Duration, n)
		for i := range o {
			o[i] = s.AudioOffset
		}
		return o, nil
	}
	if len(s.PartOffsets) != n {
		return nil, &Error{Code: ExitUsage, Msg: fmt.Sprintf("Give one audio offset per part: %d parts, %d offsets.", n, len(s.PartOffsets))}
	}
	return s.PartOffsets, nil
}

// checkCrossfade refuses a cross-fade out of range, or with nothing to fade
// between.
func checkCrossfade(s Settings, parts int) error {
	if s.Crossfade < 0 || s.Crossfade > MaxCrossfade {
		return &Error{Code: ExitUsage, Msg: fmt.Sprintf("The fade between parts must be between 0 and %g seconds.", MaxCrossfade.Seconds())}
	}
	if s.Crossfade > 0 && parts < 2 {
		return &Error{Code: ExitUsage, Msg: "A fade between parts needs at least two broadcasts to join."}
	}
	return nil
}

// Render writes the joined video of the parts described by s: Start and End
// on the joined timeline, each part's audio offset from s.PartOffsets. The
// cuts land on the very frames asked for.
func (t *Talk) Render(ctx context.Context, s Settings) error {
	offsets, err := offsets(s, len(t.parts))
	if err != nil {
		return err
	}
	if err := checkCrossfade(s, len(t.parts)); err != nil {
		return err
	}
	if err := CheckOutput(s.Output, s.Force); err != nil {
		return err
	}
	lengths := make([]time.Duration, len(t.parts))
	for i, j := range t.parts {
		if j.pl == nil {
			return errors.New("job: Render before Load")
		}
		lengths[i] = j.Duration()
	}
	total := t.Duration()
	if s.Start >= total {
		return &Error{Code: ExitUsage, Msg: fmt.Sprintf("The start time %s is after the end of the talk (%s).", FormatClock(s.Start), FormatClock(total))}
	}
	if s.End > 0 && s.End <= s.Start {
		return &Error{Code: ExitUsage, Msg: "The end time must be after the start time."}
	}
	for _, j := range t.parts {
		unlock, err := j.lock()
		if err != nil {
			return err
		}
		defer unlock()
	}
	ws := windows(lengths, s.Start, s.End)
	spec, err := t.joinSpec(s, ws, offsets)
	if err != nil {
		return err
	}
	var want time.Duration
	for _, w := range ws {
		want += w.length(lengths)
	}
	want -= time.Duration(len(ws)-1) * s.Crossfade
	t.emit(Rendering{Total: want})
	spec.Progress = renderProgress(t.emit, false, func() bool { return false })
	replacing := s.Force && hasContent(s.Output)
	joined, err := t.opts.Tools.RenderJoined(ctx, spec)
	if errors.Is(err, media.ErrNoPicture) {
		return &Error{Code: ExitUsage, Msg: "One of the parts has no picture between the start and end times: move the cuts.", Err: err}
	}
	if errors.Is(err, media.ErrTooShortToFade) {
		return &Error{Code: ExitUsage, Msg: "One of the parts is too short for the fade between parts: make the fade shorter or move the cuts.", Err: err}
	}
	taken := savedElsewhere(err, &s)
	if err != nil && taken == nil {
		return renderError(err, s)
	}
	var size int64
	if st, err := os.Stat(s.Output); err == nil {
		size = st.Size()
	}
	wrote := false
	if !s.NoChatFiles {
		if ev, ok := t.saveChat(ctx, s, ws, joined); ok {
			wrote = ev.SRT != ""
			t.emit(ev)
		}
	}
	if replacing && !wrote {
		dropSubtitles(s.Output)
	}
	start := ws[0].offset + joined.Parts[0].Start
	t.emit(Done{Output: s.Output, Duration: joined.Duration, Size: size, Start: start, AudioGap: joined.Parts[0].Gap})
	return taken
}

// joinSpec is the joined render of the windows ws, each part with its
// audio offset; every chunk must be on disk.
func (t *Talk) joinSpec(s Settings, ws []partWindow, offsets []time.Duration) (media.JoinSpec, error) {
	spec := media.JoinSpec{Output: s.Output, Replace: s.Force, Crossfade: s.Crossfade}
	for _, w := range ws {
		j := t.parts[w.part]
		for _, seg := range j.allSegments() {
			if _, ok := fetch.Stored(j.dir, seg); !ok {
				return spec, partError(w.part, len(t.parts), &Error{Code: ExitOther, Msg: "Some chunks are missing from the job folder; run the download again."})
			}
		}
		spec.Parts = append(spec.Parts, j.renderSpec(Settings{Start: w.start, End: w.end, AudioOffset: offsets[w.part]}))
	}
	return spec, nil
}

// length is how much of the joined timeline w covers.
func (w partWindow) length(lengths []time.Duration) time.Duration {
	end := lengths[w.part]
	if w.end > 0 {
		end = w.end
	}
	return end - w.start
}

// saveChat merges the parts' chats on the joined timeline (each part's
// messages moved to where the part plays in the video) and writes them
// beside it. ok is false when no part has a chat.
func (t *Talk) saveChat(ctx context.Context, s Settings, ws []partWindow, joined media.Joined) (ChatSaved, bool) {
	var msgs []chat.Message
	problem, found := "", false
	for k, w := range ws {
		j := t.parts[w.part]
		if !j.HasChat() {
			continue
		}
		found = true
		part, err := j.Chat(ctx)
		if err != nil {
			problem, _ = Explain(partError(w.part, len(t.parts), err))
			continue
		}
		jp := joined.Parts[k]
		for _, m := range part {
			if m.At >= jp.Start && m.At < jp.Start+jp.Duration {
				m.At = m.At - jp.Start + jp.At
				msgs = append(msgs, m)
			}
		}
	}
	if !found {
		return ChatSaved{}, false
	}
	ev := writeChat(s, msgs, chat.Timing{To: joined.Duration}, false)
	if s.BurnChat {
		ev.Problem = "The chat cannot be drawn into a video joined from several broadcasts yet: it is saved beside it instead."
	}
	if ev.Problem == "" {
		ev.Problem = problem
	}
	return ev, true
}

// SaveTalk is the whole headless save of a talk in several parts: load,
// download, render, clean up. With one source it is Save.
func SaveTalk(ctx context.Context, srcs []Source, opts Options, s Settings) error {
	if _, err := offsets(s, len(srcs)); err != nil {
		return err
	}
	if err := checkCrossfade(s, len(srcs)); err != nil {
		return err
	}
	if len(srcs) == 1 {
		if len(s.PartOffsets) == 1 {
			s.AudioOffset = s.PartOffsets[0]
		}
		return Save(ctx, srcs[0], opts, s)
	}
	if err := CheckOutput(s.Output, s.Force); err != nil {
		return err
	}
	if err := opts.waitTools(); err != nil {
		return err
	}
	t, err := OpenTalk(srcs, opts)
	if err != nil {
		return err
	}
	if err := t.Load(ctx); err != nil {
		return err
	}
	if err := t.Download(ctx); err != nil {
		return err
	}
	if err := t.Render(ctx, s); err != nil {
		return err
	}
	return t.Cleanup()
}

// Cleanup removes every part's own files (unless Keep), then their folders
// and the talk's when that leaves them empty.
func (t *Talk) Cleanup() error {
	for _, j := range t.parts {
		if err := j.Cleanup(); err != nil {
			return err
		}
	}
	if t.opts.Work != "" && !t.opts.Keep {
		if err := removeOwn(t.opts.Work, true); err != nil {
			return err
		}
	}
	return nil
}

// Title is the first part's title.
func (t *Talk) Title() string { return t.parts[0].Title() }

// Dir is the first part's job folder.
func (t *Talk) Dir() string { return t.parts[0].Dir() }

// Plan tells where a render with s would start, with the broadcast's own
// gap between sound and picture in the part playing there: on the very
// frame asked for when the parts are re-encoded, where the fast mode would
// start (a keyframe) when their pictures are copied.
func (t *Talk) Plan(ctx context.Context, s Settings) (Plan, error) {
	offsets, err := offsets(s, len(t.parts))
	if err != nil {
		return Plan{}, err
	}
	i, local := t.PartAt(s.Start)
	p, err := t.parts[i].Plan(ctx, Settings{Start: local, AudioOffset: offsets[i]})
	if err != nil {
		return Plan{}, partError(i, len(t.parts), err)
	}
	plan := Plan{Start: s.Start, AudioGap: p.AudioGap}
	if spec, err := t.joinSpec(s, windows(t.PartLengths(), s.Start, s.End), offsets); err == nil {
		if copies, err := t.opts.Tools.JoinCopies(ctx, spec); err == nil && copies {
			plan.Start = s.Start - local + p.Start
		}
	}
	return plan, nil
}

// HasChat tells whether any part's chat can be had.
func (t *Talk) HasChat() bool {
	return slices.ContainsFunc(t.parts, (*Job).HasChat)
}

// Chat is every part's chat on the joined timeline (before any cut). A part
// whose chat cannot be read is left out, unless none can be.
func (t *Talk) Chat(ctx context.Context) ([]chat.Message, error) {
	var all []chat.Message
	var firstErr error
	var at time.Duration
	for _, j := range t.parts {
		if j.HasChat() {
			msgs, err := j.Chat(ctx)
			if errors.Is(err, context.Canceled) {
				return nil, err
			}
			if err != nil && firstErr == nil {
				firstErr = err
			}
			for _, m := range msgs {
				m.At += at
				all = append(all, m)
			}
		}
		at += j.Duration()
	}
	if len(all) == 0 && firstErr != nil {
		return nil, firstErr
	}
	return all, nil
}

// PartLengths are the parts' lengths, in play order.
func (t *Talk) PartLengths() []time.Duration {
	ls := make([]time.Duration, len(t.parts))
	for i, j := range t.parts {
		ls[i] = j.Duration()
	}
	return ls
}
