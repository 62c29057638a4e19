package chat

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"replayrescue/core/sample"
	"replayrescue/core/web"
)

var start = time.Date(2016, 3, 1, 18, 30, 0, 0, time.UTC)

// audience is a chat of several hundred comments and hearts, some before
// the part a test keeps, with names and text in several scripts and emoji.
func audience() []sample.ChatMessage {
	msgs := sample.DemoChat(10 * time.Minute)
	return append(msgs, sample.ChatMessage{At: 90 * time.Second, User: "evil,name", Name: "{\\b1}Mallory", Text: "line one\n\n\x07line two {\\pos(0,0)} <i>"})
}

func fakeHost(t *testing.T, msgs []sample.ChatMessage, pageSize int) (*sample.Chat, *url.URL) {
	t.Helper()
	c := sample.NewChat(sample.ChatOptions{Start: start, Messages: msgs, PageSize: pageSize, Token: "secret-chat-token-123"})
	mux := http.NewServeMux()
	c.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return c, u
}

func client() *http.Client { return web.NewClient(web.Credentials{}, web.ClientOptions{}) }

func TestFetchPagesAndAlign(t *testing.T) {
	want := audience()
	host, api := fakeHost(t, want, 97)
	got, err := Fetch(context.Background(), client(), api, "secret-chat-token-123")
	if err != nil {
		t.Fatal(err)
	}
	if host.Pages() < 5 {
		t.Fatalf("served %d pages; the test needs several", host.Pages())
	}
	if len(got) != len(want) {
		t.Fatalf("got %d messages, want %d", len(got), len(want))
	}
	got = Align(got, start)
	comments, hearts := Count(got)
	if comments < 300 || hearts < 200 {
		t.Fatalf("%d comments and %d hearts: want hundreds of each", comments, hearts)
	}
	// Every sent message is there, at its time, with its names and text.
	type key struct {
		at   time.Duration
		user string
	}
	byKey := map[key]Message{}
	for _, m := range got {
		byKey[key{m.At.Round(time.Millisecond), m.User}] = m
	}
	for _, w := range want {
		m, ok := byKey[key{w.At, w.User}]
		if !ok {
			t.Fatalf("message at %v by %s missing", w.At, w.User)
		}
		if m.Name != w.Name || (!w.Heart && m.Text != w.Text) || (m.Kind == Heart) != w.Heart {
			t.Fatalf("message at %v: got %+v, want %+v", w.At, m, w)
		}
	}
}

func TestFetchRefusesAndKeepsSecrets(t *testing.T) {
	_, api := fakeHost(t, audience(), 100)
	_, err := Fetch(context.Background(), client(), api, "wrong-token-456")
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("err = %v, want ErrRefused", err)
	}
	if strings.Contains(err.Error(), "wrong-token-456") {
		t.Fatalf("the error shows the token: %v", err)
	}
}

func TestFetchEndpointMustBeSafe(t *testing.T) {
	c := sample.NewChat(sample.ChatOptions{Start: start, Messages: audience(), Token: "tok", Endpoint: "http://chat.example.com"})
	mux := http.NewServeMux()
	c.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	api, _ := url.Parse(srv.URL)
	_, err := Fetch(context.Background(), client(), api, "tok")
	if err == nil || !strings.Contains(err.Error(), "http:// is allowed only") {
		t.Fatalf("err = %v, want the clear-text endpoint refused", err)
	}
	if c.Pages() != 0 {
		t.Fatalf("%d history pages were asked of a clear-text endpoint", c.Pages())
	}
}

func TestParseHistoryShapes(t *testing.T) {
	cases := []struct {
		name string
		body string
		want []Message
		ok   bool
	}{
		{"nested strings, ns", `{"messages":[{"kind":1,"payload":"{\"body\":\"{\\\"body\\\":\\\"hi 👋\\\",\\\"type\\\":1,\\\"username\\\":\\\"a\\\",\\\"displayName\\\":\\\"Ä\\\"}\",\"timestamp\":1456857000500000000}"}],"cursor":""}`,
			[]Message{{User: "a", Name: "Ä", Text: "hi 👋", Kind: Comment, Time: time.Unix(0, 1456857000500000000).UTC()}}, true},
		{"objects, ms in body, sender names", `{"messages":[{"kind":1,"payload":{"sender":{"username":"b","display_name":"B"},"body":{"type":2,"timestamp":1456857001000}}}]}`,
			[]Message{{User: "b", Name: "B", Kind: Heart, Time: time.UnixMilli(1456857001000).UTC()}}, true},
		{"presence and joins skipped", `{"messages":[{"kind":2,"payload":"{}"},{"kind":1,"payload":"{\"body\":\"{\\\"type\\\":3}\",\"timestamp\":1456857000500000000}"}],"cursor":"x"}`, nil, true},
		{"no time, no message", `{"messages":[{"kind":1,"payload":"{\"body\":\"{\\\"type\\\":1,\\\"body\\\":\\\"x\\\"}\"}"}]}`, nil, true},
		{"not history", `{"replay_url":"x"}`, nil, false},
		{"not JSON", `<html>`, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _, err := ParseHistory([]byte(c.body))
			if (err == nil) != c.ok {
				t.Fatalf("err = %v", err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("got %+v, want %+v", got[i], c.want[i])
				}
			}
		})
	}
}

var (
	srtCue = regexp.MustCompile(`(?m)^(\d+)\n(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})\n(.+)\n`)
	assCue = regexp.MustCompile(`(?m)^Dialogue: (\d),(\d+):(\d\d):(\d\d)\.(\d\d),(\d+):(\d\d):(\d\d)\.(\d\d),(\w+),([^,]*),0,0,0,,(.*)$`)
)

func hms(h, m, s, frac string, unit time.Duration) time.Duration {
	n := func(x string) time.Duration { v, _ := strconv.Atoi(x); return time.Duration(v) }
	return n(h)*time.Hour + n(m)*time.Minute + n(s)*time.Second + n(frac)*unit
}

// The subtitles put each comment said inside the kept part at its time in
// the video (its broadcast time minus the video's start), shown for Show;
// earlier comments and hearts are left out of the SRT.
func TestSubtitleTimings(t *testing.T) {
	var msgs []Message
	for i, w := range audience() {
		m := Message{Time: start.Add(w.At), User: w.User, Name: w.Name, Text: w.Text, Kind: Comment, ID: strconv.Itoa(i)}
		if w.Heart {
			m.Kind, m.Text = Heart, ""
		}
		msgs = append(msgs, m)
	}
	msgs = Align(msgs, start)
	tm := Timing{From: 61*time.Second + 437*time.Millisecond, To: 7 * time.Minute, Shift: 61*time.Second + 437*time.Millisecond}
	var inside []Message
	for _, m := range msgs {
		if m.Kind == Comment && m.At >= tm.From && m.At < tm.To {
			inside = append(inside, m)
		}
	}

	var srt bytes.Buffer
	if err := WriteSRT(&srt, msgs, tm); err != nil {
		t.Fatal(err)
	}
	cues := srtCue.FindAllStringSubmatch(srt.String(), -1)
	if len(cues) != len(inside) || len(cues) < 200 {
		t.Fatalf("%d SRT cues for %d comments inside the cut", len(cues), len(inside))
	}
	for i, c := range cues {
		if c[1] != strconv.Itoa(i+1) {
			t.Fatalf("cue %d numbered %s", i+1, c[1])
		}
		from, to := hms(c[2], c[3], c[4], c[5], time.Millisecond), hms(c[6], c[7], c[8], c[9], time.Millisecond)
		want := inside[i].At - tm.Shift
		if (from-want).Abs() > 100*time.Millisecond || to-from > Show || to <= from {
			t.Fatalf("cue %d at %v-%v, want from %v", i+1, from, to, want)
		}
		if !strings.HasPrefix(c[10], inside[i].Who()+": ") {
			t.Fatalf("cue %d reads %q, want %q first", i+1, c[10], inside[i].Who())
		}
	}
	if strings.Contains(srt.String(), "\x07") || strings.Contains(srt.String(), "\n\n\n") {
		t.Fatal("control characters or blank lines leaked into the SRT")
	}

	var ass bytes.Buffer
	if err := WriteASS(&ass, msgs, tm, true); err != nil {
		t.Fatal(err)
	}
	var chatCues, heartTotal int
	for _, c := range assCue.FindAllStringSubmatch(ass.String(), -1) {
		from := hms(c[2], c[3], c[4], c[5], 10*time.Millisecond)
		switch c[10] {
		case "Chat":
			m := inside[chatCues]
			if (from-(m.At-tm.Shift)).Abs() > 100*time.Millisecond || c[11] != strings.ReplaceAll(m.User, ",", " ") {
				t.Fatalf("ASS cue %d at %v by %q, want %v by %q", chatCues, from, c[11], m.At-tm.Shift, m.User)
			}
			if strings.Contains(strings.ReplaceAll(strings.ReplaceAll(c[12], `\{`, ""), `\}`, ""), `{\pos`) {
				t.Fatalf("chat text became an ASS tag: %s", c[12])
			}
			chatCues++
		case "Hearts":
			n, _ := strconv.Atoi(strings.TrimPrefix(c[12], "♥ "))
			heartTotal += n
			if from%HeartWindow != 0 {
				t.Fatalf("hearts counter starts at %v, not on a %v step", from, HeartWindow)
			}
		}
	}
	var wantHearts int
	for _, m := range msgs {
		if m.Kind == Heart && m.At >= tm.From && m.At < tm.To {
			wantHearts++
		}
	}
	if chatCues != len(inside) || heartTotal != wantHearts || wantHearts == 0 {
		t.Fatalf("ASS has %d comments and %d hearts, want %d and %d", chatCues, heartTotal, len(inside), wantHearts)
	}
	if !strings.Contains(ass.String(), `{\b1\c`) || !strings.Contains(ass.String(), `line one\Nline two \{⧵pos(0,0)\} <i>`) {
		t.Fatalf("names not styled or text not escaped:\n%s", ass.String()[len(assHeader):len(assHeader)+600])
	}
}

// Chat drawn into the picture leaves out emoji, which the machine's fonts
// would draw as empty boxes; the subtitle files keep them.
func TestBurnedChatWithoutEmoji(t *testing.T) {
	msgs := []Message{
		{At: 2 * time.Second, User: "ana", Name: "Ana 🌸", Text: "Great talk 👏👏 thanks!", Kind: Comment},
		{At: 3 * time.Second, User: "kenji", Text: "👍🏽", Kind: Comment},
		{At: 4 * time.Second, User: "lea", Name: "🎉", Text: "Family: 👨‍👩‍👧 ❤️ ♥ ok", Kind: Comment},
	}
	tm := Timing{To: time.Minute}
	var burn, file bytes.Buffer
	if err := WriteBurnASS(&burn, msgs, tm); err != nil {
		t.Fatal(err)
	}
	if err := WriteASS(&file, msgs, tm, true); err != nil {
		t.Fatal(err)
	}
	events := burn.String()[len(assHeader):]
	for _, r := range events {
		if r >= 0x1F000 || r == 0x200D || r == 0xFE0F {
			t.Fatalf("an emoji is drawn: %q in\n%s", r, events)
		}
	}
	for _, want := range []string{"}Ana{", "Great talk thanks!", "}lea{", "Family: ❤ ♥ ok"} {
		if !strings.Contains(events, want) {
			t.Errorf("burned chat lacks %q:\n%s", want, events)
		}
	}
	if strings.Count(events, "Dialogue:") != 2 {
		t.Errorf("a comment of emoji alone is drawn as an empty line:\n%s", events)
	}
	if !strings.Contains(file.String(), "👏👏") || strings.Count(file.String(), "Dialogue:") != 3 {
		t.Errorf("the subtitle file lost its emoji:\n%s", file.String()[len(assHeader):])
	}
}
