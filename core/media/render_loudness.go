package media

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Evening out the voice (RenderSpec.Loudness). Live-streamed speech is
// usually far quieter (or, from a phone's automatic gain, louder) than other
// video. The level podcast and video platforms use is -16 LUFS integrated
// with true peaks at or under -1.5 dBTP; ffmpeg's loudnorm gets there in two
// passes: the first only measures the sound that the video will hold (a
// short run that decodes the sound alone), the second applies a gain made
// for those measurements inside the render's one run, as the sound's other
// repairs are (render_sound.go). Given the measurements loudnorm applies one
// gain to the whole talk (its linear mode), which keeps the speaker's
// dynamics, whenever that gain keeps the peaks under the limit; otherwise
// (a quiet talk with loud peaks) it evens the level out as it goes, which is
// what a one-pass loudnorm would do everywhere. The picture stays copied.

const (
	// TargetLoudness is the integrated loudness the voice is brought to.
	TargetLoudness = -16.0 // LUFS
	// TargetPeak is the highest true peak the sound may reach.
	TargetPeak = -1.5 // dBTP
	// loudnessRange is loudnorm's usual range target; a wider measured
	// range is kept (up to loudnorm's most), so the gain can stay linear.
	loudnessRange, maxLoudnessRange = 11.0, 20.0
	// peakMargin: see loudness.options.
	peakMargin = 0.2
)

// Levelled is what evening out the sound did: its integrated loudness
// before (LUFS) and the gain applied to reach TargetLoudness (dB, + louder).
type Levelled struct {
	Before float64
	Gain   float64
}

// loudness are the first pass's measurements, as loudnorm's second pass
// takes them, and the sound's sample rate (loudnorm's output is 192 kHz,
// sampled back to the source's).
type loudness struct {
	I, TP, LRA, Thresh, Offset float64
	rate                       int
	// layout is the sound's channel layout (mono, stereo...), which
	// loudnorm's output (ffmpeg 5) no longer names, and the encoder then
	// cannot choose one; "" leaves it as loudnorm made it.
	layout string
}

// options are the second pass's filters for the measurements l: loudnorm
// given them, and aresample back to the source's rate.
func (l loudness) options() (norm, resample, format ffmpeg.KwArgs) {
	lra := min(max(loudnessRange, math.Ceil(l.LRA*10)/10), maxLoudnessRange)
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	// The peak aimed at is a little under the limit: the AAC encoder's
	// rounding may lift a true peak by a tenth of a dB or two.
	return ffmpeg.KwArgs{"I": f(TargetLoudness), "TP": f(TargetPeak - peakMargin), "LRA": f(lra),
			"measured_I": f(l.I), "measured_TP": f(l.TP), "measured_LRA": f(l.LRA),
			"measured_thresh": f(l.Thresh), "offset": f(l.Offset), "linear": "true"},
		ffmpeg.KwArgs{"osr": strconv.Itoa(l.rate)}, ffmpeg.KwArgs{"channel_layouts": l.layout}
}

// filters are options as a simple filtergraph's filters (-af).
func (l loudness) filters() []*ffmpeg.Node {
	norm, resample, format := l.options()
	nodes := []*ffmpeg.Node{filter("loudnorm", norm), filter("aresample", resample)}
	if l.layout != "" {
		nodes = append(nodes, filter("aformat", format))
	}
	return nodes
}

// apply is a evened out by l, in a filter graph.
func (l loudness) apply(a *ffmpeg.Stream) *ffmpeg.Stream {
	norm, resample, format := l.options()
	a = a.Filter("loudnorm", nil, norm).Filter("aresample", nil, resample)
	if l.layout != "" {
		a = a.Filter("aformat", nil, format)
	}
	return a
}

// measureFilter is loudnorm's first pass, which only measures.
func measureFilter() ffmpeg.KwArgs {
	return ffmpeg.KwArgs{"I": "-16", "TP": "-1.5", "LRA": "11", "print_format": "json"}
}

// measureLoudness is the first pass: it reads the sound as the render
// will (same shift, same span from p's cut, through the same repairs) and
// measures it with loudnorm, then sets p's sound to be encoded through the
// second pass. A talk whose sound is silent throughout is left as it is.
func (t Tools) measureLoudness(ctx context.Context, spec RenderSpec, p *plan) error {
	if !p.tracks.HasAudio {
		return nil
	}
	src := p.src
	rate, layout, err := t.soundFormat(ctx, src)
	if err != nil {
		return err
	}
	c := p.cut
	out := ffmpeg.KwArgs{"vn": "", "sn": "", "f": "null"}
	if from := c.at - c.reorder; from != 0 || src.copyts {
		out["ss"] = secs6(src.origin + from - 100*time.Microsecond)
	}
	// The sound the video holds ends with its picture (see unfragment):
	// sound moved later runs on past it, and is not measured.
	long := c.Duration
	if long == 0 && p.videoEnd > 0 {
		long = p.videoEnd - p.src.origin - c.at
	}
	if long > 0 {
		out["t"] = secs6(long + c.reorder)
	}
	out["af"] = chain(append(c.sound.repairs(), filter("loudnorm", measureFilter()))...)
	audio := src.sound(spec.AudioOffset-c.reorder, false).Get("a:0")
	l, err := t.loudnorm(ctx, ffmpeg.Output([]*ffmpeg.Stream{audio}, "-", out), src.copyts)
	if err != nil || l == nil {
		return err
	}
	l.rate, l.layout = rate, layout
	p.cut.sound.level = l
	p.cut.sound.encode = true
	p.cut.Levelled = l.levelled()
	return nil
}

// loudnorm runs the first pass written as out (its loudnorm measuring, its
// output discarded) and reads its measurements; nil for silence, which is
// left as it is.
func (t Tools) loudnorm(ctx context.Context, out *ffmpeg.Stream, copyts bool) (*loudness, error) {
	cmd := t.ffmpeg(out, ffRun{infoLog: true, strict: true, copyts: copyts})
	log, err := cmd.log(ctx, "measure how loud the sound is")
	if err != nil {
		return nil, err
	}
	l, err := parseLoudnorm(log)
	if err != nil {
		return nil, err
	}
	if math.IsInf(l.I, -1) || l.I < -69 {
		return nil, nil
	}
	return &l, nil
}

func (l loudness) levelled() *Levelled { return &Levelled{Before: l.I, Gain: TargetLoudness - l.I} }

// levelJoined evens out a joined render's sound: the first pass reads
// the joined sound alone (out.sound, the parts' sounds joined as the render
// joins them, no picture decoded), the second is added to the sound the
// render writes.
func (t Tools) levelJoined(ctx context.Context, out *joinOutput, rate int, layout string) (*Levelled, error) {
	if out.sound == nil || len(out.streams) < 2 {
		return nil, nil
	}
	measure := out.sound.Filter("loudnorm", nil, measureFilter())
	l, err := t.loudnorm(ctx, ffmpeg.Output([]*ffmpeg.Stream{measure}, "-", ffmpeg.KwArgs{"f": "null"}), true)
	if err != nil || l == nil {
		return nil, err
	}
	l.rate, l.layout = rate, layout
	out.streams[1] = l.apply(out.streams[1])
	return l.levelled(), nil
}

// joinedSound is the parts' sounds joined as the render joins them (end to
// end, or each join cross-faded over fade samples), without the pictures:
// what the first pass measures.
func joinedSound(sounds []*ffmpeg.Stream, fade int64) *ffmpeg.Stream {
	if fade <= 0 {
		return ffmpeg.Filter(sounds, "concat", nil, ffmpeg.KwArgs{"n": strconv.Itoa(len(sounds)), "v": "0", "a": "1"})
	}
	a := sounds[0]
	for _, s := range sounds[1:] {
		a = ffmpeg.Filter([]*ffmpeg.Stream{a, s}, "acrossfade", nil,
			ffmpeg.KwArgs{"ns": strconv.FormatInt(fade, 10), "c1": "tri", "c2": "tri"})
	}
	return a
}

// parseLoudnorm reads loudnorm's JSON report, the last {...} of its log.
func parseLoudnorm(log string) (loudness, error) {
	end := strings.LastIndex(log, "}")
	start := strings.LastIndex(log[:max(end, 0)], "{")
	if start < 0 || end < 0 {
		return loudness{}, fmt.Errorf("ffmpeg's loudnorm gave no measurement")
	}
	var raw map[string]string
	if err := json.Unmarshal([]byte(log[start:end+1]), &raw); err != nil {
		return loudness{}, fmt.Errorf("reading loudnorm's measurement: %w", err)
	}
	num := func(k string) float64 {
		v, err := strconv.ParseFloat(strings.TrimSpace(raw[k]), 64)
		if err != nil {
			return math.Inf(-1) // "-inf" for silence
		}
		return v
	}
	return loudness{I: num("input_i"), TP: num("input_tp"), LRA: max(num("input_lra"), 0),
		Thresh: num("input_thresh"), Offset: num("target_offset")}, nil
}

// soundFormat is the sample rate (48 kHz when not said) and channel layout
// ("" when not known) of src's sound.
func (t Tools) soundFormat(ctx context.Context, src source) (rate int, layout string, err error) {
	url := src.url
	if src.audioURL != "" {
		url = src.audioURL
	}
	out, err := t.ffprobe(url, src.opts, ffmpeg.KwArgs{"select_streams": "a:0", "show_entries": "stream=sample_rate,channels,channel_layout", "of": "json"}).
		output(ctx, "read the sound of the downloaded chunks", 1<<16)
	if err != nil {
		return 0, "", err
	}
	var raw struct {
		Streams []struct {
			SampleRate string `json:"sample_rate"`
			Channels   int    `json:"channels"`
			Layout     string `json:"channel_layout"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &raw); err != nil || len(raw.Streams) == 0 {
		return 48000, "", nil
	}
	s := raw.Streams[0]
	if rate, _ = strconv.Atoi(s.SampleRate); rate <= 0 {
		rate = 48000
	}
	layout = s.Layout
	if layout == "" || layout == "unknown" {
		layout = map[int]string{1: "mono", 2: "stereo"}[s.Channels]
	}
	return rate, layout, nil
}
