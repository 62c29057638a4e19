package media

import (
	"testing"
	"time"
)

// TestCopyableParts: only pictures one MP4 track can hold copied, stored in
// display order, joined without a fade, are copied.
func TestCopyableParts(t *testing.T) {
	phone := StreamInfo{Codec: "h264", Profile: "High", PixFmt: "yuv420p", Width: 640, Height: 360, FrameRate: 30}
	with := func(change func(*StreamInfo)) []StreamInfo {
		other := phone
		change(&other)
		return []StreamInfo{phone, other, phone}
	}
	same := with(func(*StreamInfo) {})
	for _, c := range []struct {
		name   string
		spec   JoinSpec
		videos []StreamInfo
		want   bool
	}{
		{"same phone", JoinSpec{}, same, true},
		{"other size", JoinSpec{}, with(func(v *StreamInfo) { v.Width, v.Height = 480, 270 }), false},
		{"other profile", JoinSpec{}, with(func(v *StreamInfo) { v.Profile = "Main" }), false},
		{"other pixel format", JoinSpec{}, with(func(v *StreamInfo) { v.PixFmt = "yuvj420p" }), false},
		{"other frame rate", JoinSpec{}, with(func(v *StreamInfo) { v.FrameRate = 25 }), false},
		{"not h264", JoinSpec{}, with(func(v *StreamInfo) { v.Codec = "hevc" }), false},
		{"B-frames", JoinSpec{}, with(func(v *StreamInfo) { v.BFrames = 2 }), false},
		{"cross-fade", JoinSpec{Crossfade: 500 * time.Millisecond}, same, false},
		{"re-encode asked", JoinSpec{Reencode: true}, same, false},
	} {
		if got := copyable(c.spec, c.videos); got != c.want {
			t.Errorf("%s: copyable = %v, want %v", c.name, got, c.want)
		}
	}
}
