package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"replayrescue/core/rescue"
)

// cmdCapture opens the user's browser in a temporary profile, waits until
// the replay plays there, then saves it as save does. Ctrl+C closes the
// browser and deletes the profile.
func cmdCapture(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("capture", flag.ContinueOnError)
	var f saveFlags
	f.register(fs, false)
	browser := fs.String("browser", os.Getenv("REPLAYRESCUE_BROWSER"), "the browser's program `file` (default: Chrome, Edge, Brave or Chromium, whichever is installed)")
	headless := fs.Bool("headless", false, "run the browser without a window (for scripts and tests: nobody can press play)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: replayrescue capture [flags] [URL]\n\nOpens your browser in a separate, temporary profile. Open the broadcast there\n(log in if it is private) and press play: the replay is found and saved as one MP4.\nFlags:")
		fs.PrintDefaults()
	}
	pages, code, ok := parseArgs(fs, args, stderr)
	if !ok {
		return code
	}
	out := newReporter(stdout, stderr, f.json)
	out.captured = true
	if len(pages) > 1 {
		return out.fail(usageError("Give at most one page to open in the browser."))
	}
	settings, err := f.checkedSettings(out)
	if err != nil {
		return out.fail(err)
	}
	b, err := rescue.FindBrowser(*browser)
	if err != nil {
		return out.fail(err)
	}
	tools, err := f.useTools(stderr)
	if err != nil {
		return out.fail(err)
	}
	page := ""
	if len(pages) == 1 {
		page = pages[0]
	}
	fmt.Fprintf(stderr, "Opening %s with a separate, temporary profile: open the broadcast there (log in if it is private) and press play. Press Ctrl+C to stop.\n", b.Name)
	cands, warning, err := rescue.Capture(ctx, b, page, *headless)
	switch {
	case errors.Is(err, context.Canceled):
		return out.fail(&rescue.Error{Code: rescue.ExitOther, Msg: "Stopped: the browser was closed and its temporary profile deleted.", Err: err})
	case err != nil:
		return out.fail(err)
	}
	fmt.Fprintln(stderr, "The browser is closed; its temporary profile is deleted.")
	found := func() (rescue.Tools, error) { return tools, nil } // asked before the browser opened
	return saveFrom(ctx, []rescue.Source{bestSource(cands, warning, stderr)}, f, settings, found, out)
}
