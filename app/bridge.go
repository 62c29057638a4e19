package app

import (
	"sync"

	"fyne.io/fyne/v2"

	"replayrescue/core/rescue"
)

// bridge moves what core reports from its goroutines onto the widgets. It is
// the only place that calls fyne.Do: views never see a goroutine, and core
// never sees a widget (the transport/bridge/UI split of Jacalz/rymdport).
//
// Everything posted goes through one ordered queue, so a job's last progress
// is shown before the message that it finished. Consecutive progress events
// of the same kind replace each other while waiting, so a fast download on a
// slow machine cannot flood the UI thread with stale updates.
type bridge struct {
	mu      sync.Mutex
	queue   []posted
	pending bool

	// do runs a function on the UI thread: fyne.Do, unless a test runs the
	// queue itself to keep every widget change on the test's goroutine.
	do func(func())
}

type posted struct {
	ev rescue.Event       // an event for to, or
	to func(rescue.Event) //
	fn func()             // a function to run
}

// events returns the Events callback for one job: each event reaches deliver
// on the UI thread, in order.
func (b *bridge) events(deliver func(rescue.Event)) func(rescue.Event) {
	return func(e rescue.Event) { b.post(posted{ev: e, to: deliver}) }
}

// run does work on a goroutine, then calls then with its error on the UI
// thread, after every event work emitted has been delivered.
func (b *bridge) run(work func() error, then func(error)) {
	go func() {
		err := work()
		b.post(posted{fn: func() { then(err) }})
	}()
}

// show runs fn on the UI thread (a preview frame that finished decoding).
func (b *bridge) show(fn func()) { b.post(posted{fn: fn}) }

func (b *bridge) post(p posted) {
	b.mu.Lock()
	if n := len(b.queue); n > 0 && supersedes(p, b.queue[n-1]) {
		b.queue[n-1] = p
	} else {
		b.queue = append(b.queue, p)
	}
	if b.pending {
		b.mu.Unlock()
		return
	}
	b.pending = true
	do := b.do
	b.mu.Unlock()
	if do == nil {
		do = fyne.Do
	}
	do(b.drain)
}

// supersedes reports whether p makes q, still waiting, pointless to show.
func supersedes(p, q posted) bool {
	if p.ev == nil || q.ev == nil {
		return false
	}
	switch p.ev.(type) {
	case rescue.Progress:
		_, ok := q.ev.(rescue.Progress)
		return ok
	case rescue.Rendering:
		_, ok := q.ev.(rescue.Rendering)
		return ok
	}
	return false
}

func (b *bridge) drain() {
	b.mu.Lock()
	q := b.queue
	b.queue = nil
	b.pending = false
	b.mu.Unlock()
	for _, p := range q {
		if p.fn != nil {
			p.fn()
		} else if p.to != nil {
			p.to(p.ev)
		}
	}
}
