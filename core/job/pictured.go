package job

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"replayrescue/core/fetch"
	"replayrescue/core/playlist"
)

// Pictured: the picture's size, read from the first chunk on disk, for a
// playlist that did not say it (a pasted media playlist names no
// resolution; a master's variant does, in Found).
type Pictured struct {
	Quality string // "1280x720"
}

func (Pictured) kind() string { return "picture" }

// needsPictureSize tells whether the picture's size is still to be read:
// not said by the playlist, not read yet in this run, and a playlist of
// pictures (a plain file is measured whole, a Space has none).
func (p *part) needsPictureSize() bool {
	return !p.pictured.Load() && !p.pl.File && (p.pl.Variant == nil || p.pl.Variant.Resolution == "")
}

// readPictureSize waits (until waiting ends) for seg, the first chunk, to
// be on disk and tells its picture's size, read within ctx. It says nothing
// when the chunk has no picture or the tools cannot read it: the size is
// only a courtesy.
func (p *part) readPictureSize(waiting, ctx context.Context, seg playlist.Segment) {
	if !p.arrives(waiting, seg) {
		return
	}
	if p.pictured.Swap(true) { // read once, even with no picture (a Space)
		return
	}
	if p.opts.waitTools() != nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	info, err := p.opts.Tools.Probe(ctx, filepath.Join(p.dir, fetch.FileName(seg)))
	if err != nil {
		return
	}
	if v, ok := info.Stream("video"); ok && v.Width > 0 && v.Height > 0 {
		p.emit(Pictured{Quality: fmt.Sprintf("%dx%d", v.Width, v.Height)})
	}
}

// arrives tells whether seg is on disk, waiting for it until waiting ends.
func (p *part) arrives(waiting context.Context, seg playlist.Segment) bool {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, ok := fetch.Stored(p.dir, seg); ok {
			return true
		}
		select {
		case <-waiting.Done():
			_, ok := fetch.Stored(p.dir, seg) // it may have come at the very end
			return ok
		case <-tick.C:
		}
	}
}
