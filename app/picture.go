package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"replayrescue/app/internal/backend"
)

// pictureWidth is wider than any video: a saved picture keeps the video's
// own size (the previews ask for a smaller one).
const pictureWidth = 1 << 14

// onSavePicture saves the picture shown as a JPEG, for a talk page or a
// video site's poster: the save dialog opens where videos are saved, with
// the talk's name. It is the picture the previews show, made by the same
// code (the CLI's save --poster too), at the video's own size.
func (v *editView) onSavePicture() {
	u := v.u
	if u.sess == nil {
		return
	}
	v.stopPlaying() // the picture on screen is the one saved
	at := v.pictureAt()
	name := strings.TrimSuffix(backend.FileName(u.sess.job.Title(), lang.L("replay")), ".mp4") + ".jpg"
	u.askSavePath(name, []string{".jpg", ".jpeg"}, func(path string, replace bool) { v.savePicture(at, path, replace) })
}

// pictureAt is the time of the picture shown: the cursor, kept where
// pictures are (loadPreviewAfter shows the last one for the very end).
func (v *editView) pictureAt() time.Duration {
	at := v.cursor
	if v.total > 0 {
		at = min(at, v.total-300*time.Millisecond)
	}
	return max(at, 0)
}

// savePicture writes the picture at at to path; replace says the user
// agreed to replace a file there (else an existing one is kept and the
// user told). What happened is said under the picture, a failure in a
// dialog.
func (v *editView) savePicture(at time.Duration, path string, replace bool) {
	j := v.job
	shown := v.cursor
	background(context.Background(), v.u.bridge, only(func(ctx context.Context) error {
		jpeg, err := j.Frame(ctx, at, pictureWidth)
		if err != nil {
			return err
		}
		return writePicture(path, jpeg, replace)
	}), func(_ struct{}, err error, stopped bool) {
		if stopped {
			return
		}
		if err != nil {
			if replace {
				removeIfEmpty(path) // what the dialog made for it, not a picture
			}
			msg := lang.L("The picture could not be written to {{.Path}}; check that the folder exists and that there is room on the disk.", map[string]any{"Path": path})
			switch {
			case errors.Is(err, os.ErrExist):
				msg = lang.L("{{.Path}} already exists and was kept; save the picture under another name.", map[string]any{"Path": path})
			case !errors.Is(err, errWritePicture):
				msg, _ = backend.Explain(err)
			}
			v.u.showError(lang.L("Cannot save the picture"), msg)
			return
		}
		v.previewNote.SetText(lang.L("The picture at {{.Time}} is saved as {{.Name}}.", map[string]any{"Time": backend.FormatClock(shown), "Name": filepath.Base(path)}))
	})
}

// errWritePicture marks a failure to write the file (not to make the picture).
var errWritePicture = errors.New("the picture could not be written")

// writePicture writes jpeg to path: over what is there when replace, else
// only as a new file (a file that appeared meanwhile is never replaced).
func writePicture(path string, jpeg []byte, replace bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if !replace {
		flags = os.O_WRONLY | os.O_CREATE | os.O_EXCL
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if errors.Is(err, os.ErrExist) {
		return err
	}
	if err != nil {
		return errors.Join(errWritePicture, err)
	}
	_, err = f.Write(jpeg)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path) // ours, and not a whole picture
		return errors.Join(errWritePicture, err)
	}
	return nil
}
