package media

import (
	"testing"
	"time"
)

// x264's defaults at 30 fps: pictures in decode order I0 P3 B1 B2 P6 B4
// B5 ..., each decoded two frames before the first is shown.
func bframePackets(frames int) []videoPacket {
	f := time.Second / 30
	var pkts []videoPacket
	dts := -2 * f
	add := func(shown int, key bool) {
		pkts = append(pkts, videoPacket{pts: time.Duration(shown) * f, dts: dts, key: key})
		dts += f
	}
	add(0, true)
	for p := 3; p < frames; p += 3 {
		add(p, false)
		add(p-2, false)
		add(p-1, false)
	}
	return pkts
}

// The copy from the keyframe keeps, in decode order, the first packets up
// to a picture before which every picture is decoded, and ends where the
// next one is shown: at or after the end asked, never before.
func TestPicturesBefore(t *testing.T) {
	f := time.Second / 30
	pkts := bframePackets(60)
	for _, c := range []struct {
		end   time.Duration
		n     int
		until time.Duration
	}{
		{10 * f, 10, 10 * f},     // P9 and its B7, B8 are in: the next shown is 10
		{11 * f, 13, 13 * f},     // picture 10 needs P12: up to 12
		{12*f + f/2, 13, 13 * f}, // within a frame
		{30 * f, 31, 31 * f},
	} {
		n, until := picturesBefore(pkts, 0, c.end)
		if n != c.n || until != c.until {
			t.Errorf("end %v: %d packets up to %v, want %d up to %v", c.end, n, until, c.n, c.until)
		}
	}
	if n, _ := picturesBefore(pkts, 0, 70*f); n != 0 {
		t.Errorf("past the listed pictures: %d, want 0", n)
	}
}

// A stretch without pictures is told from one frame after the picture
// before it (held) to the next; a dropped frame is not.
func TestPictureHoles(t *testing.T) {
	f := time.Second / 30
	var shown []time.Duration
	for i := range 300 {
		if i == 100 || (i >= 150 && i < 240) { // one frame dropped, then 3 s
			continue
		}
		shown = append(shown, time.Duration(i)*f)
	}
	got := pictureHoles(shown, 30*f, 300*f)
	if len(got) != 1 || got[0].At != (120*f).Round(time.Millisecond) || got[0].Length != (90*f).Round(time.Millisecond) {
		t.Errorf("holes %v, want 3 s at 4 s", got)
	}
}

// A concat list declares its streams only when some chunk lacks one of the
// first chunk's and none has another.
func TestDeclaredStreams(t *testing.T) {
	for _, c := range []struct {
		pids [][]int
		want []int
	}{
		{[][]int{{256, 257}, {256, 257}}, nil},
		{[][]int{{256, 257}, {257}, {256, 257}}, []int{256, 257}},
		{[][]int{{256, 257}, {257}, {481, 482}}, nil}, // an encoder restart
		{[][]int{{257}, {257}}, nil},
	} {
		got := declared(c.pids)
		if len(got) != len(c.want) || (len(got) > 0 && got[0] != c.want[0]) {
			t.Errorf("%v: %v, want %v", c.pids, got, c.want)
		}
	}
}
