package app

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// dialogText is the text of the labels in the dialogs showing on w.
func dialogText(w fyne.Window) string {
	var texts []string
	for _, ov := range w.Canvas().Overlays().List() {
		for _, o := range test.LaidOutObjects(ov) {
			if l, ok := o.(*widget.Label); ok && l.Visible() {
				texts = append(texts, l.Text)
			}
		}
	}
	return strings.Join(texts, " ")
}

// brightness is the mean of a picture's red, green and blue, 0 to 255.
func brightness(img image.Image) int {
	b := img.Bounds()
	var sum, n int
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			sum += int(r>>8) + int(g>>8) + int(bl>>8)
			n += 3
		}
	}
	return sum / n
}

// "Save this picture" writes the picture shown, at the video's own size,
// where the presenter said: the sample's white flash at 5 s when the
// picture shown is the flash, not the one a second later; a name without
// .jpg gets it; a file that appeared under the name is kept.
func TestSaveThisPicture(t *testing.T) {
	h, _ := sampleOnEditScreen(t)
	e := h.u.edit
	dir := t.TempDir()
	saved := func(at time.Duration, path string, replace bool) image.Image {
		t.Helper()
		e.loadPreview(at)
		h.q.until(t, "the picture", func() bool { return strings.HasPrefix(e.previewNote.Text, "Picture at") })
		e.savePicture(e.pictureAt(), path, replace)
		h.q.until(t, "the picture saved", func() bool { return strings.Contains(e.previewNote.Text, "is saved as") })
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s is not a JPEG: %v", path, err)
		}
		return img
	}
	flash := saved(5*time.Second, filepath.Join(dir, "flash.jpg"), true)
	if b := flash.Bounds(); b.Dx() != 320 || b.Dy() != 180 {
		t.Errorf("the picture is %v, want the video's 320x180", b)
	}
	if v := brightness(flash); v < 230 {
		t.Errorf("the picture at 5 s has brightness %d: not the sample's white flash", v)
	}
	if want := "The picture at 0:05 is saved as flash.jpg."; e.previewNote.Text != want {
		t.Errorf("after saving the line reads %q, want %q", e.previewNote.Text, want)
	}
	if v := brightness(saved(6*time.Second, filepath.Join(dir, "later.jpg"), true)); v >= 230 {
		t.Errorf("the picture at 6 s is white (%d): the flash is at 5 s", v)
	}

	// A name that already holds a file the dialog did not ask about is kept.
	theirs := filepath.Join(dir, "theirs.jpg")
	if err := os.WriteFile(theirs, []byte("a user's own picture"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.savePicture(e.pictureAt(), theirs, false)
	h.q.until(t, "the refusal", func() bool { return dialogText(h.win) != "" })
	if got := dialogText(h.win); !strings.Contains(got, "already exists and was kept") {
		t.Errorf("saving over a file nobody agreed to replace says %q", got)
	}
	if b, _ := os.ReadFile(theirs); string(b) != "a user's own picture" {
		t.Errorf("the user's file was changed: %q", b)
	}
}
