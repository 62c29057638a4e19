package dash

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"replayrescue/core/internal/codecs"
)

// Kind tells a picture from a sound.
type Kind string

// Kinds of representation.
const (
	Video Kind = "video"
	Audio Kind = "audio"
)

// Rep describes one representation (a rendition of the picture or sound).
type Rep struct {
	Period    int
	Kind      Kind
	ID        string
	Width     int
	Height    int
	Codecs    string
	Bandwidth uint64
	Lang      string
	Protected bool // ContentProtection: a DRM system's keys are needed
	main      bool // Role main
	rep       *representation
	set       *adaptationSet
}

// Representations lists every picture and sound rendition of every period,
// as `inspect` shows them. Text, images and trick-play sets are left out.
func (m *Manifest) Representations() []Rep {
	var out []Rep
	for pi := range m.m.Periods {
		p := &m.m.Periods[pi]
		for si := range p.Sets {
			as := &p.Sets[si]
			if len(as.Essential) > 0 {
				continue // a property we must understand to play it (trick play...)
			}
			for ri := range as.Reps {
				r := &as.Reps[ri]
				k := kindOf(as, r)
				if k == "" {
					continue
				}
				main := false
				for _, role := range as.Roles {
					main = main || strings.EqualFold(role.Value, "main")
				}
				out = append(out, Rep{Period: pi, Kind: k, ID: r.ID, Width: first(r.Width, as.Width), Height: first(r.Height, as.Height),
					Codecs: firstS(r.Codecs, as.Codecs), Bandwidth: r.Bandwidth, Lang: as.Lang,
					Protected: len(as.Protection)+len(r.Protection) > 0, main: main, rep: r, set: as})
			}
		}
	}
	return out
}

func first(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

func firstS(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// kindOf reads what a representation carries from the set's contentType,
// the mime types, else the codecs.
func kindOf(as *adaptationSet, r *representation) Kind {
	mime := strings.ToLower(firstS(r.MimeType, as.MimeType))
	ct := strings.ToLower(as.ContentType)
	switch {
	case ct == "video" || strings.HasPrefix(mime, "video/"):
		return Video
	case ct == "audio" || strings.HasPrefix(mime, "audio/"):
		return Audio
	case ct != "" || mime != "":
		return "" // text, image, application
	}
	codecs := strings.ToLower(firstS(r.Codecs, as.Codecs))
	for _, c := range []string{"avc", "hvc", "hev", "vp0", "vp8", "vp9", "av01", "mp4v"} {
		if strings.Contains(codecs, c) {
			return Video
		}
	}
	for _, c := range []string{"mp4a", "opus", "ac-3", "ec-3", "flac", "vorbis"} {
		if strings.Contains(codecs, c) {
			return Audio
		}
	}
	return ""
}

// Selection is what a save downloads: the chosen picture's segments, and
// the chosen sound's when it is separate, over every period in order.
type Selection struct {
	Video, Audio []Segment
	// VideoRep and AudioRep are the renditions of the first period.
	VideoRep, AudioRep *Rep
}

// Duration is the length of the chosen picture's segments (or sound's, for
// a sound-only manifest).
func (s *Selection) Duration() time.Duration {
	var d time.Duration
	for _, seg := range s.Video {
		d += seg.Duration
	}
	return d
}

// Select picks, in every period, the best picture within the height limit
// (0: best; -1: the lowest; else the best at most that high, or the lowest
// when none is) and a sound every player plays, and lists their segments.
// A manifest whose pictures or sounds are all protected is refused with
// ErrDRM before index is called: no media request is made for it.
func (m *Manifest) Select(ctx context.Context, limit int, index IndexFunc) (*Selection, error) {
	periods, err := m.periods()
	if err != nil {
		return nil, err
	}
	reps := m.Representations()
	type pick struct{ video, audio *Rep }
	picks := make([]pick, len(periods))
	for pi := range periods {
		var vs, as []*Rep
		protected := map[Kind]int{}
		for i := range reps {
			r := &reps[i]
			if r.Period != pi {
				continue
			}
			if r.Protected {
				protected[r.Kind]++
				continue
			}
			if r.Kind == Video {
				vs = append(vs, r)
			} else {
				as = append(as, r)
			}
		}
		if (len(vs) == 0 && protected[Video] > 0) || (len(as) == 0 && protected[Audio] > 0) {
			return nil, ErrDRM
		}
		picks[pi] = pick{chooseVideo(vs, limit), chooseAudio(as)}
		if picks[pi].video == nil && picks[pi].audio == nil {
			return nil, fmt.Errorf("the playlist lists no picture or sound: %w", ErrNotManifest)
		}
	}
	// Every period must give the same tracks, or the parts could not be
	// joined into one video.
	for _, p := range picks[1:] {
		if (p.video == nil) != (picks[0].video == nil) || (p.audio == nil) != (picks[0].audio == nil) {
			return nil, fmt.Errorf("the parts of the video differ (one has a picture or sound the other lacks): %w", ErrNotManifest)
		}
	}
	budget := MaxSegments
	sel := &Selection{VideoRep: picks[0].video, AudioRep: picks[0].audio}
	for pi, p := range picks {
		main, sound := p.video, p.audio
		if main == nil { // sound only: the sound is the main track
			main, sound = sound, nil
		}
		segs, err := segmentsOf(ctx, periods[pi], main.set, main.rep, index, &budget)
		if err != nil {
			return nil, err
		}
		sel.Video = append(sel.Video, segs...)
		if sound != nil {
			segs, err := segmentsOf(ctx, periods[pi], sound.set, sound.rep, index, &budget)
			if err != nil {
				return nil, err
			}
			sel.Audio = append(sel.Audio, segs...)
		}
	}
	if sel.VideoRep == nil {
		sel.VideoRep, sel.AudioRep = sel.AudioRep, nil
	}
	var total time.Duration
	for _, s := range sel.Video {
		if total += s.Duration; total > MaxTotalLength {
			return nil, fmt.Errorf("the playlist's segments add up to more than %d hours: %w", int(MaxTotalLength.Hours()), ErrNotManifest)
		}
	}
	return sel, nil
}

// chooseVideo ranks pictures as a master playlist's variants are ranked.
func chooseVideo(vs []*Rep, limit int) *Rep {
	if len(vs) == 0 {
		return nil
	}
	sort.SliceStable(vs, func(i, j int) bool {
		if vs[i].Bandwidth != vs[j].Bandwidth {
			return vs[i].Bandwidth > vs[j].Bandwidth
		}
		return vs[i].Width*vs[i].Height > vs[j].Width*vs[j].Height
	})
	switch {
	case limit < 0:
		return vs[len(vs)-1]
	case limit > 0:
		for _, v := range vs {
			if v.Height > 0 && v.Height <= limit {
				return v
			}
		}
		return vs[len(vs)-1]
	}
	return vs[0]
}

// chooseAudio picks the sound a player plays by default: the main role's,
// in a codec every player plays (AAC), at the highest bandwidth.
func chooseAudio(as []*Rep) *Rep {
	if len(as) == 0 {
		return nil
	}
	rank := func(r *Rep) int {
		n := codecs.SoundRank(r.Codecs) * 2
		if r.main {
			n += 10
		}
		return n
	}
	sort.SliceStable(as, func(i, j int) bool {
		if ri, rj := rank(as[i]), rank(as[j]); ri != rj {
			return ri > rj
		}
		return as[i].Bandwidth > as[j].Bandwidth
	})
	return as[0]
}
