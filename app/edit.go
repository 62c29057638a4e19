package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"replayrescue/app/internal/backend"
)

// Sync slider: the audio moves in 10 ms steps up to 10 s either way. The
// slider counts steps (integers) because Fyne's Slider snaps to multiples of
// Step counted from 0, and float steps of 0.01 drift (0.37000000000000005).
//
// The slider spans ±5 s by default (a 100 px drag is about half a second);
// a value typed beyond that widens it, up to ±60 s.
const (
	offsetStep    = 10 * time.Millisecond
	offsetRange   = 5 * time.Second
	offsetLimit   = 60 * time.Second
	fineNudge     = 10 * time.Millisecond
	coarseNudge   = 100 * time.Millisecond
	offsetRangeUp = 10 * time.Second // a widened range is a multiple of this
)

// previewClipLength is what "Open in my player" renders around the cursor.
const previewClipLength = 10 * time.Second

// editView is where the user trims and syncs while looking at the pictures.
// Its widgets are made by build (one builder for each part of the screen);
// what the user chose lives in the widgets and in the fields below them,
// and the on... methods are the widgets' handlers.
type editView struct {
	u     *ui
	job   backend.JobRunner
	total time.Duration

	preview     *canvas.Image
	previewNote *widget.Label
	trim        *rangeSlider
	startEntry  *clockEntry
	endEntry    *clockEntry
	length      *widget.Label
	offset      *widget.Slider
	offsetLabel *widget.Label // what the offset means: sound later, earlier, as recorded
	offsetEntry *offsetEntry  // the offset, typed or read
	exact       *widget.Check
	burn        *widget.Check // draw the chat into the video; shown when there is chat
	loudness    *widget.Check // even out the voice (Settings.Loudness)
	cuts        *cutList      // stretches to leave out (Settings.Cuts)
	playTo      time.Duration // where the stretch playing stops: the end handle or a cut
	fade        *widget.Check // cross-fade between parts; shown when there are several
	chatPanel   *fyne.Container
	chatList    *widget.List
	chatNote    *widget.Label
	chatLines   []backend.ChatMessage // comments only, in time order
	cutNote     *widget.Label         // the handles' hint, then where the video really starts and the broadcast's own sync gap
	previewClip *widget.Button
	savePic     *widget.Button    // saves the picture shown as a JPEG
	play        *widget.Button    // plays the video here, with its sound
	playBox     fyne.CanvasObject // play, as wide as its widest label
	soundNote   *widget.Label     // shown when there is no sound output
	save        *widget.Button
	again       *widget.Button
	addPart     *widget.Button
	content     fyne.CanvasObject

	cursor      time.Duration // where the big picture is from
	audioOffset time.Duration // of the part chosen in parts, when there are several
	parts       *partSync     // nil unless the talk has several parts
	frames      *frameLoader
	thumbCancel context.CancelFunc
	clipCancel  context.CancelFunc
	planCancel  context.CancelFunc
	player      backend.Playback // made on the first Play
}

func newEditView(u *ui, j backend.JobRunner) *editView {
	v := &editView{u: u, job: j, total: j.Duration()}
	v.build()
	return v
}

// build makes the screen: the picture, with the chat beside it, and below
// it the trim, the sync and the buttons.
func (v *editView) build() {
	v.frames = v.newFrames()

	picture := v.buildPicture()
	trimRow := v.buildTrim()
	v.cuts = newCutList(v)
	v.exact = widget.NewCheck(lang.L("Exact start (slower)"), v.onExactChanged)
	v.burn = widget.NewCheck(lang.L("Burn the chat into the video (slower)"), nil)
	v.fade = widget.NewCheck(lang.L("Fade between parts"), nil)
	v.loudness = widget.NewCheck(lang.L("Even out the sound"), nil)
	v.fade.Hide()
	v.burn.Hide()
	v.buildChat()
	syncRow, syncHint := v.buildSync()

	v.save = widget.NewButtonWithIcon(lang.L("Save video…"), theme.DocumentSaveIcon(), v.onSave)
	v.save.Importance = widget.HighImportance
	v.again = widget.NewButtonWithIcon(lang.L("Start over"), theme.NavigateBackIcon(), v.onStartOver)
	v.addPart = widget.NewButtonWithIcon(lang.L("Add another part"), theme.ContentAddIcon(), v.onAddPart)

	// The hint teaches the handles until there is something more useful
	// to say: where the video will really start (see showPlan).
	v.cutNote = widget.NewLabel(handlesHint())
	v.cutNote.Wrapping = fyne.TextWrapWord
	v.cutNote.Importance = widget.LowImportance

	partsHint := widget.NewLabel("")
	partsHint.Wrapping = fyne.TextWrapWord
	partsHint.Importance = widget.LowImportance
	partsHint.Hide()
	if pr, ok := v.job.(backend.PartsRunner); ok && v.parts != nil {
		partsHint.SetText(partsNote(pr.PartLengths()))
		partsHint.Show()
	}
	controls := container.NewVBox(
		container.NewBorder(nil, nil, v.playBox, container.NewHBox(v.savePic, v.previewClip), v.previewNote),
		v.soundNote,
		v.trim,
		trimRow,
		v.cuts.box,
		partsHint,
		container.NewBorder(nil, nil, nil, container.NewHBox(v.cuts.begin, v.loudness), v.cutNote),
		widget.NewSeparator(),
		syncRow,
		syncHint,
		container.NewHBox(v.again, v.addPart, layout.NewSpacer(), v.fade, v.burn, v.exact, v.save),
	)
	v.content = container.NewBorder(nil, controls, nil, v.chatPanel, picture)

	v.syncEntries()
	v.showOffset()
}

// buildPicture makes the big picture (letterboxed), the line saying where
// it is from, and the button that plays 10 seconds around it.
func (v *editView) buildPicture() fyne.CanvasObject {
	v.preview = canvas.NewImageFromImage(nil)
	v.preview.FillMode = canvas.ImageFillContain
	v.preview.ScaleMode = canvas.ImageScaleSmooth
	v.preview.SetMinSize(fyne.NewSize(320, 180))
	letterbox := canvas.NewRectangle(color.Black)
	letterbox.CornerRadius = 6
	v.previewNote = widget.NewLabel("")
	v.previewNote.Alignment = fyne.TextAlignCenter
	v.previewClip = widget.NewButtonWithIcon(lang.L("Open in my player"), theme.MediaVideoIcon(), v.onPreviewClip)
	v.savePic = widget.NewButtonWithIcon(lang.L("Save this picture…"), theme.MediaPhotoIcon(), v.onSavePicture)
	v.play = widget.NewButtonWithIcon(lang.L("Play"), theme.MediaPlayIcon(), v.onPlayPause)
	v.play.Importance = widget.HighImportance
	// As wide as "Pause" too, so that nothing moves when it changes.
	size := v.play.MinSize()
	size.Width = max(size.Width, widget.NewButtonWithIcon(lang.L("Pause"), theme.MediaPauseIcon(), nil).MinSize().Width)
	v.playBox = container.New(layout.NewGridWrapLayout(size), v.play)
	v.soundNote = widget.NewLabel(lang.L("No sound output was found on this computer: the video plays without sound."))
	v.soundNote.Importance = widget.LowImportance
	v.soundNote.Hide()
	return container.NewStack(letterbox, v.preview)
}

// buildTrim makes the trim bar and, for the row below it, the start and
// end fields with their nudge buttons and the video's length.
func (v *editView) buildTrim() fyne.CanvasObject {
	v.trim = newRangeSlider(v.total)
	v.trim.OnChanged = v.onTrimChanged
	v.trim.OnChangeEnded = v.onTrimEnded
	v.startEntry = newClockEntry(v.onStartTyped)
	v.endEntry = newClockEntry(v.onEndTyped)
	nudge := func(h handle, d time.Duration, label string) *widget.Button {
		return widget.NewButton(label, func() { v.onNudge(h, d) })
	}
	v.length = widget.NewLabel("")
	startBox := container.NewHBox(widget.NewLabel(lang.L("Start")), v.startEntry,
		nudge(startHandle, -time.Second, lang.L("–1 s")), nudge(startHandle, time.Second, lang.L("+1 s")))
	endBox := container.NewHBox(widget.NewLabel(lang.L("End")), v.endEntry,
		nudge(endHandle, -time.Second, lang.L("–1 s")), nudge(endHandle, time.Second, lang.L("+1 s")))
	return container.NewBorder(nil, nil, startBox, endBox, container.NewCenter(v.length))
}

// buildSync makes the audio sync row (with the choice of part when the talk
// has several) and its hint.
func (v *editView) buildSync() (row, hint fyne.CanvasObject) {
	steps := float64(offsetRange / offsetStep)
	v.offset = widget.NewSlider(-steps, steps)
	v.offset.Step = 1
	v.offset.OnChanged = v.onOffsetChanged
	// The value is typed or read in a field of fixed width, its meaning in
	// a label as wide as its widest wording: nothing moves as it changes.
	v.offsetEntry = newOffsetEntry(v.onOffsetTyped)
	v.offsetLabel = widget.NewLabel("")
	widest := v.offsetLabel.MinSize()
	for _, w := range []string{lang.L("sound later"), lang.L("sound earlier"), lang.L("as recorded")} {
		widest = widest.Max(widget.NewLabel(w).MinSize())
	}
	label := container.New(layout.NewGridWrapLayout(widest), v.offsetLabel)
	nudge := func(text string, d time.Duration) *widget.Button {
		return widget.NewButton(text, func() { v.setOffset(v.audioOffset + d) })
	}
	reset := widget.NewButtonWithIcon("", theme.ContentUndoIcon(), v.onResetOffset)
	syncTitle := widget.NewLabelWithStyle(lang.L("Audio sync"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	earlier := container.NewHBox(nudge(lang.L("–0.1 s"), -coarseNudge), nudge(lang.L("–0.01 s"), -fineNudge))
	syncLeft := container.NewHBox(syncTitle, earlier)
	if v.parts = newPartSync(v); v.parts != nil {
		syncLeft = container.NewHBox(syncTitle, v.parts.choose, earlier)
		v.fade.Show()
	}
	row = container.NewBorder(nil, nil,
		syncLeft,
		container.NewHBox(nudge(lang.L("+0.01 s"), fineNudge), nudge(lang.L("+0.1 s"), coarseNudge), v.offsetEntry, label, reset),
		v.offset)
	syncHint := widget.NewLabel(lang.L("If lips and voice do not match, move the audio while it plays (Space plays and pauses): to the right makes the sound come later."))
	syncHint.Wrapping = fyne.TextWrapWord
	syncHint.Importance = widget.LowImportance
	return row, syncHint
}

// onOffsetTyped applies an offset typed in the field ("+0.35 s", "-350ms",
// "0,35"), widening the slider when it is beyond its range.
func (v *editView) onOffsetTyped(d time.Duration) { v.setOffset(d) }

// buildChat makes the chat beside the preview: one line per comment
// (time, name, text); tapping one moves the start handle there, so the
// presenter can start the video where the questions began. It stays
// hidden until the chat has been read.
func (v *editView) buildChat() {
	v.chatList = widget.NewList(
		func() int { return len(v.chatLines) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(v.chatLines) {
				o.(*widget.Label).SetText(chatLineText(v.chatLines[i]))
			}
		})
	v.chatList.OnSelected = v.onChatLineSelected
	v.chatNote = widget.NewLabel(lang.L("Loading the chat…"))
	v.chatNote.Wrapping = fyne.TextWrapWord
	v.chatNote.Importance = widget.LowImportance
	title := widget.NewLabelWithStyle(lang.L("Chat"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	width := canvas.NewRectangle(color.Transparent) // a fixed width beside the picture
	width.SetMinSize(fyne.NewSize(280, 0))
	v.chatPanel = container.NewBorder(container.NewVBox(title, v.chatNote), nil, nil, nil, container.NewStack(width, v.chatList))
	v.chatPanel.Hide()
}

// rebuild makes the view anew (in the language now chosen) with the user's
// choices kept. The old widgets' work (pictures, plan, chat, preview clip)
// stops; activate starts it again when the screen shows.
func (v *editView) rebuild() {
	old := *v
	*v = editView{u: old.u, job: old.job, total: old.total}
	v.build()
	v.copyFrom(&old)
	old.stop()
}

// onTrimChanged follows a handle while it moves: the picture loads once
// the pointer rests.
func (v *editView) onTrimChanged(_, _ time.Duration, h handle) { v.rangeChanged(h, dragDelay) }

// onTrimEnded loads the picture where a handle was let go.
func (v *editView) onTrimEnded(_, _ time.Duration, h handle) { v.rangeChanged(h, 0) }

func (v *editView) onStartTyped(d time.Duration) { v.typed(startHandle, d) }

func (v *editView) onEndTyped(d time.Duration) { v.typed(endHandle, d) }

// onNudge moves handle h by d (the ±1 s buttons).
func (v *editView) onNudge(h handle, d time.Duration) { v.trim.Nudge(h, d) }

// onTypedKey gets the keys no widget took: the arrows nudge the handle last
// touched.
func (v *editView) onTypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeySpace {
		v.onPlayPause()
		return
	}
	v.trim.TypedKey(k)
}

// onExactChanged says again where the video will start.
func (v *editView) onExactChanged(bool) { v.showPlan() }

// onOffsetChanged records the sync slider's value and relabels it. SetValue
// fires it too, so calling SetValue from code (nudges, reset) is harmless.
func (v *editView) onOffsetChanged(f float64) {
	v.audioOffset = time.Duration(f) * offsetStep
	v.showOffset()
	v.showPlan()
	if v.player != nil {
		// Heard at once while playing: the sound restarts at the new
		// offset from where the listener is.
		if err := v.player.SetOffset(v.audioOffset); err != nil {
			v.playFailed(err)
		}
	}
}

func (v *editView) onResetOffset() { v.setOffset(0) }

// onChatLineSelected moves the start handle to the comment tapped.
func (v *editView) onChatLineSelected(i widget.ListItemID) {
	v.chatList.UnselectAll()
	if i < len(v.chatLines) {
		playing := v.playing()
		v.typed(startHandle, min(max(v.chatLines[i].At, 0), v.total))
		if playing {
			v.playFrom(v.cursor)
		}
	}
}

// onSave asks where to save, in the folder used last time, with the
// broadcast's title as the name, and saves there.
func (v *editView) onSave() {
	u := v.u
	if u.sess == nil {
		return
	}
	u.askSavePath(backend.FileName(u.sess.job.Title(), lang.L("replay")), []string{".mp4"}, v.saveTo)
}

// saveTo writes the video to out with this screen's choices, on a new save
// screen; replace says the user agreed to replace a file there.
func (v *editView) saveTo(out string, replace bool) {
	s := v.u.sess
	if s == nil {
		return
	}
	v.u.settings.setOutputFolder(filepath.Dir(out))
	settings := v.settings()
	settings.Output = out
	settings.Force = replace
	r := newRenderView(v.u)
	v.u.rend = r
	r.render(s, settings)
}

// onStartOver goes back to the start after the user agrees.
func (v *editView) onStartOver() {
	confirm(v.u.win, lang.L("Start over?"),
		lang.L("Your cuts and sync for this video are forgotten. The downloaded parts stay on this computer, so the same broadcast opens quickly again."),
		v.u.startOver)
}

// onAddPart keeps what is being edited as the talk's first parts and asks
// for the next one.
func (v *editView) onAddPart() {
	u := v.u
	s := u.sess
	if s == nil {
		return
	}
	parts := s.parts
	if len(parts) == 0 {
		parts = []backend.Candidate{s.cand}
	}
	if s.cancel != nil {
		s.cancel()
	}
	v.stop()
	u.sess, u.edit = nil, nil
	u.found.parts.askNext(slices.Clone(parts))
}

// chatLineText is one chat line as listed: "12:34 Name: text".
func chatLineText(m backend.ChatMessage) string {
	text := strings.Join(strings.Fields(m.Text), " ")
	return backend.FormatClock(max(m.At, 0).Truncate(time.Second)) + "  " + m.Who() + ": " + text
}

// loadChat reads the broadcast's chat, when there is one, and shows it.
func (v *editView) loadChat(ctx context.Context) {
	if !v.job.HasChat() || v.chatLines != nil {
		return
	}
	v.chatPanel.Show()
	v.burn.Show()
	background(ctx, v.u.bridge, v.job.Chat, func(msgs []backend.ChatMessage, err error, stopped bool) {
		if stopped {
			return
		}
		if err != nil {
			msg, _ := backend.Explain(err)
			v.chatNote.SetText(msg)
			v.burn.Hide()
			return
		}
		v.showChat(msgs)
	})
}

// showChat lists the comments (hearts are only counted in the saved chat).
func (v *editView) showChat(msgs []backend.ChatMessage) {
	lines := []backend.ChatMessage{}
	for _, m := range msgs {
		if m.Kind == backend.ChatComment {
			lines = append(lines, m)
		}
	}
	v.chatLines = lines
	v.chatNote.SetText(lang.L("Tap a line to start the video there."))
	v.chatPanel.Show()
	v.burn.Show()
	v.chatList.Refresh()
}

// showPlan asks the job where the saved video would really start and says
// so under the trim, with the broadcast's own sync gap when it has one. Only
// the newest question counts.
func (v *editView) showPlan() {
	if v.planCancel != nil {
		v.planCancel()
	}
	j, s := v.job, v.settings() // the work reads no field of v: a rebuild rewrites them
	v.planCancel = background(context.Background(), v.u.bridge, func(ctx context.Context) (backend.Plan, error) {
		return j.Plan(ctx, s)
	}, func(p backend.Plan, err error, stopped bool) {
		if stopped {
			return
		}
		if err != nil {
			return
		}
		// Nothing to say (the exact start, ticked since): the hint again,
		// never a start that no longer holds.
		text := planText(s, p)
		if text == "" {
			text = handlesHint()
		}
		v.cutNote.SetText(text)
		// The length the saved video will really have: from where it
		// really starts (a whole picture) to the end handle, as the save
		// and done screens will say it.
		if s.Start == v.trim.Start() {
			v.length.SetText(lang.L("Video length: {{.Length}}", map[string]any{"Length": backend.FormatClock(v.trim.End() - p.Start)}))
		}
	})
}

// handlesHint teaches the trim handles.
func handlesHint() string {
	return lang.L("Drag the handles to cut the start and end; the picture shows where you are. Arrow keys move the handle last touched by one second.")
}

// planText puts a plan into words: where the video starts when that is not
// where the handle is, and the broadcast's own gap.
func planText(s backend.Settings, p backend.Plan) string {
	var parts []string
	if d := p.Start - s.Start; d.Abs() >= 50*time.Millisecond {
		if d < 0 {
			parts = append(parts, lang.L("The video will start at {{.Time}}, the nearest whole picture before the handle.", map[string]any{"Time": backend.FormatClock(p.Start)}))
		} else {
			parts = append(parts, lang.L("The video will start at {{.Time}}, where the sound begins.", map[string]any{"Time": backend.FormatClock(p.Start)}))
		}
	}
	g := p.AudioGap.Round(100 * time.Millisecond)
	gap := map[string]any{"Gap": fmt.Sprintf("%.1f", g.Abs().Seconds())}
	switch {
	case g > 0:
		parts = append(parts, lang.L("The broadcast's sound starts {{.Gap}} s after its picture; the saved video lines them up.", gap))
	case g < 0:
		parts = append(parts, lang.L("The broadcast's sound starts {{.Gap}} s before its picture; the saved video lines them up.", gap))
	}
	return strings.Join(parts, " ")
}

// activate starts loading pictures when the screen is shown.
func (v *editView) activate() {
	if v.thumbCancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	v.thumbCancel = cancel
	v.frames = v.newFrames()
	v.loadPreview(0)
	v.showPlan()
	v.loadChat(ctx)
	times := make([]time.Duration, thumbCount)
	for i := range times {
		times[i] = v.trim.ThumbTime(i)
	}
	loadThumbs(ctx, v.u.bridge, v.job, times, 192, v.trim.SetThumb)
}

// stop cancels picture loading and a preview clip being made.
func (v *editView) stop() {
	if v.thumbCancel != nil {
		v.thumbCancel()
		v.thumbCancel = nil
	}
	v.frames.stop()
	if v.planCancel != nil {
		v.planCancel()
		v.planCancel = nil
	}
	if v.clipCancel != nil {
		v.clipCancel()
		v.clipCancel = nil
	}
	v.stopPlaying()
}

// copyFrom keeps the user's choices when the view is rebuilt (language).
func (v *editView) copyFrom(old *editView) {
	v.trim.SetRange(old.trim.Start(), old.trim.End())
	v.trim.thumbs = old.trim.thumbs
	v.cursor = old.cursor
	if v.parts != nil && old.parts != nil {
		v.parts.choose.SetSelectedIndex(old.parts.current)
		copy(v.parts.offsets, old.parts.offsets)
	}
	v.setOffset(old.audioOffset)
	v.exact.SetChecked(old.exact.Checked)
	v.burn.SetChecked(old.burn.Checked)
	v.loudness.SetChecked(old.loudness.Checked)
	v.cuts.spans = old.cuts.spans
	v.cuts.show()
	v.fade.SetChecked(old.fade.Checked)
	if old.chatLines != nil {
		v.showChat(old.chatLines)
	}
	v.preview.Image = old.preview.Image
	v.syncEntries()
}

// settings are the trim and sync choices for rescue.Render. End 0 means "to
// the end", so a range that ends at the end renders everything after Start.
func (v *editView) settings() backend.Settings {
	s := backend.Settings{Start: v.trim.Start(), AudioOffset: v.audioOffset, Exact: v.exact.Checked,
		BurnChat: v.burn.Visible() && v.burn.Checked, Loudness: v.loudness.Checked}
	if v.trim.End() < v.total {
		s.End = v.trim.End()
	}
	s.PartOffsets = v.partOffsets()
	s.Cuts = slices.Clone(v.cuts.spans)
	if v.fade.Visible() && v.fade.Checked {
		s.Crossfade = partsFade
	}
	return s
}

// partsFade is the cross-fade between parts when "Fade between parts" is
// checked: long enough to soften the cut, short enough to lose nothing.
const partsFade = 500 * time.Millisecond

// partOffsets are each part's audio offset; nil for a single broadcast.
func (v *editView) partOffsets() []time.Duration {
	if v.parts == nil {
		return nil
	}
	return v.parts.all(v.audioOffset)
}

func (v *editView) rangeChanged(h handle, wait time.Duration) {
	v.stopPlaying() // the picture follows the handle now
	v.syncEntries()
	if h == startHandle && wait == 0 {
		v.showPlan()
	}
	at := v.trim.Start()
	if h == endHandle {
		at = v.trim.End()
	}
	v.loadPreviewAfter(at, wait)
}

// typed applies a time typed into the start or end field.
// Like a drag, the typed end gives way: an end typed before the start
// lands a second after it.
func (v *editView) typed(h handle, d time.Duration) {
	v.trim.set(h, d)
	v.trim.active = h
	v.rangeChanged(h, 0)
}

// syncEntries shows the handles' times in the fields and the length.
func (v *editView) syncEntries() {
	v.startEntry.show(v.trim.Start())
	v.endEntry.show(v.trim.End())
	v.length.SetText(lang.L("Video length: {{.Length}}", map[string]any{"Length": backend.FormatClock(v.trim.End() - v.trim.Start())}))
}

func (v *editView) loadPreview(at time.Duration) { v.loadPreviewAfter(at, 0) }

// loadPreviewAfter shows the picture at at, after wait if still wanted. The
// very end has no picture of its own, so the last one before it is shown.
func (v *editView) loadPreviewAfter(at, wait time.Duration) {
	v.cursor = at
	at = v.pictureAt()
	// Until the picture at the new time comes, the old one is dimmed and
	// the line says which time is coming: never a picture beside another
	// time's words.
	v.previewNote.SetText(lang.L("Loading the picture at {{.Time}}…", map[string]any{"Time": backend.FormatClock(v.cursor)}))
	v.preview.Translucency = 0.6
	v.preview.Refresh()
	asked := v.cursor
	v.frames.want(at, wait, func(img image.Image) {
		v.preview.Image = img
		v.preview.Translucency = 0
		v.preview.Refresh()
		v.previewNote.SetText(lang.L("Picture at {{.Time}}", map[string]any{"Time": backend.FormatClock(asked)}))
	}, func(err error) {
		var msg string
		switch {
		case errors.Is(err, backend.ErrNotDownloaded):
			msg = lang.L("No picture here yet.")
		case errors.Is(err, errNoPicture):
			msg = lang.L("No picture could be made at {{.Time}}.", map[string]any{"Time": backend.FormatClock(v.cursor)})
		default:
			msg, _ = backend.Explain(err)
		}
		v.previewNote.SetText(msg)
	})
}

// setOffset moves the sync slider (and so the offset) in 10 ms steps.
func (v *editView) setOffset(d time.Duration) {
	d = min(max(d, -offsetLimit), offsetLimit)
	if max(d, -d) > time.Duration(v.offset.Max)*offsetStep {
		wide := (max(d, -d) + offsetRangeUp - 1) / offsetRangeUp * offsetRangeUp
		v.offset.Min, v.offset.Max = -float64(wide/offsetStep), float64(wide/offsetStep)
		v.offset.Refresh()
	}
	v.audioOffset = d
	v.offset.SetValue(float64(d / offsetStep))
	v.showOffset()
}

func (v *editView) showOffset() {
	v.offsetEntry.show(v.u.num.offset(v.audioOffset))
	switch {
	case v.audioOffset > 0:
		v.offsetLabel.SetText(lang.L("sound later"))
	case v.audioOffset < 0:
		v.offsetLabel.SetText(lang.L("sound earlier"))
	default:
		v.offsetLabel.SetText(lang.L("as recorded"))
	}
}

// clipRange is the 10 seconds around the cursor, kept inside the trim.
func (v *editView) clipRange() (time.Duration, time.Duration) {
	lo, hi := v.trim.Start(), v.trim.End()
	start := max(v.cursor-previewClipLength/2, lo)
	end := min(start+previewClipLength, hi)
	start = max(min(start, end-previewClipLength), lo)
	return start, end
}

// onPreviewClip renders 10 seconds around the cursor with the current sync
// and opens it in the system's video player: the honest way to judge lip
// sync.
func (v *editView) onPreviewClip() {
	if v.clipCancel != nil {
		return
	}
	f, err := os.CreateTemp("", "replayrescue-preview-*.mp4")
	if err != nil {
		v.u.showError(lang.L("Cannot make a preview"), lang.L("There is no room for a temporary file; check that the disk is not full."))
		return
	}
	out := f.Name()
	_ = f.Close()
	v.u.temps = append(v.u.temps, out)
	start, end := v.clipRange()
	s := backend.Settings{Output: out, Start: start, End: end, AudioOffset: v.audioOffset, PartOffsets: v.partOffsets(), Force: true, NoChatFiles: true}
	v.previewClip.Disable()
	v.previewClip.SetText(lang.L("Preparing preview…"))
	j := v.job
	v.clipCancel = background(context.Background(), v.u.bridge, only(func(ctx context.Context) error { return j.Render(ctx, s) }), func(_ struct{}, err error, stopped bool) {
		if !stopped { // else stop has made way for a new clip
			v.clipCancel = nil
			v.previewClip.Enable()
			v.previewClip.SetText(lang.L("Open in my player"))
		}
		if err != nil {
			if !stopped {
				msg, _ := backend.Explain(err)
				v.u.showError(lang.L("Cannot make a preview"), msg)
			}
			return
		}
		if err := v.u.openURL(fileURL(out)); err != nil {
			v.u.showError(lang.L("Cannot open the preview"), lang.L("The preview is saved at {{.Path}}; open it with your video player.", map[string]any{"Path": out}))
		}
	})
}

// onPreviewEvent shows the preview clip's progress on its button.
func (v *editView) onPreviewEvent(e backend.Event) {
	if r, ok := e.(backend.Rendering); ok && v.clipCancel != nil && r.Total > 0 {
		pct := int(100 * r.Done / r.Total)
		v.previewClip.SetText(lang.L("Preparing preview… {{.Percent}}%", map[string]any{"Percent": min(max(pct, 0), 100)}))
	}
}

// clockEntry is a time field: it takes m:ss, h:mm:ss or seconds, exactly as
// typed (rescue.ParseClock), when Enter is pressed or the field is left.
type clockEntry struct {
	widget.Entry
	commit func(time.Duration)
	last   time.Duration
}

func newClockEntry(commit func(time.Duration)) *clockEntry {
	e := &clockEntry{commit: commit}
	e.ExtendBaseWidget(e)
	e.Validator = func(s string) error {
		_, err := backend.ParseClock(s)
		return err
	}
	e.OnSubmitted = func(string) { e.apply() }
	return e
}

// MinSize fits "1:23:45.6" comfortably.
func (e *clockEntry) MinSize() fyne.Size {
	s := e.Entry.MinSize()
	return fyne.NewSize(max(s.Width, 110), s.Height)
}

func (e *clockEntry) FocusLost() {
	e.Entry.FocusLost()
	e.apply()
}

// apply commits a valid time, or puts back the last one.
func (e *clockEntry) apply() {
	d, err := backend.ParseClock(e.Text)
	if err != nil {
		e.show(e.last)
		return
	}
	if d != e.last {
		e.commit(d)
	}
}

// show displays d without committing it.
func (e *clockEntry) show(d time.Duration) {
	e.last = d
	if t := backend.FormatClock(d); t != e.Text {
		e.SetText(t)
	}
}

// fileURL is the file:// URL of a local path, for App.OpenURL.
func fileURL(path string) *url.URL {
	u, err := url.Parse(storage.NewFileURI(path).String())
	if err != nil {
		return &url.URL{Scheme: "file", Path: path}
	}
	return u
}

// onPlayPause plays the video here, with its sound and the sync as set,
// from the picture shown to the end handle; or pauses it.
func (v *editView) onPlayPause() {
	if v.playing() {
		v.stopPlaying()
		return
	}
	from := v.cursor
	if from < v.trim.Start() || from >= v.trim.End()-100*time.Millisecond {
		from = v.trim.Start() // from the start handle when the picture is outside the cut
	}
	v.playFrom(from)
}

// playFrom plays from time from to the end handle.
func (v *editView) playFrom(from time.Duration) {
	if v.player == nil {
		p, silent, err := v.u.backend.Player(v.job, v.onPlayedPicture, v.onPlayEnded)
		if err != nil {
			v.playFailed(err)
			return
		}
		v.player = p
		v.soundNote.Hidden = !silent
		v.soundNote.Refresh()
	}
	v.frames.stop() // a still picture arriving late must not cover the playing ones
	if err := v.player.SetOffset(v.audioOffset); err != nil {
		v.playFailed(err)
		return
	}
	// The player skips the cuts: it plays up to the next one, and on
	// from its end (see onPlayEnded).
	from, v.playTo = v.cuts.stretch(from, v.trim.End())
	if from >= v.playTo {
		v.showPlaying(false)
		return
	}
	if err := v.player.Play(from, v.playTo); err != nil {
		v.playFailed(err)
		return
	}
	v.cursor = from
	v.showPlaying(true)
}

// onPlayedPicture shows a picture the player has made due (any goroutine).
func (v *editView) onPlayedPicture(img image.Image, at time.Duration) {
	v.u.bridge.show(func() {
		if !v.playing() {
			return // a picture that was on its way when playing stopped
		}
		v.cursor = at
		if v.parts != nil {
			v.parts.follow(at)
		}
		v.preview.Image = img
		v.preview.Translucency = 0
		v.preview.Refresh()
		v.previewNote.SetText(lang.L("Playing: {{.Time}}", map[string]any{"Time": backend.FormatClock(at)}))
	})
}

// onPlayEnded: the player reached the end handle, or could not go on
// (any goroutine).
func (v *editView) onPlayEnded(at time.Duration, err error) {
	v.u.bridge.show(func() {
		v.cursor = at
		if err == nil && v.playTo < v.trim.End() && at >= v.playTo-50*time.Millisecond {
			v.playFrom(v.playTo) // a cut: on from its end
			return
		}
		v.showPlaying(false)
		if err != nil {
			v.playFailed(err)
			return
		}
		v.previewNote.SetText(lang.L("Picture at {{.Time}}", map[string]any{"Time": backend.FormatClock(v.cursor)}))
	})
}

// stopPlaying pauses the player, keeping its picture.
func (v *editView) stopPlaying() {
	if v.player == nil || !v.player.Playing() {
		return
	}
	v.player.Stop()
	v.cursor = v.player.Position()
	v.showPlaying(false)
	v.previewNote.SetText(lang.L("Picture at {{.Time}}", map[string]any{"Time": backend.FormatClock(v.cursor)}))
}

// newFrames is a loader of the big preview's pictures.
func (v *editView) newFrames() *frameLoader {
	f := newFrameLoader(v.u.bridge, v.job, 960)
	f.timing = v.u.timing
	return f
}

func (v *editView) playing() bool { return v.player != nil && v.player.Playing() }

// showPlaying turns the Play button into Pause while playing.
func (v *editView) showPlaying(on bool) {
	if on {
		v.play.SetText(lang.L("Pause"))
		v.play.SetIcon(theme.MediaPauseIcon())
		return
	}
	if v.frames.stopped() {
		// Stopped while playing (see playFrom): the next pictures asked
		// for come from a new loader, or none would ever come.
		v.frames = v.newFrames()
	}
	v.play.SetText(lang.L("Play"))
	v.play.SetIcon(theme.MediaPlayIcon())
}

// playFailed says why the video cannot play here, where the picture's
// time is said.
func (v *editView) playFailed(err error) {
	v.showPlaying(false)
	msg, _ := backend.Explain(err)
	v.previewNote.SetText(msg)
}

// offsetEntry is the sync offset's field: it shows "+0.35 s" and takes
// what is typed there (a comma for the decimal point too) when Enter is
// pressed or the field is left; anything else is put back.
type offsetEntry struct {
	widget.Entry
	commit func(time.Duration)
	shown  string
}

func newOffsetEntry(commit func(time.Duration)) *offsetEntry {
	e := &offsetEntry{commit: commit}
	e.ExtendBaseWidget(e)
	e.OnSubmitted = func(string) { e.apply() }
	return e
}

// MinSize fits "-60.00 s" and no more, so the field never grows.
func (e *offsetEntry) MinSize() fyne.Size {
	s := e.Entry.MinSize()
	return fyne.NewSize(fyne.MeasureText("−60.00 s", theme.TextSize(), fyne.TextStyle{}).Width+4*theme.Padding()+theme.InputBorderSize()*2, s.Height)
}

func (e *offsetEntry) FocusLost() {
	e.apply()
	e.Entry.FocusLost()
}

func (e *offsetEntry) apply() {
	if e.Text == e.shown {
		return
	}
	text := strings.NewReplacer(" ", "", ",", ".", "−", "-", "–", "-").Replace(strings.TrimSpace(e.Text))
	if strings.HasSuffix(text, "s") && !strings.HasSuffix(text, "ms") {
		text = strings.TrimSuffix(text, "s")
	}
	d, err := backend.ParseOffset(text)
	if err != nil {
		e.SetText(e.shown)
		return
	}
	e.commit(d)
}

func (e *offsetEntry) show(text string) {
	e.shown = text
	e.SetText(text)
}
