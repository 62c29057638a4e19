package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"replayrescue/assets"
	"replayrescue/core/chat"
	"replayrescue/core/job"
	"replayrescue/core/sample"

	"replayrescue/app/internal/backend"
)

// coreError is a failure the core meets, made for real, and what the
// window must say of it in German and Spanish.
type coreError struct {
	name   string
	link   string // a link that fails this way (the start screen), or
	err    error  // the error a save or the chat ends with
	chat   bool   // err is the chat's (the edit screen's note)
	de, es string // in the sentence shown
}

// coreErrors makes each failure happen: answers of a loopback host, a
// refused connection, an unverifiable certificate, the job's own checks,
// the chat service.
func coreErrors(t *testing.T) []coreError {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/gone.m3u8":
			http.NotFound(w, r)
		case "/busy.m3u8":
			http.Error(w, "slow down", http.StatusTooManyRequests)
		case "/broken.m3u8":
			http.Error(w, "down", http.StatusServiceUnavailable)
		case "/private.m3u8":
			http.Error(w, "no", http.StatusForbidden)
		case "/drm.m3u8":
			fmt.Fprint(w, "#EXTM3U\n#EXT-X-VERSION:5\n#EXT-X-TARGETDURATION:3\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://key\",KEYFORMAT=\"com.apple.streamingkeydelivery\"\n#EXTINF:3.0,\nc0.ts\n#EXT-X-ENDLIST\n")
		case "/early.m3u8":
			fmt.Fprint(w, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n")
		case "/talks/empty":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><body><p>The talk will be here.</p></body></html>")
		case "/talks/missing":
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(tlsSrv.Close)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + closed.Addr().String() + "/talk.m3u8"
	closed.Close()

	dir := t.TempDir()
	taken := filepath.Join(dir, "talk.mp4")
	if err := os.WriteFile(taken, []byte("a video"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "gone", "talk.mp4")

	// The chat: none at all, a service that refuses, and one that has
	// nobody's words.
	chatOf := func(src chat.Source) error {
		j, err := job.Open(job.Source{URL: srv.URL + "/gone.m3u8", Chat: src}, job.Options{Work: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		_, err = j.Chat(context.Background())
		return err
	}
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusForbidden) }))
	t.Cleanup(refusing.Close)
	mux := http.NewServeMux()
	sample.NewChat(sample.ChatOptions{Start: sample.BroadcastStart, Messages: []sample.ChatMessage{}, Token: "t"}).Register(mux)
	silent := httptest.NewServer(mux)
	t.Cleanup(silent.Close)
	api := func(s *httptest.Server) *url.URL { u, _ := url.Parse(s.URL); return u }

	return []coreError{
		{name: "gone (404)", link: srv.URL + "/gone.m3u8", de: "Laut Videoanbieter gibt es dieses Video nicht (mehr)", es: "Según el servidor, este vídeo no está (ya)"},
		{name: "too many requests (429)", link: srv.URL + "/busy.m3u8", de: "Der Videoanbieter bittet zu warten", es: "El servidor del vídeo pide esperar"},
		{name: "host broken (503)", link: srv.URL + "/broken.m3u8", de: "Beim Videoanbieter ist ein Fehler aufgetreten (Fehler 503)", es: "tuvo un problema propio (error 503): inténtalo de nuevo"},
		{name: "refused (403)", link: srv.URL + "/private.m3u8", de: "Der Videoanbieter lehnt diesen Link ohne die Cookies Ihres Browsers ab", es: "rechaza este enlace sin las cookies de tu navegador"},
		{name: "page without a video", link: srv.URL + "/talks/empty", de: "Auf dieser Seite wurde kein Videostream gefunden", es: "No se encontró ningún flujo de vídeo en esa página"},
		{name: "no such page", link: srv.URL + "/talks/missing", de: "hat keine solche Seite (Antwort 404)", es: "no tiene esa página (respondió 404)"},
		{name: "a piece of the video", link: srv.URL + "/media/seg_00042.ts", de: "Dieser Link ist ein Stück des Videos (seg_00042.ts)", es: "Este enlace es un trozo del vídeo (seg_00042.ts)"},
		{name: "connection refused", link: refused, de: "127.0.0.1 hat die Verbindung abgelehnt", es: "127.0.0.1 rechazó la conexión"},
		{name: "certificate", link: tlsSrv.URL + "/talk.m3u8", de: "die sichere Verbindung zu 127.0.0.1 konnte nicht geprüft werden", es: "no se pudo verificar la conexión segura con 127.0.0.1"},
		{name: "DRM", link: srv.URL + "/drm.m3u8", de: "mit DRM (Kopierschutz) geschützt", es: "protegido con DRM (protección anticopia)"},
		{name: "not started", link: srv.URL + "/early.m3u8", de: "enthält noch keine Videoteile", es: "aún no tiene partes de vídeo"},
		{name: "video there", err: job.CheckOutput(taken, false), de: taken + " gibt es schon: Wählen Sie einen anderen Namen", es: taken + " ya existe: elige otro nombre"},
		{name: "no folder", err: job.CheckOutput(missing, false), de: "Den Ordner " + filepath.Dir(missing) + " gibt es nicht.", es: "La carpeta " + filepath.Dir(missing) + " no existe."},
		{name: "no chat", err: chatOf(chat.Source{}), chat: true, de: "Diese Quelle hat keinen Chat", es: "Esta fuente no tiene chat"},
		{name: "chat refused", err: chatOf(chat.Source{API: api(refusing), Token: "t"}), chat: true, de: "Der Chat-Dienst hat den Chat dieser Übertragung nicht herausgegeben", es: "El servicio de chat no quiso entregar el chat"},
		{name: "chat empty", err: chatOf(chat.Source{API: api(silent), Token: "t"}), chat: true, de: "Der Chat der Übertragung ist leer", es: "El chat de la emisión está vacío"},
	}
}

// What the core says when something fails reaches the window in the
// window's language, in the place the window says problems: sixteen of
// the core's failures, made for real, in German and in Spanish.
func TestCoreErrorsInGermanAndSpanish(t *testing.T) {
	cases := coreErrors(t)
	real := backend.NewCore(backend.ToolsSource{})
	for _, code := range []string{"de", "es"} {
		t.Run(code, func(t *testing.T) {
			be := &fakeBackend{cands: readyCands()}
			var next *coreError // what the next job's save or chat fails with
			be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
				j := newFakeJob(c, events)
				if next != nil && next.chat {
					j.chatErr = next.err
				} else if next != nil {
					err := next.err
					j.render = func(context.Context, *fakeJob, job.Settings) error { return err }
				}
				return j
			}
			h := newHarness(t, be)
			t.Cleanup(func() { _ = applyLanguage("en") })
			h.u.setLanguage(code)
			for i := range cases {
				c := &cases[i]
				want := map[string]string{"de": c.de, "es": c.es}[code]
				var got string
				switch {
				case c.link != "":
					h.u.backend = real
					h.u.startOver()
					test.Type(h.u.start.paste, c.link)
					h.press(fyne.KeyReturn, false)
					h.q.until(t, c.name, func() bool { return h.u.start.status.Visible() }, 30*time.Second)
					got = h.u.start.problem.head.Text + "\n" + h.u.start.status.Text
					h.u.backend = be
				case c.chat:
					next = c
					h.u.startOver()
					h.toEdit()
					h.q.until(t, c.name, func() bool { return h.u.edit.chatNote.Text != translated(code, "Loading the chat…") })
					got = h.u.edit.chatNote.Text
				default:
					next = c
					h.u.startOver()
					h.toEdit()
					h.u.edit.saveTo(filepath.Join(t.TempDir(), "x.mp4"), true)
					h.q.until(t, c.name, func() bool { return h.u.rend.failed.Visible() })
					got = h.u.rend.heading.Text + "\n" + h.u.rend.problem.Text
				}
				next = nil
				if !strings.Contains(got, want) {
					t.Errorf("%s: the window says %q, want %q in it", c.name, got, want)
				}
			}
		})
	}
}

// translated is the translation of an English window string in code.
func translated(code, en string) string {
	data, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + code + ".json")
	if err != nil {
		return en
	}
	var tr map[string]string
	if json.Unmarshal(data, &tr) != nil || tr[en] == "" {
		return en
	}
	return tr[en]
}

// Every problem is said once, in one place, under a heading that says what
// happened: never "found" for a failure, no second piece of advice.
func TestProblemsSayWhatHappenedInOnePlace(t *testing.T) {
	refused := backend.Candidate{Title: "Keynote", Code: job.ExitCredentials,
		Problem: "The video host refused the cookies or link (they have probably expired): get a fresh link or HAR file and run again with the same job folder."}
	be := &fakeBackend{cands: []backend.Candidate{refused}}
	h := newHarness(t, be)

	// One video, not ready: said on the start screen, by the link.
	test.Type(h.u.start.paste, "https://example.com/replay")
	h.press(fyne.KeyReturn, false)
	h.q.until(t, "the problem", func() bool { return h.u.start.status.Visible() })
	if h.u.screen != screenStart || h.u.start.problem.head.Text != "The video host refused access" || h.u.start.status.Text != refused.Problem {
		t.Errorf("screen %v: %q / %q", h.u.screen, h.u.start.problem.head.Text, h.u.start.status.Text)
	}
	if n := countText(h.win.Content(), "fresh link"); n != 1 {
		t.Errorf("the advice shows %d times", n)
	}

	// Several, none ready, each its own reason: the list, with a heading
	// that says none can be downloaded.
	other := refused
	other.Problem, other.Code = "This video is protected with DRM (copy protection), so it cannot be saved; only the site's own player may play it.", job.ExitUsage
	h.u.showFound([]backend.Candidate{refused, other})
	f := h.u.found
	if strings.Contains(f.heading.Text, "best one is chosen") || !strings.Contains(f.heading.Text, "none of them can be downloaded") || !f.download.Disabled() {
		t.Errorf("found heading %q, Download enabled %v", f.heading.Text, !f.download.Disabled())
	}
	if n := countText(h.win.Content(), "fresh link"); n != 1 {
		t.Errorf("the advice shows %d times on the found screen", n)
	}

	// The download: a heading and the sentence, once.
	be.cands = readyCands()
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		j.download = func(ctx context.Context, j *fakeJob) error {
			return &job.Error{Code: job.ExitOther, Msg: "The server at example.com stopped sending data: try again later."}
		}
		return j
	}
	h.u.showFound(readyCands())
	test.Tap(h.u.found.download)
	h.q.until(t, "the problem", func() bool { return h.u.dl.probBox.Visible() })
	if h.u.dl.card.head.Text != "The download stopped" || countText(h.win.Content(), "stopped sending data") != 1 {
		t.Errorf("download problem: %q, shown %d times", h.u.dl.card.head.Text, countText(h.win.Content(), "stopped sending data"))
	}
}

// countText counts the visible labels under o whose text has s.
func countText(o fyne.CanvasObject, s string) int {
	n := 0
	for _, c := range test.LaidOutObjects(o) {
		if l, ok := c.(*widget.Label); ok && l.Visible() && strings.Contains(l.Text, s) {
			n++
		}
	}
	return n
}
