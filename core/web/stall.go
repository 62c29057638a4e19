package web

import (
	"errors"
	"time"

	"replayrescue/core/say"
)

// ErrStalled is what a StallError is: a server that stopped sending data,
// or sent it too slowly to ever finish.
var ErrStalled = errors.New("the server stopped sending data")

// StallError is a request ended because its server sent too little: nothing
// for a while, or less than a minimum throughput, or not the whole answer
// within an overall deadline. Without it a server that trickles a byte now
// and then holds a save forever.
type StallError struct {
	Host string // the server's host name, no port, no path
}

func (e *StallError) Error() string {
	return "the server at " + e.Host + " stopped sending data"
}

// Is makes errors.Is(err, ErrStalled) true for every StallError.
func (e *StallError) Is(target error) bool { return target == ErrStalled }

// Sentence is the one sentence for the user.
func (e *StallError) Sentence() string { return e.Words().String() }

// Words is Sentence as a template and values, for the window to translate.
func (e *StallError) Words() say.Sentence {
	return say.T("The server at {{.Host}} stopped sending data: try again later.", "Host", e.Host)
}

// Pace is the minimum-throughput rule of a download: it must start within
// Base and then keep up MinRate on average, that is have received n bytes
// by Base + n/MinRate after it started. A body of size bytes therefore has
// Base + size/MinRate in all, an overall deadline scaled to its size that
// holds when the size is not announced too, while a server that trickles a
// byte now and then is ended at about Base, however often it sends.
//
// With no MinRate, Base is a fixed cap on the whole request, as for a
// playlist, which is small and has no size to scale by.
type Pace struct {
	Base    time.Duration
	MinRate int64 // bytes per second; 0 or less: the whole request within Base
}

// Left is how long a download that started at start and has received got
// bytes may still take before it is behind its pace, as of now.
func (p Pace) Left(start, now time.Time, got int64) time.Duration {
	allowed := p.Base
	if p.MinRate > 0 {
		allowed += time.Duration(float64(got) / float64(p.MinRate) * float64(time.Second))
	}
	return start.Add(allowed).Sub(now)
}
