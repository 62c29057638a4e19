package mp4

// tfhd and trun flags (ISO/IEC 14496-12, 8.8.7 and 8.8.8).
const (
	tfBaseDataOffset  = 0x000001
	tfDescription     = 0x000002
	tfDefaultDuration = 0x000008
	tfDefaultSize     = 0x000010
	tfDefaultFlags    = 0x000020

	trDataOffset = 0x000001
	trFirstFlags = 0x000004
	trDuration   = 0x000100
	trSize       = 0x000200
	trFlags      = 0x000400
	trShift      = 0x000800
)

// pending is a trun whose data must lie in the mdat that follows its moof.
type pending struct {
	t     *track
	index int    // into t.chunks, whose at is set once the mdat is read
	pos   uint64 // where its data starts in the fragmented file
	bytes uint64
}

// readMoof adds the samples of one moof, which starts at offset moofAt of
// the fragmented file, to the tracks, and returns its runs, to be placed
// when its mdat is read. budget is how many more samples the file can hold
// (each takes at least a byte): a damaged count must not allocate gigabytes.
func readMoof(moof *box, moofAt uint64, tracks map[uint32]*track, budget *uint64) ([]pending, error) {
	var out []pending
	for _, traf := range moof.kids {
		if traf.typ != "traf" {
			continue
		}
		runs, err := readTraf(traf, moofAt, tracks, budget)
		if err != nil {
			return nil, err
		}
		out = append(out, runs...)
	}
	return out, nil
}

func readTraf(traf *box, moofAt uint64, tracks map[uint32]*track, budget *uint64) ([]pending, error) {
	tfhd := traf.child("tfhd")
	if tfhd == nil {
		return nil, formatError("a fragment without tfhd")
	}
	r := &reader{p: tfhd.data}
	_, flags := r.versionFlags()
	t := tracks[r.u32()]
	if t == nil {
		return nil, formatError("a fragment of a track the header does not list")
	}
	// Without an explicit base, data offsets count from the moof
	// (default-base-is-moof, and what the first traf means anyway);
	// ffmpeg's +default_base_moof sets it for every traf.
	base := moofAt
	if flags&tfBaseDataOffset != 0 {
		base = r.u64()
	}
	var description uint32
	r.optional(flags, tfDescription, &description)
	duration, size, sampleFlags := t.defDuration, t.defSize, t.defFlags
	r.optional(flags, tfDefaultDuration, &duration)
	r.optional(flags, tfDefaultSize, &size)
	r.optional(flags, tfDefaultFlags, &sampleFlags)
	if r.bad {
		return nil, formatError("a short tfhd")
	}

	if tfdt := traf.child("tfdt"); tfdt != nil {
		r := &reader{p: tfdt.data}
		version, _ := r.versionFlags()
		dts := uint64(0)
		if version == 1 {
			dts = r.u64()
		} else {
			dts = uint64(r.u32())
		}
		if r.bad {
			return nil, formatError("a short tfdt")
		}
		t.decodeTime(dts)
	}

	var out []pending
	next := base
	for _, trun := range traf.kids {
		if trun.typ != "trun" {
			continue
		}
		p, err := readTrun(trun, t, base, next, duration, size, sampleFlags, budget)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
		next = p.pos + p.bytes
	}
	return out, nil
}

// readTrun adds one trun's samples to t. next is where its data starts when
// it gives no data offset: right after the run before it.
func readTrun(trun *box, t *track, base, next uint64, duration, size, sampleFlags uint32, budget *uint64) (pending, error) {
	r := &reader{p: trun.data}
	version, flags := r.versionFlags()
	count := r.u32()
	pos := next
	if flags&trDataOffset != 0 {
		pos = uint64(int64(base) + int64(int32(r.u32())))
	}
	firstFlags, hasFirst := uint32(0), flags&trFirstFlags != 0
	if hasFirst {
		firstFlags = r.u32()
	}
	perSample := 0
	for _, f := range []uint32{trDuration, trSize, trFlags, trShift} {
		if flags&f != 0 {
			perSample += 4
		}
	}
	if r.bad || uint64(count) > *budget || (perSample > 0 && int(count) > len(r.p)/perSample) {
		return pending{}, formatError("a trun of %d samples in %d bytes", count, len(trun.data))
	}
	*budget -= uint64(count)
	if count == 0 {
		return pending{pos: pos}, nil // nothing to place (t stays nil)
	}
	p := pending{t: t, index: len(t.chunks), pos: pos}
	for i := range count {
		d, s, f, shift := duration, size, sampleFlags, int32(0)
		if i == 0 && hasFirst {
			f = firstFlags
		}
		r.optional(flags, trDuration, &d)
		r.optional(flags, trSize, &s)
		r.optional(flags, trFlags, &f)
		if flags&trShift != 0 {
			v := r.u32()
			if version == 0 && v > 0x7FFFFFFF {
				return pending{}, formatError("a composition offset out of range")
			}
			shift = int32(v)
		}
		t.add(d, s, f, shift)
		p.bytes += uint64(s)
	}
	t.chunks = append(t.chunks, chunk{samples: count})
	return p, nil
}
