package media

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// renameNoReplace renames tmp to final unless final exists: MoveFileEx
// without MOVEFILE_REPLACE_EXISTING refuses an existing name.
func renameNoReplace(tmp, final string) error {
	from, err := windows.UTF16PtrFromString(tmp)
	if err != nil {
		return err
	}
	to, err := windows.UTF16PtrFromString(final)
	if err != nil {
		return err
	}
	err = windows.MoveFileEx(from, to, windows.MOVEFILE_WRITE_THROUGH)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, windows.ERROR_ALREADY_EXISTS), errors.Is(err, windows.ERROR_FILE_EXISTS):
		return &os.LinkError{Op: "rename", Old: tmp, New: final, Err: fs.ErrExist}
	}
	return &os.LinkError{Op: "rename", Old: tmp, New: final, Err: err}
}
