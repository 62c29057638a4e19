package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"time"

	"replayrescue/core/intake"
	"replayrescue/core/job"
	"replayrescue/core/playlist"
	"replayrescue/core/web"
)

// candidateReport is what inspect says about one candidate. Every string in
// it is redacted.
type candidateReport struct {
	URL         string   `json:"url"`
	Title       string   `json:"title,omitempty"`
	From        string   `json:"from,omitempty"`
	Kind        string   `json:"kind,omitempty"` // "media" or "master"
	Live        bool     `json:"live"`
	Quality     string   `json:"quality,omitempty"`
	Chunks      int      `json:"chunks,omitempty"`
	Duration    float64  `json:"duration,omitempty"`
	CookieHosts []string `json:"cookie_hosts"`
	Verdict     string   `json:"verdict"` // ready, needs fresh credentials, unreachable, not a playlist, damaged playlist
	Detail      string   `json:"detail,omitempty"`
	Chat        bool     `json:"chat"`                // the broadcast's chat can be saved too
	ChatFrom    string   `json:"chat_from,omitempty"` // where it would come from
}

func cmdInspect(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	var f saveFlags
	fs.StringVar(&f.cookies, "cookies", "", "cookies for the source link's site, as \"a=b; c=d\"")
	fs.StringVar(&f.cookiesFile, "cookies-file", "", "Netscape cookies.txt `file`")
	fs.Var(&f.headers, "H", "extra request header \"Name: value\" (repeatable)")
	fs.BoolVar(&f.json, "json", false, "print JSON")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: replayrescue inspect [--json] SOURCE\n\nShows the video streams a link or file points at. Downloads no video. Flags:")
		fs.PrintDefaults()
	}
	sources, code, ok := parseArgs(fs, args, stderr)
	if !ok {
		return code
	}
	out := newReporter(stdout, stderr, false)
	if len(sources) != 1 {
		return out.fail(usageError("Give one broadcast link, playlist (.m3u8) link or HAR file to inspect."))
	}
	in := intake.Input{Source: sources[0], Cookies: f.cookies, CookiesFile: f.cookiesFile, Headers: f.headers, Stdin: stdin}
	cands, err := intake.Resolve(ctx, in)
	var credErr *intake.CredentialsError
	if err != nil && !(errors.As(err, &credErr) && len(cands) > 0) {
		return out.fail(err)
	}
	if credErr != nil {
		fmt.Fprintln(stderr, "Warning: "+web.Printable(credErr.Msg))
	}
	reports := make([]candidateReport, 0, len(cands))
	for _, c := range cands {
		reports = append(reports, inspectCandidate(ctx, c).printable())
	}
	if f.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"candidates": reports}); err != nil {
			return out.fail(err)
		}
		return 0
	}
	for i, r := range reports {
		fmt.Fprintf(stdout, "%d. %s\n", i+1, r.URL)
		if r.Title != "" {
			fmt.Fprintf(stdout, "   title:    %s\n", r.Title)
		}
		if r.From != "" {
			fmt.Fprintf(stdout, "   found in: %s\n", r.From)
		}
		if r.Kind != "" {
			state := "replay"
			if r.Live {
				state = "live"
			}
			fmt.Fprintf(stdout, "   playlist: %s, %s", r.Kind, state)
			if r.Quality != "" {
				fmt.Fprintf(stdout, ", %s", r.Quality)
			}
			fmt.Fprintln(stdout)
		}
		if r.Chunks > 0 {
			fmt.Fprintf(stdout, "   length:   %s in %d chunks\n", job.FormatClock(time.Duration(r.Duration*float64(time.Second))), r.Chunks)
		}
		if len(r.CookieHosts) > 0 {
			fmt.Fprintf(stdout, "   cookies:  sent to %v\n", r.CookieHosts)
		}
		if r.Chat {
			fmt.Fprintf(stdout, "   chat:     available (%s)\n", r.ChatFrom)
		} else {
			fmt.Fprintln(stdout, "   chat:     none found")
		}
		fmt.Fprintf(stdout, "   verdict:  %s", r.Verdict)
		if r.Detail != "" {
			fmt.Fprintf(stdout, " (%s)", r.Detail)
		}
		fmt.Fprintln(stdout)
	}
	return 0
}

// printable is r with every string that may come from outside (a title, a
// host name from a HAR file, a server's words) made safe to print: both the
// text and the --json output end up on terminals.
func (r candidateReport) printable() candidateReport {
	for _, s := range []*string{&r.URL, &r.Title, &r.From, &r.Kind, &r.Quality, &r.Verdict, &r.Detail, &r.ChatFrom} {
		*s = web.Printable(*s)
	}
	hosts := make([]string, len(r.CookieHosts))
	for i, h := range r.CookieHosts {
		hosts[i] = web.Printable(h)
	}
	r.CookieHosts = hosts
	return r
}

// inspectCandidate loads c's playlist (never its chunks) and judges it.
func inspectCandidate(ctx context.Context, c intake.Candidate) candidateReport {
	// Start from what intake could tell from the source; loading the
	// playlist then confirms or corrects it.
	r := candidateReport{URL: web.RedactURL(c.URL), Title: web.Redact(c.Title), From: web.Redact(c.From),
		Kind: c.Kind, Live: c.Live, CookieHosts: append([]string{}, c.CookieHosts...),
		Verdict: string(c.Verdict), Detail: c.Problem, Chat: c.Chat.Available()}
	switch {
	case len(c.Chat.Messages) > 0:
		r.ChatFrom = fmt.Sprintf("%d messages recorded in the HAR file", len(c.Chat.Messages))
	case r.Chat:
		r.ChatFrom = "the broadcast's chat service"
	}
	if len(r.CookieHosts) == 0 {
		if u, err := url.Parse(c.URL); err == nil && c.Creds.Jar != nil && len(c.Creds.Jar.Cookies(u)) > 0 {
			r.CookieHosts = append(r.CookieHosts, u.Hostname())
		}
	}
	client := web.NewClient(c.Creds, web.ClientOptions{MaxConnsPerHost: 2})
	pl, err := playlist.Load(ctx, client, c.URL)
	switch {
	case err == nil:
	case web.IsCredentialError(err):
		if c.Verdict != intake.VerdictSanitized {
			r.Verdict = string(intake.VerdictStale)
		}
		r.Detail = intake.ExplainDenied(c)
		return r
	case errors.Is(err, playlist.ErrNotPlaylist):
		r.Verdict = "not a playlist"
		r.Detail = web.Redact(err.Error())
		return r
	case errors.Is(err, playlist.ErrDamaged):
		r.Verdict = "damaged playlist"
		r.Detail = web.Redact(err.Error())
		return r
	default:
		r.Verdict = "unreachable"
		r.Detail = web.Redact(err.Error())
		return r
	}
	r.Kind = "media"
	if pl.Variant != nil {
		r.Kind = "master"
		r.Quality = pl.Variant.Resolution
	}
	r.Live = !pl.Ended
	r.Chunks = len(pl.Segments)
	r.Duration = pl.Duration().Seconds()
	r.Verdict = string(intake.VerdictReady)
	r.Detail = ""
	return r
}
