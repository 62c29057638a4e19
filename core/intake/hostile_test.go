package intake

import (
	"context"
	"errors"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Hostile input: each gets one sentence a person can act on, in bounded
// memory, and nothing is ever run or written.

// whitespace is n bytes of blanks followed by tail, generated as read.
type whitespace struct {
	n    int64
	tail string
}

func (w *whitespace) Read(p []byte) (int, error) {
	if w.n > 0 {
		k := min(int64(len(p)), w.n)
		for i := range k {
			p[i] = " \n\t\r"[i%4]
		}
		w.n -= k
		return int(k), nil
	}
	if w.tail == "" {
		return 0, io.EOF
	}
	k := copy(p, w.tail)
	w.tail = w.tail[k:]
	return k, nil
}

// inputSentence checks err is an InputError with one short sentence.
func inputSentence(t *testing.T, err error) string {
	t.Helper()
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v (%T), want an *InputError", err, err)
	}
	if strings.Contains(ie.Msg, "\n") || len(ie.Msg) > 300 || !strings.HasSuffix(ie.Msg, ".") {
		t.Errorf("not one short sentence: %q", ie.Msg)
	}
	return ie.Msg
}

func TestHostileHARs(t *testing.T) {
	nested := strings.Repeat(`{"log":`, 200_000) + strings.Repeat("}", 200_000)
	deepEntry := `{"log":{"entries":[{"request":{"url":"https://h.example/a.m3u8","headers":` +
		strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + `}}]}}`
	cases := map[string]io.Reader{
		"deeply nested":            strings.NewReader(nested),
		"deeply nested in entry":   strings.NewReader(deepEntry),
		"1 GB of whitespace":       &whitespace{n: 1 << 30, tail: `{"log":{"entries":[]}}`},
		"whitespace, never ending": &whitespace{n: 256 << 20},
		"truncated mid string":     strings.NewReader(`{"log":{"entries":[{"request":{"url":"https://h.exa`),
		"an array, not a HAR":      strings.NewReader(`[1,2,3]`),
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			var ms runtime.MemStats
			start := time.Now()
			_, err := Resolve(context.Background(), Input{Source: "-", Stdin: r})
			msg := inputSentence(t, err)
			runtime.ReadMemStats(&ms)
			t.Logf("%s in %v, heap %d MB: %s", name, time.Since(start).Round(time.Millisecond), ms.HeapAlloc>>20, msg)
		})
	}
}

// A pasted cURL command full of shell syntax is parsed as text, never run:
// what matters is only whether a usable URL comes out of it.
func TestCurlShellMetacharacters(t *testing.T) {
	bad := []string{
		"curl $(rm -rf ~) `reboot`",
		"curl 'https://h.example/a.m3u8' ; rm -rf / && shutdown | tee x > /etc/passwd",
		"curl \"https://h.example/a.m3u8$(touch /tmp/replayrescue-pwned)\" -H 'Cookie: a=b'",
		"curl 'unterminated",
		"curl ^\"https://h.example/a.m3u8^\" ^& del C:\\*",
	}
	for _, src := range bad {
		_, err := Resolve(context.Background(), Input{Source: src})
		if err == nil {
			continue // parsed to a link; the network part is tested elsewhere
		}
		var ie *InputError
		var ne *NetworkError
		var ce *CredentialsError
		if !errors.As(err, &ie) && !errors.As(err, &ne) && !errors.As(err, &ce) {
			t.Errorf("%q: err %v (%T) is not a sentence for the user", src, err, err)
		}
	}
	if _, err := os.Stat("/tmp/replayrescue-pwned"); err == nil {
		t.Error("a command in the pasted text was run")
	}
}
