package media

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A sound-only source (an X Space) saved under a sound file's name (.m4a)
// is its sound as it is. Saved as an MP4, for the video sites that take
// only video, it gets a picture: a still card with its title and who
// presented it, drawn by ffmpeg (a color source and drawtext) in a second,
// short run over the sound the render wrote, which it copies. An ffmpeg
// without drawtext, or without a font for it, gives a plain card.

// Card is what the picture of a sound-only source's MP4 shows.
type Card struct {
	Title, Presenter string
}

// soundName reports whether out names a sound file (.m4a): a sound-only
// source is saved into it without a picture.
func soundName(out string) bool {
	return strings.EqualFold(filepath.Ext(out), ".m4a")
}

// The card: 1280x720 (what video sites show best), one picture a second.
const (
	cardSize       = "1280x720"
	cardBackground = "0x1b2733"
	cardTitleLine  = 30 // characters a title line holds at cardTitleSize
	cardTitleLines = 4
	cardTitleSize  = 60
	cardNameSize   = 40
)

// withCard gives the MP4 spec's render just wrote at path its card as its
// picture, when spec has one, the MP4 has no picture, and spec.Output is
// not a sound file. With spec.Burn the chat is drawn on the card.
func (t Tools) withCard(ctx context.Context, spec RenderSpec, path string, cut Cut) error {
	if spec.Card == nil || soundName(spec.Output) {
		return nil
	}
	info, err := t.Probe(ctx, path)
	if err != nil {
		return err
	}
	if _, ok := info.Stream("video"); ok {
		return nil
	}
	if _, ok := info.Stream("audio"); !ok || info.Duration <= 0 {
		return nil
	}
	burn := ""
	if spec.Burn != nil {
		// The card's timeline starts at the cut (see BurnFunc).
		if burn, err = spec.Burn(cut.Start, -cut.Start); err != nil {
			return err
		}
	}
	run := RenderSpec{Output: path, Replace: true, Total: info.Duration, Progress: spec.Progress}
	tmp, err := tempOutput(path)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	err = t.runRender(ctx, t.cardArgs(ctx, *spec.Card, path, tmp, info.Duration, burn, true), nil, run, tmp)
	var failed *FailedError
	if errors.As(err, &failed) && ctx.Err() == nil {
		// No drawtext in this ffmpeg, or no font for it: a plain card.
		err = t.runRender(ctx, t.cardArgs(ctx, *spec.Card, path, tmp, info.Duration, burn, false), nil, run, tmp)
	}
	return err
}

// cardArgs is the ffmpeg command that writes tmp: the sound of the MP4 at
// sound (copied) with the card as its picture, both from zero, d long; with
// text, the card's title and presenter drawn on it; with burn, the ASS file
// drawn over it.
func (t Tools) cardArgs(ctx context.Context, c Card, sound, tmp string, d time.Duration, burn string, text bool) []string {
	filters := []string{"format=yuv420p"}
	if text {
		filters = append(filters, cardText(c)...)
	}
	if burn != "" {
		filters = append(filters, "ass="+filterValue(burn))
	}
	args := []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-xerror", "-nostats", "-progress", "pipe:1",
		"-f", "lavfi", "-i", fmt.Sprintf("color=c=%s:s=%s:r=1:d=%.3f", cardBackground, cardSize, math.Ceil(d.Seconds())),
		"-i", "file:" + sound,
		"-map", "0:v:0", "-map", "1:a:0", "-vf", strings.Join(filters, ","), "-c:a", "copy"}
	switch enc := t.VideoEncoder(ctx); enc {
	case "libx264":
		args = append(args, "-c:v", enc, "-preset", "veryfast", "-tune", "stillimage", "-crf", "28")
	case "mpeg4":
		args = append(args, "-c:v", enc, "-q:v", "5")
	default:
		args = append(args, "-c:v", enc, "-b:v", "300k")
	}
	// A keyframe every 30 s: a player seeking shows the card at once.
	return append(args, "-bf", "0", "-g", "30", "-t", secs6(d), "-movflags", "+faststart", "-f", "mp4", "-y", tmp)
}

// cardText draws the card's title (wrapped, at most cardTitleLines lines)
// and presenter, centred.
func cardText(c Card) []string {
	lines := wrapWords(c.Title, cardTitleLine, cardTitleLines)
	height := len(lines) * cardTitleSize * 6 / 5
	if c.Presenter != "" {
		height += cardNameSize * 2
	}
	y := (720 - height) / 2
	var out []string
	for _, l := range lines {
		out = append(out, drawText(l, cardTitleSize, "white", y))
		y += cardTitleSize * 6 / 5
	}
	if c.Presenter != "" {
		out = append(out, drawText(c.Presenter, cardNameSize, "0x9fb3c8", y+cardNameSize))
	}
	return out
}

// drawText is a drawtext filter writing s, centred, its top at y. The text
// is taken as it is (expansion=none), escaped for the filter graph.
func drawText(s string, size int, color string, y int) string {
	return fmt.Sprintf("drawtext=text=%s:expansion=none:fontcolor=%s:fontsize=%d:x=(w-text_w)/2:y=%d", filterValue(s), color, size, y)
}

// wrapWords breaks s into at most n lines of about width characters, at
// spaces where it can; what does not fit ends in "…".
func wrapWords(s string, width, n int) []string {
	var lines []string
	line := []rune{}
	for _, w := range strings.Fields(s) {
		word := []rune(w)
		for len(word) > width { // a word longer than a line is cut
			if len(line) > 0 {
				lines, line = append(lines, string(line)), nil
			}
			lines, word = append(lines, string(word[:width])), word[width:]
		}
		if len(line) > 0 && len(line)+1+len(word) > width {
			lines, line = append(lines, string(line)), nil
		}
		if len(line) > 0 {
			line = append(line, ' ')
		}
		line = append(line, word...)
	}
	if len(line) > 0 {
		lines = append(lines, string(line))
	}
	if len(lines) > n {
		last := []rune(lines[n-1])
		if len(last) >= width {
			last = last[:width-1]
		}
		lines = append(lines[:n-1], string(last)+"…")
	}
	return lines
}
