package job

import (
	"context"
	"time"

	"replayrescue/core/fetch"
	"replayrescue/core/media"
)

// A plain video file's length is not known from its link: its pieces are
// byte ranges without lengths, and its index may be at its end. Once every
// piece is on disk the file is measured (media.OpenWhole): its length is
// then the part's, kept in the state file for later runs, and previews and
// the player read the file whole.

// Measured: a plain video file is downloaded and its length is known.
type Measured struct {
	Duration time.Duration
}

func (Measured) kind() string { return "measured" }

// measureFiles measures every part that is a plain video file, once all of
// it is on disk (see part.measure).
func (t *Talk) measureFiles(ctx context.Context) error {
	for i, p := range t.parts {
		if !p.pl.File {
			continue
		}
		if err := t.opts.waitTools(); err != nil {
			return err
		}
		if err := p.measure(ctx, t.opts.Tools); err != nil {
			return partError(i, len(t.parts), err)
		}
	}
	return nil
}

// measure reads the length of p's file, remembers it and tells it.
func (p *part) measure(ctx context.Context, tools media.Tools) error {
	w, err := p.openWhole(ctx, tools)
	if err != nil {
		return err
	}
	p.state.Length = w.Length.Seconds()
	if err := p.saveState(); err != nil {
		return err
	}
	p.emit(Measured{Duration: w.Length})
	return nil
}

// openWhole is p's file read whole, opened once (previews may ask for it
// from several goroutines at once); ErrNotDownloaded before all of it is
// on disk.
func (p *part) openWhole(ctx context.Context, tools media.Tools) (*media.Whole, error) {
	if w := p.whole.Load(); w != nil {
		return w, nil
	}
	p.wholeMu.Lock()
	defer p.wholeMu.Unlock()
	if w := p.whole.Load(); w != nil {
		return w, nil
	}
	if err := p.downloaded(); err != nil {
		return nil, err
	}
	w, err := tools.OpenWhole(ctx, p.dir, p.pieces())
	if err != nil {
		return nil, explainMedia(err)
	}
	p.whole.Store(w)
	return w, nil
}

// pieces are the file names of p's chunks, in order.
func (p *part) pieces() []string {
	var names []string
	for _, seg := range p.pl.Segments {
		names = append(names, fetch.FileName(seg))
	}
	return names
}

// fileLength is the length of p's plain file: measured in this run, or in
// an earlier one (the state file); 0 while it is not known.
func (p *part) fileLength() time.Duration {
	if w := p.whole.Load(); w != nil {
		return w.Length
	}
	return time.Duration(p.state.Length * float64(time.Second)).Round(time.Microsecond)
}
