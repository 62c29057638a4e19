// Package sample is the built-in sample broadcast: a short "talk" made with
// ffmpeg's test sources, cut into HLS chunks, and served on loopback the way
// Periscope served replays (an access API handing out cookies, a cookie-gated
// playlist and chunks). The demo, the window's "Try the sample broadcast" and
// the integration tests all use it.
package sample

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

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

// filters draws a talk: a light slide with a few lines of "text" on a dark
// stage, the speaker's camera (testsrc2 with its running clock) in a corner,
// and a one-frame white flash every 5 s as a sync marker.
func filters(o MediaOptions) string {
	w, h := o.Width, o.Height
	return fmt.Sprintf(
		"[0:v]drawbox=x=%d:y=%d:w=%d:h=%d:color=0xf1faee:t=fill,"+
			"drawbox=x=%d:y=%d:w=%d:h=%d:color=0x1d3557:t=fill,"+
			"drawbox=x=%d:y=%d:w=%d:h=%d:color=0x457b9d:t=fill,"+
			"drawbox=x=%d:y=%d:w=%d:h=%d:color=0x457b9d:t=fill,"+
			"drawbox=x=%d:y=%d:w=%d:h=%d:color=0x457b9d:t=fill[slide];"+
			"[1:v]scale=%d:%d[cam];[slide][cam]overlay=x=%d:y=%d,"+
			"drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(t\\,5)\\,0.034)'[v]",
		w/16, h/10, w*9/16, h*7/10, // slide
		w/16+w/32, h/10+h/16, w*7/16, h/14, // title bar
		w/16+w/32, h/10+h/4, w*6/16, h/30, // text lines
		w/16+w/32, h/10+h/4+h/12, w*7/16, h/30,
		w/16+w/32, h/10+h/4+h/6, w*5/16, h/30,
		w/4&^1, h/4&^1, w*11/16, h*6/10)
}

// audio is a quiet, speech-like hum (far below -20 dBFS) with a loud 100 ms
// 1 kHz beep every 5 s, placed AudioLead before each flash.
func audio(o MediaOptions) string {
	// The 1000 s bias keeps mod()'s argument positive for any lead.
	lead := o.AudioLead.Seconds() + 1000
	return fmt.Sprintf("aevalsrc='if(lt(mod(t+%.3f\\,5)\\,0.1)\\,0.6*sin(2*PI*1000*t)\\,0.02*sin(2*PI*140*t)*(0.6+0.4*sin(2*PI*3*t)))':s=48000:d=%.3f",
		lead, o.Duration.Seconds())
}

func generate(ctx context.Context, o MediaOptions, dir string) (*Media, error) {
	d := fmt.Sprintf("%.3f", o.Duration.Seconds())
	// ultrafast (which also means no B-frames) with libx264, as always;
	// the other encoders are told "no B-frames" themselves.
	encode := []string{"-c:v", "libx264", "-preset", "ultrafast"}
	gop := []string{"-g", "%d", "-keyint_min", "%d", "-sc_threshold", "0", "-force_key_frames", "expr:gte(t,n_forced*1)"}
	gopLen := o.Rate
	switch {
	case o.Encoder != "" && o.Encoder != "libx264":
		encode = []string{"-c:v", o.Encoder, "-bf", "0"}
	case o.Style == "studio", o.Style == "open-gop":
		// x264's own defaults (preset medium: 3 B-frames, b-pyramid),
		// a keyframe every 2 s as streaming hosts ask.
		encode = []string{"-c:v", "libx264", "-preset", "medium"}
		gop = []string{"-g", "%d", "-keyint_min", "%d", "-sc_threshold", "0"}
		gopLen = 2 * o.Rate
		if o.Style == "open-gop" {
			encode = append(encode, "-x264-params", "open-gop=1")
		}
	}
	gop[1], gop[3] = strconv.Itoa(gopLen), strconv.Itoa(gopLen)
	if o.Encoder == "mpeg4" {
		// HLS asks for global headers, so mpeg4 would put its VOL header
		// (the picture size) only in extradata, which MPEG-TS never sends:
		// no chunk would decode. dump_extra repeats it at each keyframe.
		encode = append(encode, "-bsf:v", "dump_extra")
	}
	args := []string{"-hide_banner", "-nostdin", "-loglevel", "error",
		"-f", "lavfi", "-i", fmt.Sprintf("color=c=0x0b1d2e:s=%dx%d:r=%d:d=%s", o.Width, o.Height, o.Rate, d),
		"-f", "lavfi", "-i", fmt.Sprintf("testsrc2=s=320x180:r=%d:d=%s", o.Rate, d),
		"-f", "lavfi", "-i", audio(o),
		"-filter_complex", filters(o),
		"-map", "[v]", "-map", "2:a",
	}
	args = append(args, encode...)
	args = append(args,
		"-pix_fmt", "yuv420p")
	args = append(args, gop...)
	args = append(args,
		"-b:v", "450k", "-maxrate", "500k", "-bufsize", "1000k",
		"-c:a", "aac", "-b:a", "64k", "-ar", "48000",
		"-f", "hls", "-hls_time", fmt.Sprintf("%.3f", o.ChunkDuration.Seconds()), "-hls_playlist_type", "vod",
		"-hls_segment_filename", filepath.Join(dir, "chunk_%06d.ts"), filepath.Join(dir, "gen.m3u8"))
	cmd := media.Command(ctx, o.FFmpeg, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := media.Run(cmd); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		return nil, fmt.Errorf("could not make the sample broadcast with ffmpeg: %s", lines[len(lines)-1])
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
