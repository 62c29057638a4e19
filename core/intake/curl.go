package intake

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// curlCmd is what a "Copy as cURL" command says about a request.
type curlCmd struct {
	URL     string
	Header  http.Header    // every -H header except Cookie
	Cookies []*http.Cookie // from -b/--cookie and -H "cookie: ..."
}

var (
	errNotCurl      = errors.New("not a curl command")
	errUnterminated = errors.New("a quote is not closed")
	// bash form: a backslash ending a line. cmd.exe form: a caret ending a
	// line, or the URL quoted as ^"...^".
	bashContRE = regexp.MustCompile(`\\\r?\n`)
	cmdContRE  = regexp.MustCompile(`\^\r?\n`)
	cmdStartRE = regexp.MustCompile(`(?i)^(?:[^\s]*[/\\])?curl(?:\.exe)?\s+\^"`)
	curlWordRE = regexp.MustCompile(`(?i)^(?:\$\s*)?(?:[^\s]*[/\\])?curl(?:\.exe)?(?:\s|\^|$)`)
)

// looksLikeCurl reports whether text starts with a curl command.
func looksLikeCurl(text string) bool {
	return curlWordRE.MatchString(strings.TrimSpace(strings.TrimPrefix(text, "\ufeff")))
}

// Options that take a value. Unknown options are taken to take none; the
// URL is then still found as the first argument that is a web link.
var (
	curlShortValue = "bcdeouxACDEFHKPQTUXYrtwyzm"
	curlLongValue  = map[string]bool{
		"--url": true, "--header": true, "--cookie": true, "--user-agent": true, "--referer": true, "--user": true,
		"--request": true, "--data": true, "--data-raw": true, "--data-binary": true, "--data-ascii": true,
		"--data-urlencode": true, "--form": true, "--form-string": true, "--output": true, "--proxy": true,
		"--max-time": true, "--connect-timeout": true, "--cookie-jar": true, "--resolve": true, "--cert": true,
		"--key": true, "--cacert": true, "--write-out": true, "--upload-file": true, "--range": true,
		"--retry": true, "--limit-rate": true, "--oauth2-bearer": true, "--json": true, "--config": true,
		"--connect-to": true, "--interface": true, "--proxy-user": true, "--time-cond": true, "--max-redirs": true,
		"--http-version": true, "--ciphers": true, "--dump-header": true, "--trace": true, "--trace-ascii": true,
	}
)

// parseCurl reads a "Copy as cURL" command from Chrome, Edge, Firefox or
// Safari, in bash form ('...', $'...', "...", backslash-newline
// continuations) or Windows cmd form (^ escapes, ^ line continuations).
func parseCurl(text string) (*curlCmd, error) {
	text = strings.TrimPrefix(strings.TrimSpace(text), "\ufeff")
	if !looksLikeCurl(text) {
		return nil, errNotCurl
	}
	var words []string
	var err error
	if isCmdForm(text) {
		words = splitWindows(unescapeCmd(text))
	} else if words, err = splitBash(text); err != nil {
		return nil, err
	}
	if len(words) > 0 && words[0] == "$" {
		words = words[1:]
	}
	if len(words) == 0 || !curlWordRE.MatchString(words[0]) {
		return nil, errNotCurl
	}
	c := &curlCmd{Header: http.Header{}}
	var positional []string
	for i := 1; i < len(words); i++ {
		w := words[i]
		var name, value string
		hasValue := false
		switch {
		case w == "--":
			positional = append(positional, words[i+1:]...)
			i = len(words)
			continue
		case strings.HasPrefix(w, "--"):
			name = w
			if curlLongValue[w] {
				if i+1 >= len(words) {
					continue
				}
				i++
				value, hasValue = words[i], true
			}
		case strings.HasPrefix(w, "-") && len(w) > 1:
			// -sSL: flags; -H value or -Hvalue: a short option with a value.
			for j := 1; j < len(w); j++ {
				if strings.IndexByte(curlShortValue, w[j]) >= 0 {
					name = "-" + string(w[j])
					if j+1 < len(w) {
						value = w[j+1:]
					} else if i+1 < len(words) {
						i++
						value = words[i]
					}
					hasValue = true
					break
				}
			}
		default:
			positional = append(positional, w)
			continue
		}
		if hasValue {
			c.option(name, value)
		}
	}
	if c.URL == "" {
		for _, p := range positional {
			if u, err := url.Parse(p); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
				c.URL = p
				break
			}
		}
	}
	if c.URL == "" && len(positional) > 0 {
		c.URL = positional[0]
	}
	if c.URL != "" && !strings.Contains(c.URL, "://") {
		c.URL = "https://" + c.URL // curl's guess is http; ask for the safer one
	}
	return c, nil
}

// isCmdForm tells Chrome's "Copy as cURL (cmd)" from the bash form.
func isCmdForm(text string) bool {
	if bashContRE.MatchString(text) {
		return false
	}
	return cmdContRE.MatchString(text) || cmdStartRE.MatchString(strings.TrimPrefix(text, "$ "))
}

func (c *curlCmd) option(name, value string) {
	switch name {
	case "--url":
		c.URL = value
	case "-H", "--header":
		n, v, ok := strings.Cut(value, ":")
		n = strings.TrimSpace(n)
		if !ok || n == "" || strings.ContainsAny(n, " \t") {
			return
		}
		v = strings.TrimSpace(v)
		if strings.EqualFold(n, "cookie") {
			c.Cookies = append(c.Cookies, parseCookieHeader(v)...)
			return
		}
		c.Header.Add(n, v)
	case "-b", "--cookie":
		if strings.Contains(value, "=") { // without "=", curl reads a file: not from pasted text
			c.Cookies = append(c.Cookies, parseCookieHeader(value)...)
		}
	case "-A", "--user-agent":
		c.Header.Set("User-Agent", value)
	case "-e", "--referer":
		c.Header.Set("Referer", strings.TrimSuffix(value, ";auto"))
	case "-u", "--user":
		c.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(value)))
	case "--oauth2-bearer":
		c.Header.Set("Authorization", "Bearer "+value)
	}
}

// parseCookieHeader reads "a=b; c=d" as a browser sends it.
func parseCookieHeader(v string) []*http.Cookie {
	var out []*http.Cookie
	for _, part := range strings.Split(v, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		name = strings.TrimSpace(name)
		if name == "" || strings.ContainsAny(name, " \t\r\n\"") {
			continue
		}
		out = append(out, &http.Cookie{Name: name, Value: strings.Trim(strings.TrimSpace(value), `"`)})
	}
	return out
}

// splitBash splits a command line the way bash would for a simple command.
func splitBash(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	emit := func() {
		if inWord {
			words = append(words, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			emit()
			i++
		case c == '\\':
			switch {
			case strings.HasPrefix(s[i+1:], "\n"):
				i += 2
			case strings.HasPrefix(s[i+1:], "\r\n"):
				i += 3
			case i+1 < len(s):
				cur.WriteByte(s[i+1])
				inWord = true
				i += 2
			default:
				i++
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errUnterminated
			}
			cur.WriteString(s[i+1 : i+1+j])
			inWord = true
			i += j + 2
		case c == '$' && i+1 < len(s) && s[i+1] == '\'':
			n, err := ansiC(s[i+2:], &cur)
			if err != nil {
				return nil, err
			}
			inWord = true
			i += 2 + n
		case c == '"':
			n, err := doubleQuoted(s[i+1:], &cur)
			if err != nil {
				return nil, err
			}
			inWord = true
			i += 1 + n
		case c == '#' && !inWord:
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				i = len(s)
			} else {
				i += j
			}
		case c == ';' || c == '|' || c == '&':
			emit()
			return words, nil // the curl command ends here
		default:
			cur.WriteByte(c)
			inWord = true
			i++
		}
	}
	emit()
	return words, nil
}

// doubleQuoted reads a "..." body (s starts after the opening quote) and
// returns the bytes consumed, closing quote included.
func doubleQuoted(s string, out *strings.Builder) (int, error) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			return i + 1, nil
		case '\\':
			if i+1 < len(s) {
				switch s[i+1] {
				case '"', '\\', '$', '`':
					out.WriteByte(s[i+1])
					i++
					continue
				case '\n':
					i++
					continue
				}
			}
			out.WriteByte('\\')
		default:
			out.WriteByte(s[i])
		}
	}
	return 0, errUnterminated
}

// ansiC reads a $'...' body (s starts after the opening quote) with bash's
// backslash escapes and returns the bytes consumed, closing quote included.
func ansiC(s string, out *strings.Builder) (int, error) {
	simple := map[byte]byte{'a': 7, 'b': 8, 'e': 27, 'E': 27, 'f': 12, 'n': '\n', 'r': '\r', 't': '\t', 'v': 11,
		'\\': '\\', '\'': '\'', '"': '"', '?': '?'}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\'' {
			return i + 1, nil
		}
		if c != '\\' || i+1 >= len(s) {
			out.WriteByte(c)
			continue
		}
		i++
		e := s[i]
		if b, ok := simple[e]; ok {
			out.WriteByte(b)
			continue
		}
		switch e {
		case 'x', 'u', 'U':
			max := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			j := i + 1
			for j < len(s) && j-(i+1) < max && isHex(s[j]) {
				j++
			}
			if j == i+1 {
				out.WriteByte('\\')
				out.WriteByte(e)
				continue
			}
			v, _ := strconv.ParseUint(s[i+1:j], 16, 32)
			if e == 'x' {
				out.WriteByte(byte(v))
			} else if r := rune(v); utf8.ValidRune(r) {
				out.WriteRune(r)
			}
			i = j - 1
		case 'c':
			if i+1 < len(s) {
				out.WriteByte(s[i+1] & 0x1f)
				i++
			}
		default:
			if e >= '0' && e <= '7' {
				j := i
				for j < len(s) && j-i < 3 && s[j] >= '0' && s[j] <= '7' {
					j++
				}
				v, _ := strconv.ParseUint(s[i:j], 8, 16)
				out.WriteByte(byte(v))
				i = j - 1
				continue
			}
			out.WriteByte('\\')
			out.WriteByte(e)
		}
	}
	return 0, errUnterminated
}

func isHex(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F'
}

// unescapeCmd undoes cmd.exe's caret escapes: ^X is X outside double
// quotes; a caret ending a line continues the command on the next line,
// and one followed by an empty line stands for a newline (how Chrome writes
// a newline inside an argument).
func unescapeCmd(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '^' && !quoted && i+1 < len(s):
			i++
			if s[i] == '\n' {
				if i+1 < len(s) && s[i+1] == '\n' {
					b.WriteByte('\n')
					i++
				} else {
					b.WriteByte(' ')
				}
				continue
			}
			b.WriteByte(s[i])
		case c == '"':
			quoted = !quoted
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// splitWindows splits a command line with the Microsoft C runtime's rules
// (what curl.exe sees): "..." quotes, \" is a quote, 2n backslashes before a
// quote are n backslashes, "" inside quotes is a quote.
func splitWindows(s string) []string {
	var words []string
	var cur strings.Builder
	inQ, have := false, false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			n := 0
			for i+n < len(s) && s[i+n] == '\\' {
				n++
			}
			if i+n < len(s) && s[i+n] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
					i += n + 1
				} else {
					i += n
				}
			} else {
				cur.WriteString(strings.Repeat(`\`, n))
				i += n
			}
			have = true
		case c == '"':
			if inQ && i+1 < len(s) && s[i+1] == '"' {
				cur.WriteByte('"')
				i += 2
				continue
			}
			inQ = !inQ
			have = true
			i++
		case (c == ' ' || c == '\t' || c == '\n' || c == '\r') && !inQ:
			if have {
				words = append(words, cur.String())
				cur.Reset()
				have = false
			}
			i++
		default:
			cur.WriteByte(c)
			have = true
			i++
		}
	}
	if have {
		words = append(words, cur.String())
	}
	return words
}
