package media

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"replayrescue/core/intake/xfake"
)

// spaceChunks is a Space's replay as X serves it (packed audio: AAC behind
// an ID3 tag, chunk by chunk), 20 s, stored as a job stores chunks.
func spaceChunks(t *testing.T, tl Tools) (string, []string, []time.Duration) {
	t.Helper()
	src := t.TempDir()
	list, err := xfake.SpaceAudio(context.Background(), tl.FFmpeg, src, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	pl, _ := os.ReadFile(filepath.Join(src, list))
	dir := t.TempDir()
	var names []string
	var durations []time.Duration
	var d float64
	for _, line := range strings.Split(string(pl), "\n") {
		if _, err := fmt.Sscanf(line, "#EXTINF:%f,", &d); err == nil {
			durations = append(durations, time.Duration(d*float64(time.Second)))
		}
		if strings.HasSuffix(line, ".aac") {
			name := fmt.Sprintf("chunk_%06d.ts", len(names))
			os.Rename(filepath.Join(src, line), filepath.Join(dir, name))
			names = append(names, name)
		}
	}
	return dir, names, durations
}

// grayFrame is the picture at 2 s of path, one byte a pixel.
func grayFrame(t *testing.T, tl Tools, path string) []byte {
	t.Helper()
	out, err := exec.Command(tl.FFmpeg, "-v", "error", "-ss", "2", "-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// bright counts the pixels of a card that text was drawn in.
func bright(gray []byte) int {
	n := 0
	for _, b := range gray {
		if b > 200 {
			n++
		}
	}
	return n
}

// A Space's packed audio is read as one AAC stream: saved as .m4a it is
// its sound, cut where asked, also while it downloads and with --exact;
// saved as .mp4 the same sound gets a still card with the title and host.
func TestSoundOnly(t *testing.T) {
	slow(t)
	tl := tools(t)
	dir, names, durations := spaceChunks(t, tl)
	if !packedAudio(filepath.Join(dir, names[0])) {
		t.Fatal("a Space's chunk is not taken for packed audio")
	}
	out := t.TempDir()
	card := &Card{Title: `Ask me: "CSS", 100% [live]; a\b 'quoted' {x} — and a title long enough to need three lines on the card`, Presenter: "Web Dev 42 (@webdev42)"}
	base := RenderSpec{Dir: dir, Chunks: names, Durations: durations, OneStream: true, Start: 5 * time.Second, End: 14 * time.Second, Card: card}

	m4a := base
	m4a.Output = filepath.Join(out, "space.m4a")
	if _, err := tl.Render(context.Background(), m4a); err != nil {
		t.Fatal(err)
	}
	info, err := tl.Probe(context.Background(), m4a.Output)
	if err != nil {
		t.Fatal(err)
	}
	a, ok := info.Stream("audio")
	// Copied, the sound starts with its first whole frame at the cut, a
	// few milliseconds later: an MP4 holding nothing else says so.
	if _, video := info.Stream("video"); !ok || video || a.Codec != "aac" || a.Start < 0 || a.Start > 24*time.Millisecond || (a.Duration-9*time.Second).Abs() > 50*time.Millisecond {
		t.Fatalf("space.m4a: %+v", info)
	}

	// Rendered while the chunks arrive, and with --exact: the same sound.
	while := base
	while.Dir, while.Output = t.TempDir(), filepath.Join(out, "while.m4a")
	while.Ready = readyAfter(while.Dir, names, nil)
	go trickle(dir, while.Dir, slices.Clone(names))
	if _, err := tl.Render(context.Background(), while); err != nil {
		t.Fatal(err)
	}
	exact := base
	exact.Dir, exact.Exact, exact.Output = while.Dir, true, filepath.Join(out, "exact.m4a")
	if _, err := tl.Render(context.Background(), exact); err != nil {
		t.Fatal(err)
	}
	sound := packetMD5s(t, tl, m4a.Output)
	if packetMD5s(t, tl, while.Output) != sound || packetMD5s(t, tl, exact.Output) != sound {
		t.Error("the sound differs when rendered while downloading or with --exact")
	}

	// As an MP4: a card, the sound copied, both from zero.
	mp4 := base
	mp4.Dir, mp4.Output = while.Dir, filepath.Join(out, "space.mp4")
	if _, err := tl.Render(context.Background(), mp4); err != nil {
		t.Fatal(err)
	}
	info, err = tl.Probe(context.Background(), mp4.Output)
	if err != nil {
		t.Fatal(err)
	}
	v, okV := info.Stream("video")
	a, okA := info.Stream("audio")
	if !okV || !okA || v.Width != 1280 || v.Height != 720 || v.Start != 0 || a.Start != 0 || (v.Duration-a.Duration).Abs() > time.Second {
		t.Fatalf("space.mp4: %+v", info)
	}
	copied, err := exec.Command(tl.FFmpeg, "-v", "error", "-i", mp4.Output, "-map", "0:a", "-c", "copy", "-f", "framemd5", "-").Output()
	if err != nil || !slices.Equal(hashes(string(copied)), hashes(sound)) {
		t.Errorf("the card's sound is not the sound: %v", err)
	}
	if n := bright(grayFrame(t, tl, mp4.Output)); n < 2000 {
		t.Errorf("the card shows no title (%d bright pixels)", n)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(out, ".*")); len(leftovers) > 0 {
		t.Errorf("left beside the output: %v", leftovers)
	}
}

// hashes are the packets' hashes in framemd5's output, without their times.
func hashes(framemd5 string) []string {
	var out []string
	for _, line := range strings.Split(framemd5, "\n") {
		if f := strings.Split(line, ","); len(f) >= 6 && !strings.HasPrefix(line, "#") {
			out = append(out, strings.TrimSpace(f[4])+" "+strings.TrimSpace(f[5]))
		}
	}
	return out
}

// An ffmpeg that cannot draw text (here: no font) still gives the MP4 a
// card, a plain one; burning the chat draws it on the card.
func TestCardFallbackAndChat(t *testing.T) {
	slow(t)
	tl := tools(t)
	dir, names, durations := spaceChunks(t, tl)
	out := t.TempDir()
	spec := RenderSpec{Dir: dir, Chunks: names, Durations: durations, OneStream: true, Start: 3 * time.Second,
		Card: &Card{Title: "AMA", Presenter: "Web Dev 42"}}

	t.Run("no font", func(t *testing.T) {
		conf := filepath.Join(t.TempDir(), "fonts.conf")
		os.WriteFile(conf, []byte(`<?xml version="1.0"?><fontconfig></fontconfig>`), 0o600)
		t.Setenv("FONTCONFIG_FILE", conf)
		s := spec
		s.Output = filepath.Join(out, "plain.mp4")
		if _, err := tl.Render(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		info, err := tl.Probe(context.Background(), s.Output)
		if _, ok := info.Stream("video"); err != nil || !ok {
			t.Fatalf("no card: %v %+v", err, info)
		}
		if n := bright(grayFrame(t, tl, s.Output)); n != 0 {
			t.Errorf("a plain card has %d bright pixels", n)
		}
	})
	t.Run("chat", func(t *testing.T) {
		var start, shift time.Duration
		s := spec
		s.Output = filepath.Join(out, "chat.mp4")
		s.Card = &Card{} // nothing but the chat is drawn
		s.Burn = func(st, sh time.Duration) (string, error) {
			start, shift = st, sh
			p := filepath.Join(dir, "burn.ass")
			return p, os.WriteFile(p, []byte(assDemo), 0o600)
		}
		if _, err := tl.Render(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		if start <= 0 || shift != -start {
			t.Errorf("burned from %v, shifted %v", start, shift)
		}
		if n := bright(grayFrame(t, tl, s.Output)); n < 100 {
			t.Errorf("the chat is not on the card (%d bright pixels)", n)
		}
	})
}

// assDemo shows one white line from 0 to 10 s.
const assDemo = `[Script Info]
ScriptType: v4.00+
PlayResX: 1280
PlayResY: 720

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Sans,48,&H00FFFFFF,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,0,0,2,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:00.00,0:00:10.00,Default,,0,0,0,,Ada: great talk
`

// A chunk is packed audio by its first bytes: an ID3 tag (of any size,
// with a footer or not), then an ADTS frame.
func TestPackedAudio(t *testing.T) {
	adts := []byte{0xff, 0xf1, 0x50, 0x80}
	id3 := func(size int, flags byte) []byte {
		return append([]byte{'I', 'D', '3', 4, 0, flags, 0, byte(size >> 14 & 0x7f), byte(size >> 7 & 0x7f), byte(size & 0x7f)}, make([]byte, size)...)
	}
	for _, c := range []struct {
		name string
		data []byte
		want bool
	}{
		{"ADTS", adts, true},
		{"ID3 then ADTS", append(id3(300, 0), adts...), true},
		{"ID3 with a footer", append(append(id3(20, 0x10), make([]byte, 10)...), adts...), true},
		{"MPEG-TS", []byte{0x47, 0x40, 0x11, 0x10}, false},
		{"fMP4", []byte("\x00\x00\x00\x18ftypiso6"), false},
		{"ID3 then MPEG-TS", append(id3(30, 0), 0x47, 0x40), false},
		{"empty", nil, false},
	} {
		path := filepath.Join(t.TempDir(), "chunk_000000.ts")
		os.WriteFile(path, c.data, 0o600)
		if got := packedAudio(path); got != c.want {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}

func TestWrapWords(t *testing.T) {
	cases := []struct {
		in    string
		width int
		want  []string
	}{
		{"", 15, nil},
		{"Ask me anything about CSS", 15, []string{"Ask me anything", "about CSS"}},
		{"one two three four five six seven eight nine ten", 15, []string{"one two three", "four five six", "seven eight…"}},
		{"Supercalifragilisticexpialidocious!", 10, []string{"Supercalif", "ragilistic", "expialido…"}},
	}
	for _, c := range cases {
		if got := wrapWords(c.in, c.width, 3); !slices.Equal(got, c.want) {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}

// rgbAt is the colour of the pixel (x, y) of the 1280x720 picture at 2 s
// of path.
func rgbAt(t *testing.T, tl Tools, path string, x, y int) [3]byte {
	t.Helper()
	out, err := exec.Command(tl.FFmpeg, "-v", "error", "-ss", "2", "-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-").Output()
	if err != nil || len(out) != 1280*720*3 {
		t.Fatalf("%v (%d bytes)", err, len(out))
	}
	i := (y*1280 + x) * 3
	return [3]byte{out[i], out[i+1], out[i+2]}
}

// near reports whether two colours are alike, after a lossy encode.
func near(a [3]byte, r, g, b int) bool {
	d := func(x byte, y int) int { return max(int(x)-y, y-int(x)) }
	return d(a[0], r) < 40 && d(a[1], g) < 40 && d(a[2], b) < 40
}

// The presenter's picture is drawn on the card above the words; a picture
// ffmpeg cannot read leaves the card as it was without one.
func TestCardPicture(t *testing.T) {
	slow(t)
	tl := tools(t)
	dir, names, durations := spaceChunks(t, tl)
	pic := filepath.Join(t.TempDir(), "presenter.png")
	if err := xfake.WritePicture(pic); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(t.TempDir(), "presenter.jpg")
	os.WriteFile(broken, []byte("\xff\xd8\xff not a picture at all"), 0o600)
	out := t.TempDir()
	c := xfake.PictureColor
	// The picture's middle: centred, its top above the words.
	card := Card{Title: "AMA", Presenter: "Web Dev 42"}
	y := (720-cardPicture-cardGap-cardTextHeight(card))/2 + cardPicture/2
	for _, tc := range []struct {
		name, picture string
		shown         bool
	}{{"picture", pic, true}, {"broken", broken, false}} {
		card.Picture = tc.picture
		spec := RenderSpec{Dir: dir, Chunks: names, Durations: durations, OneStream: true, Output: filepath.Join(out, tc.name+".mp4"), Card: &card}
		if _, err := tl.Render(context.Background(), spec); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := rgbAt(t, tl, spec.Output, 640, y); near(got, int(c.R), int(c.G), int(c.B)) != tc.shown {
			t.Errorf("%s: the picture's middle is %v", tc.name, got)
		}
		if got := rgbAt(t, tl, spec.Output, 20, 20); !near(got, 0x1b, 0x27, 0x33) {
			t.Errorf("%s: the card's corner is %v", tc.name, got)
		}
		if n := bright(grayFrame(t, tl, spec.Output)); n < 300 {
			t.Errorf("%s: no words on the card (%d bright pixels)", tc.name, n)
		}
	}
}
