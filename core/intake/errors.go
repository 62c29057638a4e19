package intake

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"replayrescue/core/say"
	"replayrescue/core/web"
)

// ErrNoSource means the input is empty or not something intake understands.
// Every *InputError wraps it, so the CLI maps all of them to exit code 2.
var ErrNoSource = errors.New("no source given")

// ErrNoStream means the input was understood (a HAR file, a page, a broadcast
// link) but holds no video stream. It wraps ErrNoSource.
var ErrNoStream = fmt.Errorf("no video stream was found: %w", ErrNoSource)

// InputError is bad or unusable input (CLI exit code 2). Msg is one sentence
// a non-technical person can act on, already free of secrets.
type InputError struct {
	Msg   string
	Err   error        // ErrNoSource or ErrNoStream, possibly wrapping a cause
	Words say.Sentence // Msg as a template and values, when written so
}

func (e *InputError) Error() string { return e.Msg }
func (e *InputError) Unwrap() error { return e.Err }

// CredentialsError means the source's credentials are missing, stale,
// sanitized or redacted (CLI exit code 3): the fix is a fresh source. Msg is
// one sentence, free of secrets.
type CredentialsError struct {
	Msg   string
	Err   error        // the cause, if any (for example a *web.StatusError)
	Words say.Sentence // Msg as a template and values, when written so
}

func (e *CredentialsError) Error() string { return e.Msg }
func (e *CredentialsError) Unwrap() error { return e.Err }

// NetworkError means a service needed to resolve the input (Periscope, X, the
// page the user gave) could not be reached or failed (CLI exit code 1).
type NetworkError struct {
	Msg   string
	Err   error
	Words say.Sentence // Msg as a template and values, when written so
}

func (e *NetworkError) Error() string { return e.Msg }
func (e *NetworkError) Unwrap() error { return e.Err }

// CaptureError is a link of a site's that its API could not resolve: a
// shape intake does not know, an answer it does not understand, a login
// wall, a broadcast or Space the API will not hand out. The browser may
// still play it, so the window offers to open Link there and catch the
// replay (core/capture), and the command line names the capture command.
// Err is the *InputError, *CredentialsError or *NetworkError whose sentence
// is shown; it decides the exit code.
type CaptureError struct {
	Link string // the page to open: the link without its query, never a secret
	Err  error
}

func (e *CaptureError) Error() string { return e.Err.Error() }
func (e *CaptureError) Unwrap() error { return e.Err }

// CaptureLink reports whether err is a link the browser capture may still
// save, and the page to open for it.
func CaptureLink(err error) (string, bool) {
	var ce *CaptureError
	if errors.As(err, &ce) && ce.Link != "" {
		return ce.Link, true
	}
	return "", false
}

func inputErr(base error, format string, a ...any) *InputError {
	return &InputError{Msg: web.Printable(redactText(fmt.Sprintf(format, a...))), Err: base}
}

// The errors below carry their sentence as a template (see core/say), so
// the window says it in the user's language; the command line prints Msg,
// the same sentence in English. The values are what a service or the user
// gave: secrets are taken out and the rest made printable first, so Msg
// and Words always say the same.

// inputSay is bad or unusable input (base: ErrNoSource or ErrNoStream) in
// the words w.
func inputSay(base error, w say.Sentence) *InputError {
	w = cleanWords(w)
	return &InputError{Msg: w.String(), Words: w, Err: base}
}

// netSay is a service that failed (err) in the words w.
func netSay(w say.Sentence, err error) *NetworkError {
	w = cleanWords(w)
	return &NetworkError{Msg: w.String(), Words: w, Err: err}
}

// credSay is credentials refused (err) in the words w.
func credSay(w say.Sentence, err error) *CredentialsError {
	w = cleanWords(w)
	return &CredentialsError{Msg: w.String(), Words: w, Err: err}
}

// cleanWords is w with its text values free of secrets and printable.
func cleanWords(w say.Sentence) say.Sentence {
	return w.Map(func(s string) string { return web.Printable(redactText(s)) })
}

// CleanTitle is the one gate every broadcast title passes on its way in,
// whether an API, a page, a HAR file or the browser's tab gave it: the title
// is shown on the terminal and in the window and becomes the video's file
// name, so whatever could act instead of show is removed (see
// web.Printable) and runs of spaces become one.
func CleanTitle(s string) string {
	return strings.Join(strings.Fields(web.Printable(s)), " ")
}

var (
	// Long opaque runs, as web.RedactURL removes them from URL paths; in a
	// message they can only be tokens (in a file name, say).
	longTokenRE = regexp.MustCompile(`[A-Za-z0-9_\-+=%~]{40,}`)
	// Shorter runs mixing letters and digits: fine in a message we write,
	// too risky to echo from what the user typed.
	mixedTokenRE = regexp.MustCompile(`[A-Za-z0-9_\-+=%~/.]{12,}`)
)

// redactText is web.Redact plus long opaque tokens anywhere in s.
func redactText(s string) string {
	return longTokenRE.ReplaceAllString(web.Redact(s), web.Redacted)
}

// safeToEcho reports whether text the user typed may be quoted back in a
// message: short, and nothing in it that could be a password or token.
func safeToEcho(s string) bool {
	if len(s) > 60 || strings.ContainsAny(s, "=;") || redactText(s) != s {
		return false
	}
	// Words that announce a credential next to them (a .netrc line, "my
	// password is ...").
	lower := strings.ToLower(s)
	for _, w := range []string{"bearer", "password", "passwd", "login", "secret", "token"} {
		if strings.Contains(lower, w) {
			return false
		}
	}
	for _, run := range mixedTokenRE.FindAllString(s, -1) {
		if strings.ContainsAny(run, "0123456789") && strings.IndexFunc(run, unicode.IsLetter) >= 0 && !strings.Contains(run, "://") {
			return false
		}
	}
	return true
}

// What Chrome and Edge users must do to get a HAR file with cookies.
const chromeSteps = `in Chrome or Edge open DevTools, click the gear icon (Settings) > Preferences > Network, tick "Allow to generate HAR with sensitive data", then in the Network panel choose "Export HAR (with sensitive data)" (Firefox and Safari keep cookies in their HAR files)`

const (
	msgSanitizedMaybe = "This HAR file was saved without cookies (Chrome's default), so the video host may refuse it: if that happens, " + chromeSteps + "."
	msgSanitized      = "This HAR file was saved without cookies (Chrome's default) and the video host needs them: " + chromeSteps + "."
	msgRedacted       = `The cookies or tokens in this HAR file were replaced with "redacted" by a clean-up tool, so the video host will refuse them: export the HAR file again straight from your browser and use it without cleaning it.`
	msgBrowserDenied  = "Your browser was refused this playlist too when you saved the HAR file: play the replay in the browser until the video shows, then export a fresh HAR file."
	msgExpiredCookies = "The cookies in this source have already expired: play the replay again in your browser and export a fresh HAR file (or copy a fresh cURL command)."
)

// ExplainDenied returns the one sentence to show when the video host refused
// c (401 or 403): whether the source lacked cookies, carried stale ones, or
// was a sanitized HAR file. It never contains secrets.
func ExplainDenied(c Candidate) string { return DeniedWords(c).String() }

// DeniedWords is ExplainDenied's sentence as a template, for the window to
// say in the user's language.
func DeniedWords(c Candidate) say.Sentence {
	hadCreds := len(c.CookieHosts) > 0 || c.Signed ||
		(c.Creds.Header != nil && c.Creds.Header.Get("Authorization") != "")
	steps := say.T(`in Chrome or Edge open DevTools, click the gear icon (Settings) > Preferences > Network, tick "Allow to generate HAR with sensitive data", then in the Network panel choose "Export HAR (with sensitive data)" (Firefox and Safari keep cookies in their HAR files)`)
	switch {
	case c.Redacted:
		return say.T(`The cookies or tokens in this HAR file were replaced with "redacted" by a clean-up tool, so the video host will refuse them: export the HAR file again straight from your browser and use it without cleaning it.`)
	case c.Sanitized && !hadCreds:
		return say.T("The video host refused the download because this HAR file was saved without cookies (Chrome's default): {{.Steps}}.", "Steps", steps)
	case siteOrigin(c.Origin):
		return say.T("The video host refused the replay link the broadcast service handed out, which has probably expired or is private: run the same command again for a fresh link, or export a HAR file from your browser while the replay plays.")
	case c.Origin == OriginBrowser:
		return say.T("The video host refused the cookies your browser had, which have probably expired: capture the replay again (play it in the browser until the video shows) and run again with the same job folder.")
	case !hadCreds && c.Origin == OriginHAR:
		return say.T("The video host wants cookies that this HAR file does not have: play the replay in your browser, then export the HAR file again ({{.Steps}}).", "Steps", steps)
	case !hadCreds:
		return say.T("The video host refused this link without your browser's cookies: export a HAR file from the browser tab where the replay plays, or copy the playlist request as cURL, and use that instead.")
	case c.Origin == OriginHAR:
		return say.T("The video host refused the cookies in this HAR file, which have probably expired: play the replay again in your browser, export a fresh HAR file and run again with the same job folder.")
	}
	return say.T("The video host refused the cookies or signed link, which have probably expired: get a fresh link, cURL command or HAR file from your browser and run again with the same job folder.")
}

// DeniedError wraps err (a 401/403 on candidate c) into a *CredentialsError
// carrying ExplainDenied's sentence.
func DeniedError(c Candidate, err error) error {
	w := DeniedWords(c)
	return &CredentialsError{Msg: w.String(), Words: w, Err: err}
}
