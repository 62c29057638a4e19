package media

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Tracks is where each track of the joined chunks starts, on the timeline of
// the concat list (0 = the first chunk's earliest packet). Broadcast chunks
// often carry audio that starts later (or earlier) than the video; MP4 can
// express that gap only with an edit list, which some players ignore.
type Tracks struct {
	HasVideo, HasAudio     bool
	VideoStart, AudioStart time.Duration
	AudioCodec             string // as ffprobe names it: aac, ac3, eac3, mp3, opus...
}

// Gap is how much later the audio starts than the video (negative: earlier).
func (tr Tracks) Gap() time.Duration {
	if !tr.HasVideo || !tr.HasAudio {
		return 0
	}
	return tr.AudioStart - tr.VideoStart
}

// Cut is where a fast-mode render really starts, as a presenter would want to
// be told: the output begins at Start on the source timeline (a keyframe, at
// or before what was asked unless the audio only begins later), and both
// tracks begin at zero in the file.
type Cut struct {
	Start time.Duration // output time 0 on the source timeline
	Asked time.Duration // what the presenter asked for
	Gap   time.Duration // measured audio start minus video start
	// Drift is how much longer the sound runs than the picture over the
	// whole stream, beyond the start gap (0 when not measured): a sound
	// clock that drifts puts sync off by that much at the end.
	Drift    time.Duration
	Duration time.Duration // output length when an end was given, else 0
	// Exact: the output starts on the very frame asked for. Reencoded is
	// how much of the start was re-encoded to get there (-1: all of it).
	Exact     bool
	Reencoded time.Duration

	// Holes are the stretches of the output where the source had no
	// sound, filled with silence (see soundPlan).
	Holes []Hole
	// PictureHoles are the stretches of the output where the source had
	// no picture (only sound): the picture before stays on screen.
	PictureHoles []Hole
	// Stretched is how much later (-: earlier) the sound ended than the
	// picture, both stamped by one clock, when the sound was stretched
	// onto the picture's clock to end with it; 0 when it was not.
	Stretched time.Duration
	// Converted is the source's sound codec (ac3, eac3, opus) when the
	// sound was encoded to AAC to play everywhere, else "".
	Converted string
	// Levelled is how the sound was evened out (RenderSpec.Loudness);
	// nil when it was not.
	Levelled *Levelled

	at    time.Duration // Start on the concat timeline
	sound soundFix      // how the render treats the sound (see soundPlan)
	// reorder is how long before it is shown the picture at at is
	// decoded (its pts minus its dts): 0 without B-frames, a frame or
	// two with them (x264's defaults). See renderArgs.
	reorder time.Duration
	// frames, when above 0, is how many pictures the copy keeps (see
	// endOnPicture).
	frames int
}

// reorderAt is the reorder delay of the picture shown at at (see
// Cut.reorder); 0 when no listed picture is shown there.
func reorderAt(pkts []videoPacket, at time.Duration) time.Duration {
	for _, p := range pkts {
		if (p.pts - at).Abs() <= 100*time.Microsecond {
			return max(p.pts-p.dts, 0)
		}
	}
	return 0
}

// probeList reads where each track of the source starts, and the origin of
// ffprobe's times: ffmpeg counts an input's time from its start (origin),
// while ffprobe shows timestamps as stored. The concat demuxer's timeline
// starts at zero anyway; a joined MPEG-TS stream starts wherever its
// encoder's clock stood.
func (t Tools) probeList(ctx context.Context, src source) (tr Tracks, origin time.Duration, err error) {
	out, err := t.ffprobe(src.url, src.opts, ffmpeg.KwArgs{"show_entries": "stream=codec_type,codec_name,start_time:format=start_time", "of": "json"}).
		output(ctx, "read the downloaded chunks", 1<<20)
	if err != nil {
		return Tracks{}, 0, err
	}
	var raw struct {
		Streams []struct {
			CodecType string `json:"codec_type"`
			CodecName string `json:"codec_name"`
			StartTime string `json:"start_time"`
		} `json:"streams"`
		Format struct {
			StartTime string `json:"start_time"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		return Tracks{}, 0, fmt.Errorf("reading ffprobe's answer: %w", err)
	}
	origin = seconds(raw.Format.StartTime)
	for _, s := range raw.Streams {
		switch {
		case s.CodecType == "video" && !tr.HasVideo:
			tr.HasVideo, tr.VideoStart = true, seconds(s.StartTime)-origin
		case s.CodecType == "audio" && !tr.HasAudio:
			tr.HasAudio, tr.AudioStart, tr.AudioCodec = true, seconds(s.StartTime)-origin, s.CodecName
		}
	}
	if !tr.HasVideo && !tr.HasAudio {
		return tr, 0, errors.New("the downloaded chunks hold neither video nor audio")
	}
	return tr, origin, nil
}

// videoPacket is one video packet on the concat timeline.
type videoPacket struct {
	pts time.Duration
	// dts is when the packet is decoded: before pts for a picture that
	// B-frames shown before it depend on. ffmpeg's output -ss drops a
	// copied packet by this time, not by pts (see Cut.reorder).
	dts time.Duration
	key bool
	// file counts the list's entries the packet came from, told by its byte
	// position starting again near zero (a concat list's; a joined
	// stream's is 0 throughout). Only a joined copy needs it (see
	// copyWindow), and checks it.
	file int
}

// listVideo lists the video packets on the concat timeline up to limit. It
// reads packets only (no decoding) from the start of the list: the concat
// demuxer cannot seek without per-file durations. Render lists start near
// the cut (see window), so this reads seconds, not hours.
func (t Tools) listVideo(ctx context.Context, src source, origin, limit time.Duration) ([]videoPacket, error) {
	out, err := t.ffprobe(src.url, src.opts, ffmpeg.KwArgs{"read_intervals": "%+" + secs6(limit), "select_streams": "v:0",
		"show_entries": "packet=pts_time,dts_time,pos,flags", "of": "csv=p=0"}).
		output(ctx, "read the downloaded chunks", 256<<20)
	if err != nil {
		return nil, err
	}
	var pkts []videoPacket
	file, last := 0, int64(-1)
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(strings.TrimSpace(line), ",")
		if len(f) < 4 || f[0] == "N/A" {
			continue
		}
		if pos, err := strconv.ParseInt(f[2], 10, 64); err == nil {
			if pos < last {
				file++
			}
			last = pos
		}
		pts := seconds(f[0]) - origin
		dts := pts // a stream without decode times decodes as it shows
		if f[1] != "N/A" {
			dts = seconds(f[1]) - origin
		}
		pkts = append(pkts, videoPacket{pts: pts, dts: dts, key: strings.HasPrefix(f[3], "K"), file: file})
	}
	slices.SortStableFunc(pkts, func(a, b videoPacket) int { return cmp.Compare(a.pts, b.pts) })
	return pkts, nil
}

func keyframesOf(pkts []videoPacket) []time.Duration {
	var keys []time.Duration
	for _, p := range pkts {
		if p.key {
			keys = append(keys, p.pts)
		}
	}
	return keys
}

// keyframeSearch is how far past the lower bound keyframes are looked for;
// broadcast encoders put one every few seconds.
const keyframeSearch = 30 * time.Second

// soundSlack is how late the sound may begin after the first picture and
// still count as playing with it: about one AAC frame (1024 samples at
// 48 kHz is 21.3 ms), less than players notice.
const soundSlack = 25 * time.Millisecond

// planCut chooses where the output starts. Stream copy can only start video
// on a keyframe, and a start anywhere else is written as an edit list that
// hides the frames before it; players that ignore edit lists would then show
// those frames with the audio shifted against them. So the output starts on
// a keyframe K, and the audio (moved by offset) must already be playing at
// K. K is the last keyframe at or before asked that satisfies this, or else
// the first one after the point where both tracks have content.
// Times in and out are on the concat timeline.
func planCut(tr Tracks, keys []time.Duration, asked, offset time.Duration) (time.Duration, error) {
	if !tr.HasVideo {
		return max(asked, tr.AudioStart), nil
	}
	lower := tr.VideoStart
	if tr.HasAudio {
		// Sound that begins within a frame of a keyframe counts as
		// playing there: a list cut from a running stream starts its
		// sound a few milliseconds after its first picture, and asking
		// for more skipped that whole first GOP (a second or more).
		lower = max(lower, tr.AudioStart+offset-soundSlack)
	}
	slices.Sort(keys)
	before, after := time.Duration(-1), time.Duration(-1)
	for _, k := range keys {
		switch {
		case k < lower:
		case k <= asked:
			before = k
		case after < 0:
			after = k
		}
	}
	switch {
	case before >= 0:
		return before, nil
	case after >= 0:
		return after, nil
	}
	return 0, errors.New("there is no video picture to start from after that point")
}

// window picks the first chunk a render needs to read: one before the chunk
// playing at the earlier of the start and the start minus the audio offset,
// by the playlist's durations (the timeline the previews use). base is that
// chunk's start on the same timeline. Without durations it is the first.
func window(spec RenderSpec) (first int, base time.Duration) {
	if len(spec.Durations) != len(spec.Chunks) {
		return 0, 0
	}
	from := min(spec.Start, spec.Start-spec.AudioOffset)
	var t time.Duration
	for i, d := range spec.Durations {
		first, base = i, t
		if t+d > from {
			break
		}
		t += d
	}
	if first > 0 { // one chunk of margin for durations that round
		first--
		base -= spec.Durations[first]
	}
	return first, base
}

// Span is the range of chunks a render of spec reads, first to last
// included: from the window's first to the one playing at End, plus one
// for durations that round. Without durations it is all of them.
func Span(spec RenderSpec) (first, last int) {
	first, _ = window(spec)
	last = len(spec.Chunks) - 1
	if spec.End > 0 && len(spec.Durations) == len(spec.Chunks) {
		var at time.Duration
		for i, d := range spec.Durations {
			if at > spec.End {
				last = min(i, last)
				break
			}
			at += d
		}
	}
	return first, last
}

// plan is what a render needs to know about its list.
type plan struct {
	list   string   // concat list of the chunks from the window on
	chunks []string // its entries
	// times are the lengths (or ends) the list gives its chunks, read
	// through the concat demuxer (see seamDurations, fragmentTimes); none
	// when read as one stream.
	times entryTimes
	// streams are the streams the list declares (see seamDurations).
	streams []int
	src     source        // how the render reads them
	tracks  Tracks        // on the list's timeline
	zero    time.Duration // the presenter's 0 on the list's timeline
	base    time.Duration // the list's start on the presenter's timeline
	origin  time.Duration // ffprobe's time of the list's start (see probeList)
	video   []videoPacket // video packets up to the search limit
	cut     Cut
	// Where the picture and the sound end, as stored, once drift has
	// read the last chunk (0 before).
	videoEnd, soundEnd time.Duration
}

// toList converts a presenter's time to the list's timeline, and back.
func (p *plan) toList(d time.Duration) time.Duration   { return d - p.base + p.zero }
func (p *plan) fromList(d time.Duration) time.Duration { return d - p.zero + p.base }

// PlanCut tells where a fast-mode render of spec starts (see planCut) without
// rendering anything, so the app can show where the cut really lands.
func (t Tools) PlanCut(ctx context.Context, spec RenderSpec) (Cut, error) {
	p, err := t.plan(ctx, spec, len(spec.Chunks))
	if err != nil {
		return Cut{}, err
	}
	return p.cut, nil
}

// plan reads the chunks from the window's first up to (not including) upto.
func (t Tools) plan(ctx context.Context, spec RenderSpec, upto int) (*plan, error) {
	first, base := window(spec)
	if len(spec.AudioChunks) > 0 && !(spec.OneStream && !spec.reencodes()) {
		// Two concat lists each start their own timeline at zero: they
		// line up only when both start at their first chunk.
		first, base = 0, 0
	}
	p := &plan{chunks: spec.Chunks[first:max(upto, first+1)], base: base}
	// Exact mode and burning place chunks the concat demuxer's way; ffmpeg
	// before 5.0 has no concatf to join them. A plain file's pieces are
	// always joined: one of them alone is no video.
	joined := spec.OneStream && (!spec.reencodes() || spec.Pieces) && atLeast(t.Major, t.Minor, 5, 0)
	var durations []time.Duration
	if len(spec.Durations) == len(spec.Chunks) {
		durations = spec.Durations[first : first+len(p.chunks)]
	}
	if spec.Fragmented {
		p.times = fragmentTimes(spec.Dir, true, p.chunks, durations)
	} else if !joined {
		p.times.durations, p.streams = seamDurations(spec.Dir, p.chunks, durations)
	}
	var err error
	if p.list, err = writeLayout(spec.Dir, spec.listName(ListName), p.chunks, p.times, p.streams); err != nil {
		return nil, err
	}
	p.src = concatSource(p.list)
	if joined {
		list, err := writeByteListAs(spec.Dir, spec.listName(ByteListName), p.chunks, spec.Fragmented)
		if err != nil {
			return nil, err
		}
		p.src = asPacked(byteSource(list, spec.Fragmented), filepath.Join(spec.Dir, p.chunks[0]))
		if spec.Pieces {
			p.src = pieceSource(list)
		}
	}
	var origin time.Duration
	if p.tracks, origin, err = t.probeList(ctx, p.src); err != nil {
		return nil, err
	}
	p.origin = origin
	if p.src.copyts {
		p.src.origin = origin
	}
	if len(spec.AudioChunks) > 0 {
		if err := t.addAudio(ctx, spec, p, origin); err != nil {
			return nil, err
		}
	}
	tr := p.tracks
	// The presenter's times count from the first picture (the first audio
	// sample when there is no video); the concat timeline counts from the
	// earliest packet of either track. Inside a window, the window's first
	// picture stands at base.
	p.zero = tr.VideoStart
	if !tr.HasVideo {
		p.zero = tr.AudioStart
	}
	asked := p.toList(spec.Start)
	if tr.HasVideo {
		limit := max(asked, tr.AudioStart+spec.AudioOffset) + keyframeSearch
		if p.video, err = t.listVideo(ctx, p.src, origin, limit); err != nil {
			return nil, err
		}
	}
	k, err := planCut(tr, keyframesOf(p.video), asked, spec.AudioOffset)
	if err != nil {
		return nil, err
	}
	p.cut = Cut{Start: p.fromList(k), Asked: spec.Start, Gap: tr.Gap(), at: k, reorder: reorderAt(p.video, k)}
	if err := p.setEnd(spec); err != nil {
		return nil, err
	}
	return p, nil
}

// setEnd sets the output length from the end the presenter asked for.
func (p *plan) setEnd(spec RenderSpec) error {
	p.cut.Duration = 0
	if spec.End > 0 {
		if spec.End <= p.cut.Start {
			return fmt.Errorf("the part between the cuts is too short: the video can only start at %s", clock(p.cut.Start))
		}
		p.cut.Duration = spec.End - p.cut.Start
	}
	return nil
}

// secs6 formats d for ffmpeg with microsecond precision: keyframe times must
// round-trip exactly.
func secs6(d time.Duration) string { return fmt.Sprintf("%.6f", d.Seconds()) }

// clock formats d as m:ss.s for messages.
func clock(d time.Duration) string {
	d = d.Round(100 * time.Millisecond)
	m := int(d / time.Minute)
	s := (d - time.Duration(m)*time.Minute).Seconds()
	return fmt.Sprintf("%d:%04.1f", m, s)
}

// addAudio makes p read its sound from the separate audio rendition: a list
// of its own (joined or concat, like the picture's), whose start is probed
// on the same clock as the picture's (origin).
func (t Tools) addAudio(ctx context.Context, spec RenderSpec, p *plan, origin time.Duration) error {
	var audio source
	if p.src.copyts {
		list, err := writeByteListAs(spec.Dir, spec.listName(audioByteListName), spec.AudioChunks, spec.Fragmented)
		if err != nil {
			return err
		}
		audio = asPacked(byteSource(list, spec.Fragmented), filepath.Join(spec.Dir, spec.AudioChunks[0]))
	} else {
		list, err := writeLayout(spec.Dir, spec.listName(audioListName), spec.AudioChunks, fragmentTimes(spec.Dir, spec.Fragmented, spec.AudioChunks, spec.AudioDurations), nil)
		if err != nil {
			return err
		}
		audio = concatSource(list)
	}
	tr, audioOrigin, err := t.probeList(ctx, audio)
	if err != nil {
		return err
	}
	if !tr.HasAudio {
		return errors.New("the separate audio of this stream holds no sound")
	}
	p.tracks.HasAudio = true
	p.tracks.AudioStart, p.tracks.AudioCodec = tr.AudioStart, tr.AudioCodec
	if p.src.copyts { // on the picture's clock
		p.tracks.AudioStart += audioOrigin - origin
	}
	p.src.audioURL = audio.url
	return nil
}

// drift compares where the tracks end, in the last chunk, with where they
// start: on one continuous clock the difference between the two gaps is
// how far the sound's timestamps drifted from the picture's. It is a
// measurement for the presenter, taken once the render is done (the last
// chunk is then on disk, and previews' plans need not pay for it), and 0
// when the last chunk cannot be read.
func (t Tools) drift(ctx context.Context, spec RenderSpec, p *plan) time.Duration {
	tr, origin := p.tracks, p.src.origin
	if !p.src.copyts || !tr.HasVideo || !tr.HasAudio || len(spec.AudioChunks) > 0 {
		return 0 // only one continuous clock says anything about drift
	}
	last := filepath.Join(spec.Dir, spec.Chunks[len(spec.Chunks)-1])
	out, err := t.ffprobe("file:"+last, ffmpeg.KwArgs{"show_entries": "packet=codec_type,pts_time,duration_time", "of": "csv=p=0"}).
		output(ctx, "read "+filepath.Base(last), 16<<20)
	if err != nil {
		return 0
	}
	var videoEnd, audioEnd time.Duration
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(strings.TrimSpace(line), ",")
		if len(f) < 3 || f[1] == "N/A" {
			continue
		}
		end := seconds(f[1]) + seconds(f[2])
		switch f[0] {
		case "video":
			videoEnd = max(videoEnd, end)
		case "audio":
			audioEnd = max(audioEnd, end)
		}
	}
	if videoEnd == 0 || audioEnd == 0 {
		return 0
	}
	p.videoEnd, p.soundEnd = videoEnd, audioEnd
	return (audioEnd - (origin + tr.AudioStart)) - (videoEnd - (origin + tr.VideoStart))
}
