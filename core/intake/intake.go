// Package intake turns what a user has (a link, a HAR file, a Copy as cURL
// command, cookies) into ranked candidate streams with the credentials each
// needs. It never downloads media; it reads the APIs and pages needed to
// find a playlist, and nothing else.
package intake

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"unicode/utf8"

	"replayrescue/core/chat"
	"replayrescue/core/dash"
	"replayrescue/core/web"
)

// Candidate is one stream the input points at.
type Candidate struct {
	URL         string // playlist URL (media or master); may carry a signature, so redact it for display
	Title       string // broadcast title when known
	BroadcastID string // stable ID when known; names the job folder
	From        string // where it was found, for the user ("pasted link", "HAR file, request 12 (playlist.m3u8)")
	Creds       web.Credentials

	Origin Origin // what kind of input it came from
	Kind   string // "master" or "media" when the source showed the playlist, else ""
	Live   bool   // the source says the broadcast was still live (no replay yet)
	Replay bool   // the source says it is a replay (type=replay, replay_url, #EXT-X-ENDLIST)
	Signed bool   // the URL carries its own access token (signed query or path)
	// Sanitized: the HAR file was exported without cookies (Chrome's default)
	// or cleaned by a tool that replaced values with "redacted".
	Sanitized bool
	Redacted  bool // credentials were replaced by "redacted"
	// CookieHosts are the hosts (or domains, for domain cookies) that will
	// receive cookies, sorted. Names only, never values.
	CookieHosts []string
	Status      int // HTTP status the browser got for this URL in the HAR file; 0 if not seen
	Bandwidth   int // bits per second, when a master playlist in the source said
	Verdict     Verdict
	Problem     string // one sentence for the user when Verdict is not VerdictReady; redacted
	// Chat is where the broadcast's chat can be had (see Chat.Available):
	// a chat token for Periscope's chat service, or history answers a HAR
	// file recorded. It holds a secret and never prints it. Its Start is
	// when the broadcast started, when the source says.
	Chat chat.Source
	// Presenter is who broadcast it, as the site names them ("Ada
	// Lovelace (@ada)"); "" when the source does not say.
	Presenter string
	// Sound says the stream is sound only (an X Space): it is saved as an
	// M4A, or as an MP4 whose picture is a card with its title and
	// presenter.
	Sound bool
	// Pictures are addresses of the presenter's picture as the site gives
	// it (https), the one to try first first: for the card of a
	// sound-only source's MP4. None when the site gives none.
	Pictures []string
}

// Verdict is what intake can tell about a candidate without fetching it.
type Verdict string

const (
	// VerdictReady: nothing in the source speaks against it.
	VerdictReady Verdict = "ready"
	// VerdictStale: the source's cookies expired, or the browser itself was
	// refused: a fresh source is needed.
	VerdictStale Verdict = "needs fresh credentials"
	// VerdictSanitized: the HAR file lost its cookies (Chrome's default
	// export, or a clean-up tool); Problem says how to export it properly.
	VerdictSanitized Verdict = "sanitized HAR"
	// VerdictUnreachable: the browser could not load it either.
	VerdictUnreachable Verdict = "unreachable"
)

// Origin is the kind of input a candidate came from. Besides these, each
// site declares the origin of what its API hands out in its own file
// (OriginPeriscope, OriginX; see sites.go), and OriginBrowser is a Recorder's.
type Origin string

const (
	OriginLink Origin = "link" // a pasted playlist link
	OriginPage Origin = "page" // found on a web page the user gave
	OriginHAR  Origin = "har"  // a HAR file
	OriginCurl Origin = "curl" // a Copy as cURL command
)

// Input is everything the user gave for one source.
type Input struct {
	// Source is a link, a path to a .har file or to a text file holding a
	// Copy as cURL command (recognised by content, not name), the text itself
	// (a link, a cURL command, a whole HAR file), or "-" to read Stdin.
	Source      string
	Cookies     string   // "a=b; c=d", for the source URL's host
	CookiesFile string   // Netscape cookies.txt
	Headers     []string // "Name: value"
	// Stdin is read when Source is "-"; a HAR file of any size is streamed.
	Stdin io.Reader
}

// maxText caps a source read as text (a link or a cURL command).
const maxText = 1 << 20

// Resolve returns the candidates for in, best first. Errors are
// *InputError (bad input, no stream: exit 2), *CredentialsError (sanitized,
// redacted, refused or expired credentials: exit 3) or *NetworkError (a
// service could not be reached: exit 1). With a *CredentialsError the
// candidates found are returned too, for inspect to show.
func Resolve(ctx context.Context, in Input) ([]Candidate, error) {
	user, err := parseUserCreds(in)
	if err != nil {
		return nil, err
	}
	src := strings.TrimSpace(strings.TrimPrefix(in.Source, "\ufeff"))
	if src == "-" {
		if in.Stdin == nil {
			return nil, inputErr(ErrNoSource, "Nothing was read from standard input: pipe a link, a HAR file or a Copy as cURL command into it.")
		}
		return resolveStream(ctx, in.Stdin, "The input", user)
	}
	if src == "" {
		return nil, inputErr(ErrNoSource, "Nothing was given: paste a broadcast link, a playlist link or a Copy as cURL command, or choose a HAR file.")
	}
	if p, ok := localPath(src); ok {
		f, err := os.Open(p)
		if err != nil {
			return nil, inputErr(ErrNoSource, "The file %s cannot be opened: check its name and that it exists.", p)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return nil, inputErr(ErrNoSource, "%s is a folder: choose the HAR file inside it.", p)
		}
		return resolveStream(ctx, f, filepath.Base(p), user)
	}
	return resolveText(ctx, src, "The text", user, true)
}

// localPath reports whether src names a local file rather than being a
// link or pasted text.
func localPath(src string) (string, bool) {
	if strings.ContainsAny(src, "\r\n") {
		return "", false
	}
	if strings.HasPrefix(strings.ToLower(src), "file://") {
		u, err := url.Parse(src)
		if err != nil {
			return "", false
		}
		p := u.Path
		if runtime.GOOS == "windows" && len(p) > 2 && p[0] == '/' && p[2] == ':' {
			p = p[1:]
		}
		return filepath.FromSlash(p), true
	}
	if l := strings.ToLower(src); strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || looksLikeCurl(src) {
		return "", false
	}
	if _, err := os.Stat(src); err == nil {
		return src, true
	}
	switch strings.ToLower(filepath.Ext(src)) {
	case ".har", ".txt", ".curl", ".sh", ".bat", ".cmd":
		return src, !bareLinkRE.MatchString(src)
	}
	return "", false
}

// resolveStream reads a file or standard input: a HAR file (streamed, any
// size) when it starts with "{", otherwise text.
func resolveStream(ctx context.Context, r io.Reader, name string, user *userCreds) ([]Candidate, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4096)
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(t) > 0 && t[0] == '{' {
		return fromHAR(br, name, user)
	}
	data, err := io.ReadAll(io.LimitReader(br, maxText+1))
	if err != nil {
		return nil, inputErr(ErrNoSource, "%s could not be read.", name)
	}
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return nil, inputErr(ErrNoSource, "%s is empty: give a broadcast link, a playlist link, a HAR file or a Copy as cURL command.", name)
	case len(data) > maxText:
		return nil, inputErr(ErrNoSource, "%s is too large to be a link or a Copy as cURL command, and it is not a HAR file.", name)
	case !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0:
		return nil, inputErr(ErrNoSource, "%s is not a HAR file, a link or a Copy as cURL command.", name)
	}
	return resolveText(ctx, string(data), name, user, false)
}

// resolveText handles pasted text: a whole HAR file, a Copy as cURL
// command, or a link somewhere in the text. typed is true for text given on
// the command line or pasted; false for the contents of a file or of
// standard input, which are never quoted back (see notALink).
func resolveText(ctx context.Context, text, name string, user *userCreds, typed bool) ([]Candidate, error) {
	t := strings.TrimSpace(strings.TrimPrefix(text, "\ufeff"))
	switch {
	case t == "":
		return nil, inputErr(ErrNoSource, "%s is empty: give a broadcast link, a playlist link, a HAR file or a Copy as cURL command.", name)
	case strings.HasPrefix(t, "{"):
		return fromHAR(strings.NewReader(t), name, user)
	case looksLikeCurl(t):
		return fromCurl(ctx, t, user)
	case strings.HasPrefix(t, "#EXTM3U"), dash.Looks([]byte(t)):
		return nil, inputErr(ErrNoSource, "This is the content of a playlist, not its address: give the playlist's web link (ending in .m3u8 or .mpd) instead.")
	case looksLikeCookiesTxt(t):
		return nil, inputErr(ErrNoSource, "This is a cookies.txt file: pass it with --cookies-file, together with the broadcast or playlist link.")
	}
	u, ok := firstLink(t)
	if !ok {
		if !typed {
			// A file the user picked by mistake may be anything (a .netrc,
			// a password list): its name is enough to say which.
			return nil, inputErr(ErrNoSource, "%s is not a link, a HAR file or a Copy as cURL command: choose the HAR file, or a text file holding the link or the cURL command.", name)
		}
		return nil, notALink(t)
	}
	return fromURL(ctx, u, user, OriginLink)
}

// notALink is the error for typed text that is none of the things intake
// reads. It quotes the text only when it is short and cannot be a secret.
func notALink(t string) error {
	first, _, _ := strings.Cut(strings.TrimSpace(t), "\n")
	first = strings.TrimSpace(first)
	switch {
	case strings.Contains(first, "=") && !strings.Contains(first, "://"):
		return inputErr(ErrNoSource, "This looks like cookies, not a link: give them with --cookies together with the broadcast or playlist link.")
	case safeToEcho(first):
		return inputErr(ErrNoSource, "%q is not a link, a HAR file or a Copy as cURL command.", first)
	}
	return inputErr(ErrNoSource, "The text given is not a link, a HAR file or a Copy as cURL command.")
}

// fromCurl resolves a Copy as cURL command: its URL with its cookies and
// headers, plus whatever the user typed.
func fromCurl(ctx context.Context, text string, user *userCreds) ([]Candidate, error) {
	c, err := parseCurl(text)
	if err != nil {
		return nil, inputErr(ErrNoSource, "This Copy as cURL command cannot be read (%v): copy it again from the browser's Network panel.", err)
	}
	u, err := url.Parse(c.URL)
	if err != nil || u.Host == "" || web.CheckScheme(u) != nil {
		return nil, inputErr(ErrNoSource, "This cURL command has no web link: copy the request again from the browser's Network panel (right-click > Copy > Copy as cURL).")
	}
	uc := user.withRequest(c.Cookies, replayable(c.Header))
	return fromURL(ctx, u, uc, OriginCurl)
}

// fromURL resolves one link: a short link (t.co) as the link it leads to,
// a site's link through its API, any other through the web fallback
// (fromWeb).
func fromURL(ctx context.Context, u *url.URL, uc *userCreds, origin Origin) ([]Candidate, error) {
	u.Fragment, u.RawFragment = "", ""
	if id, ok := tcoLink(u); ok && origin == OriginLink {
		return fromShort(ctx, id, uc, origin)
	}
	if m, ok := matchLink(u); ok {
		return m.resolve(ctx, uc)
	}
	if origin == OriginLink && !playlistPath(u) {
		// A site's pages are its web player, all script: only its API or
		// the browser finds the video. (A copied request may be an API
		// call, which the web fallback reads.)
		if err := unknownLink(u); err != nil {
			return nil, err
		}
	}
	return fromWeb(ctx, u, uc, origin)
}

// parseUserCreds checks and collects --cookies, --cookies-file and -H.
func parseUserCreds(in Input) (*userCreds, error) {
	uc := &userCreds{header: http.Header{}}
	if s := strings.TrimSpace(in.Cookies); s != "" {
		if looksLikeCookiesTxt(s) {
			if err := addCookiesTxt(s, "The --cookies text", &uc.file); err != nil {
				return nil, err
			}
		} else if uc.cookies = web.ParseCookieString(s); len(uc.cookies) == 0 {
			return nil, inputErr(ErrNoSource, "The cookies must look like \"name=value; name2=value2\".")
		}
	}
	if in.CookiesFile != "" {
		if err := loadCookiesFile(in.CookiesFile, &uc.file); err != nil {
			return nil, err
		}
	}
	for _, h := range in.Headers {
		name, value, ok := strings.Cut(h, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t\r\n") || strings.ContainsAny(value, "\r\n\x00") {
			// Echo only the start of the name: the rest may be a secret.
			first := strings.FieldsFunc(h, func(r rune) bool { return r == ' ' || r == ':' || r == '\t' || r == '=' })
			label := ""
			if len(first) > 0 && knownHeader(http.CanonicalHeaderKey(first[0])) {
				label = " " + strconv.Quote(first[0])
			}
			return nil, inputErr(ErrNoSource, "The header%s must look like \"Name: value\" on one line.", label)
		}
		value = strings.TrimSpace(value)
		switch cn := http.CanonicalHeaderKey(name); cn {
		case "Cookie":
			uc.cookies = append(uc.cookies, parseCookieHeader(value)...)
		case "Host", "Content-Length", "Accept-Encoding", "Connection", "Transfer-Encoding":
		default:
			uc.header.Add(cn, value)
		}
	}
	return uc, nil
}

// knownHeader reports whether a header name (canonical form) may be named
// back in an error message: a common one, or one a site's requests carry.
func knownHeader(name string) bool {
	return commonHeaders[name] || siteHeader(name)
}

var commonHeaders = map[string]bool{"Referer": true, "User-Agent": true, "Origin": true, "Authorization": true, "Cookie": true,
	"Accept": true, "Accept-Language": true, "X-Csrf-Token": true, "Range": true}

// withRequest adds the cookies and headers of a copied request (they belong
// to its URL, like typed ones); what the user typed wins over them.
func (uc *userCreds) withRequest(cookies []*http.Cookie, h http.Header) *userCreds {
	out := &userCreds{file: uc.file, header: h.Clone()}
	if out.header == nil {
		out.header = http.Header{}
	}
	out.cookies = append(append(out.cookies, cookies...), uc.cookies...)
	for name, vs := range uc.header {
		out.header[name] = append([]string(nil), vs...)
	}
	return out
}

// fileScopes lists the cookies.txt domains under u's registrable domain.
func (uc *userCreds) fileScopes(u *url.URL) []string {
	var out []string
	d := domainOf(u.Host)
	for _, r := range uc.file.recs {
		if domainOf(r.scope()) == d {
			out = append(out, r.scope())
		}
	}
	return out
}
