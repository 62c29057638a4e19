package media

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// renameNoReplace renames tmp to final unless final exists (renamex_np with
// RENAME_EXCL, macOS 10.12+).
func renameNoReplace(tmp, final string) error {
	err := unix.RenamexNp(tmp, final, unix.RENAME_EXCL)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EEXIST):
		return &os.LinkError{Op: "rename", Old: tmp, New: final, Err: fs.ErrExist}
	case errors.Is(err, unix.ENOTSUP), errors.Is(err, unix.EINVAL):
		return linkThenUnlink(tmp, final)
	}
	return &os.LinkError{Op: "rename", Old: tmp, New: final, Err: err}
}
