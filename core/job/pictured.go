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
	return !p.pictured && !p.pl.File && (p.pl.Variant == nil || p.pl.Variant.Resolution == "")
}

// readPictureSize waits (until ctx ends) for seg, the first chunk, to be on
// disk and tells its picture's size. It says nothing when the chunk has no
// picture or the tools cannot read it: the size is only a courtesy.
func (p *part) readPictureSize(ctx context.Context, seg playlist.Segment) {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, ok := fetch.Stored(p.dir, seg); ok {
			break
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
	if p.opts.waitTools() != nil {
		return
	}
	info, err := p.opts.Tools.Probe(ctx, filepath.Join(p.dir, fetch.FileName(seg)))
	if err != nil {
		return
	}
	p.pictured = true // read once, even when there is no picture (a Space)
	if v, ok := info.Stream("video"); ok && v.Width > 0 && v.Height > 0 {
		p.emit(Pictured{Quality: fmt.Sprintf("%dx%d", v.Width, v.Height)})
	}
}
