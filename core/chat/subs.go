package chat

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"io"
	"strings"
	"time"
	"unicode"
)

// Timing places chat on a video.
type Timing struct {
	// From and To are the part of the broadcast the video holds (To 0:
	// to its end); messages sent outside it are left out.
	From, To time.Duration
	// Shift is subtracted from a message's time to get its time in the
	// video: the video's real start for a saved MP4.
	Shift time.Duration
}

// Show is how long each comment stays on screen.
const Show = 4 * time.Second

// HeartWindow is the span each hearts count covers.
const HeartWindow = 10 * time.Second

// maxText caps one comment on screen.
const maxText = 300

// cue is one subtitle: a comment in video time.
type cue struct {
	start, end time.Duration
	m          Message
}

// cues are the comments inside t, in video time, each shown for Show (cut
// at the end of the video).
func cues(msgs []Message, t Timing) []cue {
	var out []cue
	for _, m := range msgs {
		if m.Kind != Comment || m.At < t.From || (t.To > 0 && m.At >= t.To) {
			continue
		}
		c := cue{start: m.At - t.Shift, end: m.At - t.Shift + Show, m: m}
		if t.To > 0 {
			c.end = min(c.end, t.To-t.Shift)
		}
		if c.end > c.start && clean(m.Text) != "" {
			out = append(out, c)
		}
	}
	return out
}

// clean makes chat text safe to show: control characters go, runs of blank
// lines become one line break, and it is cut at maxText characters.
func clean(s string) string {
	var lines []string
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line = strings.Map(func(r rune) rune {
			switch {
			case r == '\t':
				return ' '
			case unicode.IsControl(r), r == '\u2028', r == '\u2029', r == '\ufeff':
				return -1
			}
			return r
		}, line)
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	s = strings.Join(lines, "\n")
	if r := []rune(s); len(r) > maxText {
		s = string(r[:maxText-1]) + "…"
	}
	return s
}

// oneLine is clean(s) on a single line (names).
func oneLine(s string) string { return strings.ReplaceAll(clean(s), "\n", " ") }

// WriteSRT writes the comments inside t as SubRip subtitles, "Name: text",
// numbered from 1. Hearts are left out (SRT has no place for them).
func WriteSRT(w io.Writer, msgs []Message, t Timing) error {
	bw := bufio.NewWriter(w)
	for i, c := range cues(msgs, t) {
		fmt.Fprintf(bw, "%d\n%s --> %s\n%s: %s\n\n", i+1, srtTime(c.start), srtTime(c.end), oneLine(c.m.Who()), clean(c.m.Text))
	}
	return bw.Flush()
}

// srtTime is hh:mm:ss,mmm.
func srtTime(d time.Duration) string {
	d = max(d, 0).Round(time.Millisecond)
	h := d / time.Hour
	m := d % time.Hour / time.Minute
	s := d % time.Minute / time.Second
	ms := d % time.Second / time.Millisecond
	return fmt.Sprintf("%02d:%02d:%02d,%03d", h, m, s, ms)
}

// assTime is h:mm:ss.cc.
func assTime(d time.Duration) string {
	d = max(d, 0).Round(10 * time.Millisecond)
	h := d / time.Hour
	m := d % time.Hour / time.Minute
	s := d % time.Minute / time.Second
	cs := d % time.Second / (10 * time.Millisecond)
	return fmt.Sprintf("%d:%02d:%02d.%02d", h, m, s, cs)
}

// assText escapes chat text for an ASS event: braces would start override
// tags and a backslash could form \N or \h, so they are written as
// libass's literal escapes or a look-alike; line breaks become \N.
func assText(s string) string {
	s = strings.NewReplacer(`\`, "\u29f5", "{", `\{`, "}", `\}`).Replace(s)
	return strings.ReplaceAll(s, "\n", `\N`)
}

// names are the colours usernames get (ASS &HBBGGRR&), bright on a dark
// outline, chosen by a hash of the username so a person keeps theirs.
var names = []string{"&H7FD4FF&", "&HFFC37F&", "&H8CFF9E&", "&HFF8CE6&", "&H7F9EFF&", "&HFFFF7F&", "&HC0A0FF&"}

func nameColour(user string) string {
	h := fnv.New32a()
	h.Write([]byte(user))
	return names[h.Sum32()%uint32(len(names))]
}

// assHeader is a 640x360 script (libass scales it to the video): comments
// stack in the bottom-left corner, the hearts counter sits top-right.
const assHeader = `[Script Info]
; Chat saved by Replay Rescue
ScriptType: v4.00+
PlayResX: 640
PlayResY: 360
WrapStyle: 0
ScaledBorderAndShadow: yes

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Chat,Arial,15,&H00FFFFFF,&H000000FF,&H00000000,&H99000000,0,0,0,0,100,100,0,0,1,1.6,0.6,1,12,260,14,1
Style: Hearts,Arial,15,&H00A050FF,&H000000FF,&H00000000,&H99000000,1,0,0,0,100,100,0,0,1,1.6,0.6,9,12,12,12,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
`

// WriteASS writes the comments inside t as ASS subtitles, each name in
// bold in its own colour, and, when hearts is true, a small "♥ N" counter
// of the hearts sent in each HeartWindow of the video.
func WriteASS(w io.Writer, msgs []Message, t Timing, hearts bool) error {
	return writeASS(w, msgs, t, hearts, func(s string) string { return s })
}

// WriteBurnASS is WriteASS for drawing the chat into the picture, hearts
// counter included. libass draws with this machine's fonts, which seldom
// have emoji (and libass draws none in colour): they are left out rather
// than drawn as empty boxes, and a comment of emoji alone with them. The
// subtitle files beside the video keep them, for players that can.
func WriteBurnASS(w io.Writer, msgs []Message, t Timing) error {
	return writeASS(w, msgs, t, true, withoutEmoji)
}

func writeASS(w io.Writer, msgs []Message, t Timing, hearts bool, drawable func(string) string) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(assHeader)
	for _, c := range cues(msgs, t) {
		text := drawable(clean(c.m.Text))
		if text == "" {
			continue
		}
		name := drawable(oneLine(c.m.Who()))
		if name == "" {
			name = oneLine(c.m.User)
		}
		// The Name field is comma-separated from the others: no commas.
		field := strings.ReplaceAll(oneLine(c.m.User), ",", " ")
		fmt.Fprintf(bw, "Dialogue: 0,%s,%s,Chat,%s,0,0,0,,{\\b1\\c%s}%s{\\b0\\c&HFFFFFF&}: %s\n",
			assTime(c.start), assTime(c.end), field, nameColour(c.m.User+c.m.Name), assText(name), assText(text))
	}
	if hearts {
		for _, b := range heartCounts(msgs, t) {
			fmt.Fprintf(bw, "Dialogue: 1,%s,%s,Hearts,,0,0,0,,♥ %d\n", assTime(b.start), assTime(b.end), b.n)
		}
	}
	return bw.Flush()
}

// withoutEmoji is s without emoji pictures and the characters that join or
// colour them, spaces tidied where they were.
func withoutEmoji(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 0x1F000 && r <= 0x1FAFF, // emoji, pictographs, flags, skin tones
			r >= 0xFE00 && r <= 0xFE0F,   // variation selectors
			r >= 0xE0020 && r <= 0xE007F, // tags (subdivision flags)
			r == 0x200D, r == 0x20E3:     // zero-width joiner, keycap
			return -1
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

type heartBucket struct {
	start, end time.Duration
	n          int
}

// heartCounts counts hearts per HeartWindow of video time, for the windows
// that have any.
func heartCounts(msgs []Message, t Timing) []heartBucket {
	counts := map[int]int{}
	last := -1
	for _, m := range msgs {
		if m.Kind != Heart || m.At < t.From || (t.To > 0 && m.At >= t.To) {
			continue
		}
		k := int((m.At - t.From) / HeartWindow)
		counts[k]++
		last = max(last, k)
	}
	var out []heartBucket
	for k := 0; k <= last; k++ {
		if counts[k] == 0 {
			continue
		}
		b := heartBucket{start: t.From - t.Shift + time.Duration(k)*HeartWindow, n: counts[k]}
		b.end = b.start + HeartWindow
		if t.To > 0 {
			b.end = min(b.end, t.To-t.Shift)
		}
		out = append(out, b)
	}
	return out
}
