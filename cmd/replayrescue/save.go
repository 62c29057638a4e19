package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"replayrescue/core/rescue"
)

// saveFlags are the flags shared by save and demo.
type saveFlags struct {
	output      string
	cookies     string
	cookiesFile string
	headers     listFlag
	audioOffset string
	crossfade   string
	start, end  string
	poster      string
	exact       bool
	burnChat    bool
	loudness    bool
	cuts        listFlag
	jobs        int
	quality     string
	force       bool
	work        string
	keep        bool
	json        bool
	verbose     bool

	offsets []time.Duration // --audio-offset, one per part
}

// parseOffsets reads --audio-offset: one shift, or one per part separated
// by commas (2s,0,-0.3s).
func parseOffsets(v string) ([]time.Duration, error) {
	var offsets []time.Duration
	for _, one := range strings.Split(v, ",") {
		d, err := rescue.ParseOffset(one)
		if err != nil {
			return nil, usageError("--audio-offset %q is not a time shift: use forms like 2s, -350ms or -0.35 (one per part, separated by commas).", strings.TrimSpace(one))
		}
		offsets = append(offsets, d)
	}
	return offsets, nil
}

// partOffsets is one audio offset per source: as given, or 0 for every part
// when --audio-offset was not given.
func (f *saveFlags) partOffsets(fs *flag.FlagSet, sources int) ([]time.Duration, error) {
	given := false
	fs.Visit(func(fl *flag.Flag) { given = given || fl.Name == "audio-offset" })
	if !given {
		return make([]time.Duration, sources), nil
	}
	if len(f.offsets) != sources {
		return nil, usageError("--audio-offset has %d values for %d sources: give one per source, in the same order, separated by commas (2s,0,-0.3s).", len(f.offsets), sources)
	}
	return f.offsets, nil
}

func (f *saveFlags) register(fs *flag.FlagSet, withSource bool) {
	fs.StringVar(&f.output, "o", "", "output MP4 `file` (default: the broadcast's title in the current folder)")
	if withSource {
		fs.StringVar(&f.cookies, "cookies", "", "cookies for the source link's site, as \"a=b; c=d\"")
		fs.StringVar(&f.cookiesFile, "cookies-file", "", "Netscape cookies.txt `file`")
		fs.Var(&f.headers, "H", "extra request header \"Name: value\" (repeatable)")
	}
	if withSource {
		fs.StringVar(&f.crossfade, "crossfade", "0", "with several sources: fade from each part into the next for this long (0.5s; up to 2s); 0 joins them end to end")
	}
	fs.StringVar(&f.audioOffset, "audio-offset", "0", "move the audio later (2s) or earlier (-350ms); 0 or auto trusts the stream")
	fs.StringVar(&f.start, "start", "", "start `time`: seconds (165, 29.5) or [hh:]mm:ss[.ms]")
	fs.StringVar(&f.end, "end", "", "end `time`, same forms as --start")
	fs.StringVar(&f.poster, "poster", "", "also save the picture at this `time` of the saved video beside it as NAME.jpg (a poster for a talk page); same forms as --start")
	fs.BoolVar(&f.exact, "exact", false, "start on the very frame of --start (re-encodes the seconds up to the next chunk)")
	fs.BoolVar(&f.burnChat, "burn-chat", false, "draw the broadcast's chat into the video (re-encodes the picture: slower); the chat is always saved beside it as .srt and .ass")
	fs.Var(&f.cuts, "cut", "leave out the stretch `A-B` (10:00-12:30; same forms as --start, on the same timeline); repeatable")
	fs.BoolVar(&f.loudness, "loudness", false, "even out the voice to a standard speech level (-16 LUFS, peaks at or under -1.5 dBTP; re-encodes the sound, the picture stays copied)")
	fs.StringVar(&f.quality, "quality", "best", "which picture of a stream offered in several: best, worst, or a height such as 720p")
	fs.IntVar(&f.jobs, "jobs", 0, "parallel connections (default: adaptive, from 8 up to 16 while the speed still rises)")
	fs.BoolVar(&f.force, "force", false, "replace an existing output file")
	fs.StringVar(&f.work, "work", "", "job `folder` (reusing it resumes); default: under your cache folder")
	fs.BoolVar(&f.keep, "keep", false, "keep the downloaded chunks after saving")
	fs.BoolVar(&f.json, "json", false, "write progress events as JSON lines on standard output")
	fs.BoolVar(&f.verbose, "verbose", false, "also say which ffmpeg is used (on standard error)")
}

// useTools finds ffmpeg for a save, and names it with --verbose.
func (f *saveFlags) useTools(stderr io.Writer) (rescue.Tools, error) {
	tools, err := findTools(rescue.ToolsSource{})
	return f.announce(stderr, tools, err)
}

// findToolsAsync starts findTools and returns what useTools would, once it
// is called: ffmpeg takes about 0.1 s to answer -version (it loads a
// hundred libraries), time a save spends reading its source meanwhile.
func (f *saveFlags) findToolsAsync(stderr io.Writer) func() (rescue.Tools, error) {
	type found struct {
		tools rescue.Tools
		err   error
	}
	c := make(chan found, 1)
	go func() {
		tools, err := findTools(rescue.ToolsSource{})
		c <- found{tools, err}
	}()
	return sync.OnceValues(func() (rescue.Tools, error) {
		r := <-c
		return f.announce(stderr, r.tools, r.err)
	})
}

// announce names the ffmpeg found with --verbose.
func (f *saveFlags) announce(stderr io.Writer, tools rescue.Tools, err error) (rescue.Tools, error) {
	if err == nil && f.verbose {
		fmt.Fprintf(stderr, "Using ffmpeg %d.%d: %s (%s)\n", tools.Major, tools.Minor, tools.FFmpeg, rescue.ToolsOrigin(tools, rescue.ToolsSource{}))
	}
	return tools, err
}

// settings validates the trim and offset flags.
func (f *saveFlags) settings() (rescue.Settings, error) {
	var s rescue.Settings
	var err error
	if f.start != "" {
		if s.Start, err = rescue.ParseClock(f.start); err != nil {
			return s, usageError("--start %q is not a time: use seconds (165) or minutes:seconds (2:45).", f.start)
		}
	}
	if f.end != "" {
		if s.End, err = rescue.ParseClock(f.end); err != nil {
			return s, usageError("--end %q is not a time: use seconds (165) or minutes:seconds (2:45).", f.end)
		}
		if s.End <= s.Start {
			return s, usageError("--end must be after --start.")
		}
	}
	if f.poster != "" {
		if s.Poster, err = rescue.ParseClock(f.poster); err != nil {
			return s, usageError("--poster %q is not a time: use seconds (165) or minutes:seconds (2:45) of the saved video.", f.poster)
		}
		s.SavePoster = true
	}
	if f.offsets, err = parseOffsets(f.audioOffset); err != nil {
		return s, err
	}
	s.AudioOffset = f.offsets[0]
	if s.Crossfade, err = rescue.ParseOffset(f.crossfade); err != nil || s.Crossfade < 0 || s.Crossfade > rescue.MaxCrossfade {
		return s, usageError("--crossfade %q is not a fade length: use 0 (no fade) up to 2s, such as 0.5s or 500ms.", f.crossfade)
	}
	if err := rescue.CheckQuality(f.quality); err != nil {
		return s, usageError("--quality %q is not a quality: use best, worst, or a height such as 720p.", f.quality)
	}
	if f.jobs < 0 || f.jobs > 64 {
		return s, usageError("--jobs must be between 1 and 64 (or 0 to let the download choose).")
	}
	s.Force = f.force
	s.Exact = f.exact
	s.BurnChat = f.burnChat
	s.Loudness = f.loudness
	for _, c := range f.cuts {
		span, err := parseCut(c)
		if err != nil {
			return s, err
		}
		s.Cuts = append(s.Cuts, span)
	}
	return s, nil
}

// checkedSettings validates the flags and refuses an existing or
// impossible -o before anything slow happens.
func (f *saveFlags) checkedSettings(out *reporter) (rescue.Settings, error) {
	settings, err := f.settings()
	if err != nil {
		return settings, err
	}
	out.asked = settings.Start
	if f.output != "" {
		if err := rescue.CheckOutput(f.output, settings.Force); err != nil {
			return settings, err
		}
		s := settings
		s.Output = f.output
		if err := rescue.CheckPoster(s); err != nil {
			return settings, err
		}
	}
	return settings, nil
}

func usageError(format string, a ...any) error {
	return &rescue.Error{Code: rescue.ExitUsage, Msg: fmt.Sprintf(format, a...)}
}

func cmdSave(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("save", flag.ContinueOnError)
	var f saveFlags
	f.register(fs, true)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: replayrescue save [flags] SOURCE [SOURCE...]\n\nDownloads a replay and saves it as one MP4. Several sources are parts of one talk\n(the broadcast was restarted), joined in order into one video. Flags:")
		fs.PrintDefaults()
	}
	sources, code, ok := parseArgs(fs, args, stderr)
	if !ok {
		return code
	}
	out := newReporter(stdout, stderr, f.json)
	if len(sources) == 0 {
		return out.fail(usageError("Give a broadcast link, a video or playlist link (.m3u8, .mpd, .mp4) or a HAR file to save."))
	}
	settings, err := f.checkedSettings(out)
	if err != nil {
		return out.fail(err)
	}
	if settings.PartOffsets, err = f.partOffsets(fs, len(sources)); err != nil {
		return out.fail(err)
	}
	if settings.Crossfade > 0 && len(sources) < 2 {
		return out.fail(usageError("--crossfade fades from one part into the next: give two sources or more, or leave it out."))
	}
	if i := slices.Index(sources, "-"); i >= 0 && slices.Contains(sources[i+1:], "-") {
		return out.fail(usageError("Standard input (-) can be given only once."))
	}
	useTools := f.findToolsAsync(stderr)
	var srcs []rescue.Source
	for i, arg := range sources {
		src, err := resolveSource(ctx, arg, f, stdin, stderr)
		if err != nil {
			// Without ffmpeg nothing can be saved: say that first.
			if _, terr := useTools(); terr != nil {
				return out.fail(terr)
			}
			if len(sources) > 1 {
				msg, code := rescue.Explain(err)
				err = &rescue.Error{Code: code, Msg: fmt.Sprintf("Part %d (%s): %s", i+1, arg, msg), Err: err}
			}
			return out.fail(err)
		}
		srcs = append(srcs, src)
	}
	return saveFrom(ctx, srcs, f, settings, useTools, out)
}

// saveFrom runs the save once the sources are known (save, capture): one
// source, or the parts of one talk in order.
// tools is waited for only once the render needs it (see rescue.Options).
func saveFrom(ctx context.Context, srcs []rescue.Source, f saveFlags, settings rescue.Settings, tools func() (rescue.Tools, error), out *reporter) int {
	settings.Output = outputPath(f.output, srcs[0].Title, srcs[0].Sound)
	opts := rescue.Options{Work: f.work, Jobs: f.jobs, Keep: f.keep, Quality: f.quality, FindTools: tools, Events: out.event}
	if lc, ok := ctx.Value(liveKey{}).(*liveControl); ok {
		out.live = lc
		opts.Stop = lc.stop
	}
	// The render waits for tools, but a missing ffmpeg stops the save as
	// soon as it is known, not after a live broadcast has been followed.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		if _, err := tools(); err != nil {
			cancel(err)
		}
	}()
	if err := rescue.SaveTalk(ctx, srcs, opts, settings); err != nil {
		// Without a usable ffmpeg nothing can be saved: that comes first.
		if _, terr := tools(); terr != nil {
			err = terr
		}
		return out.fail(err)
	}
	return 0
}

// parseArgs parses flags that may come before or after the positional
// arguments ("save URL -o talk.mp4" works as well as "save -o talk.mp4 URL").
// It returns ok=false with the exit code when the caller should stop.
func parseArgs(fs *flag.FlagSet, args []string, stderr io.Writer) (positional []string, code int, ok bool) {
	fs.SetOutput(stderr)
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, 0, false
			}
			return nil, 2, false // flag already printed what was wrong
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, 0, true
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// resolveSource turns the SOURCE argument into the best candidate. A problem
// found in the source (a HAR saved without cookies, say) is printed as a
// warning and the save goes ahead: signed links work without cookies, and
// if the host refuses, the refusal is explained in the same terms.
func resolveSource(ctx context.Context, arg string, f saveFlags, stdin io.Reader, stderr io.Writer) (rescue.Source, error) {
	in := rescue.Input{Source: arg, Cookies: f.cookies, CookiesFile: f.cookiesFile, Headers: f.headers, Stdin: stdin}
	cands, warning, err := rescue.Find(ctx, in)
	switch {
	case err != nil:
		return rescue.Source{}, err
	case len(cands) == 0:
		return rescue.Source{}, usageError("No video stream was found in what was given.")
	}
	return bestSource(cands, warning, stderr), nil
}

// bestSource is the first candidate as a job source, with a warning about
// what Find said of it, or else about its own problem.
func bestSource(cands []rescue.Candidate, warning string, stderr io.Writer) rescue.Source {
	c := cands[0]
	if warning == "" && c.Verdict != rescue.VerdictReady {
		warning = c.Problem
	}
	if warning != "" {
		fmt.Fprintln(stderr, "Warning: "+rescue.Printable(warning))
	}
	return rescue.SourceOf(c)
}

// outputPath is -o, or the title as a file name in the current folder: an
// M4A for a sound-only source (an X Space), which is its sound as it is
// (-o NAME.mp4 gives it a picture: a card with its title and presenter).
func outputPath(flagValue, title string, sound bool) string {
	if flagValue != "" {
		return flagValue
	}
	name := rescue.FileName(title, "replay")
	if sound {
		name = strings.TrimSuffix(name, ".mp4") + ".m4a"
	}
	return name
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ", ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// reporter prints events for people on stderr and, with --json, as NDJSON
// on stdout.
type reporter struct {
	stdout, stderr io.Writer
	json           bool
	tty            bool
	lastLine       time.Time
	phase          string
	lastBucket     int           // last 10% step printed when not on a terminal
	asked          time.Duration // --start, to say where the cut really landed
	live           *liveControl  // Ctrl+C's meaning while a live broadcast is followed
	captured       bool          // the source was caught in the browser: say "Found it"
	stretched      bool          // the sound's drift was repaired: no need to warn of it
}

func newReporter(stdout, stderr io.Writer, asJSON bool) *reporter {
	r := &reporter{stdout: stdout, stderr: stderr, json: asJSON, lastBucket: -1, live: &liveControl{}}
	if f, ok := stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			r.tty = true
		}
	}
	return r
}

func (r *reporter) event(e rescue.Event) {
	if r.json {
		if line, err := rescue.MarshalEvent(e); err == nil {
			fmt.Fprintf(r.stdout, "%s\n", line)
		}
	}
	r.say(e, "")
}

// say prints e for people; prefix names the part of a talk it is about.
func (r *reporter) say(e rescue.Event, prefix string) {
	switch e := e.(type) {
	case rescue.PartEvent:
		switch e.Event.(type) {
		case rescue.Found, rescue.Live, rescue.Paused, rescue.Measured: // progress is shown for the whole talk
			r.say(e.Event, fmt.Sprintf("Part %d: ", e.Part+1))
		}
	case rescue.Found:
		title := rescue.Printable(e.Title) // the broadcast's own words
		if title == "" {
			title = "the replay"
		}
		extra := ""
		if e.Quality != "" {
			extra = ", " + e.Quality
		}
		if !e.Ended {
			extra += ", still live: following it until it ends (press Ctrl+C to stop there and save)"
			r.live.following.Store(true)
		}
		r.endLine()
		if r.captured {
			fmt.Fprintf(r.stderr, "%sFound it: %s, %s (%d chunks%s).\n", prefix, title, rescue.FormatClock(e.Duration), e.Chunks, extra)
			break
		}
		if e.Duration == 0 && e.Ended {
			// A plain video file: its length is read once it is here.
			fmt.Fprintf(r.stderr, "%sFound %s: a video file, fetched in %d pieces%s.\n", prefix, title, e.Chunks, extra)
			break
		}
		fmt.Fprintf(r.stderr, "%sFound %s: %s in %d chunks%s.\n", prefix, title, rescue.FormatClock(e.Duration), e.Chunks, extra)
	case rescue.Measured:
		r.endLine()
		fmt.Fprintf(r.stderr, "%sThe video file is downloaded: %s long.\n", prefix, rescue.FormatClock(e.Duration))
	case rescue.Progress:
		r.progress(e)
	case rescue.Live:
		if e.Missing > 0 {
			r.endLine()
			fmt.Fprintf(r.stderr, "%s%d chunks were gone from the host before they could be fetched: the video skips that part.\n", prefix, e.Missing)
		}
		if e.Ended {
			r.endLine()
			fmt.Fprintf(r.stderr, "%sThe broadcast has ended: %s in all.\n", prefix, rescue.FormatClock(e.Duration))
			r.live.following.Store(false)
		}
	case rescue.Paused:
		r.endLine()
		fmt.Fprintln(r.stderr, prefix+rescue.Printable(e.Reason))
	case rescue.Rendering:
		r.rendering(e)
	case rescue.SoundRepaired:
		r.endLine()
		r.stretched = r.stretched || e.Stretched != 0
		for _, line := range e.Sentences() {
			fmt.Fprintln(r.stderr, prefix+line)
		}
	case rescue.ChatSaved:
		r.endLine()
		switch {
		case e.Problem != "":
			fmt.Fprintln(r.stderr, rescue.Printable(e.Problem))
		case e.Burned:
			fmt.Fprintf(r.stderr, "The chat (%d comments, %d hearts) is drawn into the video and saved beside it as %s and %s.\n", e.Comments, e.Hearts, e.SRT, e.ASS)
		default:
			fmt.Fprintf(r.stderr, "Saved the chat (%d comments, %d hearts) beside the video as %s and %s.\n", e.Comments, e.Hearts, e.SRT, e.ASS)
		}
	case rescue.Done:
		r.endLine()
		if gap := e.AudioGap.Round(100 * time.Millisecond); gap != 0 {
			when := "after"
			if gap < 0 {
				when, gap = "before", -gap
			}
			fmt.Fprintf(r.stderr, "The broadcast's sound starts %.1f s %s its picture: lined up so every player agrees.\n", gap.Seconds(), when)
		}
		if d := e.Drift.Round(100 * time.Millisecond); d.Abs() >= 200*time.Millisecond && !r.stretched {
			fmt.Fprintf(r.stderr, "Over the broadcast its sound drifts %.1f s against the picture: in sync at the start, %.1f s off at the end.\n", d.Abs().Seconds(), d.Abs().Seconds())
		}
		if r.asked > 0 && (e.Start-r.asked).Abs() >= 50*time.Millisecond {
			fmt.Fprintf(r.stderr, "The video starts at %s, the nearest whole picture to %s (add --exact to start on the very frame).\n", rescue.FormatClock(e.Start), rescue.FormatClock(r.asked))
		}
		if e.Loudness != nil {
			fmt.Fprintln(r.stderr, e.Loudness.Sentence().String())
		}
		fmt.Fprintf(r.stderr, "Saved %s (%s, %s).\n", e.Output, rescue.FormatClock(e.Duration), formatBytes(e.Size))
		if e.Poster != "" {
			fmt.Fprintf(r.stderr, "Saved its poster picture as %s.\n", e.Poster)
		}
	}
}

func (r *reporter) progress(p rescue.Progress) {
	pct := 100
	if p.Total > 0 {
		pct = p.Done * 100 / p.Total
	}
	line := fmt.Sprintf("Downloading: %d of %d chunks (%d%%), %s", p.Done, p.Total, pct, formatBytes(p.Bytes))
	if p.Speed > 0 && p.Done < p.Total {
		line += fmt.Sprintf(", %s/s", formatBytes(int64(p.Speed)))
		if p.ETA > 0 {
			line += ", " + rescue.FormatClock(p.ETA) + " left"
		}
	}
	r.show("download", line, pct, p.Done == p.Total)
}

func (r *reporter) rendering(e rescue.Rendering) {
	pct := 0
	if e.Total > 0 {
		pct = int(e.Done * 100 / e.Total)
	}
	pct = min(max(pct, 0), 100)
	if !e.Burning {
		r.show("render", fmt.Sprintf("Writing the video: %d%%", pct), pct, false)
		return
	}
	if r.phase != "burn" {
		r.endLine()
		fmt.Fprintln(r.stderr, "Drawing the chat into the video: the picture is re-encoded, which takes longer than a plain save.")
	}
	line := fmt.Sprintf("Writing the video with the chat: %d%%", pct)
	if e.ETA > 0 {
		line += ", about " + rescue.FormatClock(e.ETA.Round(time.Second)) + " left"
	}
	r.show("burn", line, pct, false)
}

// show rewrites one status line on a terminal; elsewhere (logs, CI) it
// prints a line every 10% so output stays short.
func (r *reporter) show(phase, line string, pct int, final bool) {
	if phase != r.phase {
		r.endLine()
		r.phase = phase
	}
	if r.tty {
		if final || time.Since(r.lastLine) > 100*time.Millisecond {
			fmt.Fprintf(r.stderr, "\r\033[K%s", line)
			r.lastLine = time.Now()
		}
		return
	}
	if bucket := pct / 10; bucket != r.lastBucket {
		fmt.Fprintln(r.stderr, line)
		r.lastBucket = bucket
	}
}

func (r *reporter) endLine() {
	if r.tty && !r.lastLine.IsZero() {
		fmt.Fprintln(r.stderr)
		r.lastLine = time.Time{}
	}
	r.lastBucket = -1
}

// fail prints err as one sentence and returns its exit code. A link whose
// site's API could not hand out the video may still be caught in the
// browser: the sentence ends with the capture command to run.
func (r *reporter) fail(err error) int {
	msg, code := rescue.Explain(err)
	if link, ok := rescue.CaptureInstead(err); ok {
		msg = captureHint(msg, link)
	}
	r.endLine()
	if r.json {
		if line, jerr := rescue.MarshalEvent(rescue.Failed{Message: msg, Code: code}); jerr == nil {
			fmt.Fprintf(r.stdout, "%s\n", line)
		}
	}
	fmt.Fprintln(r.stderr, msg)
	return code
}

// captureHint is msg ending with the command that captures link in the
// browser instead.
func captureHint(msg, link string) string {
	return strings.TrimSuffix(strings.TrimSpace(msg), ".") + `; to save it from your browser instead (logging in there if need be), run "replayrescue capture ` + link + `".`
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// parseCut reads one --cut: two times (as --start takes them) joined by a
// dash, the first before the second.
func parseCut(v string) (rescue.Span, error) {
	a, b, ok := strings.Cut(v, "-")
	from, errA := rescue.ParseClock(strings.TrimSpace(a))
	to, errB := rescue.ParseClock(strings.TrimSpace(b))
	if !ok || errA != nil || errB != nil {
		return rescue.Span{}, usageError("--cut %q is not a stretch to leave out: give its start and end joined by a dash, such as 10:00-12:30.", v)
	}
	if to <= from {
		return rescue.Span{}, usageError("--cut %q must end after it starts.", v)
	}
	return rescue.Span{From: from, To: to}, nil
}
