// Package job runs one save from its sources to an MP4: it loads each
// broadcast's playlist, keeps a state file in its job folder, downloads the
// chunks and renders them. A save is a Talk of one part (one broadcast,
// Open) or of several (OpenTalk); this file holds what one part does, talk.go
// the save itself. The CLI and the GUI reach it through core/rescue,
// the core's front door.
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
	"sync"
	"sync/atomic"
	"time"

	"replayrescue/core/chat"
	"replayrescue/core/fetch"
	"replayrescue/core/internal/safefile"
	"replayrescue/core/media"
	"replayrescue/core/playlist"
	"replayrescue/core/say"
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
	// expired API link...). Zero: a generic explanation is used.
	Denied say.Sentence
	// Chat is where the broadcast's chat is (intake.Candidate.Chat); its
	// token never reaches the state file or an event.
	Chat chat.Source
	// Presenter is who broadcast it, when known; with the title it is
	// what an MP4 of a sound-only source shows (media.Card).
	Presenter string
	// Sound says the source is sound only (an X Space).
	Sound bool
	// Pictures are addresses of the presenter's picture, tried in turn
	// for the card of a sound-only source's MP4 (see presenterPicture).
	Pictures []string
}

// Options configure a save, of one broadcast or of a talk in several parts.
// Zero values pick defaults. They come in three groups: what to save and
// where, the tools that render it, and how the caller follows and steers
// the save.
type Options struct {
	// What to save and where.

	// Work is the job folder ("" derives one under the user cache dir).
	// A talk in several parts keeps each part in a folder inside it.
	Work string
	Jobs int  // parallel connections; 0: adaptive (see fetch.MaxJobs)
	Keep bool // keep the chunks after a successful render
	// Quality picks a master playlist's variant: "" or "best", "worst",
	// or a height such as "720p" (see playlist.LoadQuality).
	Quality string

	// The tools that render: Tools, or FindTools.

	Tools media.Tools // ffmpeg and ffprobe
	// FindTools, when set, gives Tools once the render needs them: the
	// command line starts the download meanwhile, as ffmpeg takes about
	// 0.1 s to tell its version. Its error fails the save, keeping the
	// chunks already on disk.
	FindTools func() (media.Tools, error)

	// Following and steering the save.

	// Events is told what happens, one event at a time, from the save's
	// goroutines; it must not block for long.
	Events func(Event)
	// Stop, when closed, ends the following of a live broadcast: the
	// download returns with what has arrived, ready to render.
	Stop <-chan struct{}

	// tuning is for the package's tests only.
	tuning tuning
}

// tuning holds what only tests change: the zero value is what real saves
// use.
type tuning struct {
	fetch    fetch.Options // retries and timeouts (tests shorten the backoff)
	livePoll time.Duration // how often a live playlist is read again; 0 follows its target duration
	// fileChunk is the byte range of a plain file fetched at a time; 0
	// is playlist.FileChunkBytes (tests cut small files in several).
	fileChunk int64
}

// loadPlaylist reads the source's playlist, manifest or file.
func (p *part) loadPlaylist(ctx context.Context) (*playlist.Playlist, error) {
	return playlist.Loader{Client: p.client, FileChunk: p.opts.tuning.fileChunk}.Load(ctx, p.src.URL, p.opts.Quality)
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
	// PartOffsets are the audio offsets of a talk's parts, one per part
	// (one for a single broadcast); nil gives every part AudioOffset.
	PartOffsets []time.Duration
	// Crossfade overlaps consecutive parts of a talk for that long (0: off,
	// at most MaxCrossfade). A save of one broadcast refuses it.
	Crossfade time.Duration
	// SavePoster writes the picture at Poster of the saved video (its own
	// timeline) beside it as NAME.jpg (PosterPath): a talk page or video
	// site needs one.
	SavePoster bool
	Poster     time.Duration
	// Cuts are stretches of the talk's timeline (the one Start and End are
	// given on) to leave out; they may overlap. The pieces between them
	// are joined as a talk's parts are.
	Cuts []Span
	// Loudness evens out the voice to a standard speech level (-16 LUFS,
	// true peaks at or under -1.5 dBTP); the sound is then encoded, the
	// picture still copied.
	Loudness bool
}

// MaxCrossfade is the longest cross-fade between parts: a longer one would
// hide the talk itself.
const MaxCrossfade = 2 * time.Second

// part is one broadcast of a save: its job folder, state and lock, its
// playlist, download and chat. A Talk drives its parts; nothing else does.
type part struct {
	src Source
	// opts are the save's, with this part's folder (Work), connections
	// (Jobs) and Events (the talk's, or wrapped as PartEvent). The talk
	// alone renders, so the parts never read Tools.
	opts   Options
	dir    string
	client *http.Client
	pl     *playlist.Playlist
	state  state

	chat    []chat.Message // read once (see Chat)
	chatErr error

	// share is how many parts download at once from one connection
	// budget; 1: this part has it all.
	share int

	// whole is a plain video file read whole, once measured (see
	// openWhole, which wholeMu guards); nil before.
	whole   atomic.Pointer[media.Whole]
	wholeMu sync.Mutex
	// pictured: a chunk was read for the picture's size (Pictured).
	pictured atomic.Bool
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
	Live     string `json:"live,omitempty"`
	FirstSeq uint64 `json:"first_seq,omitempty"`
	// Length is a plain video file's length in seconds, measured once it
	// was all downloaded (see part.measure); 0 before, and for playlists.
	Length  float64   `json:"length,omitempty"`
	Updated time.Time `json:"updated"`
}

// openPart prepares the job folder opts.Work for src, one of share parts
// downloading at once. Nothing is fetched yet.
func openPart(src Source, opts Options, share int) (*part, error) {
	maxConns := opts.Jobs
	if opts.Jobs <= 0 {
		maxConns = fetch.DefaultMaxJobs
	}
	if err := prepareFolder(opts.Work, false); err != nil {
		return nil, err
	}
	p := &part{src: src, opts: opts, dir: opts.Work, share: share}
	p.client = web.NewClient(src.Creds, web.ClientOptions{MaxConnsPerHost: maxConns})
	if data, err := os.ReadFile(filepath.Join(p.dir, stateFile)); err == nil {
		_ = json.Unmarshal(data, &p.state) // a damaged state file only costs a re-check
	}
	return p, nil
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

// title is the broadcast's title, or "" when unknown.
func (p *part) title() string {
	if p.src.Title != "" {
		return p.src.Title
	}
	return p.state.Title
}

func (p *part) emit(e Event) {
	if p.opts.Events != nil {
		p.opts.Events(e)
	}
}

// load fetches the playlist and checks it against what the job folder holds.
func (p *part) load(ctx context.Context) error {
	pl, err := p.loadPlaylist(ctx)
	if err != nil {
		return p.sourceError(err)
	}
	if len(pl.Segments) == 0 {
		return saying(ExitOther, playlist.ErrNotPlaylist, say.T("The playlist lists no video chunks yet; the broadcast may not have started."))
	}
	fp := fingerprint(pl)
	if !pl.Ended {
		// A live list grows or slides between runs: its chunk list says
		// nothing about being the same broadcast (see liveKey).
		fp = ""
	}
	if err := p.sameBroadcast(pl, fp); err != nil {
		return err
	}
	p.pl = pl
	if p.state.Fingerprint != fp || !pl.File {
		p.state.Length = 0 // measured of another file, or none
	}
	p.state.Version = 1
	p.state.Fingerprint = fp
	p.state.Source = web.RedactURL(pl.URL)
	if p.src.Title != "" {
		p.state.Title = p.src.Title
	}
	p.state.Durations = make([]float64, len(pl.Segments))
	for i, s := range pl.Segments {
		p.state.Durations[i] = s.Duration.Seconds()
	}
	if err := p.saveState(); err != nil {
		return err
	}
	quality := ""
	if pl.Variant != nil {
		quality = pl.Variant.Resolution
	}
	p.emit(Found{Title: p.title(), Chunks: len(pl.Segments), Duration: p.duration(), Quality: quality, Ended: pl.Ended, Renditions: pl.Renditions, Size: fileSize(pl)})
	return nil
}

// sourceError explains a failure to load the source.
func (p *part) sourceError(err error) error {
	if web.IsCredentialError(err) {
		if !p.src.Denied.IsZero() {
			return saying(ExitCredentials, err, p.src.Denied)
		}
		if u, perr := url.Parse(p.src.URL); perr == nil && p.src.Creds.Jar != nil && len(p.src.Creds.Jar.Cookies(u)) == 0 {
			return saying(ExitCredentials, err, say.T("The video host refused access because no cookies were given: use a HAR file exported from your browser with sensitive data, or give your browser's cookies (--cookies on the command line)."))
		}
		return saying(ExitCredentials, err, say.T("The video host refused the cookies or link (they have probably expired): get a fresh link or HAR file and run again with the same job folder."))
	}
	if errors.Is(err, playlist.ErrDRM) {
		return saying(ExitUsage, err, say.T("This video is protected with DRM (copy protection), so it cannot be saved; only the site's own player may play it."))
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
		return saying(ExitOther, err, stall.Words())
	}
	var status *web.StatusError
	if errors.As(err, &status) {
		return saying(ExitOther, err, statusSentence(status.Status))
	}
	if words, ok := web.DescribeWords(err); ok {
		if !web.Connection(err) { // a redirect loop, say: the connection is fine
			return saying(ExitOther, err, say.T("Could not load the video playlist: {{.Why}}.", "Why", words))
		}
		return saying(ExitOther, err, say.T("Could not load the video playlist: {{.Why}}. Check the link and your internet connection, then try again.", "Why", words))
	}
	return &Error{Code: ExitOther, Msg: "Could not load the video playlist: " + sentence(web.Redact(err.Error())) + " Check your internet connection and try again.", Err: err}
}

// errOtherBroadcast: the job folder holds another broadcast's chunks.
var errOtherBroadcast = &Error{Code: ExitUsage, Msg: "The job folder holds chunks of a different broadcast; choose another folder with --work or empty this one.", Err: errors.New("fingerprint mismatch")}

// sameBroadcast checks that the chunks already in the job folder belong to
// pl (fingerprint fp; "" while live), and gives a live list's chunks the
// places they had in the earlier run.
func (p *part) sameBroadcast(pl *playlist.Playlist, fp string) error {
	key := liveKey(pl)
	if p.hasChunks() {
		switch {
		case p.state.Live != "" && p.state.Live != key:
			return errOtherBroadcast // an earlier live list of another playlist
		case p.state.Live == "" && p.state.Fingerprint != "" && fp == "":
			return errOtherBroadcast // a finished replay's chunks, and now a live list
		case p.state.Fingerprint != "" && fp != "" && p.state.Fingerprint != fp:
			return errOtherBroadcast
		}
	}
	if pl.Audio != nil {
		return nil // live lists with separate sound are not followed
	}
	if p.state.Live != key {
		if !pl.Ended {
			p.state.Live, p.state.FirstSeq = key, pl.Segments[0].Seq
		}
		return nil
	}
	// The same live broadcast again (still live, or ended since): each
	// chunk keeps the place its media sequence number gave it, so the
	// window having slid never makes an old chunk stand for a new one.
	if first := pl.Segments[0].Seq; first < p.state.FirstSeq {
		// The list now reaches back further than the folder's chunk 0:
		// move the chunks on disk up to their places.
		if err := shiftChunks(p.dir, int(p.state.FirstSeq-first)); err != nil {
			return &Error{Code: ExitOther, Msg: fmt.Sprintf("Cannot rename the chunks in the job folder %s: %s.", p.dir, reason(err)), Err: err}
		}
		p.state.FirstSeq = first
	}
	for i := range pl.Segments {
		pl.Segments[i].Index = int(pl.Segments[i].Seq - p.state.FirstSeq)
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
	if pl.File && len(pl.Segments) > 0 {
		// Ranges of one file: its size tells one file from another.
		last := pl.Segments[len(pl.Segments)-1]
		if last.Range != nil {
			fmt.Fprintf(h, "file %d\n", last.Range.Offset+last.Range.Length)
		}
	}
	for _, s := range pl.Segments {
		name := s.URL
		if u, err := url.Parse(s.URL); err == nil {
			name = path.Base(u.Path) // tokens live in the query or earlier path parts
		}
		fmt.Fprintf(h, "%s %d\n", name, s.Duration.Milliseconds())
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func (p *part) hasChunks() bool {
	m, _ := filepath.Glob(filepath.Join(p.dir, "chunk_*.ts"))
	return len(m) > 0
}

func (p *part) saveState() error {
	p.state.Updated = time.Now().UTC().Truncate(time.Second)
	data, err := json.MarshalIndent(p.state, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(p.dir, stateFile+".tmp")
	if err := safefile.WriteFile(tmp, data, 0o600); err != nil {
		return saying(ExitOther, err, say.T("Cannot write to the job folder {{.Dir}}; check the disk has space.", "Dir", p.dir))
	}
	return os.Rename(tmp, filepath.Join(p.dir, stateFile))
}

// downloadAll fetches every chunk, the separate audio's too, and follows a
// broadcast that is still live until it ends or is stopped.
func (p *part) downloadAll(ctx context.Context) error {
	if err := p.download(ctx, p.allSegments()); err != nil {
		return err
	}
	if !p.pl.Ended { // the separate sound, if any, is followed beside the picture
		return p.follow(ctx)
	}
	return nil
}

// allSegments are the playlist's segments and its separate audio's.
func (p *part) allSegments() []playlist.Segment {
	if p.pl.Audio == nil {
		return p.pl.Segments
	}
	return append(slices.Clip(p.pl.Segments), p.pl.Audio.Segments...)
}

// download fetches segs (all of the playlist, or the part a render needs).
func (p *part) download(ctx context.Context, segs []playlist.Segment) error {
	fo := p.opts.tuning.fetch
	fo.Dir = p.dir
	fo.Client = p.client
	fo.Jobs = p.opts.Jobs
	// Adaptive: start where the fixed default did (8) and add connections
	// while the speed still rises. Starting lower (4) cost the ramp: 5.30 s
	// against 5.02 s for a fixed 8 on the bench's 10-min replay; from 8 it
	// takes 4.02-4.10 s, climbing past 8 on a per-connection-limited host.
	if fo.Jobs <= 0 {
		fo.Jobs, fo.MaxJobs = fetch.DefaultJobs, fetch.DefaultMaxJobs
		if p.share > 1 {
			fo.Jobs, fo.MaxJobs = max(1, fo.Jobs/p.share), max(1, fo.MaxJobs/p.share)
		}
	}
	fo.Progress = func(f fetch.Progress) {
		p.emit(Progress{Done: f.Done, Total: f.Total, Bytes: f.Bytes, Speed: f.Speed, ETA: f.ETA, Resumed: f.Resumed})
	}
	if p.needsPictureSize() && len(segs) > 0 {
		// Read while the rest downloads. The wait for the chunk ends with
		// the download; reading it does not hold the download (and its
		// job folder's lock) up.
		waiting, stop := context.WithCancel(ctx)
		defer stop()
		go p.readPictureSize(waiting, context.WithoutCancel(ctx), segs[0])
	}
	err := fetch.Download(ctx, segs, fo)
	if err == nil {
		return nil
	}
	done := completeChunks(p.dir, segs)
	if web.IsCredentialError(err) {
		msg := fmt.Sprintf("The video host stopped accepting the cookies or link after %d of %d chunks (they have probably expired): get a fresh link or HAR file and run again with the same job folder to continue.", done, len(segs))
		p.emit(Paused{Reason: msg, Done: done, Total: len(segs)})
		return &Error{Code: ExitCredentials, Msg: msg, Err: err}
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var stall *web.StallError
	if errors.As(err, &stall) {
		// Finished chunks are kept: the same command goes on from them.
		return saying(ExitOther, err, stall.Words())
	}
	if isDiskFull(err) {
		return saying(ExitOther, err, say.T("The disk holding the job folder {{.Dir}} is full after {{.Done}} of {{.Total}} chunks: free some space and run the same command again; finished chunks are kept.",
			"Dir", p.dir, "Done", done, "Total", len(segs)))
	}
	if words, ok := web.DescribeWords(err); ok {
		return saying(ExitOther, err, say.T("The download stopped after {{.Done}} of {{.Total}} chunks: {{.Why}}. Run the same command again to continue; finished chunks are kept.",
			"Done", done, "Total", len(segs), "Why", words))
	}
	return &Error{Code: ExitOther, Msg: fmt.Sprintf("The download stopped after %d of %d chunks: %s Run the same command again to continue; finished chunks are kept.", done, len(segs), sentence(web.Redact(err.Error()))), Err: err}
}

// completeChunks counts the segments of segs on disk.
func completeChunks(dir string, segs []playlist.Segment) int {
	n := 0
	for _, seg := range segs {
		if _, ok := fetch.Stored(dir, seg); ok {
			n++
		}
	}
	return n
}

// duration is the playlist's length; 0 before load, and for a plain file
// before it is measured.
func (p *part) duration() time.Duration {
	if p.pl == nil {
		return 0
	}
	if p.pl.File {
		return p.fileLength()
	}
	return p.pl.Duration()
}

// fileSize is the size in bytes of a plain file cut into ranges; 0 for a
// playlist, or a file whose host sends it in one piece of unknown size.
func fileSize(pl *playlist.Playlist) int64 {
	if !pl.File || len(pl.Segments) == 0 {
		return 0
	}
	last := pl.Segments[len(pl.Segments)-1].Range
	if last == nil {
		return 0
	}
	return last.Offset + last.Length
}

// complete reports whether every chunk of the playlist is on disk; while
// streaming, the main track's may still be on their way (the render waits
// for each).
func (p *part) complete(streaming bool) bool {
	for _, seg := range p.allSegments() {
		if _, ok := fetch.Stored(p.dir, seg); !ok && (!streaming || seg.Track == playlist.Audio) {
			return false
		}
	}
	return true
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
	if errors.Is(err, media.ErrNoPicture) {
		return saying(ExitUsage, err, say.T("One of the parts has no picture between the start and end times: move the cuts."))
	}
	if errors.Is(err, media.ErrTooShortToFade) {
		return saying(ExitUsage, err, say.T("One of the parts is too short for the fade between parts: make the fade shorter or move the cuts."))
	}
	if isDiskFull(err) {
		return saying(ExitOther, err, say.T("The disk is full, so the video could not be written to {{.Dir}}: free some space (or choose another folder) and save again; the downloaded chunks are kept.", "Dir", filepath.Dir(s.Output)))
	}
	return explainMedia(err)
}

// renderSpec describes the render of the whole playlist with s.
func (p *part) renderSpec(s Settings) media.RenderSpec {
	spec := media.RenderSpec{Dir: p.dir, Output: s.Output, Exact: s.Exact, Loudness: s.Loudness,
		Start: s.Start, End: s.End, AudioOffset: s.AudioOffset, OneStream: true,
		Card: &media.Card{Title: p.title(), Presenter: p.src.Presenter}}
	if p.pl.Audio != nil {
		for _, seg := range p.pl.Audio.Segments {
			spec.AudioChunks = append(spec.AudioChunks, fetch.FileName(seg))
			spec.AudioDurations = append(spec.AudioDurations, seg.Duration)
			if seg.Discontinuity {
				spec.OneStream = false
			}
		}
	}
	for i, seg := range p.pl.Segments {
		spec.Chunks = append(spec.Chunks, fetch.FileName(seg))
		if p.pl.File {
			spec.Pieces = true
			continue // byte ranges of one file: joined, they are the file
		}
		spec.Durations = append(spec.Durations, seg.Duration)
		// Chunks of one encoder run with one init section can be read
		// as one file.
		if seg.Discontinuity || (seg.Map != nil && i > 0 && !sameMap(seg.Map, p.pl.Segments[0].Map)) {
			spec.OneStream = false
		}
		// A hole left by a live host (chunks dropped before we saw them)
		// is closed up by the concat demuxer instead of showing as a
		// frozen picture.
		if i > 0 && seg.Index != p.pl.Segments[i-1].Index+1 {
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
			return saying(ExitUsage, nil, say.T("{{.Path}} already exists; choose another name with -o or add --force to replace it.", "Path", out))
		}
	}
	if st, err := os.Stat(filepath.Dir(out)); err != nil || !st.IsDir() {
		return saying(ExitUsage, nil, say.T("The folder {{.Dir}} does not exist.", "Dir", filepath.Dir(out)))
	}
	if err := checkWritable(filepath.Dir(out)); err != nil {
		if isDiskFull(err) {
			return saying(ExitOther, err, say.T("The disk holding {{.Dir}} is full: free some space or choose another folder.", "Dir", filepath.Dir(out)))
		}
		return saying(ExitUsage, err, say.T("Cannot save into the folder {{.Dir}} ({{.Why}}): choose another folder.", "Dir", filepath.Dir(out), "Why", reasonWords(err)))
	}
	return nil
}

// statusSentence says what the video host's answer to the playlist means
// for the user, and what to do: not the status line, and no advice about
// the connection, which worked.
func statusSentence(status int) say.Sentence {
	switch {
	case status == http.StatusNotFound || status == http.StatusGone:
		return say.T("The video host says this video is not there (any more): check that you copied the whole link, or get a fresh one from the page where the replay plays.")
	case status == http.StatusTooManyRequests:
		return say.T("The video host asks to wait before trying again: try again in a few minutes.")
	case status >= 500:
		return say.T("The video host had a problem of its own (error {{.Status}}): try again in a few minutes.", "Status", status)
	}
	return say.T("The video host refused to send the video (error {{.Status}}): get a fresh link or HAR file from the page where the replay plays.", "Status", status)
}

// sentence makes an error text end like a sentence.
func sentence(s string) string { return web.Sentence(s) }

// frame is a preview image (PNG or JPEG bytes) of the video at time at,
// counted from the start of the broadcast, at most maxWidth pixels wide:
// the first picture at or after at, as ffmpeg's accurate seek picks. In the
// last fraction of a chunk, after its last picture, that is the next
// chunk's first; at the very end, the last picture.
func (p *part) frame(ctx context.Context, tools media.Tools, frames *media.Frames, at time.Duration, maxWidth int) ([]byte, error) {
	if p.pl != nil && p.pl.File {
		// A byte range of a file is no video of its own: the file is
		// read whole, seeking by its index.
		w, err := p.openWhole(ctx, tools)
		if err != nil {
			return nil, err
		}
		return tools.WholeFrame(ctx, w, at, maxWidth)
	}
	k, off := p.segmentAt(at)
	if k < 0 {
		return nil, ErrNotDownloaded
	}
	for ; k < len(p.pl.Segments); k, off = k+1, 0 {
		i := p.pl.Segments[k].Index
		if _, ok := fetch.Complete(p.dir, i); !ok {
			return nil, ErrNotDownloaded
		}
		chunk := filepath.Join(p.dir, fetch.ChunkName(i))
		var jpeg []byte
		var err error
		if frames != nil {
			jpeg, err = frames.Frame(ctx, tools, chunk, off, maxWidth)
		} else {
			jpeg, err = tools.Frame(ctx, chunk, off, maxWidth)
		}
		if !errors.Is(err, media.ErrNoFrame) {
			return jpeg, err
		}
		if k == len(p.pl.Segments)-1 {
			return tools.LastFrame(ctx, chunk, maxWidth)
		}
	}
	return nil, ErrNotDownloaded
}

// segmentAt finds the playlist entry playing at time at and the offset into
// it, from the playlist's durations. It returns -1 before Load.
func (p *part) segmentAt(at time.Duration) (int, time.Duration) {
	if p.pl == nil {
		return -1, 0
	}
	durations := make([]time.Duration, len(p.pl.Segments))
	for k, s := range p.pl.Segments {
		durations[k] = s.Duration
	}
	return media.ChunkAt(durations, at)
}
