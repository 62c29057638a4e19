package job

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"replayrescue/core/media"
	"replayrescue/core/say"
)

// isDiskFull tells whether err is the file system running out of space.
func isDiskFull(err error) bool {
	if errors.Is(err, syscall.ENOSPC) {
		return true
	}
	var errno syscall.Errno
	if runtime.GOOS == "windows" && errors.As(err, &errno) {
		// ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL
		return errno == 39 || errno == 112
	}
	// ffmpeg reports it in words on its stderr.
	var failed *media.FailedError
	return errors.As(err, &failed) && strings.Contains(strings.ToLower(failed.Detail), "no space left")
}

// checkWritable makes sure a file can be created in dir, by creating and
// removing one, so an unwritable folder is reported before any slow work.
func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".replayrescue-check-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(filepath.Clean(name))
}

// reasonWords is reason as a sentence's value: the usual refusal in words
// the window translates, any other as the system says it.
func reasonWords(err error) say.Sentence {
	if errors.Is(err, fs.ErrPermission) {
		return say.T("permission denied")
	}
	return say.Plain(reason(err))
}

// reason is the operating system's words for a file error, without the path.
func reason(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
