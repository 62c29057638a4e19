package media

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Joining parts from the same phone without re-encoding the picture: when
// every part's picture is H.264 of one size, profile, pixel format and
// frame rate, and no cross-fade is asked, the pictures are copied. Each part
// is cut like the single-source fast mode: it starts on the keyframe at or
// before its asked start (its real Start, reported as such) and ends on the
// asked frame or its end. One concat list reads every part's chunks in
// order, the first entry of a part starting at that keyframe (inpoint) and
// its last ending one frame after its last picture (outpoint), so pictures
// follow each other one frame apart across the joins. The sound is
// filtered and encoded as in the re-encoded join, each part's cut at its
// first copied picture and exactly as long as its pictures.

// JoinListName is the concat list of a copied join, in the first part's job
// folder.
const JoinListName = "render-joined.ffconcat"

// errNotCopyable means the parts' pictures must be re-encoded to be joined.
var errNotCopyable = errors.New("the parts' pictures cannot be copied")

// joinEntry is one part's share of the copied join's list: its chunks from
// the one holding its first picture to the one holding its last, entered
// at inpoint and left at outpoint (both on those chunks' own clock).
type joinEntry struct {
	dir               string
	chunks            []string
	inpoint, outpoint time.Duration
}

// copyable tells whether pictures described by videos can be copied into
// one track, joined as spec asks. Pictures stored out of order (B-frames)
// are not: the list's outpoint cuts in storage order, the windows are
// counted in display order.
func copyable(spec JoinSpec, videos []StreamInfo) bool {
	if spec.Reencode || (spec.Crossfade > 0 && len(videos) > 1) {
		return false
	}
	first := videos[0]
	for _, v := range videos {
		if v.Codec != "h264" || v.Width != first.Width || v.Height != first.Height || v.Profile != first.Profile ||
			v.PixFmt != first.PixFmt || math.Abs(v.FrameRate-first.FrameRate) > 0.01 || v.Width <= 0 || v.FrameRate <= 0 ||
			v.BFrames != 0 {
			return false
		}
	}
	return true
}

// joinMode is how a join's pictures are made.
type joinMode int

const (
	joinEncode joinMode = iota // all encoded once (joinArgs)
	joinCopy                   // copied, each part from a keyframe (copyJoinArgs)
	joinSmart                  // copied but where a cut needs encoding (smartJoinArgs)
)

// JoinCopies tells whether RenderJoined would copy the parts' pictures
// each starting on a keyframe (see copyWindow, smartWindow) rather than
// start them on the very frame asked for.
func (t Tools) JoinCopies(ctx context.Context, spec JoinSpec) (bool, error) {
	mode, err := t.joinMode(ctx, spec)
	return mode != joinEncode && !spec.Exact, err
}

// joinMode tells how RenderJoined would make spec's pictures, from the
// first chunk each part's render reads.
func (t Tools) joinMode(ctx context.Context, spec JoinSpec) (joinMode, error) {
	if len(spec.Parts) == 0 {
		return joinEncode, nil
	}
	videos := make([]StreamInfo, len(spec.Parts))
	for i, ps := range spec.Parts {
		first, _ := window(ps)
		if first >= len(ps.Chunks) {
			return joinEncode, nil
		}
		info, err := t.Probe(ctx, filepath.Join(ps.Dir, ps.Chunks[first]))
		if err != nil {
			return joinEncode, err
		}
		videos[i], _ = info.Stream("video")
	}
	switch {
	case !spec.Exact && copyable(spec, videos):
		return joinCopy, nil
	case t.smartJoinable(ctx, spec, videos):
		return joinSmart, nil
	}
	return joinEncode, nil
}

// copyJoinArgs builds a copied join's output, and tells where each part
// lands; errNotCopyable (or any failure to place a cut) leaves the join to
// joinArgs.
func (t Tools) copyJoinArgs(ctx context.Context, spec JoinSpec, parts []joinPart) (Joined, joinOutput, error) {
	videos := make([]StreamInfo, len(parts))
	for i, jp := range parts {
		videos[i] = jp.video
	}
	if spec.Exact || !copyable(spec, videos) {
		return Joined{}, joinOutput{}, errNotCopyable
	}
	parts = slices.Clone(parts) // the cuts move; a failure leaves them for joinArgs
	entries := make([]joinEntry, len(parts))
	for i := range parts {
		e, err := t.copyWindow(ctx, &parts[i], spec.Parts[i])
		if err != nil {
			return Joined{}, joinOutput{}, fmt.Errorf("part %d: %w", i+1, err)
		}
		entries[i] = e
	}
	list, err := writeJoinList(filepath.Join(spec.Parts[0].Dir, JoinListName), entries)
	if err != nil {
		return Joined{}, joinOutput{}, err
	}
	// -copyts (see RenderJoined): the list's timeline starts at the first
	// keyframe, but ffmpeg would rebase it on the earliest packet it sees,
	// perhaps sound (not read) from before the keyframe, delaying the
	// picture. The sound lists start at zero, so their timing is as in the
	// re-encoded join.
	res, sounds := joinedParts(spec, parts)
	a := ffmpeg.Filter(sounds, "concat", nil, ffmpeg.KwArgs{"n": strconv.Itoa(len(parts)), "v": "0", "a": "1"})
	return res, joinOutput{
		streams: []*ffmpeg.Stream{concatSource(list).input().Get("v:0"), a},
		opts:    ffmpeg.KwArgs{"c:v": "copy", "c:a": "aac", "b:a": "128k", "movflags": "+faststart"},
		sound:   joinedSound(sounds, 0),
	}, nil
}

// copyWindow moves jp's first picture to where the fast mode would start
// (see planCut: the keyframe at or before it, unless the sound only begins
// later) and finds where its pictures lie in its chunks. The chunk of each
// listed picture is told by its byte position (see listVideo); reading the
// first and last chunks on their own checks that, and gives the times the
// list's inpoint and outpoint need.
func (t Tools) copyWindow(ctx context.Context, jp *joinPart, ps RenderSpec) (joinEntry, error) {
	const slack = time.Millisecond
	pk := jp.pkts
	key, err := planCut(jp.p.tracks, keyframesOf(pk), jp.first, ps.AudioOffset)
	if err != nil {
		return joinEntry{}, err
	}
	from, to := -1, -1
	for i, p := range pk {
		if p.pts > jp.last+slack {
			break
		}
		if from < 0 && p.pts >= key-slack {
			from = i
		}
		to = i
	}
	if from < 0 || to < from || !pk[from].key {
		return joinEntry{}, ErrNoPicture
	}
	dir := ps.Dir
	in, err := t.chunkPicture(ctx, dir, jp.p.chunks, pk, from)
	if err != nil {
		return joinEntry{}, err
	}
	if !in.key {
		return joinEntry{}, errors.New("the start keyframe was not found in its chunk")
	}
	out, err := t.chunkPicture(ctx, dir, jp.p.chunks, pk, to)
	if err != nil {
		return joinEntry{}, err
	}
	frame := time.Duration(math.Round(1e6/jp.rate)) * time.Microsecond
	jp.first, jp.last, jp.frames = pk[from].pts, pk[to].pts, to-from+1
	return joinEntry{
		dir: dir, chunks: jp.p.chunks[pk[from].file : pk[to].file+1],
		inpoint: in.pts, outpoint: out.pts + frame,
	}, nil
}

// chunkPicture is listed picture i read from its own chunk, on the chunk's
// clock. The chunk must hold as many pictures as were listed from it
// (unless it is the last one listed, which may have been read only in
// part), or the chunk boundaries were guessed wrong.
func (t Tools) chunkPicture(ctx context.Context, dir string, chunks []string, pk []videoPacket, i int) (videoPacket, error) {
	file := pk[i].file
	if file >= len(chunks) {
		return videoPacket{}, errors.New("more chunks than listed")
	}
	listed, nth := 0, 0
	for k, p := range pk {
		if p.file == file {
			if k < i {
				nth++
			}
			listed++
		}
	}
	own, err := t.listVideo(ctx, source{url: "file:" + filepath.Join(dir, chunks[file])}, 0, 24*time.Hour)
	if err != nil {
		return videoPacket{}, err
	}
	lastListed := file == pk[len(pk)-1].file
	if nth >= len(own) || (!lastListed && listed != len(own)) {
		return videoPacket{}, fmt.Errorf("chunk %s does not hold the pictures listed from it", chunks[file])
	}
	return own[nth], nil
}
