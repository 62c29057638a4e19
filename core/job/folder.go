package job

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"

	"replayrescue/core/media"
)

// The job folder. A job creates a small, fixed set of names in it and
// removes only those: the user may point --work at a folder of their own
// (and save the video into it), so "clean up" can never mean "remove the
// folder". A folder that holds files of someone else's and no job state is
// refused before anything is written, and so is one every account on the
// computer may write into, where anyone could plant links under the names
// the job is about to write.

// ownFileRE matches every file name a job (or the render it runs) creates
// in its folder: the state and lock, chunks and their temporary names, the
// render's lists and re-encoded head, the chat it keeps, the presenter's
// picture for a card, and the probe of checkWritable.
var ownFileRE = regexp.MustCompile(`^(?:` +
	`state\.json(?:\.tmp)?|lock|` +
	`(?:chunk|audio)_[0-9]{6,}\.ts(?:\.part)?|` +
	`render(?:-[a-z]+)?\.(?:ffconcat|concatf|ts)|` +
	`(?:chat\.json|chat-burn\.ass)|\.(?:chat\.json|chat-burn\.ass)\.[0-9a-f]+\.part|` +
	`presenter\.(?:jpg|png)|` +
	`\.replayrescue-check-[0-9]+` +
	`)$`)

// partDirRE matches the part folders a talk makes in its folder.
var partDirRE = regexp.MustCompile(`^part-[0-9]+$`)

// ownEntry reports whether e is something a job or a talk creates.
func ownEntry(e fs.DirEntry, talk bool) bool {
	if e.IsDir() {
		return talk && partDirRE.MatchString(e.Name())
	}
	return ownFileRE.MatchString(e.Name())
}

// prepareFolder creates dir if needed and checks it may be used: not
// writable by every account, and holding nothing but a job's (or, for a
// talk, its parts') files unless a job has already worked there.
func prepareFolder(dir string, talk bool) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return &Error{Code: ExitOther, Msg: fmt.Sprintf("Cannot create the job folder %s: %v.", dir, errors.Unwrap(err)), Err: err}
	}
	st, err := os.Stat(dir)
	if err != nil {
		return &Error{Code: ExitOther, Msg: fmt.Sprintf("Cannot use the job folder %s: %s.", dir, reason(err)), Err: err}
	}
	// Windows folders carry ACLs rather than these bits; on a shared
	// Unix folder such as /tmp anyone could plant links under the names
	// the job writes.
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o002 != 0 {
		return &Error{Code: ExitUsage, Msg: fmt.Sprintf("The folder %s can be changed by every account on this computer, so it is not safe for a download: choose a folder of your own for --work.", dir)}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return &Error{Code: ExitOther, Msg: fmt.Sprintf("Cannot use the job folder %s: %s.", dir, reason(err)), Err: err}
	}
	for _, e := range entries {
		if e.Name() == stateFile && !e.IsDir() {
			return nil // a job has worked here: it resumes, and leaves alone what is not its own
		}
	}
	for _, e := range entries {
		if !ownEntry(e, talk) {
			return &Error{Code: ExitUsage, Msg: fmt.Sprintf("The folder %s already holds other files (such as %q): choose an empty or new folder for --work, as the download keeps its files in a folder of their own.", dir, e.Name())}
		}
	}
	return nil
}

// removeOwn removes the job's own files from dir (plain files only: a link
// planted under one of its names stays), then dir itself if that left it
// empty. The user's files are never touched.
func removeOwn(dir string, talk bool) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var first error
	for _, e := range entries {
		if e.Type().IsRegular() && ownEntry(e, talk) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) && first == nil {
				first = err
			}
		}
	}
	os.Remove(dir) // only if empty: fails, as it should, when anything else is there
	return first
}

// RemoveUnfinished removes what a save into out that did not finish left
// behind (it failed, or was killed with its program: a crash, a forced
// quit): the render's temporary files beside out, and out itself when it is
// an empty file (the one a save dialog makes). Anything with content under
// out stays. It returns the files removed.
func RemoveUnfinished(out string) []string {
	var removed []string
	for _, f := range media.Leftovers(out) {
		if os.Remove(f) == nil {
			removed = append(removed, f)
		}
	}
	if st, err := os.Lstat(out); err == nil && st.Mode().IsRegular() && st.Size() == 0 && os.Remove(out) == nil {
		removed = append(removed, out)
	}
	return removed
}
