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

// StreamInfo describes one stream of a local file.
type StreamInfo struct {
	Index      int
	Type       string // "video", "audio", ...
	Codec      string
	Profile    string // e.g. "Constrained Baseline", "High"
	PixFmt     string
	Start      time.Duration
	Duration   time.Duration
	Width      int
	Height     int
	FrameRate  float64
	SampleRate int
	Frames     int64 // from the container; 0 when it does not say
	// BFrames is how many pictures may come before one they depend on
	// (has_b_frames); 0: stored in the order they are shown.
	BFrames int
}

// Info describes a local media file.
type Info struct {
	Start    time.Duration
	Duration time.Duration
	Streams  []StreamInfo
}

// Stream returns the first stream of the given type.
func (i *Info) Stream(kind string) (StreamInfo, bool) {
	for _, s := range i.Streams {
		if s.Type == kind {
			return s, true
		}
	}
	return StreamInfo{}, false
}

// Probe describes the local file at path.
func (t Tools) Probe(ctx context.Context, path string) (*Info, error) {
	return t.probeURL(ctx, "file:"+path, "read "+path)
}

// probeURL describes what ffmpeg reads at url (a file, or files joined);
// action says what it was asked, in words, for a failure.
func (t Tools) probeURL(ctx context.Context, url, action string) (*Info, error) {
	out, err := t.ffprobe(url, ffmpeg.KwArgs{"show_streams": "", "show_format": "", "of": "json"}).
		output(ctx, action, 4<<20)
	if err != nil {
		return nil, err
	}
	var raw struct {
		Streams []struct {
			Index      int    `json:"index"`
			CodecType  string `json:"codec_type"`
			CodecName  string `json:"codec_name"`
			Profile    string `json:"profile"`
			PixFmt     string `json:"pix_fmt"`
			StartTime  string `json:"start_time"`
			Duration   string `json:"duration"`
			Width      int    `json:"width"`
			Height     int    `json:"height"`
			RFrameRate string `json:"r_frame_rate"`
			SampleRate string `json:"sample_rate"`
			NbFrames   string `json:"nb_frames"`
			HasBFrames int    `json:"has_b_frames"`
		} `json:"streams"`
		Format struct {
			StartTime string `json:"start_time"`
			Duration  string `json:"duration"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		return nil, fmt.Errorf("reading ffprobe's answer to %s: %w", action, err)
	}
	info := &Info{Start: seconds(raw.Format.StartTime), Duration: seconds(raw.Format.Duration)}
	for _, s := range raw.Streams {
		sr, _ := strconv.Atoi(s.SampleRate)
		nf, _ := strconv.ParseInt(s.NbFrames, 10, 64)
		info.Streams = append(info.Streams, StreamInfo{
			Index: s.Index, Type: s.CodecType, Codec: s.CodecName, Profile: s.Profile, PixFmt: s.PixFmt,
			Start: seconds(s.StartTime), Duration: seconds(s.Duration),
			Width: s.Width, Height: s.Height, FrameRate: rate(s.RFrameRate), SampleRate: sr, Frames: nf,
			BFrames: s.HasBFrames,
		})
	}
	return info, nil
}

// Keyframes lists the times of the video keyframes in a local file, read
// from packet flags (no decoding).
func (t Tools) Keyframes(ctx context.Context, path string) ([]time.Duration, error) {
	out, err := t.ffprobe("file:"+path, ffmpeg.KwArgs{"select_streams": "v:0", "show_entries": "packet=pts_time,flags", "of": "csv=p=0"}).
		output(ctx, "read "+path, 64<<20)
	if err != nil {
		return nil, err
	}
	return parseKeyframes(out), nil
}

// parseKeyframes reads ffprobe's packet=pts_time,flags CSV and keeps the
// keyframes' times.
func parseKeyframes(out []byte) []time.Duration {
	var keys []time.Duration
	for _, line := range strings.Split(string(out), "\n") {
		pts, flags, ok := strings.Cut(strings.TrimSpace(line), ",")
		if ok && strings.HasPrefix(flags, "K") {
			keys = append(keys, seconds(pts))
		}
	}
	return keys
}

func seconds(s string) time.Duration {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0
	}
	// ffprobe prints microseconds; round so that 2.000000 is exactly 2 s.
	return time.Duration(math.Round(f*1e6)) * time.Microsecond
}

func rate(s string) float64 {
	num, den, ok := strings.Cut(s, "/")
	n, err1 := strconv.ParseFloat(num, 64)
	if !ok {
		return n
	}
	d, err2 := strconv.ParseFloat(den, 64)
	if err1 != nil || err2 != nil || d == 0 {
		return 0
	}
	return n / d
}
