package media

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Sync markers: test media (and the sample broadcast) carry a white flash and
// a beep at the same instant every few seconds. SyncMarkers finds both in a
// local file so tests can measure audio/video sync the way a viewer sees it.

var (
	ptsRE  = regexp.MustCompile(`pts_time:([0-9.]+)`)
	yavgRE = regexp.MustCompile(`lavfi\.signalstats\.YAVG=([0-9.]+)`)
	beepRE = regexp.MustCompile(`silence_end: ([0-9.]+)`)
)

// SyncMarkers returns the start of each flash (a frame averaging near white
// after a darker one) and each beep (the end of a silence at -20 dB).
func (t Tools) SyncMarkers(ctx context.Context, path string) (flashes, beeps []time.Duration, err error) {
	return t.syncMarkers(ctx, path, false)
}

// SyncMarkersIgnoringEditList is SyncMarkers as a player that ignores MP4
// edit lists sees the file.
func (t Tools) SyncMarkersIgnoringEditList(ctx context.Context, path string) (flashes, beeps []time.Duration, err error) {
	return t.syncMarkers(ctx, path, true)
}

func (t Tools) syncMarkers(ctx context.Context, path string, ignoreEditList bool) (flashes, beeps []time.Duration, err error) {
	opts := ffmpeg.KwArgs{}
	if ignoreEditList {
		opts["ignore_editlist"] = "1"
	}
	out := ffmpeg.Output([]*ffmpeg.Stream{input("file:"+path, opts)}, "-", ffmpeg.KwArgs{
		"vf": chain(filter("signalstats", nil), filter("metadata", ffmpeg.KwArgs{"mode": "print", "key": "lavfi.signalstats.YAVG"})),
		"af": chain(filter("silencedetect", ffmpeg.KwArgs{"n": "-20dB", "d": "0.05"})),
		"f":  "null"})
	// Both filters report through ffmpeg's log (stderr) at info level.
	log, err := t.ffmpeg(out, ffRun{infoLog: true}).log(ctx, "measure the sync markers")
	if err != nil {
		return nil, nil, err
	}
	var pts time.Duration
	bright := false
	for _, line := range strings.Split(log, "\n") {
		if m := ptsRE.FindStringSubmatch(line); m != nil && strings.Contains(line, "Parsed_metadata") {
			pts = seconds(m[1])
			continue
		}
		if m := yavgRE.FindStringSubmatch(line); m != nil {
			y, _ := strconv.ParseFloat(m[1], 64)
			if y > 200 && !bright {
				flashes = append(flashes, pts)
			}
			bright = y > 200
			continue
		}
		if m := beepRE.FindStringSubmatch(line); m != nil {
			beeps = append(beeps, seconds(m[1]))
		}
	}
	return flashes, beeps, nil
}

// PresentedFrames counts the video frames a player shows: packets with a
// timestamp at or after zero. With stream copy, a cut keeps the frames from
// the keyframe before it with negative timestamps, and the MP4's edit list
// hides them, so counting every packet would overstate what is kept.
func (t Tools) PresentedFrames(ctx context.Context, path string) (int, error) {
	out, err := t.ffprobe("file:"+path, ffmpeg.KwArgs{"select_streams": "v:0", "show_entries": "packet=pts_time", "of": "csv=p=0"}).
		output(ctx, "count the frames of "+path, 256<<20)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, l := range strings.Fields(string(out)) {
		if pts, err := strconv.ParseFloat(strings.TrimSuffix(l, ","), 64); err == nil && pts >= -0.001 {
			n++
		}
	}
	return n, nil
}
