package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"time"

	"replayrescue/core/rescue"
)

// candidateReport is what inspect says about one candidate. Every string in
// it is redacted.
type candidateReport struct {
	URL         string   `json:"url"`
	Title       string   `json:"title,omitempty"`
	Presenter   string   `json:"presenter,omitempty"` // who broadcast it, when the source says
	Started     string   `json:"started,omitempty"`   // when it started (RFC 3339, UTC), when the source says
	Sound       bool     `json:"sound_only,omitempty"`
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
	// Renditions are the pictures and sounds the source offers, when it
	// lists them (a manifest).
	Renditions []renditionReport `json:"renditions,omitempty"`
}

// renditionReport is one picture or sound a source offers.
type renditionReport struct {
	Kind      string  `json:"kind"` // "video" or "audio"
	Width     int     `json:"width,omitempty"`
	Height    int     `json:"height,omitempty"`
	Codecs    string  `json:"codecs,omitempty"`
	Bandwidth uint64  `json:"bandwidth,omitempty"` // bits per second
	Duration  float64 `json:"duration,omitempty"`
	Chosen    bool    `json:"chosen"` // what save downloads (with the same --quality)
}

// words describes r on one line.
func (r renditionReport) words() string {
	s := "sound"
	if r.Kind == "video" {
		s = "picture"
		if r.Width > 0 && r.Height > 0 {
			s += fmt.Sprintf(" %dx%d", r.Width, r.Height)
		}
	}
	if r.Codecs != "" {
		s += " " + r.Codecs
	}
	if r.Bandwidth > 0 {
		s += fmt.Sprintf(", %d kbit/s", r.Bandwidth/1000)
	}
	if r.Duration > 0 {
		s += ", " + rescue.FormatClock(time.Duration(r.Duration*float64(time.Second)))
	}
	if r.Chosen {
		s += " (chosen)"
	}
	return s
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
		return out.fail(usageError("Give one broadcast link, video link or HAR file to inspect."))
	}
	in := rescue.Input{Source: sources[0], Cookies: f.cookies, CookiesFile: f.cookiesFile, Headers: f.headers, Stdin: stdin}
	cands, warning, err := rescue.Find(ctx, in)
	if err != nil {
		return out.fail(err)
	}
	if warning != "" {
		fmt.Fprintln(stderr, "Warning: "+rescue.Printable(warning))
	}
	checked, err := rescue.CheckAll(ctx, cands, "")
	if err != nil {
		return out.fail(err)
	}
	reports := make([]candidateReport, 0, len(cands))
	for i, c := range cands {
		reports = append(reports, newCandidateReport(c, checked[i]).printable())
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
		if r.Presenter != "" {
			fmt.Fprintf(stdout, "   by:       %s\n", r.Presenter)
		}
		if r.Started != "" {
			fmt.Fprintf(stdout, "   started:  %s\n", r.Started)
		}
		if r.Sound {
			fmt.Fprintln(stdout, "   sound only: saved as NAME.m4a, or as NAME.mp4 showing a card with its title")
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
			fmt.Fprintf(stdout, "   length:   %s in %d chunks\n", rescue.FormatClock(time.Duration(r.Duration*float64(time.Second))), r.Chunks)
		}
		for i, rr := range r.Renditions {
			label := "   offers:   "
			if i > 0 {
				label = "             "
			}
			fmt.Fprintln(stdout, label+rr.words())
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
	for _, s := range []*string{&r.URL, &r.Title, &r.Presenter, &r.From, &r.Kind, &r.Quality, &r.Verdict, &r.Detail, &r.ChatFrom} {
		*s = rescue.Printable(*s)
	}
	hosts := make([]string, len(r.CookieHosts))
	for i, h := range r.CookieHosts {
		hosts[i] = rescue.Printable(h)
	}
	r.CookieHosts = hosts
	rs := make([]renditionReport, len(r.Renditions))
	for i, rr := range r.Renditions {
		rr.Codecs = rescue.Printable(rr.Codecs)
		rs[i] = rr
	}
	r.Renditions = rs
	return r
}

// newCandidateReport is what inspect says of c, checked as r.
func newCandidateReport(c rescue.Candidate, r rescue.Report) candidateReport {
	cr := candidateReport{URL: rescue.RedactURL(c.URL), Title: rescue.Redact(r.Title), From: rescue.Redact(c.From),
		Kind: r.Kind, Quality: r.Quality, Live: r.Live, Chunks: r.Chunks, Duration: r.Duration.Seconds(),
		CookieHosts: append([]string{}, c.CookieHosts...), Verdict: string(r.Verdict), Chat: c.Chat.Available(),
		Presenter: rescue.Redact(c.Presenter), Sound: c.Sound}
	for _, rr := range r.Renditions {
		cr.Renditions = append(cr.Renditions, renditionReport{Kind: rr.Kind, Width: rr.Width, Height: rr.Height, Codecs: rr.Codecs,
			Bandwidth: rr.Bandwidth, Duration: rr.Length.Seconds(), Chosen: rr.Chosen})
	}
	if !r.Started.IsZero() {
		cr.Started = r.Started.UTC().Format(time.RFC3339)
	}
	if !r.Ready {
		cr.Detail = r.Problem
	}
	switch {
	case len(c.Chat.Messages) > 0:
		cr.ChatFrom = fmt.Sprintf("%d messages recorded in the HAR file", len(c.Chat.Messages))
	case cr.Chat:
		cr.ChatFrom = "the broadcast's chat service"
	}
	if len(cr.CookieHosts) == 0 {
		if u, err := url.Parse(c.URL); err == nil && c.Creds.Jar != nil && len(c.Creds.Jar.Cookies(u)) > 0 {
			cr.CookieHosts = append(cr.CookieHosts, u.Hostname())
		}
	}
	return cr
}
