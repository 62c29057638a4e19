package media

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Putting the finished video in place. The check that the output does not
// exist runs when the save starts, minutes before the video is ready; a
// file of that name may appear meanwhile (a second save to the same default
// name, the user's own file). So the final move never replaces anything
// unless the user asked for it: the operating system's no-replace rename
// where it has one, a hard link then unlink elsewhere. A name taken
// meanwhile is left alone and the video goes to the next free name
// ("talk (2).mp4"), which TakenError tells.

// TakenError says that the output's name was taken while the video was
// being made: that file was left alone and the video saved as Saved.
type TakenError struct {
	Wanted, Saved string
}

func (e *TakenError) Error() string {
	return fmt.Sprintf("%s appeared while the video was being saved, so it was left as it was; the video was saved as %s", e.Wanted, e.Saved)
}

// isTaken reports whether err is a *TakenError: the video was saved, under
// another name.
func isTaken(err error) bool {
	var taken *TakenError
	return errors.As(err, &taken)
}

// maxFreeNames bounds the search for a free name ("talk (2).mp4" ...).
const maxFreeNames = 100

// place moves the finished file tmp to final. With replace an existing
// final is replaced; without, it is never touched: the video goes to the
// next free name and a *TakenError says so.
func place(tmp, final string, replace bool) error {
	if replace {
		return os.Rename(tmp, final)
	}
	err := renameNoReplace(tmp, final)
	if !errors.Is(err, fs.ErrExist) {
		return err
	}
	ext := filepath.Ext(final)
	base := strings.TrimSuffix(final, ext)
	for n := 2; n <= maxFreeNames; n++ {
		alt := fmt.Sprintf("%s (%d)%s", base, n, ext)
		if err := renameNoReplace(tmp, alt); err == nil {
			return &TakenError{Wanted: final, Saved: alt}
		} else if !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return &fs.PathError{Op: "save", Path: final, Err: fs.ErrExist}
}

// linkThenUnlink moves tmp to final unless final exists, where the system
// has no no-replace rename: a hard link fails on an existing name.
func linkThenUnlink(tmp, final string) error {
	err := os.Link(tmp, final)
	if err == nil {
		return os.Remove(tmp)
	}
	if errors.Is(err, fs.ErrExist) {
		return err
	}
	// A file system without hard links (FAT, exFAT, some network shares):
	// the last resort checks, then renames. The gap between the two is
	// microseconds instead of the render's minutes.
	if _, serr := os.Lstat(final); serr == nil {
		return &fs.PathError{Op: "rename", Path: final, Err: fs.ErrExist}
	}
	return os.Rename(tmp, final)
}
