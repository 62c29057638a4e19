// Package job runs one save from a source to an MP4: it loads the playlist,
// keeps a state file in the job folder, downloads the chunks and renders them.
// The CLI and the GUI reach it through core/rescue, the core's front door.
package job

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"replayrescue/core/chat"
	"replayrescue/core/fetch"
	"replayrescue/core/internal/safefile"
	"replayrescue/core/media"
	"replayrescue/core/playlist"
	"replayrescue/core/web"
)

// Source is the stream to save and what it takes to get it.
type Source struct {
	URL   string // playlist URL (media or master)
	Creds web.Credentials
	Title string // shown to the user; may be empty
	ID    string // broadcast ID when known; names the job folder
	// Denied is the sentence to show when the host refuses the playlist
	// (401/403), from what intake knows of the source (a sanitized HAR, an
	// expired API link...). Empty: a generic explanation is used.
	Denied string
	// Chat is where the broadcast's chat is (intake.Candidate.Chat); its
	// token never reaches the state file or an event.
	Chat chat.Source
	// Presenter is who broadcast it, when known; with the title it is
	// what an MP4 of a sound-only source shows (media.Card).
	Presenter string
	// Sound says the source is sound only (an X Space).
	Sound bool
}

// Options configure a job. Zero values pick defaults.
type Options struct {
	Work   string      // job folder; "" derives one under the user cache dir
	Jobs   int         // parallel connections; 0: adaptive (see fetch.MaxJobs)
	Keep   bool        // keep the chunks after a successful render
	Tools  media.Tools // ffmpeg and ffprobe
	Events func(Event) // called from job goroutines; must not block for long

	// FindTools, when set, gives Tools once the render needs them: the
	// command line starts the download meanwhile, as ffmpeg takes about
	// 0.1 s to tell its version. Its error fails the save, keeping the
	// chunks already on disk.
	FindTools func() (media.Tools, error)

	// Fetch tunes retries and timeouts (tests shorten the backoff).
	Fetch fetch.Options

	// Quality picks a master playlist's variant: "" or "best", "worst",
	// or a height such as "720p" (see playlist.LoadQuality).
	Quality string

	// Stop, when closed, ends the following of a live broadcast: the
	// download returns with what has arrived, ready to render.
	Stop <-chan struct{}
	// LivePoll overrides how often a live playlist is read again (tests);
	// 0 follows its target duration.
	LivePoll time.Duration
}

// waitTools settles Tools when the caller gave FindTools instead.
func (o *Options) waitTools() error {
	if o.FindTools == nil {
		return nil
	}
	t, err := o.FindTools()
	if err != nil {
		return err
	}
	o.Tools, o.FindTools = t, nil
	return nil
}

// Settings are the user's choices for the render.
type Settings struct {
	Output      string
	Start, End  time.Duration // End 0 means to the end
	AudioOffset time.Duration
	Force       bool // replace an existing Output
	// Exact starts on the very frame at Start; otherwise the video starts
	// on the keyframe at or before it (fast, nothing re-encoded).
	Exact bool
	// BurnChat draws the broadcast's chat on the picture, which is then
	// re-encoded (slower). Without chat the video is saved without it.
	BurnChat bool
	// NoChatFiles writes no subtitles beside the output (previews).
	NoChatFiles bool
	// PartOffsets are a Talk's audio offsets, one per part; nil gives
	// every part AudioOffset. A single Job ignores them.
	PartOffsets []time.Duration
	// Crossfade overlaps consecutive parts of a Talk for that long (0: off,
	// at most MaxCrossfade). A Talk of one source refuses it; a single Job
	// ignores it.
	Crossfade time.Duration
}

// MaxCrossfade is the longest cross-fade between parts: a longer one would
// hide the talk itself.
const MaxCrossfade = 2 * time.Second

// Job is one save in progress. Its methods are not safe for concurrent use,
// except that Events may fire from other goroutines while a method runs.
type Job struct {
	src    Source
	opts   Options
	dir    string
	client *http.Client
	pl     *playlist.Playlist
	state  state

	chat    []chat.Message // read once (see Chat)
	chatErr error

	// share is how many jobs download at once from one connection budget
	// (the parts of a Talk); 0 or 1: this job has it all.
	share int
}

// stateFile is the job's memory between runs. It holds no secrets.
const stateFile = "state.json"

type state struct {
	Version     int       `json:"version"`
	Title       string    `json:"title,omitempty"`
	Source      string    `json:"source"` // redacted playlist URL, for people reading the folder
	Fingerprint string    `json:"fingerprint"`
	Durations   []float64 `json:"durations"` // seconds per chunk
	// Live is set once a live (still growing) list was read into this
	// folder: a hash of its playlist's host and path, and FirstSeq the
	// media sequence number that chunk 0 holds. A live list's chunks say
	// nothing about the broadcast (they slide), so these tell a second run
	// whether it is the same one, and where each chunk goes.
	Live     string    `json:"live,omitempty"`
	FirstSeq uint64    `json:"first_seq,omitempty"`
	Updated  time.Time `json:"updated"`
}

// Open prepares the job folder for src. Nothing is fetched yet.
func Open(src Source, opts Options) (*Job, error) {
	maxConns := opts.Jobs
	if opts.Jobs <= 0 {
		maxConns = fetch.DefaultMaxJobs
	}
	dir := opts.Work
	if dir == "" {
		var err error
		if dir, err = DefaultDir(src); err != nil {
			return nil, err
		}
	}
	if err := prepareFolder(dir, false); err != nil {
		return nil, err
	}
	j := &Job{src: src, opts: opts, dir: dir}
	j.client = web.NewClient(src.Creds, web.ClientOptions{MaxConnsPerHost: maxConns})
	if data, err := os.ReadFile(filepath.Join(dir, stateFile)); err == nil {
		_ = json.Unmarshal(data, &j.state) // a damaged state file only costs a re-check
	}
	return j, nil
}

// DefaultDir is the job folder for src when the user names none: derived from
// the broadcast ID, or from the playlist's host and path without the query,
// so running the same command again resumes.
func DefaultDir(src Source) (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", &Error{Code: ExitOther, Msg: "Cannot find a folder for downloads; choose one with --work.", Err: err}
	}
	return filepath.Join(base, "replayrescue", "jobs", Slug(src)), nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// Slug is a short, file-system-safe name for src's job folder.
func Slug(src Source) string {
	if id := unsafeName.ReplaceAllString(src.ID, ""); id != "" && len(id) <= 64 {
		return id
	}
	return "replay-" + hostPathHash(src.URL, 8)
}

// hostPathHash is n bytes (in hex) of a hash of raw's host and path: the
// query, where tokens change between runs, left out, and no part of the
// link readable in a folder name or the state file.
func hostPathHash(raw string, n int) string {
	key := raw
	if u, err := url.Parse(raw); err == nil {
		key = u.Host + u.Path
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:n])
}

// Dir is the job folder.
func (j *Job) Dir() string { return j.dir }

// Playlist is the loaded playlist, or nil before Load.
func (j *Job) Playlist() *playlist.Playlist { return j.pl }

// Title is the broadcast's title, or "" when unknown.
func (j *Job) Title() string {
	if j.src.Title != "" {
		return j.src.Title
	}
	return j.state.Title
}

func (j *Job) emit(e Event) {
	if j.opts.Events != nil {
		j.opts.Events(e)
	}
}

// Load fetches the playlist and checks it against what the job folder holds.
func (j *Job) Load(ctx context.Context) error {
	unlock, err := j.lock()
	if err != nil {
		return err
	}
	defer unlock()
	pl, err := playlist.LoadQuality(ctx, j.client, j.src.URL, j.opts.Quality)
	if err != nil {
		return j.sourceError(err)
	}
	if len(pl.Segments) == 0 {
		return &Error{Code: ExitOther, Msg: "The playlist lists no video chunks yet; the broadcast may not have started.", Err: playlist.ErrNotPlaylist}
	}
	fp := fingerprint(pl)
	if !pl.Ended {
		// A live list grows or slides between runs: its chunk list says
		// nothing about being the same broadcast (see liveKey).
		fp = ""
	}
	if err := j.sameBroadcast(pl, fp); err != nil {
		return err
	}
	j.pl = pl
	j.state.Version = 1
	j.state.Fingerprint = fp
	j.state.Source = web.RedactURL(pl.URL)
	if j.src.Title != "" {
		j.state.Title = j.src.Title
	}
	j.state.Durations = make([]float64, len(pl.Segments))
	for i, s := range pl.Segments {
		j.state.Durations[i] = s.Duration.Seconds()
	}
	if err := j.saveState(); err != nil {
		return err
	}
	quality := ""
	if pl.Variant != nil {
		quality = pl.Variant.Resolution
	}
	j.emit(Found{Title: j.Title(), Chunks: len(pl.Segments), Duration: pl.Duration(), Quality: quality, Ended: pl.Ended})
	return nil
}

// sourceError explains a failure to load the source.
func (j *Job) sourceError(err error) error {
	if web.IsCredentialError(err) {
		if j.src.Denied != "" {
			return &Error{Code: ExitCredentials, Msg: j.src.Denied, Err: err}
		}
		if u, perr := url.Parse(j.src.URL); perr == nil && j.src.Creds.Jar != nil && len(j.src.Creds.Jar.Cookies(u)) == 0 {
			return &Error{Code: ExitCredentials, Msg: "The video host refused access because no cookies were given: use a HAR file exported from your browser with sensitive data, or give your browser's cookies (--cookies on the command line).", Err: err}
		}
		return &Error{Code: ExitCredentials, Msg: "The video host refused the cookies or link (they have probably expired): get a fresh link or HAR file and run again with the same job folder.", Err: err}
	}
	if errors.Is(err, playlist.ErrDRM) {
		return &Error{Code: ExitUsage, Msg: "This video is protected with DRM (copy protection), so it cannot be saved; only the site's own player may play it.", Err: err}
	}
	if errors.Is(err, playlist.ErrNotPlaylist) {
		return &Error{Code: ExitUsage, Msg: sentence(err.Error()) + " Check that you copied the whole link.", Err: err}
	}
	if errors.Is(err, playlist.ErrDamaged) { // its own sentence says what to do
		return &Error{Code: ExitUsage, Msg: err.Error(), Err: err}
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var stall *web.StallError
	if errors.As(err, &stall) {
		return &Error{Code: ExitOther, Msg: stall.Sentence(), Err: err}
	}
	if words, ok := web.Describe(err); ok {
		if !web.Connection(err) { // a redirect loop, say: the connection is fine
			return &Error{Code: ExitOther, Msg: "Could not load the video playlist: " + words + ".", Err: err}
		}
		return &Error{Code: ExitOther, Msg: "Could not load the video playlist: " + words + ". Check the link and your internet connection, then try again.", Err: err}
	}
	return &Error{Code: ExitOther, Msg: "Could not load the video playlist: " + sentence(web.Redact(err.Error())) + " Check your internet connection and try again.", Err: err}
}

// errOtherBroadcast: the job folder holds another broadcast's chunks.
var errOtherBroadcast = &Error{Code: ExitUsage, Msg: "The job folder holds chunks of a different broadcast; choose another folder with --work or empty this one.", Err: errors.New("fingerprint mismatch")}

// sameBroadcast checks that the chunks already in the job folder belong to
// pl (fingerprint fp; "" while live), and gives a live list's chunks the
// places they had in the earlier run.
func (j *Job) sameBroadcast(pl *playlist.Playlist, fp string) error {
	key := liveKey(pl)
	if j.hasChunks() {
		switch {
		case j.state.Live != "" && j.state.Live != key:
			return errOtherBroadcast // an earlier live list of another playlist
		case j.state.Live == "" && j.state.Fingerprint != "" && fp == "":
			return errOtherBroadcast // a finished replay's chunks, and now a live list
		case j.state.Fingerprint != "" && fp != "" && j.state.Fingerprint != fp:
			return errOtherBroadcast
		}
	}
	if pl.Audio != nil {
		return nil // live lists with separate sound are not followed
	}
	if j.state.Live != key {
		if !pl.Ended {
			j.state.Live, j.state.FirstSeq = key, pl.Segments[0].Seq
		}
		return nil
	}
	// The same live broadcast again (still live, or ended since): each
	// chunk keeps the place its media sequence number gave it, so the
	// window having slid never makes an old chunk stand for a new one.
	if first := pl.Segments[0].Seq; first < j.state.FirstSeq {
		// The list now reaches back further than the folder's chunk 0:
		// move the chunks on disk up to their places.
		if err := shiftChunks(j.dir, int(j.state.FirstSeq-first)); err != nil {
			return &Error{Code: ExitOther, Msg: fmt.Sprintf("Cannot rename the chunks in the job folder %s: %s.", j.dir, reason(err)), Err: err}
		}
		j.state.FirstSeq = first
	}
	for i := range pl.Segments {
		pl.Segments[i].Index = int(pl.Segments[i].Seq - j.state.FirstSeq)
	}
	return nil
}

// liveKey identifies a live list by its playlist's host and path.
func liveKey(pl *playlist.Playlist) string { return hostPathHash(pl.URL, 16) }

// shiftChunks renames every chunk_N.ts in dir to chunk_(N+by).ts, highest
// first so that no name is taken twice.
func shiftChunks(dir string, by int) error {
	var have []int
	m, _ := filepath.Glob(filepath.Join(dir, "chunk_*.ts"))
	for _, name := range m {
		var n int
		if _, err := fmt.Sscanf(filepath.Base(name), "chunk_%06d.ts", &n); err == nil && fetch.ChunkName(n) == filepath.Base(name) {
			have = append(have, n)
		}
	}
	slices.Sort(have)
	for k := len(have) - 1; k >= 0; k-- {
		n := have[k]
		if err := os.Rename(filepath.Join(dir, fetch.ChunkName(n)), filepath.Join(dir, fetch.ChunkName(n+by))); err != nil {
			return err
		}
	}
	return nil
}

func fingerprint(pl *playlist.Playlist) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d\n", len(pl.Segments))
	for _, s := range pl.Segments {
		name := s.URL
		if u, err := url.Parse(s.URL); err == nil {
			name = path.Base(u.Path) // tokens live in the query or earlier path parts
		}
		fmt.Fprintf(h, "%s %d\n", name, s.Duration.Milliseconds())
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func (j *Job) hasChunks() bool {
	m, _ := filepath.Glob(filepath.Join(j.dir, "chunk_*.ts"))
	return len(m) > 0
}

func (j *Job) saveState() error {
	j.state.Updated = time.Now().UTC().Truncate(time.Second)
	data, err := json.MarshalIndent(j.state, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(j.dir, stateFile+".tmp")
	if err := safefile.WriteFile(tmp, data, 0o600); err != nil {
		return &Error{Code: ExitOther, Msg: fmt.Sprintf("Cannot write to the job folder %s; check the disk has space.", j.dir), Err: err}
	}
	return os.Rename(tmp, filepath.Join(j.dir, stateFile))
}

// Download fetches every chunk not yet in the job folder.
func (j *Job) Download(ctx context.Context) error {
	unlock, err := j.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if j.pl == nil {
		return errors.New("job: Download before Load")
	}
	return j.downloadAll(ctx)
}

// downloadAll fetches every chunk, the separate audio's too, and follows a
// broadcast that is still live until it ends or is stopped.
func (j *Job) downloadAll(ctx context.Context) error {
	if err := j.download(ctx, j.allSegments()); err != nil {
		return err
	}
	if !j.pl.Ended && j.pl.Audio == nil {
		return j.follow(ctx)
	}
	return nil
}

// allSegments are the playlist's segments and its separate audio's.
func (j *Job) allSegments() []playlist.Segment {
	if j.pl.Audio == nil {
		return j.pl.Segments
	}
	return append(slices.Clip(j.pl.Segments), j.pl.Audio.Segments...)
}

// download fetches segs (all of the playlist, or the part a render needs).
func (j *Job) download(ctx context.Context, segs []playlist.Segment) error {
	fo := j.opts.Fetch
	fo.Dir = j.dir
	fo.Client = j.client
	fo.Jobs = j.opts.Jobs
	// Adaptive: start where the fixed default did (8) and add connections
	// while the speed still rises. Starting lower (4) cost the ramp: 5.30 s
	// against 5.02 s for a fixed 8 on the bench's 10-min replay; from 8 it
	// takes 4.02-4.10 s, climbing past 8 on a per-connection-limited host.
	if fo.Jobs <= 0 {
		fo.Jobs, fo.MaxJobs = fetch.DefaultJobs, fetch.DefaultMaxJobs
		if j.share > 1 {
			fo.Jobs, fo.MaxJobs = max(1, fo.Jobs/j.share), max(1, fo.MaxJobs/j.share)
		}
	}
	fo.Progress = func(p fetch.Progress) {
		j.emit(Progress{Done: p.Done, Total: p.Total, Bytes: p.Bytes, Speed: p.Speed, ETA: p.ETA, Resumed: p.Resumed})
	}
	err := fetch.Download(ctx, segs, fo)
	if err == nil {
		return nil
	}
	done := completeChunks(j.dir, segs)
	if web.IsCredentialError(err) {
		msg := fmt.Sprintf("The video host stopped accepting the cookies or link after %d of %d chunks (they have probably expired): get a fresh link or HAR file and run again with the same job folder to continue.", done, len(segs))
		j.emit(Paused{Reason: msg, Done: done, Total: len(segs)})
		return &Error{Code: ExitCredentials, Msg: msg, Err: err}
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var stall *web.StallError
	if errors.As(err, &stall) {
		// Finished chunks are kept: the same command goes on from them.
		return &Error{Code: ExitOther, Msg: stall.Sentence(), Err: err}
	}
	if isDiskFull(err) {
		return &Error{Code: ExitOther, Msg: fmt.Sprintf("The disk holding the job folder %s is full after %d of %d chunks: free some space and run the same command again; finished chunks are kept.", j.dir, done, len(segs)), Err: err}
	}
	return &Error{Code: ExitOther, Msg: fmt.Sprintf("The download stopped after %d of %d chunks: %s Run the same command again to continue; finished chunks are kept.", done, len(segs), sentence(web.Redact(err.Error()))), Err: err}
}

// completeChunks counts the segments of segs on disk.
func completeChunks(dir string, segs []playlist.Segment) int {
	n := 0
	for _, seg := range segs {
		if _, ok := fetch.Complete(dir, seg.Index); ok {
			n++
		}
	}
	return n
}

// Duration is the playlist's length.
func (j *Job) Duration() time.Duration {
	if j.pl == nil {
		return 0
	}
	return j.pl.Duration()
}

// Render writes the MP4 described by s from the chunks on disk.
func (j *Job) Render(ctx context.Context, s Settings) error {
	if j.pl == nil {
		return errors.New("job: Render before Load")
	}
	unlock, err := j.lock()
	if err != nil {
		return err
	}
	defer unlock()
	return j.render(ctx, s, nil, nil)
}

// render renders from the chunks on disk, or with ready, while they are
// still downloading; then its progress is shown only once quiet says the
// download is over (the download's own progress comes first).
func (j *Job) render(ctx context.Context, s Settings, ready func(context.Context, int) error, quiet func() bool) error {
	if quiet == nil {
		quiet = func() bool { return false }
	}
	if err := j.opts.waitTools(); err != nil {
		return err
	}
	if err := CheckOutput(s.Output, s.Force); err != nil {
		return err
	}
	total := j.pl.Duration()
	if s.Start >= total && total > 0 {
		return &Error{Code: ExitUsage, Msg: fmt.Sprintf("The start time %s is after the end of the broadcast (%s).", FormatClock(s.Start), FormatClock(total))}
	}
	if s.End > 0 && s.End <= s.Start {
		return &Error{Code: ExitUsage, Msg: "The end time must be after the start time."}
	}
	for _, seg := range j.allSegments() {
		if _, ok := fetch.Complete(j.dir, seg.Index); !ok && (ready == nil || seg.Index >= playlist.AudioBase) {
			return &Error{Code: ExitOther, Msg: "Some chunks are missing from the job folder; run the download again."}
		}
	}
	end := total
	if s.End > 0 && s.End < total {
		end = s.End
	}
	want := end - s.Start
	spec := j.renderSpec(s)
	spec.Replace = s.Force
	var chatProblem string
	if s.BurnChat {
		if msgs, err := j.Chat(ctx); err == nil {
			spec.Burn = j.burner(msgs, s)
		} else if errors.Is(err, context.Canceled) {
			return err
		} else {
			chatProblem, _ = Explain(err)
		}
	}
	burning := spec.Burn != nil
	if !quiet() {
		j.emit(Rendering{Done: 0, Total: want, Burning: burning})
	}
	spec.Total, spec.Ready = want, ready
	spec.Progress = renderProgress(j.emit, burning, quiet)
	replacing := s.Force && hasContent(s.Output)
	cut, err := j.opts.Tools.Render(ctx, spec)
	taken := savedElsewhere(err, &s)
	if err != nil && taken == nil {
		return renderError(err, s)
	}
	var size int64
	if st, err := os.Stat(s.Output); err == nil {
		size = st.Size()
	}
	if cut.Duration > 0 {
		want = cut.Duration
	} else {
		want = total - cut.Start
	}
	if len(cut.Holes) > 0 || cut.Stretched != 0 || cut.Converted != "" {
		ev := SoundRepaired{Stretched: cut.Stretched, Length: want, Converted: cut.Converted}
		for _, h := range cut.Holes {
			ev.Holes = append(ev.Holes, SoundHole{At: h.At, Length: h.Length})
		}
		j.emit(ev)
	}
	wrote := false
	if (j.HasChat() || s.BurnChat) && !s.NoChatFiles {
		ev := ChatSaved{Problem: chatProblem}
		if chatProblem == "" {
			// The subtitles start where the video really starts.
			ev = j.saveChat(ctx, s, cut.Start, want, burning)
		}
		wrote = ev.SRT != ""
		j.emit(ev)
	}
	if replacing && !wrote {
		dropSubtitles(s.Output)
	}
	j.emit(Done{Output: s.Output, Duration: want, Size: size, Start: cut.Start, AudioGap: cut.Gap, Drift: cut.Drift})
	return taken
}

// renderProgress turns the render's progress into Rendering events with
// the time left from the pace so far; nothing while quiet says so.
func renderProgress(emit func(Event), burning bool, quiet func() bool) func(done, total time.Duration) {
	var began time.Time
	return func(done, total time.Duration) {
		if quiet() {
			return
		}
		if began.IsZero() {
			began = time.Now()
		}
		e := Rendering{Done: done, Total: total, Burning: burning}
		if elapsed := time.Since(began); done > 0 && total > done && elapsed > time.Second {
			e.ETA = time.Duration(float64(elapsed) * float64(total-done) / float64(done))
		}
		emit(e)
	}
}

// renderError explains a failed render into s.Output.
func renderError(err error, s Settings) error {
	if isDiskFull(err) {
		return &Error{Code: ExitOther, Msg: fmt.Sprintf("The disk is full, so the video could not be written to %s: free some space (or choose another folder) and save again; the downloaded chunks are kept.", filepath.Dir(s.Output)), Err: err}
	}
	return explainMedia(err)
}

// renderSpec describes the render of the whole playlist with s.
func (j *Job) renderSpec(s Settings) media.RenderSpec {
	spec := media.RenderSpec{Dir: j.dir, Output: s.Output, Exact: s.Exact,
		Start: s.Start, End: s.End, AudioOffset: s.AudioOffset, OneStream: true,
		Card: &media.Card{Title: j.Title(), Presenter: j.src.Presenter}}
	if j.pl.Audio != nil {
		for _, seg := range j.pl.Audio.Segments {
			spec.AudioChunks = append(spec.AudioChunks, fetch.ChunkName(seg.Index))
			if seg.Discontinuity {
				spec.OneStream = false
			}
		}
	}
	for i, seg := range j.pl.Segments {
		spec.Chunks = append(spec.Chunks, fetch.ChunkName(seg.Index))
		spec.Durations = append(spec.Durations, seg.Duration)
		// Chunks of one encoder run with one init section can be read
		// as one file.
		if seg.Discontinuity || (seg.Map != nil && i > 0 && !sameMap(seg.Map, j.pl.Segments[0].Map)) {
			spec.OneStream = false
		}
		// A hole left by a live host (chunks dropped before we saw them)
		// is closed up by the concat demuxer instead of showing as a
		// frozen picture.
		if i > 0 && seg.Index != j.pl.Segments[i-1].Index+1 {
			spec.OneStream = false
		}
		spec.Fragmented = spec.Fragmented || seg.Map != nil
	}
	return spec
}

func sameMap(a, b *playlist.Map) bool {
	return a != nil && b != nil && a.URI == b.URI && (a.Range == nil) == (b.Range == nil) && (a.Range == nil || *a.Range == *b.Range)
}

// CheckOutput refuses to replace an existing file unless force is set, and
// checks that the folder exists, before anything slow starts.
func CheckOutput(out string, force bool) error {
	if out == "" {
		return &Error{Code: ExitUsage, Msg: "Choose where to save the video (-o FILE)."}
	}
	if srt, ass := SubtitlePaths(out); sameFile(out, srt) || sameFile(out, ass) {
		return &Error{Code: ExitUsage, Msg: fmt.Sprintf("%s is the name of the video's subtitles; choose a name ending in .mp4, such as %s.", out, strings.TrimSuffix(out, filepath.Ext(out))+".mp4")}
	}
	if st, err := os.Stat(out); err == nil {
		if st.IsDir() {
			return &Error{Code: ExitUsage, Msg: fmt.Sprintf("%s is a folder; give a file name such as %s.", out, filepath.Join(out, "talk.mp4"))}
		}
		if !force {
			return &Error{Code: ExitUsage, Msg: fmt.Sprintf("%s already exists; choose another name with -o or add --force to replace it.", out)}
		}
	}
	if st, err := os.Stat(filepath.Dir(out)); err != nil || !st.IsDir() {
		return &Error{Code: ExitUsage, Msg: fmt.Sprintf("The folder %s does not exist.", filepath.Dir(out))}
	}
	if err := checkWritable(filepath.Dir(out)); err != nil {
		if isDiskFull(err) {
			return &Error{Code: ExitOther, Msg: fmt.Sprintf("The disk holding %s is full: free some space or choose another folder.", filepath.Dir(out)), Err: err}
		}
		return &Error{Code: ExitUsage, Msg: fmt.Sprintf("Cannot save into the folder %s (%s): choose another folder.", filepath.Dir(out), reason(err)), Err: err}
	}
	return nil
}

// Cleanup removes the job's own files after a successful save, unless Keep,
// and the job folder if that leaves it empty (see removeOwn).
func (j *Job) Cleanup() error {
	if j.opts.Keep {
		return nil
	}
	// Only a folder nobody else is using may go. The lock is released
	// before removing: Windows cannot delete a file that is open.
	unlock, err := j.lock()
	if err != nil {
		return err
	}
	unlock()
	return removeOwn(j.dir, false)
}

// Save is the whole headless job: load, download, render, clean up.
func Save(ctx context.Context, src Source, opts Options, s Settings) error {
	if err := CheckOutput(s.Output, s.Force); err != nil {
		return err
	}
	j, err := Open(src, opts)
	if err != nil {
		return err
	}
	if err := j.Load(ctx); err != nil {
		return err
	}
	if err := j.downloadAndRender(ctx, s); err != nil {
		return err
	}
	return j.Cleanup()
}

// downloadAndRender downloads and renders at the same time: the render
// reads each chunk as soon as it is on disk, so the video is ready moments
// after the last byte arrives. A failed download stops the render (its
// error is the one that tells what to do); a failed render stops the
// download, keeping what is on disk.
func (j *Job) downloadAndRender(ctx context.Context, s Settings) error {
	if j.pl == nil {
		return errors.New("job: Download before Load")
	}
	unlock, err := j.lock()
	if err != nil {
		return err
	}
	defer unlock()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var dlErr error
	var finished atomic.Bool
	downloaded := make(chan struct{})
	// Without --keep, only the chunks the video needs are fetched.
	segs := j.pl.Segments
	if !j.opts.Keep {
		first, last := media.Span(j.renderSpec(s))
		segs = segs[first : last+1]
	}
	if j.pl.Audio != nil || !j.pl.Ended {
		// A separate audio rendition, or a live broadcast whose end is
		// not known yet: everything first, then the render.
		if err := j.downloadAll(ctx); err != nil {
			return err
		}
		return j.render(ctx, s, nil, nil)
	}
	go func() {
		defer close(downloaded)
		dlErr = j.download(ctx, segs)
		finished.Store(true)
	}()
	ready := func(ctx context.Context, i int) error {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if _, ok := fetch.Complete(j.dir, i); ok {
				return nil
			}
			select {
			case <-downloaded:
				if _, ok := fetch.Complete(j.dir, i); ok {
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
	renderErr := j.render(ctx, s, ready, func() bool { return !finished.Load() })
	if renderErr != nil || !j.opts.Keep {
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

// sentence makes an error text end like a sentence.
func sentence(s string) string { return web.Sentence(s) }

// ErrNotDownloaded means a preview was asked for a part not yet on disk.
var ErrNotDownloaded = errors.New("that part of the video is not downloaded yet")

// Frame returns a preview image (PNG or JPEG bytes) of the video at time at,
// counted from the start of the broadcast, at most maxWidth pixels wide.
func (j *Job) Frame(ctx context.Context, at time.Duration, maxWidth int) ([]byte, error) {
	i, off := j.chunkAt(at)
	if i < 0 {
		return nil, ErrNotDownloaded
	}
	if _, ok := fetch.Complete(j.dir, i); !ok {
		return nil, ErrNotDownloaded
	}
	return j.opts.Tools.Frame(ctx, filepath.Join(j.dir, fetch.ChunkName(i)), off, maxWidth)
}

// chunkAt finds the chunk playing at time at and the offset into it, from the
// playlist's durations. It returns -1 before Load.
func (j *Job) chunkAt(at time.Duration) (int, time.Duration) {
	if j.pl == nil || len(j.pl.Segments) == 0 {
		return -1, 0
	}
	at = max(at, 0)
	var t time.Duration
	for i, s := range j.pl.Segments {
		if at < t+s.Duration || i == len(j.pl.Segments)-1 {
			return s.Index, min(at-t, s.Duration)
		}
		t += s.Duration
	}
	return -1, 0
}
