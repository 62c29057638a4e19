package job

import (
	"context"
	"time"

	"replayrescue/core/media"
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

// plan tells where a render of this part alone with s would start. It
// reads the chunks near the start, which must be on disk; it writes nothing
// but the render list.
func (p *part) plan(ctx context.Context, tools media.Tools, s Settings) (Plan, error) {
	c, err := tools.PlanCut(ctx, p.renderSpec(s))
	if err != nil {
		return Plan{}, explainMedia(err)
	}
	plan := Plan{Start: c.Start, AudioGap: c.Gap}
	if s.Exact && c.Start <= s.Start {
		// Exact mode starts on the asked frame itself, unless the sound
		// only begins later, where the fast cut already points.
		plan.Start = s.Start
	}
	return plan, nil
}
