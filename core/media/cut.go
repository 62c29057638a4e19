package media

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Tracks is where each track of the joined chunks starts, on the timeline of
// the concat list (0 = the first chunk's earliest packet). Broadcast chunks
// often carry audio that starts later (or earlier) than the video; MP4 can
// express that gap only with an edit list, which some players ignore.
type Tracks struct {
	HasVideo, HasAudio     bool
	VideoStart, AudioStart time.Duration
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
	Start    time.Duration // output time 0 on the source timeline
	Asked    time.Duration // what the presenter asked for
	Gap      time.Duration // measured audio start minus video start
	Duration time.Duration // output length when an end was given, else 0

	at time.Duration // Start on the concat timeline
}

// probeList reads stream start times of the concat list. The concat demuxer
// rebases every chunk onto one timeline, the same one the render uses.
func (t Tools) probeList(ctx context.Context, list string) (Tracks, error) {
	out, err := output(ctx, t.FFprobe, "read the downloaded chunks", 1<<20,
		"-v", "error", "-f", "concat", "-safe", "0", "-protocol_whitelist", "file,pipe",
		"-show_entries", "stream=codec_type,start_time", "-of", "json", list)
	if err != nil {
		return Tracks{}, err
	}
	var raw struct {
		Streams []struct {
			CodecType string `json:"codec_type"`
			StartTime string `json:"start_time"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		return Tracks{}, fmt.Errorf("reading ffprobe's answer: %w", err)
	}
	var tr Tracks
	for _, s := range raw.Streams {
		switch {
		case s.CodecType == "video" && !tr.HasVideo:
			tr.HasVideo, tr.VideoStart = true, seconds(s.StartTime)
		case s.CodecType == "audio" && !tr.HasAudio:
			tr.HasAudio, tr.AudioStart = true, seconds(s.StartTime)
		}
	}
	if !tr.HasVideo && !tr.HasAudio {
		return tr, errors.New("the downloaded chunks hold neither video nor audio")
	}
	return tr, nil
}

// listKeyframes lists video keyframe times on the concat timeline up to
// limit. It reads packets only (no decoding) from the start of the list: the
// concat demuxer cannot seek without per-file durations, and demuxing is
// cheap next to the download.
func (t Tools) listKeyframes(ctx context.Context, list string, limit time.Duration) ([]time.Duration, error) {
	out, err := output(ctx, t.FFprobe, "read the downloaded chunks", 256<<20,
		"-v", "error", "-f", "concat", "-safe", "0", "-protocol_whitelist", "file,pipe",
		"-read_intervals", "%+"+secs6(limit), "-select_streams", "v:0",
		"-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", list)
	if err != nil {
		return nil, err
	}
	return parseKeyframes(out), nil
}

// keyframeSearch is how far past the lower bound keyframes are looked for;
// broadcast encoders put one every few seconds.
const keyframeSearch = 30 * time.Second

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
		lower = max(lower, tr.AudioStart+offset)
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

// PlanCut tells where a fast-mode render of spec starts (see planCut) without
// rendering anything, so the app can show where the cut really lands.
func (t Tools) PlanCut(ctx context.Context, spec RenderSpec) (Cut, error) {
	list, err := writeList(spec.Dir, spec.Chunks)
	if err != nil {
		return Cut{}, err
	}
	return t.planList(ctx, list, spec)
}

func (t Tools) planList(ctx context.Context, list string, spec RenderSpec) (Cut, error) {
	tr, err := t.probeList(ctx, list)
	if err != nil {
		return Cut{}, err
	}
	// The presenter's times count from the first picture (the first audio
	// sample when there is no video); the concat timeline counts from the
	// earliest packet of either track.
	zero := tr.VideoStart
	if !tr.HasVideo {
		zero = tr.AudioStart
	}
	asked := zero + spec.Start
	var keys []time.Duration
	if tr.HasVideo {
		limit := max(asked, tr.AudioStart+spec.AudioOffset) + keyframeSearch
		if keys, err = t.listKeyframes(ctx, list, limit); err != nil {
			return Cut{}, err
		}
	}
	k, err := planCut(tr, keys, asked, spec.AudioOffset)
	if err != nil {
		return Cut{}, err
	}
	c := Cut{Start: k - zero, Asked: spec.Start, Gap: tr.Gap(), at: k}
	if spec.End > 0 {
		if spec.End <= c.Start {
			return Cut{}, fmt.Errorf("the part between the cuts is too short: the video can only start at %s", clock(c.Start))
		}
		c.Duration = spec.End - c.Start
	}
	return c, nil
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
