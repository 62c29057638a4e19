package media

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Joining several broadcasts of one talk (the phone's app crashed and the
// talk went on in a new broadcast) into one MP4, in one ffmpeg run. Each
// part is read from its own job folder (its chunks joined as one stream when
// they are one encoder run, else through a concat list), its sound through a
// second read shifted by the part's own audio offset (each phone had its
// own), and trimmed to its window on the very frames asked for, on the
// timestamps ffprobe read (-copyts). The parts are joined with the concat filter, which needs decoded
// pictures: the joined video is encoded once (H.264, AAC). Parts from
// different phones differ in size and profile, which one MP4 track cannot
// hold copied, and the per-part sound shifts and exact cuts at the joins
// need decoding anyway. Parts from the same phone, joined without a fade,
// are copied instead (see join_copy.go).
//
// No desync at a join: every part's sound is cut, padded with silence where
// the part has none (sound shifted later, a part without sound) and cut
// again to exactly its pictures' length, so each part starts its picture
// and its sound together on the joined timeline, and pictures follow each
// other one frame apart across the joins.

// JoinSpec describes a joined render.
type JoinSpec struct {
	// Parts are the talk's parts in play order, each described as for its
	// own render: Dir, Chunks, Durations, AudioChunks, AudioOffset, and its
	// window Start to End (End 0: to the part's end) on its own timeline.
	Parts  []RenderSpec
	Output string
	// Replace lets the video replace a file at Output (see RenderSpec).
	Replace bool
	// Crossfade, when above zero, overlaps the end of each part with the
	// start of the next for that long, picture (xfade) and sound
	// (acrossfade) alike, rounded to whole frames; 0 joins them end to end.
	Crossfade time.Duration
	// Reencode encodes the picture even when the parts' could be copied
	// (see copyJoinArgs).
	Reencode bool
	// Exact cuts each part on the very frames of its window, encoding
	// only the pictures between a cut and the next keyframe where it can
	// (see join_smart.go); else it starts on the keyframe at or before.
	Exact bool
	// Loudness evens out the joined sound (see levelJoined).
	Loudness bool
	Progress func(done, total time.Duration)
}

// JoinedPart is where a part landed in a joined render.
type JoinedPart struct {
	Start    time.Duration // its first picture, on the part's own timeline
	At       time.Duration // where that picture is in the output
	Duration time.Duration // how long the part plays in the output
	Frames   int           // its pictures kept
	Width    int           // its picture size before joining
	Height   int
	Gap      time.Duration // measured audio start minus video start
}

// Joined is the outcome of a joined render.
type Joined struct {
	Parts         []JoinedPart
	Duration      time.Duration
	Width, Height int
	// Levelled is how the sound was evened out (JoinSpec.Loudness).
	Levelled *Levelled
	// Encoded and Copied are how many pictures a smart join (see
	// join_smart.go) encoded and copied; both 0 for other joins.
	Encoded, Copied int
}

// joinPart is what the render needs to know about one part.
type joinPart struct {
	p      *plan
	first  time.Duration // first kept picture on the list's timeline
	last   time.Duration // last kept picture on the list's timeline
	frames int
	rate   float64 // pictures per second
	width  int
	height int
	sound  int           // sample rate; 0: no sound
	video  StreamInfo    // its first chunk's picture
	pkts   []videoPacket // its list's pictures up to the end cut
}

// ErrNoPicture means a part has no picture between its cuts.
var ErrNoPicture = errors.New("no picture between the cuts")

// ErrTooShortToFade means a part is too short for the cross-fades it takes
// part in.
var ErrTooShortToFade = errors.New("a part is shorter than its cross-fades")

// RenderJoined writes spec.Output from the parts in one ffmpeg run (see
// above), through a temporary name renamed only when ffmpeg succeeded.
func (t Tools) RenderJoined(ctx context.Context, spec JoinSpec) (Joined, error) {
	if len(spec.Parts) == 0 {
		return Joined{}, errors.New("there are no parts to join")
	}
	// A copy reads the parts through the concat demuxer (its inpoint and
	// outpoint cut them); an encode reads each as one joined stream.
	mode, err := t.joinMode(ctx, spec)
	if err != nil {
		return Joined{}, err
	}
	parts, err := t.planParts(ctx, spec, mode == joinEncode)
	if err != nil {
		return Joined{}, err
	}
	var res Joined
	var out joinOutput
	switch mode {
	case joinCopy:
		res, out, err = t.copyJoinArgs(ctx, spec, parts)
	case joinSmart:
		res, out, err = t.smartJoinArgs(ctx, spec, parts)
	}
	defer removeAll(out.temp)
	if mode != joinEncode && err != nil && ctx.Err() == nil {
		// Not copyable after all (or not safely): encoded once.
		mode = joinEncode
		if parts, err = t.planParts(ctx, spec, true); err != nil {
			return Joined{}, err
		}
	}
	if mode == joinEncode {
		res, out, err = t.joinArgs(ctx, spec, parts)
	}
	if err != nil {
		return Joined{}, err
	}
	if spec.Loudness {
		if res.Levelled, err = t.levelJoined(ctx, &out, soundRate(parts), "stereo"); err != nil {
			return Joined{}, err
		}
	}
	tmp, err := tempOutput(spec.Output)
	if err != nil {
		return Joined{}, err
	}
	defer os.Remove(tmp)
	out.opts["f"] = "mp4"
	// -copyts: the trims pick pictures by the times ffprobe read for them
	// (see joinArgs, copyJoinArgs).
	c := t.render(out.streams, tmp, out.opts, true)
	rs := RenderSpec{Output: spec.Output, Replace: spec.Replace, Total: res.Duration, Progress: spec.Progress, noReorderDelay: out.noReorderDelay}
	if err := t.runRender(ctx, c, nil, rs, tmp); err != nil && !isTaken(err) {
		return Joined{}, err
	} else if err != nil {
		return res, err // a *TakenError: saved, under another name
	}
	return res, nil
}

// planParts plans every part of spec (see planPart).
func (t Tools) planParts(ctx context.Context, spec JoinSpec, joined bool) ([]joinPart, error) {
	parts := make([]joinPart, len(spec.Parts))
	tagPieces(spec.Parts)
	for i, ps := range spec.Parts {
		jp, err := t.planPart(ctx, ps, joined)
		if err != nil {
			return nil, fmt.Errorf("part %d: %w", i+1, err)
		}
		parts[i] = jp
	}
	return parts, nil
}

// planPart reads one part's list: where its tracks start, and which of its
// pictures fall between its cuts. With joined, a part that is one encoder
// run is read as one joined stream with its own timestamps (as a single
// render reads it) rather than through the concat demuxer, which places
// each chunk by its probed length: B-frames and the sound's own start made
// that up to three frames off per chunk (a 240-s talk lasted 244 s).
func (t Tools) planPart(ctx context.Context, spec RenderSpec, joined bool) (joinPart, error) {
	if !joined {
		spec.OneStream = false
	}
	spec.Exact, spec.Burn, spec.Ready = false, nil, nil
	_, last := Span(spec)
	spec.Chunks = spec.Chunks[:last+1]
	if len(spec.Durations) > last {
		spec.Durations = spec.Durations[:last+1]
	}
	p, err := t.plan(ctx, spec, len(spec.Chunks))
	if err != nil {
		return joinPart{}, err
	}
	if !p.tracks.HasVideo {
		return joinPart{}, errors.New("it holds no picture")
	}
	from := p.toList(spec.Start)
	to := time.Duration(math.MaxInt64)
	limit := 24 * time.Hour
	if spec.End > 0 {
		to = p.toList(spec.End)
		limit = to + time.Second
	}
	pkts, err := t.listVideo(ctx, p.src, p.origin, limit)
	if err != nil {
		return joinPart{}, err
	}
	// A millisecond of slack for times rounded to microseconds.
	const slack = time.Millisecond
	jp := joinPart{p: p, first: -1, pkts: pkts}
	for _, pk := range pkts {
		if pk.pts >= from-slack && pk.pts < to-slack {
			if jp.first < 0 {
				jp.first = pk.pts
			}
			jp.last = pk.pts
			jp.frames++
		}
	}
	if jp.frames == 0 {
		return joinPart{}, ErrNoPicture
	}
	info, err := t.Probe(ctx, filepath.Join(spec.Dir, p.chunks[0]))
	if err != nil {
		return joinPart{}, err
	}
	v, _ := info.Stream("video")
	jp.video = v
	jp.width, jp.height, jp.rate = v.Width, v.Height, v.FrameRate
	if jp.rate <= 0 || jp.rate > 240 {
		jp.rate = 30
	}
	if p.tracks.HasAudio {
		jp.sound = 48000
		if a, ok := info.Stream("audio"); ok && a.SampleRate > 0 {
			jp.sound = a.SampleRate
		}
	}
	return jp, nil
}

// joinOutput is what a joined render writes: its streams, and its output
// options but the format.
type joinOutput struct {
	streams []*ffmpeg.Stream
	opts    ffmpeg.KwArgs
	// sound is the joined sound alone, for measuring its loudness
	// (see levelJoined).
	sound *ffmpeg.Stream
	// noReorderDelay: the MP4 rewrite shows the first picture at zero
	// (see RenderSpec.noReorderDelay); the output is then fragmented.
	noReorderDelay bool
	// temp are files made for the render, removed once it is done.
	temp []string
}

// joinArgs builds the joined render's output, and tells where each part
// lands. The output takes the first part's picture size, frame rate and
// sample rate; other sizes are scaled to fit and padded (black bars),
// other rates converted.
func (t Tools) joinArgs(ctx context.Context, spec JoinSpec, parts []joinPart) (Joined, joinOutput, error) {
	first := parts[0]
	w, h, rate := first.width&^1, first.height&^1, first.rate
	if w <= 0 || h <= 0 {
		return Joined{}, joinOutput{}, errors.New("the first part's picture size cannot be read")
	}
	sound := soundRate(parts)
	res := Joined{Width: w, Height: h}
	// The fade in whole frames, so that pictures stay one frame apart, and
	// the sound's fade exactly as long, so that both tracks overlap alike.
	fadeFrames := 0
	if spec.Crossfade > 0 && len(parts) > 1 {
		fadeFrames = max(1, int(math.Round(spec.Crossfade.Seconds()*rate)))
	}
	fade := time.Duration(float64(fadeFrames) / rate * float64(time.Second))
	// -copyts (see RenderJoined): the decoded pictures keep the times
	// ffprobe read for them (listVideo), so the trims below pick exactly
	// the pictures counted. Without it ffmpeg moves each input by a start
	// of its own choosing, which with B-frames is not ffprobe's: a picture
	// was lost at a cut.
	var videos, sounds []*ffmpeg.Stream
	width, height := strconv.Itoa(w), strconv.Itoa(h)
	for i, jp := range parts {
		ps := spec.Parts[i]
		// The part's length is its pictures' at the output's frame rate.
		frames := jp.frames
		if math.Abs(jp.rate-rate) > 0.01 {
			frames = int(math.Round(float64(jp.frames) * rate / jp.rate))
		}
		long := time.Duration(float64(frames) / rate * float64(time.Second))
		samples := int64(float64(frames) / rate * float64(sound))
		half := time.Duration(float64(time.Second) / jp.rate / 2)

		org := jp.p.origin // the list's times are counted from it (listVideo)
		v := jp.p.src.input().Get("v:0").
			Filter("trim", nil, ffmpeg.KwArgs{"start": secs6(max(org+jp.first-half, 0)), "end": secs6(org + jp.last + half)}).
			Filter("setpts", ffmpeg.Args{"PTS-STARTPTS"})
		// xfade needs the same frame rate and time base on both sides.
		if math.Abs(jp.rate-rate) > 0.01 || fadeFrames > 0 {
			v = v.Filter("fps", ffmpeg.Args{fmt.Sprintf("%.6f", rate)})
		}
		v = v.Filter("scale", ffmpeg.Args{width, height}, ffmpeg.KwArgs{"force_original_aspect_ratio": "decrease"}).
			Filter("pad", ffmpeg.Args{width, height, "(ow-iw)/2", "(oh-ih)/2"}).
			Filter("setsar", ffmpeg.Args{"1"}).
			Filter("format", ffmpeg.Args{"yuv420p"})
		if fadeFrames > 0 {
			joinsFaded := 1
			if i > 0 && i < len(parts)-1 {
				joinsFaded = 2
			}
			if frames <= joinsFaded*fadeFrames {
				return Joined{}, joinOutput{}, fmt.Errorf("part %d: %w", i+1, ErrTooShortToFade)
			}
		}
		if i > 0 {
			res.Duration -= fade
		}
		res.Parts = append(res.Parts, JoinedPart{
			Start: jp.p.fromList(jp.first), At: res.Duration, Duration: long, Frames: frames,
			Width: jp.width, Height: jp.height, Gap: jp.p.tracks.Gap(),
		})
		res.Duration += long
		videos = append(videos, v)
		sounds = append(sounds, partSound(jp, ps, i, sound, samples))
	}
	var v, a *ffmpeg.Stream
	if fadeFrames == 0 {
		v, a = concat(videos, sounds)
	} else {
		v, a = crossfades(videos, sounds, res.Parts, fade, samplesOf(fade, sound))
	}
	// No B-frames: their reordering delay would need an edit list, which
	// some players ignore. Frame times are kept as the graph made them.
	out := encodeOptions(t.VideoEncoder(ctx), "18", "yuv420p")
	maps.Copy(out, ffmpeg.KwArgs{"c:a": "aac", "b:a": "128k", keepFrameTimes(t): "passthrough", "movflags": "+faststart"})
	var fadeSamples int64
	if fadeFrames > 0 {
		fadeSamples = samplesOf(fade, sound)
	}
	return res, joinOutput{streams: []*ffmpeg.Stream{v, a}, opts: out, sound: joinedSound(sounds, fadeSamples)}, nil
}

// concat joins the parts' pictures and sounds end to end.
func concat(videos, sounds []*ffmpeg.Stream) (v, a *ffmpeg.Stream) {
	var in []*ffmpeg.Stream
	for i := range videos {
		in = append(in, videos[i], sounds[i])
	}
	joined := ffmpeg.FilterMultiOutput(in, "concat", nil, ffmpeg.KwArgs{"n": strconv.Itoa(len(videos)), "v": "1", "a": "1"})
	// Its outputs in order: ffmpeg-go writes them sorted by label.
	return joined.Get("0"), joined.Get("1")
}

// soundRate is the output's sample rate: the first part with sound's.
func soundRate(parts []joinPart) int {
	if i := slices.IndexFunc(parts, func(p joinPart) bool { return p.sound > 0 }); i >= 0 {
		return parts[i].sound
	}
	return 48000
}

// partSound is part i's sound, samples long from its first picture, at the
// output's sample rate sound.
func partSound(jp joinPart, ps RenderSpec, i, sound int, samples int64) *ffmpeg.Stream {
	if !jp.p.tracks.HasAudio {
		return silence(i, sound).
			Filter("atrim", nil, ffmpeg.KwArgs{"end_sample": strconv.FormatInt(samples, 10)}).
			Filter("aformat", nil, ffmpeg.KwArgs{"sample_fmts": "fltp"})
	}
	// Cut at the first picture, count from there, fill what is missing
	// with silence, and end with the last picture. The sound is read apart
	// from the picture even unshifted: a part read once for both tracks
	// made a cross-faded join of B-frame parts three pictures longer.
	first := jp.p.origin + jp.first // as read, with -copyts
	return cutFade(ps, sound, samples, jp.p.src.sound(ps.AudioOffset, true).Get("a:0").
		Filter("atrim", nil, ffmpeg.KwArgs{"start": secs6(max(first, 0))}).
		Filter("asetpts", ffmpeg.Args{"PTS-" + secs6(first) + "/TB"}).
		Filter("aresample", ffmpeg.Args{strconv.Itoa(sound)}, ffmpeg.KwArgs{"async": "1", "first_pts": "0"}).
		Filter("aformat", nil, ffmpeg.KwArgs{"sample_fmts": "fltp", "channel_layouts": "stereo"}).
		Filter("apad", nil).
		Filter("atrim", nil, ffmpeg.KwArgs{"end_sample": strconv.FormatInt(samples, 10)}))
}

// silence is the sound of part i, which has none. ffmpeg-go takes filters
// with equal options fed alike for one, and one anullsrc feeding two parts
// would need an asplit, which keeps a later part's silence in memory while
// the earlier ones play: so each part's anullsrc makes frames of its own
// size (1024 samples and the part's number), which changes nothing heard
// (the encoder takes the samples in frames of its own).
func silence(i, sound int) *ffmpeg.Stream {
	return Source("anullsrc", ffmpeg.KwArgs{"r": strconv.Itoa(sound), "cl": "stereo", "n": strconv.Itoa(1024 + i)})
}

// crossfades joins the parts' pictures and sounds, each join overlapping
// the end of one part with the start of the next by fade (samples of
// sound): xfade starts where the next part lands (its At).
func crossfades(videos, sounds []*ffmpeg.Stream, parts []JoinedPart, fade time.Duration, samples int64) (v, a *ffmpeg.Stream) {
	v, a = videos[0], sounds[0]
	for i := 1; i < len(parts); i++ {
		// One picture more on the first side (a copy of its last): ffmpeg
		// 5's xfade otherwise drops the fade's last picture.
		padded := v.Filter("tpad", nil, ffmpeg.KwArgs{"stop": "1", "stop_mode": "clone"})
		v = ffmpeg.Filter([]*ffmpeg.Stream{padded, videos[i]}, "xfade", nil,
			ffmpeg.KwArgs{"transition": "fade", "duration": secs6(fade), "offset": secs6(parts[i].At)})
		a = ffmpeg.Filter([]*ffmpeg.Stream{a, sounds[i]}, "acrossfade", nil,
			ffmpeg.KwArgs{"ns": strconv.FormatInt(samples, 10), "c1": "tri", "c2": "tri"})
	}
	return v, a
}

// samplesOf is d in samples at rate.
func samplesOf(d time.Duration, rate int) int64 {
	return int64(math.Round(d.Seconds() * float64(rate)))
}
