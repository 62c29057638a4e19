package media

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Exact mode ("smart cut"). Stream copy can only start on a keyframe, which
// may be seconds before the frame the presenter chose. Exact mode re-encodes
// only the frames from the chosen one to the start of the next chunk that
// opens with a keyframe (a few seconds at most), and copies everything after
// it: the head is one extra, short ffmpeg run, the render stays one pass over
// the talk. The head is encoded with the source's codec, profile and pixel
// format and without B-frames, so the joined stream decodes cleanly.

const (
	headName      = "render-head.ts"
	videoListName = "render-video.ffconcat"
	headListName  = "render-head.ffconcat"
)

// chunkInfo is one chunk's place on the concat list's timeline.
type chunkInfo struct {
	offset     time.Duration // where the concat demuxer puts the chunk's start
	start      time.Duration // the chunk's own earliest timestamp
	duration   time.Duration // as the concat demuxer counts it
	videoStart time.Duration // the chunk's own first video timestamp; -1: no video
	codec      string
	profile    string
	pixFmt     string
}

// firstPicture is where the chunk's first video packet lands on the list's
// timeline.
func (c chunkInfo) firstPicture() time.Duration { return c.offset + c.videoStart - c.start }

func (t Tools) probeChunk(ctx context.Context, path string) (chunkInfo, error) {
	info, err := t.Probe(ctx, path)
	if err != nil {
		return chunkInfo{}, err
	}
	c := chunkInfo{start: info.Start, duration: info.Duration, videoStart: -1}
	if v, ok := info.Stream("video"); ok {
		c.videoStart, c.codec, c.profile, c.pixFmt = v.Start, v.Codec, v.Profile, v.PixFmt
	}
	return c, nil
}

// x264Profile maps ffprobe's H.264 profile names to libx264's.
func x264Profile(p string) string {
	switch p {
	case "Constrained Baseline", "Baseline":
		return "baseline"
	case "Main":
		return "main"
	case "High 10":
		return "high10"
	case "High 4:2:2":
		return "high422"
	case "High 4:4:4 Predictive":
		return "high444"
	}
	return "high"
}

// exactArgs plans an exact start. When the chosen frame is a keyframe it
// only moves the plan's cut there and returns no command (the normal
// render does it). Otherwise it encodes the head and returns the render's
// command; cleanup removes the head and its lists.
func (t Tools) exactArgs(ctx context.Context, spec RenderSpec, p *plan, tmp string) (c ffcmd, cleanup func(), err error) {
	cleanup = func() {
		for _, n := range []string{headName, videoListName, headListName} {
			os.Remove(filepath.Join(spec.Dir, n))
		}
	}
	from, err := p.exactStart(spec)
	if err != nil || from < 0 {
		return ffcmd{}, cleanup, err
	}
	at := p.cut.at
	if p.video[from].key {
		return ffcmd{}, cleanup, nil
	}
	if spec.Pieces {
		// A plain file's pieces are byte ranges: no chunk boundary to
		// join a re-encoded head at.
		return t.fullEncodeArgs(ctx, p, spec, tmp, ""), cleanup, nil
	}

	// Where each chunk sits, up to the first chunk after the cut that opens
	// with a keyframe.
	isKey := map[time.Duration]bool{}
	for _, v := range p.video {
		if v.key {
			isKey[v.pts.Round(time.Millisecond)] = true
		}
	}
	var chunks []chunkInfo
	var offset time.Duration
	head, next := -1, -1
	for i, name := range p.chunks {
		c, err := t.probeChunk(ctx, filepath.Join(spec.Dir, name))
		if err != nil {
			return ffcmd{}, cleanup, err
		}
		if d, ok := p.times.durations[name]; ok { // the list's length for it
			c.duration = d
		}
		c.offset = offset
		offset += c.duration
		chunks = append(chunks, c)
		if c.offset <= at {
			head = i
			continue
		}
		if c.videoStart >= 0 && isKey[c.firstPicture().Round(time.Millisecond)] {
			next = i
			break
		}
		if c.offset > at+keyframeSearch {
			break
		}
	}
	// The copied pictures' reorder delay (B-frames): the head's pictures
	// are decoded that much before they are shown too (see below).
	var reorder time.Duration
	if next >= 0 {
		reorder = reorderAt(p.video, chunks[next].firstPicture())
	}
	if head < 0 || next < 0 || chunks[head].codec != "h264" || t.VideoEncoder(ctx) != "libx264" ||
		(reorder > 0 && !atLeast(t.Major, t.Minor, 4, 4)) {
		// No chunk boundary to join at, a codec we do not re-encode, no
		// libx264 to make a head that matches the source's profile, or
		// no setts to delay it like the copied pictures (ffmpeg 4.3):
		// re-encode the whole picture from the cut instead.
		return t.fullEncodeArgs(ctx, p, spec, tmp, ""), cleanup, nil
	}
	p.cut.Reencoded = chunks[next].offset - at
	p.cut.reorder = reorder
	t.endOnPicture(ctx, p, chunks[next].firstPicture())

	// The head: the frames from the cut to the next chunk, re-encoded.
	headList, err := writeLayout(spec.Dir, headListName, p.chunks[head:next], p.times, p.streams)
	if err != nil {
		return ffcmd{}, cleanup, err
	}
	h := chunks[head]
	// ffmpeg's -y writes through whatever is at the name: start afresh.
	os.Remove(filepath.Join(spec.Dir, headName))
	// The source's codec, profile and pixel format, no B-frames.
	out := encodeOptions("libx264", "16", h.pixFmt)
	maps.Copy(out, ffmpeg.KwArgs{"profile:v": x264Profile(h.profile), keepFrameTimes(t): "passthrough",
		"an": "", "ss": secs6(max(at-h.offset-500*time.Microsecond, 0)), "f": "mpegts"})
	var pictures []int // the picture's stream, when the lists declare theirs
	if len(p.streams) > 0 {
		// The head's picture on the copied picture's PID, so that the
		// video list (which declares it, see seamDurations) reads both.
		pictures = p.streams[:1]
		out["streamid"] = fmt.Sprintf("0:%d", pictures[0])
	}
	if reorder > 0 {
		// The copied pictures after the head are decoded reorder before
		// they are shown; the head's, encoded without B-frames, when
		// shown. Joined as they are, the first copied keyframe would be
		// decoded before the head's last pictures (ffmpeg refuses the
		// file). Shown reorder later, the head is decoded as the copy
		// is: the render then cuts at its first decode time, and the MP4
		// rewrite shows it at zero (see renderArgs).
		// setts's TB is the encoder's time base while the packets it
		// changes are in the muxer's (ffmpeg 5.1): both MPEG-TS's 90 kHz.
		out["bsf:v"] = fmt.Sprintf("setts=pts=PTS+%s/TB", secs6(reorder))
		out["enc_time_base:v"] = "1:90000"
	}
	headRun := ffmpeg.Output([]*ffmpeg.Stream{concatSource(headList).input().Get("v:0")}, filepath.Join(spec.Dir, headName), out)
	if _, err := t.ffmpeg(headRun, ffRun{strict: true, replace: true}).output(ctx, "re-encode the first seconds", 1<<20); err != nil {
		return ffcmd{}, cleanup, err
	}
	// The picture: the head, given exactly the length up to the next chunk
	// so every later chunk keeps its place, then the chunks as they are.
	entries := append([]string{headName}, p.chunks[next:]...)
	lengths := maps.Clone(p.times.durations)
	if lengths == nil {
		lengths = map[string]time.Duration{}
	}
	lengths[headName] = chunks[next].offset - at
	videoList, err := writeLayout(spec.Dir, videoListName, entries, entryTimes{durations: lengths, outpoints: p.times.outpoints}, pictures)
	if err != nil {
		return ffcmd{}, cleanup, err
	}
	// The sound: the whole list, moved so that the cut is at zero (less
	// the reorder delay, as renderArgs reads it); the output's -ss drops
	// what falls before the head's first decode time.
	video, _ := concatSource(videoList).inputs(0)
	_, audio := p.src.inputs(spec.AudioOffset - at - reorder)
	ss := "0"
	if reorder > 0 {
		ss = secs6(-reorder - 100*time.Microsecond)
	}
	out = mp4Output(ffmpeg.KwArgs{"c": "copy", "ss": ss}, p.cut.sound)
	if p.cut.Duration > 0 {
		out["t"] = secs6(p.cut.Duration + reorder)
	}
	endPictures(out, p.cut)
	return t.render([]*ffmpeg.Stream{video, audio}, tmp, out, false), cleanup, nil
}

// exactStart moves p's cut to the first picture at or after the asked
// start (where the sound, moved by the offset, already plays) and returns
// its index in p.video; -1 when there is no picture track (sound starts
// on any packet already).
func (p *plan) exactStart(spec RenderSpec) (int, error) {
	tr := p.tracks
	if !tr.HasVideo {
		return -1, nil
	}
	lower := tr.VideoStart
	if tr.HasAudio {
		lower = max(lower, tr.AudioStart+spec.AudioOffset)
	}
	asked := max(p.toList(spec.Start), lower)
	// The first picture at or after the asked time. Packet times are in
	// microseconds; allow for rounding.
	from := -1
	for i, v := range p.video {
		if v.pts >= asked-100*time.Microsecond {
			from = i
			break
		}
	}
	if from < 0 {
		return -1, fmt.Errorf("there is no picture after %s", clock(spec.Start))
	}
	at := p.video[from].pts
	p.cut.at, p.cut.Start, p.cut.Exact = at, p.fromList(at), true
	p.cut.reorder = reorderAt(p.video, at)
	return from, p.setEnd(spec)
}

// fullEncodeArgs re-encodes the whole picture from the cut (sound copied):
// slow, but exact wherever the stream allows no join.
// vf, when set, is a filtergraph drawn on the picture (burned-in chat).
func (t Tools) fullEncodeArgs(ctx context.Context, p *plan, spec RenderSpec, tmp, vf string) ffcmd {
	p.cut.Reencoded = -1
	video, audio := p.src.inputs(spec.AudioOffset)
	// No B-frames: their reordering delay would need an edit list.
	out := encodeOptions(t.VideoEncoder(ctx), "18", "")
	maps.Copy(out, mp4Output(ffmpeg.KwArgs{"ss": secs6(max(p.cut.at-500*time.Microsecond, 0))}, p.cut.sound))
	if vf != "" {
		out["vf"] = vf
	}
	if p.cut.Duration > 0 {
		out["t"] = secs6(p.cut.Duration)
	}
	return t.render([]*ffmpeg.Stream{video, audio}, tmp, out, false)
}

// keepFrameTimes is the option that keeps each frame's time as it was:
// fps_mode since ffmpeg 5.1, vsync before.
func keepFrameTimes(t Tools) string {
	if atLeast(t.Major, t.Minor, 5, 1) {
		return "fps_mode"
	}
	return "vsync"
}
