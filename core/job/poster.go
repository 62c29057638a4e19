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
		if s.Force {
			err = safefile.WriteFile(path, jpeg, 0o644) // the user asked to replace it
		} else {
			err = safefile.WriteNew(path, jpeg, 0o644) // never a file that appeared meanwhile
		}
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
