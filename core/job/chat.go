package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"replayrescue/core/chat"
	"replayrescue/core/media"
	"replayrescue/core/say"
	"replayrescue/core/web"
)

// The chat: read once per job folder (chatFile keeps it, with no secret in
// it), written beside the MP4 as subtitles after a render, and drawn into
// the picture when Settings.BurnChat asks. Chat is a bonus: a chat that
// cannot be read never fails the save, it only costs a sentence.

const (
	chatFile = "chat.json"
	burnFile = "chat-burn.ass"
)

// HasChat reports whether the broadcast's chat can be had: the source says
// where, or an earlier run saved it in the job folder.
func (p *part) HasChat() bool {
	if p.src.Chat.Available() || p.chat != nil {
		return true
	}
	_, err := os.Stat(filepath.Join(p.dir, chatFile))
	return err == nil
}

// Chat returns the broadcast's chat, comments and hearts, on the replay's
// timeline, reading it the first time (from the source's HAR answers or the
// chat service) and keeping it in the job folder. Errors are *Error with
// one sentence.
func (p *part) Chat(ctx context.Context) ([]chat.Message, error) {
	if p.chat != nil || p.chatErr != nil {
		return p.chat, p.chatErr
	}
	msgs, err := p.readChat(ctx)
	if !errors.Is(err, context.Canceled) {
		p.chat, p.chatErr = msgs, err
	}
	return msgs, err
}

func (p *part) readChat(ctx context.Context) ([]chat.Message, error) {
	if data, err := os.ReadFile(filepath.Join(p.dir, chatFile)); err == nil {
		var msgs []chat.Message
		if json.Unmarshal(data, &msgs) == nil && len(msgs) > 0 {
			return msgs, nil
		}
	}
	cs := p.src.Chat
	msgs := cs.Messages
	if len(msgs) == 0 {
		if !cs.Available() {
			return nil, saying(ExitOther, nil, say.T("This source has no chat: only Periscope and X broadcast links, or HAR files recorded while the replay played, bring the chat along."))
		}
		// A client of its own: the video source's cookies and headers
		// have no business at the chat service.
		client := web.NewClient(web.Credentials{}, web.ClientOptions{MaxConnsPerHost: 2})
		var err error
		msgs, err = chat.Fetch(ctx, client, cs.API, cs.Token)
		switch {
		case errors.Is(err, context.Canceled):
			return nil, err
		case errors.Is(err, chat.ErrTruncated):
			// The first part is better than none.
		case errors.Is(err, chat.ErrRefused):
			return nil, saying(ExitOther, err, say.T("The chat service refused to hand out this broadcast's chat (the link has probably expired): get a fresh broadcast link to save the chat too."))
		case err != nil:
			return nil, &Error{Code: ExitOther, Msg: "The broadcast's chat could not be read: " + sentence(web.Redact(err.Error())), Err: err}
		}
	}
	msgs = chat.Align(msgs, cs.Start)
	if len(msgs) == 0 {
		return nil, saying(ExitOther, nil, say.T("The broadcast's chat is empty: nobody wrote anything."))
	}
	if data, err := json.Marshal(msgs); err == nil {
		_ = writeAtomic(filepath.Join(p.dir, chatFile), true, func(w io.Writer) error { _, err := w.Write(data); return err })
	}
	return msgs, nil
}

// burner is the media.BurnFunc of a render with s: the chat written as ASS
// into the job folder, on the filter's timeline.
func (p *part) burner(msgs []chat.Message, s Settings) func(start, shift time.Duration) (string, error) {
	return func(start, shift time.Duration) (string, error) {
		file := filepath.Join(p.dir, burnFile)
		t := chat.Timing{From: start, To: s.End, Shift: -shift}
		return file, writeAtomic(file, true, func(w io.Writer) error { return chat.WriteBurnASS(w, msgs, t) })
	}
}

// SubtitlePaths are where the chat of a video saved as out goes: beside it,
// with the same name (talk.mp4: talk.srt, talk.ass).
func SubtitlePaths(out string) (srt, ass string) {
	base := strings.TrimSuffix(out, filepath.Ext(out))
	return base + ".srt", base + ".ass"
}

// hasContent reports whether path is a file with something in it: a video
// about to be replaced, not the empty file a save dialog leaves (Fyne's
// empties a file it was allowed to replace, so the window cannot tell;
// there old subtitles are replaced only when the new save has chat).
func hasContent(path string) bool {
	st, err := os.Lstat(path)
	return err == nil && st.Mode().IsRegular() && st.Size() > 0
}

// dropSubtitles removes the subtitles beside a video that was just
// replaced with --force and saved without chat this time: they were the old video's, and players
// would load them as this one's. Only plain files under exactly those
// names go.
func dropSubtitles(video string) {
	srt, ass := SubtitlePaths(video)
	for _, p := range []string{srt, ass} {
		if st, err := os.Lstat(p); err == nil && st.Mode().IsRegular() {
			os.Remove(p)
		}
	}
}

// sameFile reports whether a and b name the same file, taking case as
// Windows and macOS do (refusing a name that differs only in case is
// harmless elsewhere).
func sameFile(a, b string) bool {
	return strings.EqualFold(filepath.Clean(a), filepath.Clean(b))
}

// saveChat writes the chat of the video just saved (starting at start on
// the broadcast's timeline, length long) beside it, and says what came of
// it. It never fails the save.
func (p *part) saveChat(ctx context.Context, s Settings, start, long time.Duration, burned bool) ChatSaved {
	msgs, err := p.Chat(ctx)
	if err != nil {
		msg, _ := Explain(err)
		return ChatSaved{Problem: msg}
	}
	t := chat.Timing{From: start, Shift: start}
	if long > 0 {
		t.To = start + long
	}
	return writeChat(s, msgs, t, burned)
}

// writeChat writes msgs, timed by t, beside the video s.Output as SRT and
// ASS, and counts what the saved part holds.
func writeChat(s Settings, msgs []chat.Message, t chat.Timing, burned bool) ChatSaved {
	srt, ass := SubtitlePaths(s.Output)
	ev := ChatSaved{Burned: burned}
	for _, f := range []struct {
		path  string
		write func(io.Writer) error
	}{
		{srt, func(w io.Writer) error { return chat.WriteSRT(w, msgs, t) }},
		{ass, func(w io.Writer) error { return chat.WriteASS(w, msgs, t, true) }},
	} {
		if err := writeAtomic(f.path, s.Force, f.write); err != nil {
			ev.Problem = fmt.Sprintf("The chat could not be saved as %s (%s): the video itself is fine.", f.path, reason(err))
			return ev
		}
	}
	ev.SRT, ev.ASS = srt, ass
	for _, m := range msgs {
		if m.At >= t.From && (t.To == 0 || m.At < t.To) {
			switch m.Kind {
			case chat.Comment:
				ev.Comments++
			case chat.Heart:
				ev.Hearts++
			}
		}
	}
	return ev
}

// errExists: a file that may not be replaced is in the way.
var errExists = errors.New("a file of that name already exists; add --force to replace it")

// writeAtomic writes path through a temporary name beside it, so a reader
// never sees half a file; an existing path is replaced only with force.
func writeAtomic(path string, force bool, write func(io.Writer) error) error {
	if _, err := os.Stat(path); err == nil && !force {
		return errExists
	}
	f, err := media.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
