package mp4

// indexBoxes are the stbl children that describe samples: the fragmented
// header's are empty, and tables writes them anew.
var indexBoxes = map[string]bool{
	"stts": true, "ctts": true, "stss": true, "stsc": true, "stsz": true, "stz2": true,
	"stco": true, "co64": true, "sdtp": true, "sbgp": true, "sgpd": true, "subs": true,
	"saiz": true, "saio": true, "stps": true,
}

// rewrite builds the ordinary moov from the fragmented file's header: no
// mvex, each track's index filled in with its media at file offset base
// (64-bit offsets when wide), durations set. The header is not changed.
func rewrite(moov *box, tracks map[uint32]*track, base uint64, wide bool) *box {
	movieScale, _ := field32(moov.child("mvhd").data)
	out := &box{typ: "moov"}
	var longest uint64
	for _, b := range moov.kids {
		switch b.typ {
		case "mvex":
		case "trak":
			trak, d := rewriteTrak(b, tracks, movieScale, base, wide)
			longest = max(longest, d)
			out.kids = append(out.kids, trak)
		default:
			out.kids = append(out.kids, b)
		}
	}
	for i, b := range out.kids {
		if b.typ == "mvhd" {
			out.kids[i] = &box{typ: "mvhd", data: withDuration(b.data, 4, longest)}
		}
	}
	return out
}

// rewriteTrak returns the track with its index and its length in the
// movie's time scale.
func rewriteTrak(trak *box, tracks map[uint32]*track, movieScale uint32, base uint64, wide bool) (*box, uint64) {
	id, _ := field32(trak.child("tkhd").data)
	t := tracks[id]
	mdia := trak.child("mdia")
	mediaScale, _ := field32(mdia.child("mdhd").data)
	edts, length := editList(trak.child("edts"), t, movieScale, mediaScale)
	if edts == nil {
		length = rescale(t.mediaDuration(), mediaScale, movieScale)
	}
	out := &box{typ: "trak"}
	for _, b := range trak.kids {
		switch b.typ {
		case "tkhd":
			out.kids = append(out.kids, &box{typ: "tkhd", data: withDuration(b.data, 8, length)})
			if edts != nil {
				out.kids = append(out.kids, edts)
			}
		case "edts":
		case "mdia":
			out.kids = append(out.kids, rewriteMdia(b, t, base, wide))
		default:
			out.kids = append(out.kids, b)
		}
	}
	return out, length
}

func rewriteMdia(mdia *box, t *track, base uint64, wide bool) *box {
	out := &box{typ: "mdia"}
	for _, b := range mdia.kids {
		switch b.typ {
		case "mdhd":
			b = &box{typ: "mdhd", data: withDuration(b.data, 4, t.mediaDuration())}
		case "minf":
			minf := &box{typ: "minf"}
			for _, k := range b.kids {
				if k.typ == "stbl" {
					k = rewriteStbl(k, t, base, wide)
				}
				minf.kids = append(minf.kids, k)
			}
			b = minf
		}
		out.kids = append(out.kids, b)
	}
	return out
}

func rewriteStbl(stbl *box, t *track, base uint64, wide bool) *box {
	out := &box{typ: "stbl"}
	var rest []*box
	for _, b := range stbl.kids {
		switch {
		case b.typ == "stsd":
			out.kids = append(out.kids, b)
		case !indexBoxes[b.typ]:
			rest = append(rest, b)
		}
	}
	out.kids = append(out.kids, t.tables(base, wide)...)
	out.kids = append(out.kids, rest...)
	return out
}

// edit is one elst entry; media time -1 is an empty edit (a delay).
type edit struct {
	duration  uint64 // in the movie's time scale
	mediaTime int64  // in the track's
	rate      uint32
}

// editList completes the track's edit list and returns it with the sum of
// its durations, or nil when the track plays as stored. ffmpeg writes the
// list before the track's length is known, with 0 for "to the end"; that
// becomes the track's length. A first fragment that starts
// later than zero adds to the delay.
func editList(edts *box, t *track, movieScale, mediaScale uint32) (*box, uint64) {
	var edits []edit
	if edts != nil {
		if elst := edts.child("elst"); elst != nil {
			edits = readEdits(elst.data)
		}
	}
	if t.start > 0 {
		delay := rescale(t.start, mediaScale, movieScale)
		if len(edits) > 0 && edits[0].mediaTime == -1 {
			edits[0].duration += delay
		} else {
			edits = append([]edit{{delay, -1, 0x10000}}, edits...)
		}
	}
	if len(edits) == 0 {
		return nil, 0
	}
	media := t.mediaDuration()
	var total uint64
	for i, e := range edits {
		if e.mediaTime >= 0 && e.duration == 0 {
			// The track's whole length, as ffmpeg's own muxer writes it
			// (from the first picture shown, not the first decoded).
			edits[i].duration = rescale(media, mediaScale, movieScale)
		}
		total += edits[i].duration
	}
	if len(edits) == 1 && edits[0].mediaTime == 0 && edits[0].rate == 0x10000 &&
		edits[0].duration == rescale(media, mediaScale, movieScale) {
		// The whole track from its start: what no edit list says, and
		// players that ignore edit lists then agree by construction.
		return nil, 0
	}
	return &box{typ: "edts", kids: []*box{{typ: "elst", data: editsBox(edits)}}}, total
}

func readEdits(p []byte) []edit {
	r := &reader{p: p}
	version, _ := r.versionFlags()
	n := r.u32()
	var out []edit
	for range min(n, 1024) {
		var e edit
		if version == 1 {
			e.duration, e.mediaTime = r.u64(), int64(r.u64())
		} else {
			e.duration, e.mediaTime = uint64(r.u32()), int64(int32(r.u32()))
		}
		e.rate = r.u32()
		if r.bad {
			break
		}
		out = append(out, e)
	}
	return out
}

// endWithVideo drops the samples of every other track that would start
// once the first video track has ended: sound moved later than the picture
// would otherwise play on over a frozen last frame. Times are where players
// present them: after each track's delay and from its first edit's media
// time.
func endWithVideo(moov *box, tracks map[uint32]*track) {
	movieScale, _ := field32(moov.child("mvhd").data)
	type placed struct {
		t                *track
		scale            float64
		delay, mediaTime float64 // seconds; media ticks
	}
	var video *placed
	var others []placed
	for _, trak := range moov.kids {
		if trak.typ != "trak" {
			continue
		}
		id, _ := field32(trak.child("tkhd").data)
		mediaScale, _ := field32(trak.child("mdia").child("mdhd").data)
		t := tracks[id]
		if t == nil || mediaScale == 0 || movieScale == 0 {
			continue
		}
		p := placed{t: t, scale: float64(mediaScale), delay: float64(t.start) / float64(mediaScale)}
		if edts := trak.child("edts"); edts != nil && edts.child("elst") != nil {
			for _, e := range readEdits(edts.child("elst").data) {
				if e.mediaTime < 0 {
					p.delay += float64(e.duration) / float64(movieScale)
					continue
				}
				p.mediaTime = float64(e.mediaTime)
				break
			}
		}
		if hdlr := trak.child("mdia").child("hdlr"); video == nil && hdlr != nil && len(hdlr.data) >= 12 && string(hdlr.data[8:12]) == "vide" {
			video = &p
		} else {
			others = append(others, p)
		}
	}
	if video == nil || video.t.samples() == 0 {
		return
	}
	end := video.delay + (float64(video.t.mediaDuration())-video.mediaTime)/video.scale
	for _, o := range others {
		limit := (end-o.delay)*o.scale + o.mediaTime
		o.t.keep(o.t.firstAtOrAfter(limit - 1e-6))
	}
}
