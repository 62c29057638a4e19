package intake

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func capAll(t testing.TB, in []byte, small, big int, oneByte bool) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(in)
	if oneByte {
		r = iotest.OneByteReader(r)
	}
	c := newCapReader(r)
	c.small, c.big = small, big
	var out io.Reader = c
	if oneByte {
		out = iotest.OneByteReader(c)
	}
	data, err := io.ReadAll(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestCapReaderPassesShortStrings(t *testing.T) {
	in := []byte(`{"a": "x\"y\\z\u00e9", "b": [1, 2.5, true, null, "", "\\\""], "c": {"d": "é"}}`)
	for _, one := range []bool{false, true} {
		if out := capAll(t, in, 64, 128, one); !bytes.Equal(out, in) {
			t.Errorf("changed: %s", out)
		}
	}
}

func TestCapReaderCuts(t *testing.T) {
	media := strings.Repeat("R0AREA", 50_000)                         // base64 of TS: cut at small
	answer := `{"replay_url":"` + strings.Repeat("a", 200_000) + `"}` // JSON: kept up to big
	esc := strings.Repeat(`\u00e9\"`, 30_000)                         // escapes across the cut
	in, _ := json.Marshal(map[string]string{"media": media, "answer": answer})
	in = append(in[:len(in)-1], []byte(`,"esc":"`+esc+`"}`)...)
	for _, one := range []bool{false, true} {
		out := capAll(t, in, smallString, bigString, one)
		var got map[string]string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("output is not JSON: %v", err)
		}
		if m := got["media"]; !strings.HasSuffix(m, "\x00") || len(m) != smallString+1 || !strings.HasPrefix(media, m[:smallString]) {
			t.Errorf("media: %d bytes", len(m))
		}
		if got["answer"] != answer {
			t.Errorf("answer cut to %d bytes", len(got["answer"]))
		}
		if e := got["esc"]; !strings.HasSuffix(e, "\x00") || strings.Contains(e, "\ufffd") || !strings.HasPrefix("é\""+strings.Repeat("é\"", 30_000), strings.TrimSuffix(e, "\x00")) {
			t.Errorf("escapes broken at the cut: ...%q", e[len(e)-10:])
		}
	}
}

func TestWantedHead(t *testing.T) {
	for head, want := range map[string]bool{
		`{"a":1}`: true, `[1]`: true, `#EXTM3U`: true, `\n  {"a"`: true, `eyJyZXBsYXlfdXJsIjoi`: true,
		`I0VYVE0zVQojRVhU`: true, `\ufeff#EXTM3U`: true, `R0AREQ`: false, `AAAAIGZ0eXBp`: false, `<html>`: false, `//PkZAAA`: false,
	} {
		if got := wantedHead([]byte(head)); got != want {
			t.Errorf("wantedHead(%q) = %v", head, got)
		}
	}
}

// FuzzCapReader: valid JSON in, valid JSON out, at any limits; unchanged
// when no string reaches the limit.
func FuzzCapReader(f *testing.F) {
	f.Add([]byte(`{"log":{"entries":[{"response":{"content":{"text":"R0AREQ=="}}}]}}`), 4, 8)
	f.Add([]byte(`["\u00e9\u00e9\u00e9\"\\", "{\"a\": \"b\"}", "#EXTM3U\n#EXTINF"]`), 3, 12)
	f.Add([]byte(`{"k\u0041":"v"}`), 1, 1)
	f.Fuzz(func(t *testing.T, in []byte, small, big int) {
		if small < 1 || small > 64 || big < 0 || big > 256 || len(in) > 4096 {
			return
		}
		out := capAll(t, in, small, big, len(in)%2 == 0)
		if !json.Valid(in) {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("valid %q became invalid %q", in, out)
		}
		if !bytes.Contains(out, []byte(truncMark)) && !bytes.Equal(in, out) && !bytes.Contains(in, []byte(truncMark)) {
			t.Fatalf("changed without a cut: %q -> %q", in, out)
		}
	})
}
