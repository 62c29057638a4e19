package job

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"replayrescue/core/internal/safefile"
	"replayrescue/core/media"
)

// PosterPath is where the poster of the video out goes: beside it, NAME.jpg.
func PosterPath(out string) string {
	return strings.TrimSuffix(out, filepath.Ext(out)) + ".jpg"
}

// posterWidth is wider than any video: the poster keeps the video's size.
const posterWidth = 1 << 14

// writePoster writes the picture at s.Poster of the saved video beside it,
// made by the code the previews use (media.Frame): the first picture at or
// after that time, the last one past the end. It returns the poster's path.
func (t *Talk) writePoster(ctx context.Context, s Settings) (string, error) {
	path := PosterPath(s.Output)
	jpeg, err := t.opts.Tools.Frame(ctx, s.Output, max(s.Poster, 0), posterWidth)
	if errors.Is(err, media.ErrNoFrame) {
		jpeg, err = t.opts.Tools.LastFrame(ctx, s.Output, posterWidth)
	}
	if err == nil {
		err = writeNew(path, jpeg, s.Force)
	}
	if err != nil {
		return "", &Error{Code: ExitOther, Err: err,
			Msg: fmt.Sprintf("The video is saved, but its poster picture could not be written to %s (%s).", path, reason(err))}
	}
	return path, nil
}

// CheckPoster refuses a poster that would replace a file, unless force:
// asked before anything slow, as CheckOutput does for the video.
func CheckPoster(s Settings) error {
	if !s.SavePoster || s.Force {
		return nil
	}
	if _, err := os.Lstat(PosterPath(s.Output)); err == nil {
		return &Error{Code: ExitUsage, Msg: fmt.Sprintf("%s already exists; choose another name with -o, or add --force to replace it with the new poster.", PosterPath(s.Output))}
	}
	return nil
}

// writeNew writes data to path: a new file, never one that appeared there
// meanwhile, unless replace (--force) says the user's file may go.
func writeNew(path string, data []byte, replace bool) error {
	if replace {
		return safefile.WriteFile(path, data, 0o644)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path) // ours, half-written
	}
	return err
}
