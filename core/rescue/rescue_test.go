package rescue

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"replayrescue/core/intake"
	"replayrescue/core/media"
	"replayrescue/core/toolget"
	"replayrescue/core/web"
)

// Every kind of failure the CLI and the window meet gets its sentence and
// exit code here, whichever part of the core it came from.
func TestExplainWordsEveryPartOfTheCore(t *testing.T) {
	wrapped := func(err error) error { return fmt.Errorf("saving: %w", err) }
	cases := []struct {
		name string
		err  error
		code int
		want string
	}{
		{"bad input", wrapped(&intake.InputError{Msg: "That file is not a HAR file.", Err: intake.ErrNoSource}), ExitUsage, "That file is not a HAR file."},
		{"credentials", &intake.CredentialsError{Msg: "This HAR file was saved without cookies."}, ExitCredentials, "without cookies"},
		{"network", &intake.NetworkError{Msg: "Could not reach the broadcast service."}, ExitOther, "Could not reach"},
		{"install failed", &toolget.Error{Msg: "The download of ffmpeg was damaged."}, ExitFFmpeg, "damaged"},
		{"install stopped", &toolget.Error{Msg: "Stopped.", Err: context.Canceled}, ExitOther, "Stopped."},
		{"install ended in a missing tool", &toolget.Error{Msg: "x", Err: &media.MissingError{Tool: "ffprobe", GOOS: "windows"}}, ExitFFmpeg, "ffprobe"},
		{"no source", wrapped(fmt.Errorf("nothing usable in %q: %w", "notes.txt", intake.ErrNoSource)), ExitUsage, "Give a broadcast link"},
		{"already worded", wrapped(&Error{Code: ExitCredentials, Msg: "Refused."}), ExitCredentials, "Refused."},
		{"stopped", wrapped(context.Canceled), ExitOther, "Finished chunks are kept"},
		{"anything else", errors.New("disk on fire"), ExitOther, "Disk on fire."},
		{"refused, in words", wrapped(intake.DeniedError(intake.Candidate{Origin: intake.OriginHAR}, errors.New("403"))), ExitCredentials, "cookies that this HAR file does not have"},
	}
	for _, c := range cases {
		msg, code := Explain(c.err)
		if code != c.code || !strings.Contains(msg, c.want) {
			t.Errorf("%s: Explain = %q, %d; want %q in it, code %d", c.name, msg, code, c.want, c.code)
		}
		// The window says the same sentence, from its template when it
		// has one: never another error's (the stopped install is not a
		// stopped save).
		if w := Words(c.err); !w.IsZero() && w.String() != msg {
			t.Errorf("%s: Words = %q, Explain %q", c.name, w.String(), msg)
		}
	}
	if Words(wrapped(intake.DeniedError(intake.Candidate{}, nil))).IsZero() {
		t.Error("a refusal intake put into words has no template")
	}
	if msg, _ := Explain(&intake.InputError{Msg: "Bad \x1b[31mred\x1b[0m name."}); strings.ContainsRune(msg, 0x1b) {
		t.Errorf("Explain kept a terminal escape: %q", msg)
	}
}

// hls serves a two-chunk replay at /ok.m3u8, a refusal at /denied.m3u8 and
// a web page at /page.m3u8.
func hls(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok.m3u8":
			fmt.Fprint(w, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n#EXTINF:3.0,\nc0.ts\n#EXTINF:2.5,\nc1.ts\n#EXT-X-ENDLIST\n")
		case "/denied.m3u8":
			http.Error(w, "no", http.StatusForbidden)
		case "/page.m3u8":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<!doctype html><title>Sign in</title>")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func candidate(u string, v Verdict) Candidate {
	return Candidate{URL: u, Title: "Talk", From: "HAR entry 3", Origin: intake.OriginHAR, Verdict: v,
		Creds: web.Credentials{Jar: web.NewJar(), Header: http.Header{}}}
}

// The CLI's inspect and the window judge a candidate by one check: a
// refusal is explained by what the source lacked (here: a HAR file without
// cookies), not by a generic sentence.
func TestCheckJudgesAsASaveWould(t *testing.T) {
	srv := hls(t)
	ctx := context.Background()

	ok := Check(ctx, candidate(srv.URL+"/ok.m3u8", VerdictReady))
	if !ok.Ready || ok.Verdict != VerdictReady || ok.Chunks != 2 || ok.Kind != "media" || ok.Live || ok.Duration.Seconds() != 5.5 {
		t.Errorf("a good replay: %+v", ok)
	}

	denied := candidate(srv.URL+"/denied.m3u8", VerdictReady)
	r := Check(ctx, denied)
	if r.Ready || r.Verdict != VerdictStale || r.Code != ExitCredentials || r.Problem != intake.ExplainDenied(denied) {
		t.Errorf("a refused replay: ready %v, verdict %q, code %d, problem %q; want the HAR's own explanation %q",
			r.Ready, r.Verdict, r.Code, r.Problem, intake.ExplainDenied(denied))
	}

	page := Check(ctx, candidate(srv.URL+"/page.m3u8", VerdictReady))
	if page.Ready || page.Verdict != VerdictNotPlaylist || page.Code != ExitUsage {
		t.Errorf("a web page: %+v", page)
	}

	// A lucky playlist fetch does not outrank what intake saw.
	sanitized := candidate(srv.URL+"/ok.m3u8", VerdictSanitized)
	sanitized.Problem = "This HAR file was saved without cookies."
	s := Check(ctx, sanitized)
	if s.Ready || s.Verdict != VerdictSanitized || s.Problem != sanitized.Problem || s.Code != ExitCredentials {
		t.Errorf("a sanitized HAR's replay: %+v", s)
	}
}

// CheckAll keeps the order and hands Find's warning to a candidate that is
// not ready without a problem of its own.
func TestCheckAllKeepsOrderAndWarning(t *testing.T) {
	srv := hls(t)
	quiet := candidate(srv.URL+"/ok.m3u8", VerdictStale) // no Problem of its own
	got, err := CheckAll(context.Background(), []Candidate{
		candidate(srv.URL+"/page.m3u8", VerdictReady),
		candidate(srv.URL+"/ok.m3u8", VerdictReady),
		quiet,
	}, "The cookies in this HAR file have expired.")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Verdict != VerdictNotPlaylist || !got[1].Ready || got[2].Problem != "The cookies in this HAR file have expired." {
		t.Errorf("CheckAll = %+v", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := CheckAll(ctx, []Candidate{candidate(srv.URL+"/ok.m3u8", VerdictReady)}, ""); !errors.Is(err, context.Canceled) {
		t.Errorf("CheckAll after cancel: %v, want context.Canceled", err)
	}
}

// Find hands candidates with doubtful credentials over with a warning, and
// fails only when nothing is left to try.
func TestFoundSplitsWarningFromFailure(t *testing.T) {
	c := []Candidate{candidate("https://video.example/a.m3u8", VerdictSanitized)}
	cands, warning, err := found(c, &intake.CredentialsError{Msg: "Saved without cookies."})
	if err != nil || len(cands) != 1 || warning != "Saved without cookies." {
		t.Errorf("credentials problem with candidates: %v, %q, %v", cands, warning, err)
	}
	if _, _, err := found(nil, &intake.CredentialsError{Msg: "Saved without cookies."}); err == nil {
		t.Error("a credentials problem without candidates is not an error")
	}
	if _, _, err := found(c, &intake.NetworkError{Msg: "down"}); err == nil {
		t.Error("a network error with candidates was dropped")
	}
}

// The sentence a refused save shows travels with the source (it was lost
// on the way to the window before).
func TestSourceOfCarriesTheRefusalSentence(t *testing.T) {
	c := candidate("https://video.example/a.m3u8", VerdictSanitized)
	c.Sanitized = true
	src := SourceOf(c)
	if src.Denied.IsZero() || src.Denied.String() != intake.ExplainDenied(c) || src.URL != c.URL || src.Title != c.Title {
		t.Errorf("SourceOf = %+v", src)
	}
}

// Words gives a template only where it is the sentence Explain gives: an
// install of ffmpeg that was stopped keeps its own sentence.
func TestWordsAgreeWithExplain(t *testing.T) {
	srv := hls(t)
	r := Check(context.Background(), candidate(srv.URL+"/missing.m3u8", VerdictReady))
	if r.Words.IsZero() || r.Words.String() != r.Problem {
		t.Errorf("a 404: words %q, problem %q", r.Words.String(), r.Problem)
	}
	stopped := &toolget.Error{Msg: "Stopped: nothing was installed.", Err: context.Canceled}
	if w := Words(stopped); !w.IsZero() {
		t.Errorf("a stopped install has words %q; Explain says %q", w.String(), func() string { m, _ := Explain(stopped); return m }())
	}
	if w := Words(fmt.Errorf("saving: %w", context.Canceled)); w.IsZero() {
		t.Error("a stopped save has no words")
	}
}
