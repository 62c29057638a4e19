package intake

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The parts of a HAR entry intake uses. Everything else (timings, postData,
// bodies of media) is skipped by the decoder; long strings were already cut
// by capReader.
type harEntry struct {
	Started      string      `json:"startedDateTime"`
	ResourceType string      `json:"_resourceType"` // Chrome
	FetchType    string      `json:"_fetchType"`    // Safari
	Request      harRequest  `json:"request"`
	Response     harResponse `json:"response"`
}

type harRequest struct {
	Method  string      `json:"method"`
	URL     string      `json:"url"`
	Headers []harHeader `json:"headers"`
	Cookies []harCookie `json:"cookies"`
}

type harResponse struct {
	Status  int         `json:"status"`
	Headers []harHeader `json:"headers"`
	Cookies []harCookie `json:"cookies"`
	Content harContent  `json:"content"`
}

type harContent struct {
	MimeType string   `json:"mimeType"`
	Text     bodyText `json:"text"`
	Encoding string   `json:"encoding"`
}

type harHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harCookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path"`
	Domain   string `json:"domain"`
	Expires  string `json:"expires"`
	HTTPOnly bool   `json:"httpOnly"`
	Secure   bool   `json:"secure"`
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// bodyText keeps a response body only when it may be JSON or a playlist;
// media, images and scripts are dropped without being copied.
type bodyText struct {
	s       string
	present bool
	cut     bool // capReader shortened it
}

func (b *bodyText) UnmarshalJSON(raw []byte) error {
	*b = bodyText{}
	if len(raw) < 2 || raw[0] != '"' {
		return nil // null, or not a string
	}
	b.present = true
	if !wantedHead(raw[1:min(len(raw), 1+headLen)]) {
		return nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil
	}
	if strings.HasSuffix(s, "\x00") {
		s = strings.TrimSuffix(s, "\x00")
		b.cut = true
	}
	b.s = s
	return nil
}

// decoded returns the body as text, decoding base64 when the HAR says so.
func (c *harContent) decoded() (text string, cut bool) {
	t := c.Text.s
	if t == "" || !strings.EqualFold(c.Encoding, "base64") {
		return t, c.Text.cut
	}
	t = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, t)
	t = strings.TrimRight(t, "=")
	if len(t)%4 == 1 { // a cut body: drop the lone trailing character
		t = t[:len(t)-1]
	}
	data, err := base64.RawStdEncoding.DecodeString(t)
	if err != nil {
		if data, err = base64.RawURLEncoding.DecodeString(t); err != nil {
			return "", c.Text.cut
		}
	}
	return string(data), c.Text.cut
}

// errNotHAR means the input is not a HAR file at all.
var errNotHAR = errors.New("not a HAR file")

// harVisitor receives what readHAR finds.
type harVisitor interface {
	onCreator(harCreator)
	onEntry(index int, e *harEntry)
}

// readHAR streams a HAR file from r: a json.Decoder walks log's tokens and
// decodes one entry at a time, so memory does not grow with the file. It
// returns the number of entries read. A file that breaks off after some
// entries (a truncated export) is not an error when entries were read; the
// second result then reports the damage.
func readHAR(r io.Reader, v harVisitor) (entries int, damaged bool, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	dec := json.NewDecoder(newCapReader(br))
	if err := expectDelim(dec, '{'); err != nil {
		return 0, false, errNotHAR
	}
	sawLog := false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return entries, entries > 0, notHARUnless(entries, err)
		}
		if key != "log" {
			if err := skipValue(dec); err != nil {
				return entries, entries > 0, notHARUnless(entries, err)
			}
			continue
		}
		sawLog = true
		n, err := readLog(dec, v, entries)
		entries = n
		if err != nil {
			return entries, entries > 0, notHARUnless(entries, err)
		}
	}
	if !sawLog {
		return entries, false, errNotHAR
	}
	return entries, false, nil
}

func notHARUnless(entries int, err error) error {
	if entries > 0 {
		return nil
	}
	return fmt.Errorf("%w: %v", errNotHAR, err)
}

func readLog(dec *json.Decoder, v harVisitor, entries int) (int, error) {
	if err := expectDelim(dec, '{'); err != nil {
		return entries, err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return entries, err
		}
		switch key {
		case "creator":
			var c harCreator
			if err := dec.Decode(&c); err != nil && !isTypeError(err) {
				return entries, err
			}
			v.onCreator(c)
		case "entries":
			if entries, err = readEntries(dec, v, entries); err != nil {
				return entries, err
			}
		default:
			if err := skipValue(dec); err != nil {
				return entries, err
			}
		}
	}
	_, err := dec.Token() // '}'
	return entries, err
}

func readEntries(dec *json.Decoder, v harVisitor, entries int) (int, error) {
	tok, err := dec.Token()
	if err != nil {
		return entries, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		if tok == nil { // "entries": null
			return entries, nil
		}
		return entries, fmt.Errorf("entries is not a list")
	}
	for dec.More() {
		var e harEntry
		if err := decodeEntry(dec, &e); err != nil {
			return entries, err
		}
		v.onEntry(entries, &e)
		entries++
	}
	_, err = dec.Token() // ']'
	return entries, err
}

// Count limits per HAR entry, as capReader limits string lengths: a browser
// sends a few dozen headers and cookies with a request, and a page sets no
// more than a few hundred cookies. Beyond the limit the rest of a list is
// read token by token and dropped, so one entry with two million headers
// costs what one with a thousand does.
const (
	maxHARHeaders = 1000
	maxHARCookies = 1000
)

// decodeEntry reads one entry field by field. Decoding the entry whole
// would make json.Decoder buffer all of it, and encoding/json allocate
// every element of every list, however long. Field names match without
// regard to case and a value of the wrong type is skipped, as encoding/json
// does.
func decodeEntry(dec *json.Decoder, e *harEntry) error {
	return decodeObject(dec, func(key string) error {
		switch {
		case strings.EqualFold(key, "startedDateTime"):
			return decodeValue(dec, &e.Started)
		case strings.EqualFold(key, "_resourceType"):
			return decodeValue(dec, &e.ResourceType)
		case strings.EqualFold(key, "_fetchType"):
			return decodeValue(dec, &e.FetchType)
		case strings.EqualFold(key, "request"):
			return decodeObject(dec, func(key string) error {
				switch {
				case strings.EqualFold(key, "method"):
					return decodeValue(dec, &e.Request.Method)
				case strings.EqualFold(key, "url"):
					return decodeValue(dec, &e.Request.URL)
				case strings.EqualFold(key, "headers"):
					return decodeList(dec, &e.Request.Headers, maxHARHeaders)
				case strings.EqualFold(key, "cookies"):
					return decodeList(dec, &e.Request.Cookies, maxHARCookies)
				}
				return skipValue(dec)
			})
		case strings.EqualFold(key, "response"):
			return decodeObject(dec, func(key string) error {
				switch {
				case strings.EqualFold(key, "status"):
					return decodeValue(dec, &e.Response.Status)
				case strings.EqualFold(key, "headers"):
					return decodeList(dec, &e.Response.Headers, maxHARHeaders)
				case strings.EqualFold(key, "cookies"):
					return decodeList(dec, &e.Response.Cookies, maxHARCookies)
				case strings.EqualFold(key, "content"):
					// Its text is cut by capReader; other fields (Chrome's
					// _base64 extras, say) are skipped unread.
					c := &e.Response.Content
					return decodeObject(dec, func(key string) error {
						switch {
						case strings.EqualFold(key, "mimeType"):
							return decodeValue(dec, &c.MimeType)
						case strings.EqualFold(key, "text"):
							return decodeValue(dec, &c.Text)
						case strings.EqualFold(key, "encoding"):
							return decodeValue(dec, &c.Encoding)
						}
						return skipValue(dec)
					})
				}
				return skipValue(dec)
			})
		}
		return skipValue(dec)
	})
}

// decodeObject reads the object that comes next, calling field with each
// key; field must consume the key's value. A value that is not an object
// is skipped.
func decodeObject(dec *json.Decoder, field func(key string) error) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		if ok { // '[': skip to its end
			return skipOpened(dec)
		}
		return nil // a scalar, already read
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if err := field(key); err != nil {
			return err
		}
	}
	_, err = dec.Token() // '}'
	return err
}

// decodeValue decodes the next value into v; one of the wrong type is
// skipped (a status written as a string, say).
func decodeValue(dec *json.Decoder, v any) error {
	if err := dec.Decode(v); err != nil && !isTypeError(err) {
		return err
	}
	return nil
}

// decodeList reads the array that comes next into list, one element at a
// time, keeping the first limit elements and dropping the rest unbuffered.
// A key given twice replaces the list, as with encoding/json.
func decodeList[T any](dec *json.Decoder, list *[]T, limit int) error {
	*list = nil
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		if ok { // '{': skip to its end
			return skipOpened(dec)
		}
		return nil
	}
	*list = []T{}
	for dec.More() {
		if len(*list) >= limit {
			if err := skipValue(dec); err != nil {
				return err
			}
			continue
		}
		var v T
		if err := dec.Decode(&v); err != nil {
			if !isTypeError(err) {
				return err
			}
			continue
		}
		*list = append(*list, v)
	}
	_, err = dec.Token() // ']'
	return err
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q", want)
	}
	return nil
}

// skipValue consumes one value of any kind without keeping it.
func skipValue(dec *json.Decoder) error {
	return skipDepth(dec, 0)
}

// skipOpened consumes the rest of an object or array whose opening
// delimiter was read.
func skipOpened(dec *json.Decoder) error {
	return skipDepth(dec, 1)
}

func skipDepth(dec *json.Decoder, depth int) error {
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// isTypeError reports a value of the wrong type (a status written as a
// string, say): the decoder skipped it and kept the rest.
func isTypeError(err error) bool {
	var te *json.UnmarshalTypeError
	return errors.As(err, &te)
}
