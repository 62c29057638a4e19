package job

import (
	"errors"
	"fmt"
	"path/filepath"
	"replayrescue/core/say"
	"time"
)

// lockFile guards a job folder against a second Replay Rescue working in it
// at the same time (two windows, or a script started twice): both would
// write the same chunk and state files. The lock is an operating-system file
// lock, so a crashed or killed process never leaves a stale one behind.
const lockFile = "lock"

// errLocked is what tryLock reports when another process holds the lock.
var errLocked = errors.New("job folder in use")

// lock takes the job folder's lock for one operation (load, download,
// render, clean-up) and returns its release. Reading previews needs none.
func (p *part) lock() (func(), error) {
	f, err := tryLock(filepath.Join(p.dir, lockFile))
	// A child this program is starting (ffmpeg, in another goroutine) holds
	// a copy of every open file between fork and exec, a lock released a
	// moment ago among them: that hold ends within milliseconds, another
	// save's does not.
	for try := 0; errors.Is(err, errLocked) && try < 20; try++ {
		time.Sleep(5 * time.Millisecond)
		f, err = tryLock(filepath.Join(p.dir, lockFile))
	}
	if errors.Is(err, errLocked) {
		return nil, saying(ExitOther, err, say.T("Another Replay Rescue is already saving into {{.Dir}}; wait until it has finished, or choose another folder with --work.", "Dir", p.dir))
	}
	if err != nil {
		return nil, &Error{Code: ExitOther, Msg: fmt.Sprintf("Cannot use the job folder %s: %v.", p.dir, errors.Unwrap(err)), Err: err}
	}
	return func() { f.Close() }, nil
}
