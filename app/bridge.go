package app

import (
	"context"
	"sync"

	"fyne.io/fyne/v2"

	"replayrescue/app/internal/backend"
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
	ev backend.Event       // an event for to, or
	to func(backend.Event) //
	fn func()              // a function to run
}

// events returns the Events callback for one job: each event reaches deliver
// on the UI thread, in order.
func (b *bridge) events(deliver func(backend.Event)) func(backend.Event) {
	return func(e backend.Event) { b.post(posted{ev: e, to: deliver}) }
}

// background runs work on a goroutine with a context of its own (ended
// with parent's, when that ends first), then hands
// its result to done on the UI thread, after every event work emitted has
// been delivered. stopped says the context was cancelled before the work
// ended: the user pressed Stop or Cancel (or the screen moved on), so there
// is usually nothing to report. The returned function cancels the work; the
// caller keeps it for its Stop button.
func background[T any](parent context.Context, b *bridge, work func(ctx context.Context) (T, error), done func(result T, err error, stopped bool)) context.CancelFunc {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		result, err := work(ctx)
		b.post(posted{fn: func() {
			stopped := ctx.Err() != nil
			cancel()
			done(result, err, stopped)
		}})
	}()
	return cancel
}

// only adapts work that returns nothing but an error to background.
func only(work func(ctx context.Context) error) func(context.Context) (struct{}, error) {
	return func(ctx context.Context) (struct{}, error) { return struct{}{}, work(ctx) }
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
	case backend.Progress:
		_, ok := q.ev.(backend.Progress)
		return ok
	case backend.Rendering:
		_, ok := q.ev.(backend.Rendering)
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
