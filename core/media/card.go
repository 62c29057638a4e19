package media

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// A sound-only source (an X Space) saved under a sound file's name (.m4a)
// is its sound as it is. Saved as an MP4, for the video sites that take
// only video, it gets a picture: a still card with its title and who
// presented it, drawn by ffmpeg (a color source and drawtext) in a second,
// short run over the sound the render wrote, which it copies; above them
// the presenter's picture, when the job has one. An ffmpeg without
// drawtext, or without a font for it, gives a card without words; a
// picture ffmpeg cannot read, one without the picture.

// Card is what the picture of a sound-only source's MP4 shows.
type Card struct {
	Title, Presenter string
	// Picture is the presenter's picture, a JPEG or PNG file in the job
	// folder (never an address: ffmpeg reads only local files); "" for
	// none.
	Picture string
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
	cardPicture    = 240 // the presenter's picture, square
	cardGap        = 40  // between the picture and the words
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
	// The card with all it may show first; when ffmpeg fails on it, the
	// same without words (no drawtext in this ffmpeg, or no font for it),
	// then without the picture (one ffmpeg cannot read), then plain.
	c := *spec.Card
	tries := []struct{ text, picture bool }{{true, true}, {false, true}, {true, false}, {false, false}}
	for _, try := range tries {
		if try.picture && c.Picture == "" {
			continue
		}
		err = t.runRender(ctx, t.cardArgs(ctx, c, path, tmp, info.Duration, burn, try.text, try.picture), nil, run, tmp)
		var failed *FailedError
		if !errors.As(err, &failed) || ctx.Err() != nil {
			break
		}
	}
	return err
}

// cardArgs is the ffmpeg command that writes tmp: the sound of the MP4 at
// sound (copied) with the card as its picture, both from zero, d long; with
// text, the card's title and presenter drawn on it; with withPicture, the
// presenter's picture above them; with burn, the ASS file drawn over it.
func (t Tools) cardArgs(ctx context.Context, c Card, sound, tmp string, d time.Duration, burn string, text, withPicture bool) ffcmd {
	picture := Source("color", ffmpeg.KwArgs{"c": cardBackground, "s": cardSize, "r": "1", "d": fmt.Sprintf("%.0f", math.Ceil(d.Seconds()))})
	top := 0 // where the words start: below the picture, if any
	if withPicture && c.Picture != "" {
		y := (720 - cardPicture - cardGap - cardTextHeight(c)) / 2
		// One frame of the picture, read as an image of its own kind
		// (the job named the file by its bytes), shown over the whole
		// card: overlay repeats it after its one frame.
		face := input("file:"+c.Picture, ffmpeg.KwArgs{"f": "image2"}).
			Filter("scale", ffmpeg.Args{strconv.Itoa(cardPicture), strconv.Itoa(cardPicture)}, ffmpeg.KwArgs{"force_original_aspect_ratio": "decrease"})
		picture = ffmpeg.Filter([]*ffmpeg.Stream{picture, face}, "overlay", ffmpeg.Args{"(W-w)/2", strconv.Itoa(y)}, ffmpeg.KwArgs{"eof_action": "repeat"})
		top = y + cardPicture + cardGap
	}
	picture = picture.Filter("format", ffmpeg.Args{"yuv420p"})
	if text {
		picture = cardText(picture, c, top)
	}
	if burn != "" {
		picture = picture.Filter("ass", ffmpeg.Args{optionValue(burn)})
	}
	// A keyframe every 30 s: a player seeking shows the card at once.
	out := ffmpeg.KwArgs{"c:a": "copy", "bf": "0", "g": "30", "t": secs6(d), "movflags": "+faststart", "f": "mp4"}
	switch enc := t.VideoEncoder(ctx); enc {
	case "libx264":
		maps.Copy(out, ffmpeg.KwArgs{"c:v": enc, "preset": "veryfast", "tune": "stillimage", "crf": "28"})
	case "mpeg4":
		maps.Copy(out, ffmpeg.KwArgs{"c:v": enc, "q:v": "5"})
	default:
		maps.Copy(out, ffmpeg.KwArgs{"c:v": enc, "b:v": "300k"})
	}
	return t.render([]*ffmpeg.Stream{picture, input("file:"+sound, nil).Get("a:0")}, tmp, out, false)
}

// cardTextHeight is the height of the card's words.
func cardTextHeight(c Card) int {
	height := len(wrapWords(c.Title, cardTitleLine, cardTitleLines)) * cardTitleSize * 6 / 5
	if c.Presenter != "" {
		height += cardNameSize * 2
	}
	return height
}

// cardText draws the card's title (wrapped, at most cardTitleLines lines)
// and presenter on picture, centred, from top (0: centred on the card).
func cardText(picture *ffmpeg.Stream, c Card, top int) *ffmpeg.Stream {
	lines := wrapWords(c.Title, cardTitleLine, cardTitleLines)
	y := (720 - cardTextHeight(c)) / 2
	if top > 0 {
		y = top
	}
	for _, l := range lines {
		picture = drawText(picture, l, cardTitleSize, "white", y)
		y += cardTitleSize * 6 / 5
	}
	if c.Presenter != "" {
		picture = drawText(picture, c.Presenter, cardNameSize, "0x9fb3c8", y+cardNameSize)
	}
	return picture
}

// drawText writes s on picture, centred, its top at y. The text is taken
// as it is (expansion=none), escaped for the option parser (ffmpeg-go
// escapes it for the graph's).
func drawText(picture *ffmpeg.Stream, s string, size int, color string, y int) *ffmpeg.Stream {
	return picture.Filter("drawtext", nil, ffmpeg.KwArgs{"text": optionValue(s), "expansion": "none", "fontcolor": color,
		"fontsize": strconv.Itoa(size), "x": "(w-text_w)/2", "y": strconv.Itoa(y)})
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
