package job

import (
	"context"
	"errors"
	"time"
)

// Plan is where a render with some settings would really start, for the
// app to show before saving: stream copy starts on a whole picture.
type Plan struct {
	// Start is where the video starts: the keyframe at or before the
	// start asked for (later when the sound only begins there), or the
	// asked start itself with Exact.
	Start time.Duration
	// AudioGap is how much later the broadcast's sound starts than its
	// picture (negative: earlier); the saved video lines them up.
	AudioGap time.Duration
}

// Plan tells where a render with s would start. It reads the chunks near
// the start, which must be on disk; it writes nothing but the render list.
func (j *Job) Plan(ctx context.Context, s Settings) (Plan, error) {
	if j.pl == nil {
		return Plan{}, errors.New("job: Plan before Load")
	}
	c, err := j.opts.Tools.PlanCut(ctx, j.renderSpec(s))
	if err != nil {
		return Plan{}, explainMedia(err)
	}
	p := Plan{Start: c.Start, AudioGap: c.Gap}
	if s.Exact && c.Start <= s.Start {
		// Exact mode starts on the asked frame itself, unless the sound
		// only begins later, where the fast cut already points.
		p.Start = s.Start
	}
	return p, nil
}
