package media

import (
	"strconv"
	"strings"
	"time"
)

// progressParser reads ffmpeg's -progress output: blocks of key=value lines,
// each block ending with progress=continue or progress=end.
type progressParser struct {
	outTime time.Duration
	ended   bool // progress=end: ffmpeg has written everything
}

// line consumes one line; at the end of a block it returns the output time
// reached and true.
func (p *progressParser) line(s string) (time.Duration, bool) {
	key, value, ok := strings.Cut(strings.TrimSpace(s), "=")
	if !ok {
		return 0, false
	}
	switch key {
	case "out_time_us", "out_time_ms": // both are microseconds in ffmpeg
		if us, err := strconv.ParseInt(value, 10, 64); err == nil && us >= 0 {
			p.outTime = time.Duration(us) * time.Microsecond
		}
	case "progress":
		p.ended = value == "end"
		return p.outTime, true
	}
	return 0, false
}
