package job

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"replayrescue/core/chat"
	"replayrescue/core/fetch"
	"replayrescue/core/media"
	"replayrescue/core/playlist"
	"replayrescue/core/say"
)

// The save. A talk is saved from one broadcast, or from several when the
// phone's app crashed and the talk went on in a new broadcast, perhaps from
// another account. Each broadcast is a part (job.go), in a job folder of its
// own (its own credentials, lock, state and resume). One Talk drives them
// all, whether there is one or several: it loads them, downloads them at the
// same time from one connection budget, and renders them as one video on one
// timeline, the parts one after another, each with its own audio offset.
// One part is rendered on its own (while it downloads, when it can); several
// are joined.

// Talk is one save: one broadcast, or the parts of one talk in play order.
// Its methods are not safe for concurrent use, except that Frame only reads
// and Events may fire from other goroutines while a method runs.
type Talk struct {
	parts []*part
	opts  Options
	// dir is the folder that holds the parts' folders (Options.Work with
	// several parts), else "".
	dir string
	// emitMu makes the events, fired from the parts' own goroutines,
	// reach Options.Events one at a time.
	emitMu sync.Mutex
	// frames makes the previews with an ffmpeg started ahead.
	frames media.Frames
}

// Job is the save of one broadcast: a Talk of one part (see Open).
type Job = Talk

// PartEvent is an event of one part of a talk; Part counts from 0.
type PartEvent struct {
	Part  int
	Event Event
}

func (PartEvent) kind() string { return "part" }

// Open prepares the save of one broadcast, in the job folder opts.Work (""
// derives one from the broadcast). Nothing is fetched yet.
func Open(src Source, opts Options) (*Job, error) {
	return OpenTalk([]Source{src}, opts)
}

// OpenTalk prepares the save of a talk from srcs, in play order. One source
// is Open. Several get a job folder each: opts.Work/part-1, part-2... when
// Work is given, else each broadcast's own default folder, so running the
// same command again resumes every part. Each part's events reach
// opts.Events as PartEvent, beside the Progress of the whole download.
func OpenTalk(srcs []Source, opts Options) (*Talk, error) {
	if len(srcs) == 0 {
		return nil, &Error{Code: ExitUsage, Msg: "Give at least one broadcast link, playlist link or HAR file."}
	}
	t := &Talk{opts: opts}
	if len(srcs) > 1 && opts.Work != "" {
		if err := prepareFolder(opts.Work, true); err != nil {
			return nil, err
		}
		t.dir = opts.Work
	}
	dirs, err := partDirs(srcs, opts.Work)
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	progress := make([]Progress, len(srcs))
	for i, src := range srcs {
		po := opts
		po.Work = dirs[i]
		if opts.Jobs > 0 {
			po.Jobs = max(1, opts.Jobs/len(srcs))
		}
		po.Events = t.emit
		if len(srcs) > 1 {
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
		}
		p, err := openPart(src, po, len(srcs))
		if err != nil {
			return nil, err
		}
		t.parts = append(t.parts, p)
	}
	return t, nil
}

// partDirs are the job folders of srcs' parts (see OpenTalk).
func partDirs(srcs []Source, work string) ([]string, error) {
	if len(srcs) == 1 && work != "" {
		return []string{work}, nil
	}
	var dirs []string
	used := map[string]bool{}
	for i, src := range srcs {
		if work != "" {
			dirs = append(dirs, filepath.Join(work, fmt.Sprintf("part-%d", i+1)))
			continue
		}
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
		dirs = append(dirs, dir)
	}
	return dirs, nil
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

// lock takes every part's folder lock (see part.lock), in play order, and
// returns their release.
func (t *Talk) lock() (func(), error) {
	var held []func()
	unlock := func() {
		for _, u := range held {
			u()
		}
	}
	for i, p := range t.parts {
		u, err := p.lock()
		if err != nil {
			unlock()
			return nil, partError(i, len(t.parts), err)
		}
		held = append(held, u)
	}
	return unlock, nil
}

// loaded refuses op before Load.
func (t *Talk) loaded(op string) error {
	for _, p := range t.parts {
		if p.pl == nil {
			return fmt.Errorf("job: %s before Load", op)
		}
	}
	return nil
}

// lockLoaded is lock, refusing op before Load.
func (t *Talk) lockLoaded(op string) (func(), error) {
	if err := t.loaded(op); err != nil {
		return nil, err
	}
	return t.lock()
}

// Load loads every part's playlist, one after another (a few requests
// each), and checks each against what its job folder holds.
func (t *Talk) Load(ctx context.Context) error {
	unlock, err := t.lock()
	if err != nil {
		return err
	}
	defer unlock()
	for i, p := range t.parts {
		if err := p.load(ctx); err != nil {
			return partError(i, len(t.parts), err)
		}
	}
	return nil
}

// Download fetches every chunk not yet in the job folders, of every part at
// the same time.
func (t *Talk) Download(ctx context.Context) error {
	unlock, err := t.lockLoaded("Download")
	if err != nil {
		return err
	}
	defer unlock()
	return t.downloadAll(ctx)
}

// downloadAll fetches every part at the same time, sharing the connections,
// each following its broadcast while it is live. The first failure stops
// the others (their finished chunks are kept).
func (t *Talk) downloadAll(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(t.parts))
	var wg sync.WaitGroup
	for i, p := range t.parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errs[i] = p.downloadAll(ctx); errs[i] != nil {
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
	return t.measureFiles(ctx)
}

// partError names the part in a failure's sentence when there are several.
func partError(i, n int, err error) error {
	if n < 2 || errors.Is(err, context.Canceled) {
		return err
	}
	msg, code := Explain(err)
	if w := Words(err); w.Translatable() {
		return saying(code, err, say.T("Part {{.N}}: {{.Why}}", "N", i+1, "Why", w))
	}
	return &Error{Code: code, Msg: fmt.Sprintf("Part %d: %s", i+1, msg), Err: err}
}

// Duration is the talk's length: its parts' lengths added up.
func (t *Talk) Duration() time.Duration {
	var d time.Duration
	for _, p := range t.parts {
		d += p.duration()
	}
	return d
}

// PartLengths are the parts' lengths, in play order.
func (t *Talk) PartLengths() []time.Duration {
	ls := make([]time.Duration, len(t.parts))
	for i, p := range t.parts {
		ls[i] = p.duration()
	}
	return ls
}

// PartAt tells which part plays at time at of the joined timeline, and
// where in that part.
func (t *Talk) PartAt(at time.Duration) (part int, local time.Duration) {
	for i, p := range t.parts {
		d := p.duration()
		if at < d || i == len(t.parts)-1 {
			return i, min(max(at, 0), d)
		}
		at -= d
	}
	return 0, 0
}

// Title is the first part's title: the broadcast's, or "" when unknown.
func (t *Talk) Title() string { return t.parts[0].title() }

// Dir is the first part's job folder.
func (t *Talk) Dir() string { return t.parts[0].dir }

// Playlist is the first part's loaded playlist, or nil before Load.
func (t *Talk) Playlist() *playlist.Playlist { return t.parts[0].pl }

// ErrNotDownloaded means a preview was asked for a part not yet on disk.
var ErrNotDownloaded = errors.New("that part of the video is not downloaded yet")

// Frame returns a preview image (PNG or JPEG bytes) of the video at time at
// of the joined timeline, at most maxWidth pixels wide.
func (t *Talk) Frame(ctx context.Context, at time.Duration, maxWidth int) ([]byte, error) {
	i, local := t.PartAt(at)
	return t.parts[i].frame(ctx, t.opts.Tools, &t.frames, local, maxWidth)
}

// HasChat tells whether any part's chat can be had.
func (t *Talk) HasChat() bool {
	return slices.ContainsFunc(t.parts, (*part).HasChat)
}

// Chat is the chat, comments and hearts, on the joined timeline (before any
// cut), read the first time (see part.Chat). Errors are *Error with one
// sentence. Of several parts, one whose chat cannot be read is left out,
// unless none can be.
func (t *Talk) Chat(ctx context.Context) ([]chat.Message, error) {
	if len(t.parts) == 1 {
		return t.parts[0].Chat(ctx)
	}
	var all []chat.Message
	var firstErr error
	var at time.Duration
	for _, p := range t.parts {
		if p.HasChat() {
			msgs, err := p.Chat(ctx)
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
		at += p.duration()
	}
	if len(all) == 0 && firstErr != nil {
		return nil, firstErr
	}
	return all, nil
}

// partWindow is one part's share of a render: its window on its own
// timeline (End 0: to its end) and where its own timeline's zero stands on
// the joined one.
type partWindow struct {
	part       int
	start, end time.Duration
	offset     time.Duration
	// cutBefore, cutAfter: a cut (Settings.Cuts) comes right before
	// (after) this window.
	cutBefore, cutAfter bool
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

// length is how much of the joined timeline w covers.
func (w partWindow) length(lengths []time.Duration) time.Duration {
	end := lengths[w.part]
	if w.end > 0 {
		end = w.end
	}
	return end - w.start
}

// partOffsets checks s's settings for a talk of n parts, and gives each
// part's audio offset.
func partOffsets(s Settings, n int) ([]time.Duration, error) {
	if s.Crossfade < 0 || s.Crossfade > MaxCrossfade {
		return nil, &Error{Code: ExitUsage, Msg: fmt.Sprintf("The fade between parts must be between 0 and %g seconds.", MaxCrossfade.Seconds())}
	}
	if s.Crossfade > 0 && n < 2 {
		return nil, &Error{Code: ExitUsage, Msg: "A fade between parts needs at least two broadcasts to join."}
	}
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

// partSettings checks s against the talk's parts and gives each part's
// audio offset; a talk of one part has its offset in s.AudioOffset.
func (t *Talk) partSettings(s Settings) (Settings, []time.Duration, error) {
	offsets, err := partOffsets(s, len(t.parts))
	if err != nil {
		return s, nil, err
	}
	if len(t.parts) == 1 {
		s.AudioOffset, s.PartOffsets = offsets[0], nil
	}
	return s, offsets, nil
}

// Plan tells where a render with s would start, with the broadcast's own
// gap between sound and picture in the part playing there. It reads the
// chunks near the start, which must be on disk; it writes nothing but the
// render list. Of several parts, the start is the very frame asked for when
// they are re-encoded, where the fast mode would start (a keyframe) when
// their pictures are copied.
func (t *Talk) Plan(ctx context.Context, s Settings) (Plan, error) {
	if err := t.loaded("Plan"); err != nil {
		return Plan{}, err
	}
	s, offsets, err := t.partSettings(s)
	if err != nil {
		return Plan{}, err
	}
	if len(t.parts) == 1 {
		return t.parts[0].plan(ctx, t.opts.Tools, s)
	}
	i, local := t.PartAt(s.Start)
	p, err := t.parts[i].plan(ctx, t.opts.Tools, Settings{Start: local, AudioOffset: offsets[i]})
	if err != nil {
		return Plan{}, partError(i, len(t.parts), err)
	}
	plan := Plan{Start: s.Start, AudioGap: p.AudioGap}
	if t.missing(false) == nil {
		spec := t.joinSpec(s, windows(t.PartLengths(), s.Start, s.End), offsets)
		if copies, err := t.opts.Tools.JoinCopies(ctx, spec); err == nil && copies {
			plan.Start = s.Start - local + p.Start
		}
	}
	return plan, nil
}

// missing says which part lacks chunks (see part.complete), if any.
func (t *Talk) missing(streaming bool) error {
	for i, p := range t.parts {
		if !p.complete(streaming) {
			return partError(i, len(t.parts), saying(ExitOther, nil, say.T("Some chunks are missing from the job folder; run the download again.")))
		}
	}
	return nil
}

// Render writes the video described by s from the chunks on disk: Start and
// End on the joined timeline, each part's audio offset from s.PartOffsets
// (or AudioOffset). One part starts on its keyframe at or before Start
// unless s.Exact; several are cut on the very frames asked for.
func (t *Talk) Render(ctx context.Context, s Settings) error {
	unlock, err := t.lockLoaded("Render")
	if err != nil {
		return err
	}
	defer unlock()
	return t.render(ctx, s, nil, nil)
}

// rendered is what a render made, for the events that follow it.
type rendered struct {
	done     Done           // without Output and Size
	repaired *SoundRepaired // nil when the sound needed no repair
	// chat writes the chat of the video saved as s.Output beside it; ok
	// is false when there is no chat to speak of.
	chat func(ctx context.Context, s Settings) (ev ChatSaved, ok bool)
}

// render renders from the chunks on disk, or with ready, while one part's
// are still downloading; then its progress is shown only once quiet says
// the download is over (the download's own progress comes first).
func (t *Talk) render(ctx context.Context, s Settings, ready func(context.Context, int) error, quiet func() bool) error {
	if quiet == nil {
		quiet = func() bool { return false }
	}
	s, offsets, err := t.partSettings(s)
	if err != nil {
		return err
	}
	if err := t.opts.waitTools(); err != nil {
		return err
	}
	if err := CheckOutput(s.Output, s.Force); err != nil {
		return err
	}
	if err := CheckPoster(s); err != nil {
		return err
	}
	total := t.Duration()
	if s.Start >= total && total > 0 {
		what := "broadcast"
		if len(t.parts) > 1 {
			what = "talk"
		}
		return &Error{Code: ExitUsage, Msg: fmt.Sprintf("The start time %s is after the end of the %s (%s).", FormatClock(s.Start), what, FormatClock(total))}
	}
	if s.End > 0 && s.End <= s.Start {
		return &Error{Code: ExitUsage, Msg: "The end time must be after the start time."}
	}
	if err := t.missing(ready != nil); err != nil {
		return err
	}
	replacing := s.Force && hasContent(s.Output)
	var r rendered
	if len(t.parts) == 1 && len(s.Cuts) == 0 {
		r, err = t.renderPart(ctx, s, ready, quiet)
	} else {
		r, err = t.renderJoined(ctx, s, offsets)
	}
	taken := savedElsewhere(err, &s)
	if err != nil && taken == nil {
		return renderError(err, s)
	}
	var size int64
	if st, err := os.Stat(s.Output); err == nil {
		size = st.Size()
	}
	if r.repaired != nil {
		t.emit(*r.repaired)
	}
	wrote := false
	if !s.NoChatFiles {
		if ev, ok := r.chat(ctx, s); ok {
			wrote = ev.SRT != ""
			t.emit(ev)
		}
	}
	if replacing && !wrote {
		dropSubtitles(s.Output)
	}
	done := r.done
	done.Output, done.Size = s.Output, size
	if s.SavePoster {
		if done.Poster, err = t.writePoster(ctx, s); err != nil {
			return err
		}
	}
	t.emit(done)
	return taken
}

// renderPart renders the talk's one part (see render): its chat drawn in
// when s.BurnChat asks, its sound repaired where it must be.
func (t *Talk) renderPart(ctx context.Context, s Settings, ready func(context.Context, int) error, quiet func() bool) (rendered, error) {
	p := t.parts[0]
	total := p.duration()
	end := total
	if s.End > 0 && (s.End < total || total == 0) { // 0: a plain file's length is not known before
		end = s.End
	}
	want := max(end-s.Start, 0)
	spec := p.renderSpec(s)
	spec.Replace = s.Force
	spec.Card.Picture = p.presenterPicture(ctx, s.Output)
	var chatProblem string
	if s.BurnChat {
		if msgs, err := p.Chat(ctx); err == nil {
			spec.Burn = p.burner(msgs, s)
		} else if errors.Is(err, context.Canceled) {
			return rendered{}, err
		} else {
			chatProblem, _ = Explain(err)
		}
	}
	burning := spec.Burn != nil
	if !quiet() {
		t.emit(Rendering{Done: 0, Total: want, Burning: burning})
	}
	spec.Total, spec.Ready = want, ready
	spec.Progress = renderProgress(t.emit, burning, quiet)
	cut, err := t.opts.Tools.Render(ctx, spec)
	if cut.Duration > 0 {
		want = cut.Duration
	} else {
		want = total - cut.Start
	}
	r := rendered{done: Done{Duration: want, Start: cut.Start, AudioGap: cut.Gap, Drift: cut.Drift, Loudness: levelled(cut.Levelled)}}
	if len(cut.Holes) > 0 || cut.Stretched != 0 || cut.Converted != "" || len(cut.PictureHoles) > 0 {
		ev := SoundRepaired{Stretched: cut.Stretched, Length: want, Converted: cut.Converted}
		for _, h := range cut.Holes {
			ev.Holes = append(ev.Holes, SoundHole{At: h.At, Length: h.Length})
		}
		for _, h := range cut.PictureHoles {
			ev.PictureHoles = append(ev.PictureHoles, SoundHole{At: h.At, Length: h.Length})
		}
		r.repaired = &ev
	}
	r.chat = func(ctx context.Context, s Settings) (ChatSaved, bool) {
		if !p.HasChat() && !s.BurnChat {
			return ChatSaved{}, false
		}
		if chatProblem != "" {
			return ChatSaved{Problem: chatProblem}, true
		}
		// The subtitles start where the video really starts.
		return p.saveChat(ctx, s, cut.Start, want, burning), true
	}
	return r, err
}

// renderJoined renders the talk's parts joined (see render), each with its
// audio offset.
func (t *Talk) renderJoined(ctx context.Context, s Settings, offsets []time.Duration) (rendered, error) {
	lengths := t.PartLengths()
	if len(t.parts) == 1 && len(s.Cuts) > 0 {
		// One broadcast with cuts starts as it would without them: not
		// before its sound (moved by the offset) begins.
		pl, err := t.parts[0].plan(ctx, t.opts.Tools, Settings{Start: s.Start, AudioOffset: offsets[0]})
		if err != nil {
			return rendered{}, err
		}
		s.Start = max(s.Start, pl.AudioGap+offsets[0])
	}
	ws, err := keptWindows(s, lengths)
	if err != nil {
		return rendered{}, err
	}
	spec := t.joinSpec(s, ws, offsets)
	var want time.Duration
	for _, w := range ws {
		want += w.length(lengths)
	}
	want -= time.Duration(len(ws)-1) * s.Crossfade
	t.emit(Rendering{Total: want})
	spec.Progress = renderProgress(t.emit, false, func() bool { return false })
	joined, err := t.opts.Tools.RenderJoined(ctx, spec)
	r := rendered{done: Done{Duration: joined.Duration, Loudness: levelled(joined.Levelled)}}
	if len(joined.Parts) > 0 {
		r.done.Start, r.done.AudioGap = ws[0].offset+joined.Parts[0].Start, joined.Parts[0].Gap
	}
	r.chat = func(ctx context.Context, s Settings) (ChatSaved, bool) {
		return t.saveChat(ctx, s, ws, joined)
	}
	return r, err
}

// joinSpec is the joined render of the windows ws, each part with its
// audio offset.
func (t *Talk) joinSpec(s Settings, ws []partWindow, offsets []time.Duration) media.JoinSpec {
	spec := media.JoinSpec{Output: s.Output, Replace: s.Force, Crossfade: s.Crossfade, Loudness: s.Loudness}
	for _, w := range ws {
		ps := t.parts[w.part].renderSpec(Settings{Start: w.start, End: w.end, AudioOffset: offsets[w.part]})
		ps.CutBefore, ps.CutAfter = w.cutBefore, w.cutAfter
		spec.Parts = append(spec.Parts, ps)
	}
	// Cut out on the very frames asked for: each piece encoded only from
	// its cut to its first keyframe (and its last few pictures).
	spec.Exact = s.Exact && len(s.Cuts) > 0
	return spec
}

// saveChat merges the parts' chats on the joined timeline (each part's
// messages moved to where the part plays in the video) and writes them
// beside it. ok is false when no part has a chat.
func (t *Talk) saveChat(ctx context.Context, s Settings, ws []partWindow, joined media.Joined) (ChatSaved, bool) {
	var msgs []chat.Message
	problem, found := "", false
	for k, w := range ws {
		p := t.parts[w.part]
		if !p.HasChat() {
			continue
		}
		found = true
		partMsgs, err := p.Chat(ctx)
		if err != nil {
			problem, _ = Explain(partError(w.part, len(t.parts), err))
			continue
		}
		jp := joined.Parts[k]
		for _, m := range partMsgs {
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
		if len(t.parts) == 1 {
			ev.Problem = "The chat cannot be drawn into a video with parts cut out yet: it is saved beside it instead."
		}
	}
	if ev.Problem == "" {
		ev.Problem = problem
	}
	return ev, true
}

// Save is the whole headless save of one broadcast: SaveTalk of one source.
func Save(ctx context.Context, src Source, opts Options, s Settings) error {
	return SaveTalk(ctx, []Source{src}, opts, s)
}

// SaveTalk is the whole headless save of a talk from srcs, in play order:
// load, download, render, clean up.
func SaveTalk(ctx context.Context, srcs []Source, opts Options, s Settings) error {
	if _, err := partOffsets(s, len(srcs)); err != nil {
		return err
	}
	if err := CheckOutput(s.Output, s.Force); err != nil {
		return err
	}
	t, err := OpenTalk(srcs, opts)
	if err != nil {
		return err
	}
	if err := t.Load(ctx); err != nil {
		return err
	}
	if err := t.downloadAndRender(ctx, s); err != nil {
		return err
	}
	return t.Cleanup()
}

// downloadAndRender downloads and renders. One finished broadcast whose
// sound is in its pictures' chunks is rendered while it downloads: the
// render reads each chunk as soon as it is on disk, so the video is ready
// moments after the last byte arrives. A failed download stops the render
// (its error is the one that tells what to do); a failed render stops the
// download, keeping what is on disk. Anything else (several parts, a
// separate audio rendition, a live broadcast whose end is not known yet)
// is downloaded first, then rendered.
func (t *Talk) downloadAndRender(ctx context.Context, s Settings) error {
	unlock, err := t.lockLoaded("Download")
	if err != nil {
		return err
	}
	defer unlock()
	p := t.parts[0]
	// A plain file's index may be at its end: it is read once whole.
	if len(t.parts) > 1 || p.pl.Audio != nil || !p.pl.Ended || len(s.Cuts) > 0 || p.pl.File {
		if err := t.downloadAll(ctx); err != nil {
			return err
		}
		return t.render(ctx, s, nil, nil)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var dlErr error
	var finished atomic.Bool
	downloaded := make(chan struct{})
	// Without --keep, only the chunks the video needs are fetched.
	segs := p.pl.Segments
	if !t.opts.Keep {
		one, _, err := t.partSettings(s)
		if err != nil {
			return err
		}
		first, last := media.Span(p.renderSpec(one))
		segs = segs[first : last+1]
	}
	go func() {
		defer close(downloaded)
		dlErr = p.download(ctx, segs)
		finished.Store(true)
	}()
	ready := func(ctx context.Context, i int) error {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if _, ok := fetch.Complete(p.dir, i); ok {
				return nil
			}
			select {
			case <-downloaded:
				if _, ok := fetch.Complete(p.dir, i); ok {
					return nil
				}
				if dlErr != nil {
					return dlErr
				}
				return fmt.Errorf("chunk %d is missing after the download", i+1)
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
			}
		}
	}
	renderErr := t.render(ctx, s, ready, func() bool { return !finished.Load() })
	if renderErr != nil || !t.opts.Keep {
		// A failed render needs no more chunks; a finished one needs
		// none it has not read.
		cancel()
	}
	<-downloaded
	if dlErr != nil && !errors.Is(dlErr, context.Canceled) {
		return dlErr
	}
	return renderErr
}

// Cleanup removes every part's own files after a successful save, unless
// Keep, then their folders and the talk's when that leaves them empty (see
// removeOwn).
func (t *Talk) Cleanup() error {
	if t.opts.Keep {
		return nil
	}
	// Only folders nobody else is using may go. The locks are released
	// before removing: Windows cannot delete a file that is open.
	unlock, err := t.lock()
	if err != nil {
		return err
	}
	unlock()
	for _, p := range t.parts {
		if err := removeOwn(p.dir, false); err != nil {
			return err
		}
	}
	if t.dir != "" {
		return removeOwn(t.dir, true)
	}
	return nil
}
