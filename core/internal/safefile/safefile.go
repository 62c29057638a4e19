// Package safefile creates the files a job writes into its folder without
// ever writing through something planted there: a symbolic link (or any
// other entry) under the name about to be written is removed, never
// followed, and the new file is created exclusively, so a link that
// reappears in between makes the create fail instead of redirecting it.
package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Create makes a new, empty file at path for writing. Whatever was at path
// (a stale file of an earlier run, a symbolic link) is removed first; a
// folder there is an error.
func Create(path string, perm fs.FileMode) (*os.File, error) {
	if err := removeEntry(path); err != nil {
		return nil, err
	}
	// O_EXCL with O_CREATE fails on any existing entry, a dangling
	// symbolic link included: nothing is followed.
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
}

// WriteFile writes data to path like os.WriteFile, but through Create.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	return write(f, path, data)
}

// WriteNew writes data to a new file at path, failing if anything is there
// (a file of the user's, or a link): nothing is replaced.
func WriteNew(path string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	return write(f, path, data)
}

// write writes data to f, the new file at path, and closes it; a file
// half-written is removed.
func write(f *os.File, path string, data []byte) error {
	_, err := f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// removeEntry removes the entry at path unless it is a folder. Removing a
// symbolic link removes the link, not its target.
func removeEntry(path string) error {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.IsDir() {
		return &fs.PathError{Op: "create", Path: path, Err: fmt.Errorf("a folder is in the way")}
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
