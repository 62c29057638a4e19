package capture

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"replayrescue/core/intake"
	"replayrescue/core/web"
)

// Options configure one capture.
type Options struct {
	Browser string // the browser's executable (FindBrowser)
	URL     string // page to open first; "" opens an empty tab
	// Headless runs the browser without a window: for tests only, as the
	// user has to log in and press play.
	Headless bool
	// Settle is how long to keep watching once the replay is found, so the
	// player can fetch its chunks and the browser store their cookies;
	// 0 means two seconds.
	Settle time.Duration
	// Logf, when set, receives one line per step, links redacted and no
	// cookie values. It is called from several goroutines.
	Logf func(format string, a ...any)
}

// Bounds on what one capture keeps.
const (
	maxBody    = 4 << 20 // bytes of one JSON or playlist answer
	maxPending = 20000   // requests waiting for their answer
	maxBodies  = 4       // answers read at the same time
)

// ErrClosed means the user closed the browser before the replay was found.
// It wraps intake.ErrNoStream (CLI exit code 2).
var ErrClosed = fmt.Errorf("the browser was closed: %w", intake.ErrNoStream)

// Capture opens the browser in a new temporary profile (never the user's
// own), opens o.URL, and watches every tab's network until a replay playlist
// has been fetched (or an API answer handed one out). It then returns the
// candidates, best first, with the cookies the browser holds for them
// (HttpOnly ones too) in per-host jars. The browser is closed and its
// profile deleted before Capture returns, also when ctx is cancelled.
func Capture(ctx context.Context, o Options) (cands []intake.Candidate, err error) {
	if o.Browser == "" {
		return nil, &intake.InputError{Msg: NoBrowserMsg, Err: ErrNoBrowser}
	}
	if o.Settle <= 0 {
		o.Settle = 2 * time.Second
	}
	if logf := o.Logf; logf != nil {
		// Every line goes through the one redaction: an error from the
		// browser may quote a signed link.
		o.Logf = func(format string, a ...any) { logf("%s", web.Redact(fmt.Sprintf(format, a...))) }
	} else {
		o.Logf = func(string, ...any) {}
	}
	profile, err := os.MkdirTemp("", "replayrescue-browser-")
	if err != nil {
		return nil, fmt.Errorf("making a temporary browser profile: %w", err)
	}
	defer func() {
		if rerr := removeProfile(profile); rerr != nil {
			o.Logf("the temporary browser profile %s could not be removed: %v", profile, rerr)
		}
	}()

	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, o.flags(profile)...)
	defer cancelAlloc() // waits until the browser process has ended
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer func() {
		_ = chromedp.Cancel(bctx) // closes the browser gracefully
		cancelBrowser()
	}()
	if err := chromedp.Do(bctx); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &startError{name: nameOf(o.Browser), err: err}
	}
	o.Logf("browser started with a temporary profile")

	w := newWatcher(intake.NewRecorder(), o.Logf)
	// ended says why the browser went away: the caller cancelled, or the
	// user closed it.
	ended := func() error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &intake.InputError{Err: ErrClosed,
			Msg: "The browser was closed before the replay was found: try again, open the broadcast in the browser window that opens and press play."}
	}
	setupErr := func(err error) error {
		if bctx.Err() != nil {
			return ended()
		}
		return &startError{name: nameOf(o.Browser), err: err}
	}
	first := chromedp.FromContext(bctx).Target.TargetID
	if err := w.watch(bctx, first); err != nil {
		return nil, setupErr(err)
	}
	// Tabs the user (or the page) opens later are watched too.
	if err := chromedp.ListenBrowser(bctx, func(ev any) {
		if e, ok := ev.(*target.EventTargetCreated); ok && e.TargetInfo != nil && e.TargetInfo.Type == "page" {
			go w.attach(bctx, e.TargetInfo.TargetID)
		}
	}); err != nil {
		return nil, setupErr(err)
	}
	if o.URL != "" {
		if _, err := chromedp.Call(bctx, page.Navigate, page.NavigateParams{URL: o.URL}); err != nil {
			o.Logf("opening %s: %v", web.RedactURL(o.URL), err)
		}
	}
	o.Logf("watching for the replay")

	select {
	case <-w.found:
	case <-bctx.Done():
		return nil, ended()
	}
	o.Logf("replay found; collecting cookies")
	select {
	case <-time.After(o.Settle):
	case <-bctx.Done():
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// Closed after the replay was found: its cookies may be in what
		// was seen already.
	}
	w.wait()
	w.readCookies()
	cands, err = w.rec.Candidates()
	if err != nil {
		return nil, err
	}
	// A plain player page says nothing of the broadcast but its title.
	if title := w.pageTitle(bctx); title != "" {
		for i := range cands {
			if cands[i].Title == "" {
				cands[i].Title = intake.CleanTitle(web.Redact(title))
			}
		}
	}
	return cands, nil
}

// flags are the browser's command line: a fresh profile, no first-run
// screens and no background traffic of its own (sync, component updates,
// QUIC probes), none of which a one-off capture needs.
func (o Options) flags(profile string) []chromedp.ExecAllocatorOption {
	fl := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(o.Browser),
		chromedp.UserDataDir(profile),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-default-apps", true),
		// Chromium refuses to start as root with its sandbox (CI machines,
		// containers); a user's desktop keeps it.
		chromedp.Flag("no-sandbox", os.Geteuid() == 0),
	}
	if o.Headless {
		fl = append(fl, chromedp.Flag("headless", true), chromedp.Flag("mute-audio", true))
	}
	return fl
}

// startError: the browser did not start or could not be driven.
type startError struct {
	name string
	err  error
}

func (e *startError) Error() string {
	return fmt.Sprintf("%s could not be started for the capture: close it if it is stuck, or choose another browser in Settings, or save a HAR file instead.", capitalized(e.name))
}

func (e *startError) Unwrap() error { return e.err }

func capitalized(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// removeProfile deletes the temporary profile. A browser's helper processes
// can hold files in it for a moment after it exits (on Windows they cannot
// be deleted then), so it tries again for a few seconds.
func removeProfile(dir string) error {
	var err error
	for range 50 {
		if err = os.RemoveAll(dir); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

// watcher turns the network events of every watched tab into exchanges for
// the recorder.
type watcher struct {
	rec  *intake.Recorder
	logf func(string, ...any)

	mu      sync.Mutex
	pending map[string]*intake.Exchange // by tab and request ID
	tabs    map[target.ID]context.Context
	bodies  sync.WaitGroup
	sem     chan struct{}

	found     chan struct{}
	foundOnce sync.Once
	foundTab  target.ID // the tab that played the replay
}

func newWatcher(rec *intake.Recorder, logf func(string, ...any)) *watcher {
	return &watcher{
		rec: rec, logf: logf,
		pending: map[string]*intake.Exchange{},
		tabs:    map[target.ID]context.Context{},
		sem:     make(chan struct{}, maxBodies),
		found:   make(chan struct{}),
	}
}

// attach starts watching a tab opened after the first.
func (w *watcher) attach(bctx context.Context, id target.ID) {
	w.mu.Lock()
	_, seen := w.tabs[id]
	w.mu.Unlock()
	if seen {
		return
	}
	tctx, _ := chromedp.NewContext(bctx, chromedp.WithTargetID(id)) // ends with the browser
	if err := w.watch(tctx, id); err != nil {
		w.logf("a new tab could not be watched: %v", err)
	}
}

// watch listens to one tab's network events, then turns them on.
func (w *watcher) watch(tctx context.Context, id target.ID) error {
	w.mu.Lock()
	if _, seen := w.tabs[id]; seen {
		w.mu.Unlock()
		return nil
	}
	w.tabs[id] = tctx
	w.mu.Unlock()
	if err := chromedp.Listen(tctx, func(ev any) { w.onEvent(tctx, id, ev) }); err != nil {
		return fmt.Errorf("listening to a tab: %w", err)
	}
	total, each := int64(64<<20), int64(maxBody)
	if _, err := chromedp.Call(tctx, network.Enable, network.EnableParams{MaxTotalBufferSize: &total, MaxResourceBufferSize: &each}); err != nil {
		return fmt.Errorf("watching a tab's network: %w", err)
	}
	return nil
}

// onEvent runs in the tab's event loop: it must return at once, so reading
// an answer's body happens on another goroutine.
func (w *watcher) onEvent(tctx context.Context, tab target.ID, ev any) {
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		key := string(tab) + "/" + string(e.RequestID)
		w.mu.Lock()
		defer w.mu.Unlock()
		if prev, ok := w.pending[key]; ok && e.RedirectResponse != nil {
			// The same request ID goes on after a redirect: the hop so far
			// is an exchange of its own.
			respond(prev, e.RedirectResponse)
			w.rec.Add(*prev)
		}
		if e.Request == nil || len(w.pending) >= maxPending {
			delete(w.pending, key)
			return
		}
		u := e.Request.URL + e.Request.URLFragment
		w.pending[key] = &intake.Exchange{Method: e.Request.Method, URL: u, Started: epoch(e.WallTime.Float64()), ReqHeaders: headers(e.Request.Headers)}
	case *network.EventResponseReceived:
		w.mu.Lock()
		defer w.mu.Unlock()
		if x, ok := w.pending[string(tab)+"/"+string(e.RequestID)]; ok && e.Response != nil {
			respond(x, e.Response)
		}
	case *network.EventLoadingFinished:
		x := w.take(tab, e.RequestID)
		if x == nil {
			return
		}
		if !wantBody(x) || e.EncodedDataLength > maxBody {
			w.rec.Add(*x)
			return
		}
		w.bodies.Add(1)
		go func() {
			defer w.bodies.Done()
			w.sem <- struct{}{}
			defer func() { <-w.sem }()
			w.readBody(tctx, e.RequestID, x)
			w.rec.Add(*x)
			if u, ok := w.rec.Found(); ok {
				w.foundOnce.Do(func() {
					w.mu.Lock()
					w.foundTab = tab
					w.mu.Unlock()
					w.logf("found %s", web.RedactURL(u))
					close(w.found)
				})
			}
		}()
	case *network.EventLoadingFailed:
		if x := w.take(tab, e.RequestID); x != nil {
			x.Status = 0
			w.rec.Add(*x)
		}
	}
}

// take removes and returns a request waiting for its end.
func (w *watcher) take(tab target.ID, id network.RequestID) *intake.Exchange {
	key := string(tab) + "/" + string(id)
	w.mu.Lock()
	defer w.mu.Unlock()
	x := w.pending[key]
	delete(w.pending, key)
	return x
}

func (w *watcher) readBody(tctx context.Context, id network.RequestID, x *intake.Exchange) {
	ctx, cancel := context.WithTimeout(tctx, 10*time.Second)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: id})
	if err != nil {
		w.logf("the answer of %s could not be read: %v", web.RedactURL(x.URL), err)
		return
	}
	b := res.Body
	if len(b) > maxBody {
		b, x.BodyCut = b[:maxBody], true
	}
	x.Body = string(b)
}

// wait lets answers being read finish.
func (w *watcher) wait() { w.bodies.Wait() }

// readCookies asks the browser for the cookies it would send to each
// candidate and each host that served chunks: its cookie store has them
// all, HttpOnly ones included, with their real domain and path.
func (w *watcher) readCookies() {
	urls := w.rec.CookieURLs()
	if len(urls) == 0 {
		return
	}
	w.mu.Lock()
	var tabs []context.Context
	for _, t := range w.tabs {
		tabs = append(tabs, t)
	}
	w.mu.Unlock()
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		for _, tctx := range tabs { // any tab that is still open will do
			ctx, cancel := context.WithTimeout(tctx, 5*time.Second)
			res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{raw}})
			cancel()
			if err != nil {
				continue
			}
			w.rec.AddCookies(u, cookies(res.Cookies))
			break
		}
	}
}

// pageTitle is the title of the page that played the replay, "" when it
// has none worth showing (its address, or the tab is gone).
func (w *watcher) pageTitle(bctx context.Context) string {
	w.mu.Lock()
	id := w.foundTab
	w.mu.Unlock()
	ctx, cancel := context.WithTimeout(bctx, 5*time.Second)
	defer cancel()
	res, err := chromedp.CallBrowser(ctx, target.GetTargetInfo, target.GetTargetInfoParams{TargetID: id})
	if err != nil || res.TargetInfo == nil {
		return ""
	}
	title := strings.TrimSpace(res.TargetInfo.Title)
	if title == "" || title == res.TargetInfo.URL || strings.Contains(title, "://") {
		return ""
	}
	return title
}

// respond copies what an answer says into x.
func respond(x *intake.Exchange, r *network.Response) {
	x.Status = int(r.Status)
	x.RespHeaders = headers(r.Headers)
	x.MimeType = r.MimeType
	if len(r.RequestHeaders) > 0 { // what was really sent, when known
		x.ReqHeaders = headers(r.RequestHeaders)
	}
}

// wantBody: answers that may name a stream (JSON) or be one (a playlist,
// or a manifest: application/dash+xml, .mpd).
func wantBody(x *intake.Exchange) bool {
	if x.Status != http.StatusOK && x.Status != 0 {
		return false
	}
	m := strings.ToLower(x.MimeType)
	if strings.Contains(m, "json") || strings.Contains(m, "mpegurl") || strings.Contains(m, "dash+xml") {
		return true
	}
	u, err := url.Parse(x.URL)
	if err != nil {
		return false
	}
	p := strings.ToLower(u.Path)
	return strings.HasSuffix(p, ".m3u8") || strings.HasSuffix(p, ".mpd")
}

// headers turns DevTools headers into an http.Header; a value holding
// several lines (Set-Cookie) becomes several values.
func headers(h network.Headers) http.Header {
	out := http.Header{}
	for name, v := range h {
		s, ok := v.(string)
		if !ok || strings.HasPrefix(name, ":") {
			continue
		}
		for _, line := range strings.Split(s, "\n") {
			out.Add(name, line) // Add canonicalizes the name
		}
	}
	return out
}

// cookies turns the browser's cookies into http.Cookies; a session cookie
// (expires -1) stays one.
func cookies(cs []*network.Cookie) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range cs {
		if c == nil || c.Name == "" {
			continue
		}
		hc := &http.Cookie{Name: c.Name, Value: c.Value, Domain: c.Domain, Path: c.Path, Secure: c.Secure, HttpOnly: c.HTTPOnly}
		if !c.Session && c.Expires > 0 {
			hc.Expires = epoch(c.Expires)
		}
		out = append(out, hc)
	}
	return out
}

// epoch converts seconds since 1970 into a time.
func epoch(sec float64) time.Time {
	if sec <= 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(sec*float64(time.Second)))
}
