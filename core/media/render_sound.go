package media

import (
	"context"
	"fmt"
	"strings"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Repairing the sound in the render's one ffmpeg run. The sound is copied
// as it is whenever it can be: bit for bit, and a 3-hour talk copies in
// seconds where encoding it takes minutes on a laptop. It is encoded to AAC
// (the picture still copied) only when it must be:
//
//   - Holes. A live encoder whose sound input drops out sends no sound
//     for a while, both streams still declared. Copied, the MP4's sound
//     track just has a hole in its timestamps: players that play the
//     sound's frames back to back (many do, and every editor's import)
//     are then early by the hole for the rest of the talk. The holes are
//     found first, from the sound's packet times (no decoding); only then
//     is the sound encoded, through aresample, which fills every hole
//     longer than its min_hard_comp with silence, so the sound is
//     continuous and as long as the picture.
//   - Drift. A sound card whose clock runs slow stamps its samples by
//     their count, so the sound's timestamps end ever earlier than the
//     picture's. When they end more than driftLimit apart, the sound's
//     timestamps are stretched onto the picture's clock (asetpts) and
//     aresample stretches the samples to fit (its soft compensation).
//   - A codec a presenter cannot play everywhere. MP4 may hold AC-3,
//     E-AC-3 and Opus, but browsers and many players and editors do not
//     decode them inside MP4 (Firefox plays neither AC-3 nor E-AC-3,
//     QuickTime before macOS 14 no Opus): those are encoded to AAC. AAC
//     and MP3 play everywhere and are copied.
//
// aresample would fill the holes of any sound; it runs only when the sound
// is encoded anyway, which the holes alone decide, because encoding every
// sound to find none would cost every render the encoding.

// driftLimit is the drift past which the sound is stretched: within it
// sync stays within what viewers notice (and the checks' 40 ms).
const driftLimit = 40 * time.Millisecond

// holeToTell is the shortest hole the presenter is told of. Every hole
// longer than two sound frames is filled; shorter than this, they are the
// seams of chunks read through the concat demuxer (which leaves a frame or
// two between B-frame chunks, in both tracks) or too short to notice.
const holeToTell = 500 * time.Millisecond

// Hole is a stretch of the output where the source had no sound; the
// render fills it with silence.
type Hole struct {
	At     time.Duration // where it starts in the output
	Length time.Duration
}

// soundFix is how a render treats the sound (see Cut.sound).
type soundFix struct {
	encode  bool    // encoded to AAC, else copied
	notAAC  bool    // the source's sound is not AAC (copied without aac_adtstoasc)
	stretch float64 // > 0: the sound's timestamps are scaled by this first
	// padTo > 0: the sound ends before the picture; silence is added up
	// to this length, counted from the sound's first sample.
	padTo time.Duration
	// level, when set, evens out the loudness with loudnorm's second
	// pass (see measureLoudness).
	level *loudness
}

// copiedCodecs are the sound codecs copied into the MP4 as they are.
var copiedCodecs = map[string]bool{"aac": true, "mp3": true}

// codecFix is how a sound of tr's codec is treated without repairs.
func codecFix(tr Tracks) soundFix {
	return soundFix{notAAC: tr.AudioCodec != "aac", encode: tr.HasAudio && !copiedCodecs[tr.AudioCodec]}
}

// converted is the codec the sound is converted from (see Cut.Converted).
func converted(tr Tracks) string {
	if codecFix(tr).encode {
		return tr.AudioCodec
	}
	return ""
}

// soundArgs sets out's sound options: copied, or encoded to AAC through
// the filters that repair it.
func (f soundFix) soundArgs(out ffmpeg.KwArgs) {
	if !f.encode {
		out["c:a"] = "copy"
		if !f.notAAC {
			// ADTS in MPEG-TS; the bitstream filter passes MP4's own
			// AAC through unchanged.
			out["bsf:a"] = "aac_adtstoasc"
		}
		return
	}
	out["c:a"] = "aac"
	out["b:a"] = "160k"
	filters := f.repairs()
	if f.level != nil {
		filters = append(filters, f.level.filters()...)
	}
	out["af"] = chain(filters...)
}

// repairs are the filters that repair the sound when it is encoded.
func (f soundFix) repairs() []*ffmpeg.Node {
	var filters []*ffmpeg.Node
	async := "1" // fill holes (and trim overlaps) only
	if f.stretch > 0 {
		filters = append(filters, filter("asetpts", nil, fmt.Sprintf("STARTPTS+(PTS-STARTPTS)*%.6f", f.stretch)))
		// Samples may be stretched by up to 1000 a second (2% at
		// 48 kHz), far more than any sound card drifts.
		async = "1000"
	}
	// Holes longer than two AAC frames (43 ms) become silence; smaller
	// differences are the jitter of timestamps, not missing sound.
	filters = append(filters, filter("aresample", ffmpeg.KwArgs{"async": async, "min_hard_comp": "0.045"}))
	if f.padTo > 0 {
		filters = append(filters, filter("apad", ffmpeg.KwArgs{"whole_dur": secs6(f.padTo)}))
	}
	return filters
}

// soundPlan decides how p's render treats the sound (see soundFix), and
// tells the cut what is repaired: the holes on the output's timeline, the
// drift that is stretched away, the codec that is converted. It reads the
// sound's packet times from the cut on, so it runs only once every chunk
// the render reads is on disk.
func (t Tools) soundPlan(ctx context.Context, spec RenderSpec, p *plan) error {
	tr := p.tracks
	if !tr.HasAudio {
		return nil
	}
	fix := codecFix(tr)
	p.cut.Converted = converted(tr)
	// The cut on the sound's own timeline, and the output's end on it.
	from := p.cut.at - spec.AudioOffset
	upto := time.Duration(1<<62 - 1)
	if p.cut.Duration > 0 {
		upto = from + p.cut.Duration
	}
	src := p.src
	if src.audioURL != "" {
		src.url = src.audioURL
	}
	// The packets up to a little past the end cut (all of them without
	// one): a trim near the start of a long talk reads seconds, not hours.
	limit := time.Duration(0)
	if p.cut.Duration > 0 {
		limit = max(p.cut.at, from) + p.cut.Duration + keyframeSearch
	}
	pkts, pictures, err := t.listSound(ctx, src, p.src.origin, limit, tr.HasVideo && p.src.audioURL == "")
	if err != nil {
		return err
	}
	if tr.HasVideo && p.src.audioURL != "" {
		if pictures, err = t.listPictures(ctx, p.src, limit); err != nil {
			return err
		}
	}
	p.cut.PictureHoles = pictureHoles(pictures, p.cut.at, p.cut.at+(upto-from))
	for i := 1; i < len(pkts); i++ {
		prev, next := pkts[i-1], pkts[i]
		end := prev.pts + prev.duration
		if next.pts-end <= 2*prev.duration || next.pts <= from || end >= upto {
			continue
		}
		at, until := max(end, from), min(next.pts, upto)
		fix.encode = true
		if until-at >= holeToTell {
			p.cut.Holes = append(p.cut.Holes, Hole{At: at - from, Length: until - at})
		}
	}

	if t.drift(ctx, spec, p) != 0 {
		// One clock stamps both tracks, which play together from the
		// cut on: the sound ending elsewhere than the picture is its
		// clock drifting (it stamps its samples by their count) or, far
		// more than a clock drifts, the sound stopping early.
		d := p.soundEnd - p.videoEnd
		// On the list's timeline: where the picture ends, where the
		// sound ends, and how long both play.
		videoEnd, soundEnd := p.videoEnd-p.src.origin, p.soundEnd-p.src.origin
		span := videoEnd - max(tr.VideoStart, tr.AudioStart)
		// Each track's end is known to one of its frames: the sound's
		// last frame often runs on past the last picture.
		var frame time.Duration
		if len(pkts) > 0 {
			frame = pkts[0].duration
		}
		switch {
		case d.Abs() <= driftLimit+2*frame || span <= 0:
		case -d > span/100:
			// Silence up to the picture's end (and a little more: the
			// MP4 ends with the picture anyway), counted from the
			// sound's first sample, read from the list's start.
			fix.encode = true
			fix.padTo = videoEnd - spec.AudioOffset - tr.AudioStart + 100*time.Millisecond
			if at := soundEnd - from; at < upto-from {
				p.cut.Holes = append(p.cut.Holes, Hole{At: max(at, 0), Length: min(videoEnd, upto) - max(soundEnd, from)})
			}
		case d.Abs() <= span/100:
			fix.encode = true
			fix.stretch = float64(span) / float64(span+d)
			p.cut.Stretched = d
		}
	}
	p.cut.sound = fix
	if spec.Loudness {
		return t.measureLoudness(ctx, spec, p)
	}
	return nil
}

// soundPacket is one sound packet on the list's timeline.
type soundPacket struct{ pts, duration time.Duration }

// listSound lists the sound's packets on the list's timeline, in order,
// up to limit (0: all): packets only, no decoding. With pictures, the
// times the pictures are shown come from the same pass (see pictureHoles).
func (t Tools) listSound(ctx context.Context, src source, origin, limit time.Duration, pictures bool) ([]soundPacket, []time.Duration, error) {
	opts := ffmpeg.KwArgs{"select_streams": "a:0", "show_entries": "packet=codec_type,stream_index,pts_time,duration_time", "of": "csv=p=0"}
	if pictures {
		// ffprobe reads every packet anyway: listing the first
		// picture track's too costs no second pass.
		delete(opts, "select_streams")
	}
	if limit > 0 {
		opts["read_intervals"] = "%+" + secs6(limit)
	}
	out, err := t.ffprobe(src.url, src.opts, opts).output(ctx, "read the sound of the downloaded chunks", 1<<30)
	if err != nil {
		return nil, nil, err
	}
	var pkts []soundPacket
	var shown []time.Duration
	first := map[string]string{} // the first stream of each kind
	for _, line := range strings.Split(string(out), "\n") {
		// ffprobe writes a packet's fields in its own order.
		f := strings.Split(strings.TrimSpace(line), ",")
		if len(f) < 4 || f[2] == "N/A" {
			continue
		}
		if _, ok := first[f[0]]; !ok {
			first[f[0]] = f[1]
		}
		if first[f[0]] != f[1] {
			continue
		}
		switch f[0] {
		case "audio":
			if f[3] != "N/A" {
				pkts = append(pkts, soundPacket{pts: seconds(f[2]) - origin, duration: seconds(f[3])})
			}
		case "video":
			shown = append(shown, seconds(f[2])-origin)
		}
	}
	return pkts, shown, nil
}
