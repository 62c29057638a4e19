// Package sample is the built-in sample broadcast: a short "talk" made with
// ffmpeg's test sources, cut into HLS chunks, and served on loopback the way
// Periscope served replays (an access API handing out cookies, a cookie-gated
// playlist and chunks). The demo, the window's "Try the sample broadcast" and
// the integration tests all use it.
package sample

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"

	"replayrescue/core/media"
)

// formatVersion changes whenever the generated media changes, so old caches
// are not reused.
const formatVersion = 3

// MediaOptions describe the sample to make. Zero values pick the defaults.
type MediaOptions struct {
	FFmpeg        string        // path to ffmpeg
	Duration      time.Duration // default 10 min
	ChunkDuration time.Duration // default 3 s
	// AudioLead is how far the audio content runs ahead of the picture (the
	// seed broadcast's was 2 s). Default 2 s; set NoLead for none.
	AudioLead time.Duration
	NoLead    bool
	CacheDir  string // default: the user cache dir + replayrescue/sample
	Width     int    // default 640
	Height    int    // default 360
	// Encoder is the video encoder to make it with (media.Tools.Encoder:
	// what this ffmpeg has); "" is libx264.
	Encoder string
	// Style is how the picture is encoded: "" as a phone app does (x264
	// ultrafast: no B-frames, a keyframe every second), "studio" as OBS and
	// most studio encoders do (x264's defaults: B-frames, a keyframe every
	// 2 s), "open-gop" the same with open GOPs. libx264 only.
	Style string
	// Rate is the frame rate (default 30).
	Rate int
	// CalmStart leaves out the flash at 0 s: the built-in sample opens on
	// the talk's picture, not on a white one (its beep would come before
	// the broadcast began, so the flash marks nothing there).
	CalmStart bool
}

// Chunk is one generated MPEG-TS chunk.
type Chunk struct {
	Name     string
	Duration time.Duration
	Size     int64
}

// Media is a generated sample on disk.
type Media struct {
	Dir           string
	Chunks        []Chunk
	ChunkDuration time.Duration
	Duration      time.Duration
	AudioLead     time.Duration
}

func (o *MediaOptions) defaults() error {
	if o.FFmpeg == "" {
		return errors.New("sample: no ffmpeg given")
	}
	if o.Duration <= 0 {
		o.Duration = 10 * time.Minute
	}
	if o.ChunkDuration <= 0 {
		o.ChunkDuration = 3 * time.Second
	}
	if o.AudioLead == 0 && !o.NoLead {
		o.AudioLead = 2 * time.Second
	}
	if o.NoLead {
		o.AudioLead = 0
	}
	if o.Width <= 0 || o.Height <= 0 {
		o.Width, o.Height = 640, 360
	}
	if o.Rate <= 0 {
		o.Rate = 30
	}
	if o.CacheDir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		o.CacheDir = filepath.Join(base, "replayrescue", "sample")
	}
	return nil
}

func (o *MediaOptions) key() string {
	s := fmt.Sprintf("v%d %d %d %d %dx%d", formatVersion, o.Duration, o.ChunkDuration, o.AudioLead, o.Width, o.Height)
	if o.Encoder != "" && o.Encoder != "libx264" {
		s += " " + o.Encoder
	}
	if o.Style != "" || o.Rate != 30 {
		s += fmt.Sprintf(" %s %d", o.Style, o.Rate)
	}
	if o.CalmStart {
		s += " calm"
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

const indexName = "sample.json"

// Generate makes the sample described by opts, or reuses it from the cache.
// Concurrent callers (parallel test packages) may race: each generates into
// its own temporary folder and the first rename wins.
func Generate(ctx context.Context, opts MediaOptions) (*Media, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	dir := filepath.Join(opts.CacheDir, opts.key())
	if m, err := load(dir); err == nil {
		return m, nil
	}
	if err := os.MkdirAll(opts.CacheDir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the sample folder: %w", err)
	}
	tmp, err := os.MkdirTemp(opts.CacheDir, ".gen-")
	if err != nil {
		return nil, fmt.Errorf("cannot create the sample folder: %w", err)
	}
	defer os.RemoveAll(tmp)
	m, err := generate(ctx, opts, tmp)
	if err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Someone else finished first; theirs is as good as ours.
		if existing, lerr := load(dir); lerr == nil {
			return existing, nil
		}
		return nil, fmt.Errorf("cannot store the sample: %w", err)
	}
	m.Dir = dir
	return m, nil
}

func load(dir string) (*Media, error) {
	data, err := os.ReadFile(filepath.Join(dir, indexName))
	if err != nil {
		return nil, err
	}
	var m Media
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	m.Dir = dir
	return &m, nil
}

// picture draws a talk: a light slide with a few lines of "text" on a dark
// stage, the speaker's camera (testsrc2 with its running clock) in a corner,
// and a one-frame white flash every 5 s as a sync marker (from 5 s with
// CalmStart).
func picture(o MediaOptions) *ffmpeg.Stream {
	w, h, d := o.Width, o.Height, fmt.Sprintf("%.3f", o.Duration.Seconds())
	box := func(s *ffmpeg.Stream, x, y, bw, bh any, color string) *ffmpeg.Stream {
		return s.Filter("drawbox", nil, ffmpeg.KwArgs{"x": x, "y": y, "w": bw, "h": bh, "color": color, "t": "fill"})
	}
	slide := media.Source("color", ffmpeg.KwArgs{"c": "0x0b1d2e", "s": fmt.Sprintf("%dx%d", w, h), "r": o.Rate, "d": d})
	slide = box(slide, w/16, h/10, w*9/16, h*7/10, "0xf1faee")         // slide
	slide = box(slide, w/16+w/32, h/10+h/16, w*7/16, h/14, "0x1d3557") // title bar
	slide = box(slide, w/16+w/32, h/10+h/4, w*6/16, h/30, "0x457b9d")  // text lines
	slide = box(slide, w/16+w/32, h/10+h/4+h/12, w*7/16, h/30, "0x457b9d")
	slide = box(slide, w/16+w/32, h/10+h/4+h/6, w*5/16, h/30, "0x457b9d")
	cam := media.Source("testsrc2", ffmpeg.KwArgs{"s": "320x180", "r": o.Rate, "d": d}).
		Filter("scale", ffmpeg.Args{strconv.Itoa(w / 4 &^ 1), strconv.Itoa(h / 4 &^ 1)})
	talk := ffmpeg.Filter([]*ffmpeg.Stream{slide, cam}, "overlay", nil, ffmpeg.KwArgs{"x": w * 11 / 16, "y": h * 6 / 10})
	flash := "lt(mod(t,5),0.034)"
	if o.CalmStart {
		flash += "*gte(t,1)"
	}
	return talk.Filter("drawbox", nil, ffmpeg.KwArgs{"x": 0, "y": 0, "w": "iw", "h": "ih", "color": "white", "t": "fill",
		"enable": flash})
}

// sound is a quiet, speech-like hum (far below -20 dBFS) with a loud 100 ms
// 1 kHz beep every 5 s, placed AudioLead before each flash.
func sound(o MediaOptions) *ffmpeg.Stream {
	// The 1000 s bias keeps mod()'s argument positive for any lead.
	lead := o.AudioLead.Seconds() + 1000
	expr := fmt.Sprintf("if(lt(mod(t+%.3f,5),0.1),0.6*sin(2*PI*1000*t),0.02*sin(2*PI*140*t)*(0.6+0.4*sin(2*PI*3*t)))", lead)
	return media.Source("aevalsrc", ffmpeg.KwArgs{"exprs": expr, "s": "48000", "d": fmt.Sprintf("%.3f", o.Duration.Seconds())})
}

func generate(ctx context.Context, o MediaOptions, dir string) (*Media, error) {
	// ultrafast (which also means no B-frames) with libx264, as always;
	// the other encoders are told "no B-frames" themselves.
	out := ffmpeg.KwArgs{"c:v": "libx264", "preset": "ultrafast", "force_key_frames": "expr:gte(t,n_forced*1)"}
	gop := o.Rate
	switch {
	case o.Encoder != "" && o.Encoder != "libx264":
		out = ffmpeg.KwArgs{"c:v": o.Encoder, "bf": "0", "force_key_frames": "expr:gte(t,n_forced*1)"}
	case o.Style == "studio", o.Style == "open-gop":
		// x264's own defaults (preset medium: 3 B-frames, b-pyramid),
		// a keyframe every 2 s as streaming hosts ask.
		out = ffmpeg.KwArgs{"c:v": "libx264", "preset": "medium"}
		gop = 2 * o.Rate
		if o.Style == "open-gop" {
			out["x264-params"] = "open-gop=1"
		}
	}
	if o.Encoder == "mpeg4" {
		// HLS asks for global headers, so mpeg4 would put its VOL header
		// (the picture size) only in extradata, which MPEG-TS never sends:
		// no chunk would decode. dump_extra repeats it at each keyframe.
		out["bsf:v"] = "dump_extra"
	}
	maps.Copy(out, ffmpeg.KwArgs{"pix_fmt": "yuv420p", "g": gop, "keyint_min": gop, "sc_threshold": "0",
		"b:v": "450k", "maxrate": "500k", "bufsize": "1000k",
		"c:a": "aac", "b:a": "64k", "ar": "48000",
		"f": "hls", "hls_time": fmt.Sprintf("%.3f", o.ChunkDuration.Seconds()), "hls_playlist_type": "vod",
		"hls_segment_filename": filepath.Join(dir, "chunk_%06d.ts")})
	hls := ffmpeg.Output([]*ffmpeg.Stream{picture(o), sound(o)}, filepath.Join(dir, "gen.m3u8"), out)
	if err := media.RunFFmpeg(ctx, o.FFmpeg, "make the sample broadcast", hls); err != nil {
		var failed *media.FailedError
		if errors.As(err, &failed) {
			return nil, fmt.Errorf("could not make the sample broadcast with ffmpeg: %s", failed.Detail)
		}
		return nil, err
	}
	m := &Media{Dir: dir, ChunkDuration: o.ChunkDuration, AudioLead: o.AudioLead}
	f, err := os.Open(filepath.Join(dir, "gen.m3u8"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var dur time.Duration
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "#EXTINF:"); ok {
			secs, _ := strconv.ParseFloat(strings.TrimSuffix(v, ","), 64)
			dur = time.Duration(secs * float64(time.Second))
			continue
		}
		if strings.HasPrefix(line, "chunk_") {
			st, err := os.Stat(filepath.Join(dir, line))
			if err != nil {
				return nil, err
			}
			m.Chunks = append(m.Chunks, Chunk{Name: line, Duration: dur, Size: st.Size()})
			m.Duration += dur
		}
	}
	if len(m.Chunks) == 0 {
		return nil, errors.New("ffmpeg made no chunks for the sample broadcast")
	}
	data, _ := json.MarshalIndent(m, "", " ")
	if err := os.WriteFile(filepath.Join(dir, indexName), data, 0o600); err != nil {
		return nil, err
	}
	return m, nil
}
