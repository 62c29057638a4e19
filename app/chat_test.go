package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"replayrescue/core/chat"
	"replayrescue/core/job"

	"replayrescue/app/internal/backend"
)

// With chat, the edit screen lists it beside the picture (a tap moves the
// start there) and offers to burn it in; the render screen says so.
func TestEditScreenChat(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		j.chat = []chat.Message{
			{At: 5 * time.Second, Name: "Ana 🌸", Text: "Hello!", Kind: chat.Comment},
			{At: 6 * time.Second, Name: "Kenji", Kind: chat.Heart},
			{At: 83*time.Second + 400*time.Millisecond, Name: "Léa", User: "lea", Text: "Question: how do\nyou test it?", Kind: chat.Comment},
		}
		j.render = func(_ context.Context, j *fakeJob, s job.Settings) error {
			j.events(job.Rendering{Done: 10 * time.Second, Total: time.Minute, Burning: s.BurnChat, ETA: 50 * time.Second})
			j.events(job.ChatSaved{SRT: "/tmp/talk.srt", ASS: "/tmp/talk.ass", Comments: 1, Burned: s.BurnChat})
			j.events(job.Done{Output: s.Output, Duration: time.Minute, Size: 1 << 20})
			return nil
		}
		return j
	}
	h := newHarness(t, be)
	h.toEdit()
	e := h.u.edit
	h.q.until(t, "the chat beside the picture", func() bool { return e.chatList.Length() == 2 })
	if !e.chatPanel.Visible() || !e.burn.Visible() || e.burn.Checked {
		t.Fatalf("chat panel shown %v, burn box shown %v (ticked %v)", e.chatPanel.Visible(), e.burn.Visible(), e.burn.Checked)
	}
	if got := chatLineText(e.chatLines[1]); got != "1:23  Léa: Question: how do you test it?" {
		t.Errorf("chat line reads %q", got)
	}
	// Tapping the question moves the start handle there.
	e.chatList.Select(1)
	if e.trim.Start() != 83*time.Second+400*time.Millisecond || e.startEntry.Text != "1:23.4" {
		t.Errorf("after tapping the line at 1:23.4: start %v, field %q", e.trim.Start(), e.startEntry.Text)
	}
	if e.settings().BurnChat {
		t.Error("burn asked for without the box ticked")
	}
	test.Tap(e.burn)
	if !e.settings().BurnChat {
		t.Fatal("the ticked box does not ask for burning")
	}
	h.u.edit.saveTo(filepath.Join(t.TempDir(), "talk.mp4"), true)
	h.q.until(t, "the result", func() bool { return h.u.rend.result != nil })
	if !strings.Contains(h.u.rend.detail.Text, "Drawing the chat into the video") || !strings.Contains(h.u.rend.detail.Text, "about 0:50 left") {
		t.Errorf("progress reads %q", h.u.rend.detail.Text)
	}
	if !strings.Contains(h.u.rend.doneMsg.Text, "talk.srt, talk.ass") {
		t.Errorf("the result does not say where the chat is: %q", h.u.rend.doneMsg.Text)
	}
}

// Without chat there is no chat panel and no burn box.
func TestEditScreenWithoutChat(t *testing.T) {
	h := newHarness(t, &fakeBackend{cands: readyCands()})
	h.toEdit()
	h.q.settle()
	e := h.u.edit
	if e.chatPanel.Visible() || e.burn.Visible() || e.settings().BurnChat {
		t.Error("chat controls shown for a broadcast without chat")
	}
}
