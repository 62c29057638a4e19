package media

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"

	"replayrescue/core/mp4"
)

// ListName is the concat list Render writes into the job folder.
const ListName = "render.ffconcat"

// RenderSpec describes the one-pass render.
type RenderSpec struct {
	Dir    string   // job folder holding the chunks
	Chunks []string // chunk file names inside Dir, in play order
	Output string   // final MP4 path
	// Replace lets the video replace a file at Output; without it that
	// file is never touched, even one that appears during the render
	// (see place).
	Replace     bool
	Start, End  time.Duration
	AudioOffset time.Duration // + moves the audio later, - earlier
	Total       time.Duration // expected output length, for progress; 0 = unknown
	Progress    func(done, total time.Duration)

	// Durations are the playlist's chunk durations, parallel to Chunks:
	// with them the render reads only from near the start (see window).
	Durations []time.Duration
	// Ready, when set, blocks until chunk i is on disk, or returns why it
	// never will be: the chunks are still downloading, and the render may
	// run alongside (see renderStream).
	Ready func(ctx context.Context, i int) error
	// Exact starts on the very frame at Start instead of the keyframe
	// before it: the few seconds up to the next chunk are re-encoded.
	Exact bool
	// OneStream says the chunks are pieces of one continuous stream (one
	// encoder run, one init section), so they may be read as one file,
	// which is much faster (see source).
	OneStream bool
	// AudioChunks are a separate audio rendition's chunks, in play order,
	// on the same clock as Chunks; empty when the sound is in Chunks.
	AudioChunks []string
	// AudioDurations are the audio chunks' durations, parallel to
	// AudioChunks (see fragmentDurations).
	AudioDurations []time.Duration
	// Pieces says the chunks are consecutive byte ranges of one file (an
	// .mp4, .mov, .webm...), read joined as that file; with it, OneStream.
	Pieces bool
	// Fragmented says the chunks are fMP4 fragments, each stored with the
	// stream's init section in front (see fetch); read as one stream, only
	// the first chunk's init section is kept.
	Fragmented bool
	// Burn, when set, draws subtitles on the picture, which is then
	// re-encoded (see burnArgs).
	Burn BurnFunc
	// Card, when set, is the picture of a sound-only source saved as an
	// MP4 (see withCard).
	Card *Card
	// Loudness evens out the sound to TargetLoudness (see
	// measureLoudness): the sound is then measured first and encoded.
	Loudness bool

	// CutBefore and CutAfter say that, in a joined render, this part is a
	// piece of a talk whose neighbouring piece was cut out right before
	// (after) it: its sound fades in (out) over a few milliseconds there,
	// so the join does not click (see cutFade).
	CutBefore, CutAfter bool
	// listTag names this piece's lists apart from those of other pieces
	// of the same job folder in one joined render (see listName).
	listTag string

	// noReorderDelay is set by the render itself: its arguments read the
	// sound earlier by the first picture's reorder delay, which the MP4
	// rewrite must then take off the picture (see renderArgs).
	noReorderDelay bool
	// pictures, when above 0, is how many pictures the MP4 rewrite keeps
	// (see endOnPicture).
	pictures int
}

// renderArgs builds the ffmpeg command: the chunk list read twice, once for
// the video and once, shifted with -itsoffset, for the audio; stream copy;
// the cut as an output -ss at the keyframe c.at and an output -t. Cutting
// on the output side at a keyframe means the first video packet is that
// keyframe at time zero and the audio starts with it, so the MP4 needs no
// edit list and players that ignore edit lists stay in sync. (An input -ss on
// the concat demuxer cannot seek without per-file durations, and a cut
// between keyframes would keep hidden frames before it behind an edit list.)
// -xerror turns a chunk ffmpeg cannot open into a failure instead of a
// silently shorter video.
// The setts bitstream filter would avoid the second read, but on ffmpeg 5.1
// its TB does not match the packet time base when muxing MP4 audio.
//
// B-frames: ffmpeg's output -ss drops a copied packet by its decode time,
// and a keyframe that B-frames are shown before is decoded c.reorder
// earlier than it is shown: cut at its presentation time, the keyframe and
// its whole GOP were lost. So the cut is at its decode time, and the sound
// is read c.reorder earlier, so that it still starts with the keyframe's
// picture. ffmpeg then places the picture c.reorder late behind an edit
// list; the MP4 rewrite shows it at zero instead, with negative composition
// offsets (mp4.Options.NoReorderDelay), which players that ignore edit
// lists read the same way. The end (-t) moves as much later: a picture
// shown just before the end may be decoded after a later one it depends on.
func (t Tools) renderArgs(src source, tmp string, spec RenderSpec, c Cut) ffcmd {
	video, audio := src.inputs(spec.AudioOffset - c.reorder)
	out := mp4Output(ffmpeg.KwArgs{"c": "copy"}, c.sound)
	if from := c.at - c.reorder; from != 0 || src.copyts {
		// A hair before the keyframe, so rounding to microseconds cannot
		// drop the keyframe itself; no other video packet is that close.
		// Below zero when the stream's first picture is decoded before
		// the timeline's zero (its first shown picture).
		out["ss"] = secs6(src.origin + from - 100*time.Microsecond)
	}
	if c.Duration > 0 {
		out["t"] = secs6(c.Duration + c.reorder)
	}
	endPictures(out, c)
	r := renderRun
	r.copyts = src.copyts
	// A joined stream's chunks are opened whole before ffmpeg starts
	// (concatf fails on a missing one), and a continuity counter that
	// jumps between them (a host that serves some chunks with their
	// sound only, muxed anew) flags the complete picture before the jump
	// as corrupt: -xerror would fail the whole render on it.
	r.strict = !src.copyts
	return t.ffmpeg(ffmpeg.Output([]*ffmpeg.Stream{video, audio}, tmp, out), r)
}

// mp4Output adds to out the options of the MP4 and of its sound, copied
// or repaired (see soundFix). ffmpeg writes it fragmented: its ordinary MP4
// muxer keeps some 70 bytes per picture and per sound frame until the end
// (60 MB more for a 3-hour talk), the fragmented one forgets each fragment
// once written. runRender then rewrites the file as an ordinary MP4 with
// the index in front (core/mp4), the same packets at the same times (the
// one rewrite that also shows a B-frame picture at zero, see renderArgs).
// Encoded sound's last packet may so keep a frame's length where its
// encoder used less: the rewrite ends the sound with the picture anyway.
func mp4Output(out ffmpeg.KwArgs, sound soundFix) ffmpeg.KwArgs {
	sound.soundArgs(out)
	maps.Copy(out, ffmpeg.KwArgs{"movflags": mp4.FFmpegFlags,
		"frag_duration": strconv.Itoa(mp4.FragmentMicros), "f": "mp4"})
	return out
}

// fragmented tells whether c writes a fragmented MP4 (see mp4Output).
func (c ffcmd) fragmented() bool {
	i := slices.Index(c.args, "-movflags")
	return i >= 0 && i+1 < len(c.args) && c.args[i+1] == mp4.FFmpegFlags
}

// source is how ffmpeg reads the render's chunks as one input: the concat
// demuxer over a list (each chunk's timestamps rebased after the one
// before, which survives encoder restarts), or, for pieces of one continuous
// MPEG-TS stream, the concatf protocol joining their bytes (what the seed did
// with "copy /b"), which reads 3x faster. Both give the same timeline for
// such streams. Only local files can be read either way.
type source struct {
	url      string
	audioURL string // read for the sound instead of url, if set
	opts     ffmpeg.KwArgs
	// copyts: ffmpeg rebases each input on the start of the streams taken
	// from it, so two reads of a joined stream (picture from one, sound from
	// the other) would each start at zero and lose the gap between the
	// tracks. Such a render keeps the stored timestamps (-copyts) and cuts
	// at origin+at, origin being where ffprobe says the stream starts.
	copyts bool
	origin time.Duration
}

func concatSource(list string) source {
	return source{url: list, opts: ffmpeg.KwArgs{"f": "concat", "safe": "0"}}
}

func byteSource(list string, fragmented bool) source {
	format := "mpegts"
	if fragmented {
		format = "mp4"
	}
	return source{url: "concatf:" + list, opts: ffmpeg.KwArgs{"f": format}, copyts: true}
}

// pieceSource reads the chunks joined as pieces of one file (a plain
// video file fetched by byte ranges), whose container ffmpeg finds out.
func pieceSource(list string) source {
	return source{url: "concatf:" + list, opts: ffmpeg.KwArgs{}, copyts: true}
}

// inputs are the source read as it is, and read again for the sound,
// shifted by shift (not shifted, one read: see sound).
func (s source) inputs(shift time.Duration) (video, audio *ffmpeg.Stream) {
	return s.input().Get("v:0?"), s.sound(shift, false).Get("a:0?")
}

// input is the source as an input of ffmpeg.
func (s source) input() *ffmpeg.Stream { return input(s.url, s.opts) }

// sound is the input the sound is read from, shifted by shift. Not
// shifted, it is the picture's own input (ffmpeg-go takes equal inputs for
// one), unless apart asks for a read of its own (-itsoffset 0).
func (s source) sound(shift time.Duration, apart bool) *ffmpeg.Stream {
	opts := s.opts.Copy()
	if shift != 0 || apart {
		opts["itsoffset"] = secs6(shift)
	}
	url := s.url
	if s.audioURL != "" {
		url = s.audioURL
	}
	return input(url, opts)
}

// render is the command of a render writing streams into tmp with the
// output options out (see renderRun); copyts keeps the inputs' timestamps.
func (t Tools) render(streams []*ffmpeg.Stream, tmp string, out ffmpeg.KwArgs, copyts bool) ffcmd {
	r := renderRun
	r.copyts = copyts
	return t.ffmpeg(ffmpeg.Output(streams, tmp, out), r)
}

// tempOutput creates the hidden file ffmpeg writes the MP4 into, beside the
// final one so the rename is atomic. Each render gets its own name, and
// leftovers of renders killed with their parent are removed first: a
// crash must never leave a second writer on the file being written.
func tempOutput(final string) (string, error) {
	dir, base := filepath.Dir(final), "."+filepath.Base(final)
	for _, f := range Leftovers(final) {
		os.Remove(f)
	}
	f, err := CreateTemp(dir, base+".*.part")
	if err != nil {
		return "", fmt.Errorf("cannot write into the folder %s: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	return name, nil
}

// Leftovers are the temporary files a render into final left behind when it
// was killed with its program (".talk.mp4.1a2b3c4d5e6f.part" beside
// talk.mp4): names only a render makes.
func Leftovers(final string) []string {
	dir, base := filepath.Dir(final), "."+filepath.Base(final)
	old, _ := filepath.Glob(filepath.Join(dir, globEscape(base)+".*.part"))
	var out []string
	for _, f := range old {
		if tempNameRE.MatchString(strings.TrimPrefix(filepath.Base(f), base)) {
			out = append(out, f)
		}
	}
	return out
}

// tempNameRE is what CreateTemp adds to a temporary output's name.
var tempNameRE = regexp.MustCompile(`^\.[0-9a-f]{12}\.part$`)

// globEscape quotes the pattern characters of a file name for filepath.Glob.
func globEscape(s string) string {
	return strings.NewReplacer(`*`, `[*]`, `?`, `[?]`, `[`, `[[]`).Replace(s)
}

// Render writes spec.Output in one ffmpeg run and tells where it really
// starts (see PlanCut). The MP4 is written under a temporary name beside
// Output and renamed only when ffmpeg succeeded, so a failed or cancelled
// render never leaves a file under the final name. With spec.Ready the
// chunks may still be downloading (see renderStream). A sound-only source
// saved as an MP4 then gets spec.Card as its picture (see withCard).
func (t Tools) Render(ctx context.Context, spec RenderSpec) (Cut, error) {
	cut, err := t.renderChunks(ctx, spec)
	if err != nil && !isTaken(err) {
		return cut, err
	}
	saved := spec.Output
	var taken *TakenError
	if errors.As(err, &taken) {
		saved = taken.Saved
	}
	if cerr := t.withCard(ctx, spec, saved, cut); cerr != nil {
		return Cut{}, cerr
	}
	return cut, err
}

// renderChunks is Render before the card.
func (t Tools) renderChunks(ctx context.Context, spec RenderSpec) (Cut, error) {
	var p *plan
	if spec.Ready != nil {
		// Chunks beyond the span may never come: the job fetches only
		// what the render reads.
		first, last := Span(spec)
		spec.Chunks = spec.Chunks[:last+1]
		if len(spec.Durations) > last {
			spec.Durations = spec.Durations[:last+1]
		}
		streamed := t.streamable(spec)
		if streamed {
			cut, err := t.renderStream(ctx, spec)
			switch {
			case errors.Is(err, errEndOnPicture):
				streamed = false // rendered once every chunk is there
			case err != nil && !isTaken(err):
				return cut, err
			default:
				if p = t.repairStreamed(ctx, spec, &cut); p == nil {
					return cut, err
				}
				// Rendered again below, from the chunks now all on
				// disk; the streamed video is ours, written moments
				// ago (under another name when Output's was taken
				// meanwhile: that other file is left alone).
				ours := spec.Output
				var taken *TakenError
				if errors.As(err, &taken) {
					ours = taken.Saved
				}
				os.Remove(ours)
			}
		}
		for i := first; i <= last && !streamed; i++ {
			if err := spec.Ready(ctx, i); err != nil {
				return Cut{}, err
			}
		}
	}
	var err error
	if p == nil {
		if p, err = t.plan(ctx, spec, len(spec.Chunks)); err != nil {
			return Cut{}, err
		}
		if !p.tracks.HasVideo && spec.reencodes() {
			// Sound only: no picture to re-encode, and the chunks are
			// read as a copy reads them (a card carries the chat).
			spec.Exact, spec.Burn = false, nil
			if p, err = t.plan(ctx, spec, len(spec.Chunks)); err != nil {
				return Cut{}, err
			}
		}
		if spec.Exact {
			// The output starts on the very frame asked for: the
			// holes are told from there (exactArgs and burnArgs
			// move the cut the same way again).
			if _, err := p.exactStart(spec); err != nil {
				return Cut{}, err
			}
		}
		if err := t.soundPlan(ctx, spec, p); err != nil {
			return Cut{}, err
		}
	}
	tmp, err := tempOutput(spec.Output)
	if err != nil {
		return Cut{}, err
	}
	defer os.Remove(tmp)

	var c ffcmd
	if spec.Burn != nil {
		if c, err = t.burnArgs(ctx, spec, p, tmp); err != nil {
			return Cut{}, err
		}
	} else if spec.Exact {
		exact, cleanup, err := t.exactArgs(ctx, spec, p, tmp)
		defer cleanup()
		if err != nil {
			return Cut{}, err
		}
		c = exact
		// A copied tail after a re-encoded head (see exactArgs).
		spec.noReorderDelay = c.tool != "" && p.cut.reorder > 0 && p.cut.Reencoded > 0
	}
	if c.tool == "" { // neither: the copied render
		t.endOnPicture(ctx, p, p.cut.at)
		c = t.renderArgs(p.src, tmp, spec, p.cut)
		spec.noReorderDelay = p.cut.reorder > 0
	}
	spec.pictures = p.cut.frames
	err = t.runRender(ctx, c, nil, spec, tmp)
	if err != nil && !isTaken(err) {
		return Cut{}, err
	}
	if p.cut.Drift == 0 {
		p.cut.Drift = t.drift(ctx, spec, p)
	}
	return p.cut, err
}

// runRender runs c, the render writing tmp, reports its progress, and
// renames tmp to spec.Output when it succeeded. extra become the child's
// file descriptors 3, 4, ... and are closed here once it has them.
func (t Tools) runRender(ctx context.Context, c ffcmd, extra []*os.File, spec RenderSpec, tmp string) error {
	// The child has its own copies; ours must go, or a writer feeding a
	// pipe would block forever should ffmpeg stop reading (or not start).
	closeExtra := func() {
		for _, f := range extra {
			f.Close()
		}
	}
	defer closeExtra()
	if c.err != nil {
		return c.err
	}
	cmd := command(ctx, c.tool, c.args...)
	cmd.ExtraFiles = extra
	stderr := &tailBuffer{max: 64 << 10}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := start(cmd); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &MissingError{Tool: "ffmpeg", GOOS: runtime.GOOS}
	}
	closeExtra()
	var prog progressParser
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if done, ok := prog.line(sc.Text()); ok && spec.Progress != nil {
			if prog.ended && spec.Total > 0 {
				// With -copyts the last out_time can be off; the end is the end.
				done = spec.Total
			}
			if spec.Total > 0 {
				done = min(done, spec.Total)
			}
			spec.Progress(done, spec.Total)
		}
	}
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return &FailedError{Tool: "ffmpeg", Action: "write the video", Detail: stderr.lastLine(), Err: err}
	}
	if c.fragmented() {
		return unfragment(ctx, tmp, spec.Output, spec.Replace, mp4.Options{NoReorderDelay: spec.noReorderDelay, VideoSamples: spec.pictures})
	}
	err = place(tmp, spec.Output, spec.Replace)
	if err != nil && !isTaken(err) {
		return fmt.Errorf("cannot save the video as %s: %w", spec.Output, err)
	}
	return err // nil, or a *TakenError: saved under another name
}

// releaser frees f's copied ranges (see release) a tenth of the file at a
// time: a hole punched per fragment cost 0.2 s on a 10-minute video (600
// calls on ext4), ten cost nothing, and the disk then needs the video's
// size and a tenth.
func releaser(f *os.File) func(off, n int64) {
	batch := int64(1 << 20)
	if st, err := f.Stat(); err == nil {
		batch = max(batch, st.Size()/10)
	}
	from, upto := int64(-1), int64(0)
	return func(off, n int64) {
		if from < 0 {
			from = off
		}
		upto = off + n
		if upto-from >= batch {
			release(f, from, upto-from)
			from = -1
		}
	}
}

// unfragment writes the fragmented MP4 frag as the ordinary MP4 final,
// through a second temporary file beside it (renamed when complete), and
// removes frag. On the same disk the media is copied by the kernel, and
// frag's space freed as it goes where the system allows (see release).
// opts are the rewrite's options but EndWithVideo and Copied, which it
// always sets.
func unfragment(ctx context.Context, frag, final string, replace bool, opts mp4.Options) error {
	src, err := os.OpenFile(frag, os.O_RDWR, 0) // writable, to free its space (release)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := CreateTemp(filepath.Dir(final), "."+filepath.Base(final)+".*.part")
	if err != nil {
		return fmt.Errorf("cannot write into the folder %s: %w", filepath.Dir(final), err)
	}
	opts.EndWithVideo, opts.Copied = true, releaser(src)
	err = mp4.Unfragment(ctx, dst, src, opts)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		src.Close() // Windows removes no open file
		os.Remove(frag)
		if err = place(dst.Name(), final, replace); isTaken(err) {
			return err
		}
	}
	if err != nil {
		os.Remove(dst.Name())
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return fmt.Errorf("cannot save the video as %s: %w", final, err)
	}
	return nil
}
