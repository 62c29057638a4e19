package dash

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// selectFrom parses manifest as read from https://host.example/v/talk.mpd
// and selects with limit.
func selectFrom(t *testing.T, manifest string, limit int, index IndexFunc) (*Selection, error) {
	t.Helper()
	m, err := Parse([]byte(manifest), mustURL(t, "https://host.example/v/talk.mpd?token=1"))
	if err != nil {
		return nil, err
	}
	return m.Select(context.Background(), limit, index)
}

func urls(segs []Segment) []string {
	var out []string
	for _, s := range segs {
		out = append(out, s.URL)
	}
	return out
}

const head = `<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" `

func TestBaseURLLevels(t *testing.T) {
	sel, err := selectFrom(t, head+`mediaPresentationDuration="PT4S">
<BaseURL>https://cdn.example/base/</BaseURL>
<Period><BaseURL>p/</BaseURL>
 <AdaptationSet contentType="video"><BaseURL>/root/</BaseURL>
  <SegmentTemplate timescale="1000" duration="2000" media="$RepresentationID$/s$Number$.m4s" initialization="$RepresentationID$/init.mp4"/>
  <Representation id="hd" bandwidth="1000" width="1280" height="720"><BaseURL>r/</BaseURL></Representation>
 </AdaptationSet>
</Period></MPD>`, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://cdn.example/root/r/hd/s1.m4s", "https://cdn.example/root/r/hd/s2.m4s"}
	if got := urls(sel.Video); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("urls = %v, want %v", got, want)
	}
	if sel.Video[0].Init == nil || sel.Video[0].Init.URL != "https://cdn.example/root/r/hd/init.mp4" {
		t.Errorf("init = %+v", sel.Video[0].Init)
	}
}

func TestTemplates(t *testing.T) {
	for _, c := range []struct {
		name      string
		manifest  string
		urls      []string
		durations []time.Duration
		starts    []time.Duration
	}{
		{"$Number%05d$ from startNumber, fractional seconds", head + `mediaPresentationDuration="PT9.5S"><Period>
<AdaptationSet mimeType="video/mp4"><Representation id="v" bandwidth="1">
<SegmentTemplate timescale="1000" duration="2500" startNumber="5" media="v-$Number%05d$.m4s"/></Representation></AdaptationSet></Period></MPD>`,
			[]string{"v-00005.m4s", "v-00006.m4s", "v-00007.m4s", "v-00008.m4s"},
			[]time.Duration{2500 * time.Millisecond, 2500 * time.Millisecond, 2500 * time.Millisecond, 2 * time.Second},
			[]time.Duration{0, 2500 * time.Millisecond, 5 * time.Second, 7500 * time.Millisecond}},
		{"$Time$ timeline with r=-1 to the period's end, presentationTimeOffset", head + `mediaPresentationDuration="PT6S"><Period>
<AdaptationSet contentType="video"><SegmentTemplate timescale="90000" presentationTimeOffset="900000" media="$Bandwidth$/$Time$.mp4">
<SegmentTimeline><S t="900000" d="180000" r="-1"/></SegmentTimeline></SegmentTemplate>
<Representation id="v" bandwidth="800"/></AdaptationSet></Period></MPD>`,
			[]string{"800/900000.mp4", "800/1080000.mp4", "800/1260000.mp4"},
			[]time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second},
			[]time.Duration{0, 2 * time.Second, 4 * time.Second}},
		{"timeline with explicit times and repeats, $$ escaped", head + `mediaPresentationDuration="PT10S"><Period>
<AdaptationSet contentType="video"><Representation id="a$b" bandwidth="1"><SegmentTemplate timescale="10" media="x$$_$Time$_$Number$.m4s">
<SegmentTimeline><S t="0" d="30" r="1"/><S d="25"/><S t="85" d="15"/></SegmentTimeline></SegmentTemplate></Representation></AdaptationSet></Period></MPD>`,
			[]string{"x$_0_1.m4s", "x$_30_2.m4s", "x$_60_3.m4s", "x$_85_4.m4s"},
			[]time.Duration{3 * time.Second, 3 * time.Second, 2500 * time.Millisecond, 1500 * time.Millisecond},
			[]time.Duration{0, 3 * time.Second, 6 * time.Second, 8500 * time.Millisecond}},
		{"SegmentList of addresses, no ranges", head + `mediaPresentationDuration="PT4S"><Period>
<AdaptationSet contentType="video"><Representation id="v" bandwidth="1"><SegmentList timescale="1" duration="2">
<Initialization sourceURL="i.mp4"/><SegmentURL media="a.mp4"/><SegmentURL media="b.mp4"/></SegmentList></Representation></AdaptationSet></Period></MPD>`,
			[]string{"a.mp4", "b.mp4"}, []time.Duration{2 * time.Second, 2 * time.Second}, []time.Duration{0, 2 * time.Second}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sel, err := selectFrom(t, c.manifest, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(sel.Video) != len(c.urls) {
				t.Fatalf("segments = %v, want %v", urls(sel.Video), c.urls)
			}
			for i, s := range sel.Video {
				if s.URL != "https://host.example/v/"+c.urls[i] || s.Duration != c.durations[i] || s.Start != c.starts[i] {
					t.Errorf("segment %d = %s %v at %v, want %s %v at %v", i, s.URL, s.Duration, s.Start, c.urls[i], c.durations[i], c.starts[i])
				}
			}
		})
	}
}

func TestChoice(t *testing.T) {
	manifest := head + `mediaPresentationDuration="PT2S"><Period>
<AdaptationSet contentType="video"><SegmentTemplate duration="2" media="$RepresentationID$.m4s"/>
 <Representation id="v360" bandwidth="500000" width="640" height="360" codecs="avc1.4d401e"/>
 <Representation id="v1080" bandwidth="5000000" width="1920" height="1080" codecs="avc1.640028"/>
 <Representation id="v720" bandwidth="2500000" width="1280" height="720" codecs="avc1.64001f"/>
</AdaptationSet>
<AdaptationSet contentType="audio" lang="en"><Role schemeIdUri="urn:mpeg:dash:role:2011" value="main"/>
 <SegmentTemplate duration="2" media="$RepresentationID$.m4s"/>
 <Representation id="ec3" bandwidth="640000" codecs="ec-3"/>
 <Representation id="aac" bandwidth="128000" codecs="mp4a.40.2"/>
</AdaptationSet>
<AdaptationSet contentType="audio" lang="en"><Role schemeIdUri="urn:mpeg:dash:role:2011" value="commentary"/>
 <SegmentTemplate duration="2" media="$RepresentationID$.m4s"/>
 <Representation id="comm" bandwidth="256000" codecs="mp4a.40.2"/>
</AdaptationSet>
<AdaptationSet contentType="video"><EssentialProperty schemeIdUri="http://dashif.org/guidelines/trickmode" value="1"/>
 <SegmentTemplate duration="2" media="$RepresentationID$.m4s"/><Representation id="trick" bandwidth="9000000" width="3840" height="2160"/>
</AdaptationSet>
<AdaptationSet contentType="text"><Representation id="subs" bandwidth="1"><BaseURL>subs.vtt</BaseURL></Representation></AdaptationSet>
</Period></MPD>`
	for _, c := range []struct {
		limit       int
		video, want string
	}{{0, "v1080", "aac"}, {720, "v720", "aac"}, {-1, "v360", "aac"}, {100, "v360", "aac"}} {
		sel, err := selectFrom(t, manifest, c.limit, nil)
		if err != nil {
			t.Fatal(err)
		}
		if sel.VideoRep.ID != c.video || sel.AudioRep.ID != c.want {
			t.Errorf("limit %d: %s + %s, want %s + %s", c.limit, sel.VideoRep.ID, sel.AudioRep.ID, c.video, c.want)
		}
		if len(sel.Audio) != 1 || !strings.HasSuffix(sel.Audio[0].URL, "/aac.m4s") {
			t.Errorf("audio segments %v", urls(sel.Audio))
		}
	}
}

func TestProtection(t *testing.T) {
	set := func(protected bool, id string) string {
		cp := ""
		if protected {
			cp = `<ContentProtection schemeIdUri="urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"/>`
		}
		return `<AdaptationSet contentType="video">` + cp + `<SegmentBase indexRange="800-900"/><Representation id="` + id + `" bandwidth="1"><BaseURL>` + id + `.mp4</BaseURL></Representation></AdaptationSet>`
	}
	asked := 0
	index := func(context.Context, string, Range) ([]byte, error) { asked++; return nil, errors.New("no") }
	_, err := selectFrom(t, head+`mediaPresentationDuration="PT2S"><Period>`+set(true, "a")+set(true, "b")+`</Period></MPD>`, 0, index)
	if !errors.Is(err, ErrDRM) || asked != 0 {
		t.Errorf("all protected: %v, %d index requests", err, asked)
	}
	// A clear rendition beside protected ones is taken.
	sel, err := selectFrom(t, head+`mediaPresentationDuration="PT2S"><Period>`+set(true, "a")+strings.Replace(set(false, "b"), `<SegmentBase indexRange="800-900"/>`, "", 1)+`</Period></MPD>`, 0, index)
	if err != nil || sel.VideoRep.ID != "b" || sel.Video[0].URL != "https://host.example/v/b.mp4" {
		t.Errorf("clear beside protected: %v %+v", err, sel)
	}
}

// sidxBox builds a version 0 segment index of refs (size, duration).
func sidxBox(timescale uint32, first uint32, refs [][2]uint32) []byte {
	b := make([]byte, 0, 32+12*len(refs))
	b = binary.BigEndian.AppendUint32(b, uint32(32+12*len(refs)))
	b = append(b, "sidx"...)
	b = append(b, 0, 0, 0, 0)
	b = binary.BigEndian.AppendUint32(b, 1)
	b = binary.BigEndian.AppendUint32(b, timescale)
	b = binary.BigEndian.AppendUint32(b, 0) // earliest presentation time
	b = binary.BigEndian.AppendUint32(b, first)
	b = append(b, 0, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(len(refs)))
	for _, r := range refs {
		b = binary.BigEndian.AppendUint32(b, r[0])
		b = binary.BigEndian.AppendUint32(b, r[1])
		b = binary.BigEndian.AppendUint32(b, 0x90000000)
	}
	return b
}

func TestSegmentBaseIndex(t *testing.T) {
	box := sidxBox(1000, 10, [][2]uint32{{5000, 2000}, {6000, 2000}, {4000, 1500}})
	var got Range
	index := func(_ context.Context, u string, r Range) ([]byte, error) {
		if u != "https://host.example/v/talk.mp4" {
			t.Errorf("index of %s", u)
		}
		got = r
		return box, nil
	}
	sel, err := selectFrom(t, head+`mediaPresentationDuration="PT5.5S"><Period><AdaptationSet mimeType="video/mp4">
<Representation id="v" bandwidth="1"><BaseURL>talk.mp4</BaseURL><SegmentBase indexRange="700-767"><Initialization range="0-699"/></SegmentBase>
</Representation></AdaptationSet></Period></MPD>`, 0, index)
	if err != nil {
		t.Fatal(err)
	}
	if got != (Range{700, 68}) {
		t.Errorf("index range %+v", got)
	}
	want := []Range{{778, 5000}, {5778, 6000}, {11778, 4000}}
	for i, s := range sel.Video {
		if *s.Range != want[i] || s.Init.Range == nil || *s.Init.Range != (Range{0, 700}) {
			t.Errorf("segment %d: %+v init %+v", i, s.Range, s.Init)
		}
	}
	if sel.Duration() != 5500*time.Millisecond {
		t.Errorf("duration %v", sel.Duration())
	}
}

func TestRefusals(t *testing.T) {
	video := func(inner string) string {
		return head + `mediaPresentationDuration="PT10S"><Period><AdaptationSet contentType="video"><Representation id="v" bandwidth="1">` + inner + `</Representation></AdaptationSet></Period></MPD>`
	}
	for name, m := range map[string]string{
		"printf verb in a template":  video(`<SegmentTemplate duration="2" media="$Number%s$.m4s"/>`),
		"huge width in a template":   video(`<SegmentTemplate duration="2" media="$Number%0999d$.m4s"/>`),
		"unknown identifier":         video(`<SegmentTemplate duration="2" media="$Foo$.m4s"/>`),
		"a billion repeats":          video(`<SegmentTemplate media="$Time$"><SegmentTimeline><S d="1" r="1000000000"/></SegmentTimeline></SegmentTemplate>`),
		"tiny durations":             video(`<SegmentTemplate timescale="1000000" duration="1" media="$Number$"/>`),
		"a file: BaseURL":            video(`<BaseURL>file:///etc/passwd</BaseURL>`),
		"from https down to http":    video(`<BaseURL>http://host.example/v/</BaseURL><SegmentTemplate duration="2" media="$Number$"/>`),
		"no periods":                 head + `/>`,
		"not XML":                    "#EXTM3U\n",
		"a segment without a length": video(`<SegmentTemplate media="$Time$"><SegmentTimeline><S d="0"/></SegmentTimeline></SegmentTemplate>`),
		"forty years":                strings.Replace(video(`<SegmentTemplate duration="2" media="$Number$"/>`), "PT10S", "P40Y", 1),
	} {
		if _, err := selectFrom(t, m, 0, nil); !errors.Is(err, ErrNotManifest) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestFFmpegManifests(t *testing.T) {
	for name, want := range map[string][2]int{"ffmpeg-timeline.mpd": {4, 5}, "ffmpeg-single-file.mpd": {4, 5}} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !Looks(data) {
			t.Errorf("%s: not recognised", name)
		}
		m, err := Parse(data, mustURL(t, "http://127.0.0.1/x/m.mpd"))
		if err != nil {
			t.Fatal(err)
		}
		sel, err := m.Select(context.Background(), 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(sel.Video) != want[0] || len(sel.Audio) != want[1] || sel.VideoRep.Height != 180 || sel.AudioRep.Codecs != "mp4a.40.2" {
			t.Errorf("%s: %d video and %d audio segments, %+v %+v", name, len(sel.Video), len(sel.Audio), sel.VideoRep, sel.AudioRep)
		}
		if (sel.Duration() - 12*time.Second).Abs() > 10*time.Millisecond {
			t.Errorf("%s: %v long", name, sel.Duration())
		}
	}
}

func TestLiveWindows(t *testing.T) {
	start := time.Date(2026, 12, 2, 18, 0, 0, 0, time.UTC)
	now := start.Add(100*time.Second + 500*time.Millisecond)
	parse := func(body string) *Manifest {
		m, err := Parse([]byte(`<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" availabilityStartTime="2026-12-02T18:00:00Z" timeShiftBufferDepth="PT30S" minimumUpdatePeriod="PT2S">`+body+`</MPD>`), mustURL(t, "https://live.example/s/live.mpd"))
		if err != nil {
			t.Fatal(err)
		}
		m.Now = func() time.Time { return now }
		return m
	}
	// $Number$ without a timeline: the clock says which segments exist
	// (complete ones only), and the time-shift window which are still kept.
	m := parse(`<Period start="PT0S"><AdaptationSet contentType="video"><SegmentTemplate timescale="1000" duration="4000" startNumber="1" media="$Number$.m4s"/><Representation id="v" bandwidth="1"/></AdaptationSet></Period>`)
	if !m.Dynamic || m.TimeShift != 30*time.Second {
		t.Fatalf("%+v", m)
	}
	sel, err := m.Select(context.Background(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	// 100.5 s in: 25 complete segments (1..25); 30 s back is 70.5 s, in segment 18.
	if n := len(sel.Video); n != 8 || sel.Video[0].Number != 18 || sel.Video[n-1].Number != 25 || sel.Video[0].Start != 68*time.Second {
		t.Errorf("got %d segments, %d..%d from %v", n, sel.Video[0].Number, sel.Video[n-1].Number, sel.Video[0].Start)
	}
	// A timeline lists more than the window keeps: the old ones are left.
	m = parse(`<Period start="PT0S"><AdaptationSet contentType="video"><SegmentTemplate timescale="1" startNumber="1" media="$Time$.m4s"><SegmentTimeline><S t="0" d="10" r="9"/></SegmentTimeline></SegmentTemplate><Representation id="v" bandwidth="1"/></AdaptationSet></Period>`)
	if sel, err = m.Select(context.Background(), 0, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(sel.Video); n != 3 || sel.Video[0].Number != 8 || !strings.HasSuffix(sel.Video[0].URL, "/70.m4s") {
		t.Errorf("timeline: %d segments from %v", n, urls(sel.Video))
	}
}

// TestLiveTimeNumbers: a live $Time$ timeline without startNumber slides;
// each segment keeps its number from one reading to the next.
func TestLiveTimeNumbers(t *testing.T) {
	read := func(first, count int) []Segment {
		var b strings.Builder
		for i := first; i < first+count; i++ {
			d := 96256
			if i%3 == 0 {
				d = 95232 // AAC frames do not divide the length evenly
			}
			fmt.Fprintf(&b, `<S t="%d" d="%d"/>`, i*96000+(i%3)*512, d)
		}
		m, err := Parse([]byte(`<MPD type="dynamic" availabilityStartTime="2026-12-02T18:00:00Z"><Period start="PT0S"><AdaptationSet contentType="audio"><Representation id="a" bandwidth="1"><SegmentTemplate timescale="48000" media="a-$Time$.m4s"><SegmentTimeline>`+b.String()+`</SegmentTimeline></SegmentTemplate></Representation></AdaptationSet></Period></MPD>`), mustURL(t, "https://live.example/a.mpd"))
		if err != nil {
			t.Fatal(err)
		}
		m.Now = func() time.Time { return time.Date(2026, 12, 2, 19, 0, 0, 0, time.UTC) }
		sel, err := m.Select(context.Background(), 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		return sel.Video
	}
	byURL := map[string]uint64{}
	for _, s := range read(100, 30) {
		byURL[s.URL] = s.Number
	}
	later := read(110, 30)
	for _, s := range later {
		if n, ok := byURL[s.URL]; ok && n != s.Number {
			t.Errorf("%s: number %d, then %d", s.URL, n, s.Number)
		}
	}
	for i := 1; i < len(later); i++ {
		if later[i].Number != later[i-1].Number+1 {
			t.Errorf("numbers %d then %d", later[i-1].Number, later[i].Number)
		}
	}
}

// TestErrorsKeepTokens: a refusal never quotes an address or template,
// which may carry the site's token.
func TestErrorsKeepTokens(t *testing.T) {
	const token = "tok3n-s3cr3t-value"
	for _, inner := range []string{
		`<SegmentTemplate duration="2" media="$Number%s$.m4s?token=` + token + `"/>`,
		`<SegmentTemplate duration="2" media="seg-$Bogus$.m4s?token=` + token + `"/>`,
		`<SegmentTemplate duration="2" media="seg-$Number.m4s?token=` + token + `"/>`,
		`<BaseURL>ftp://cdn.example/` + token + `/</BaseURL>`,
	} {
		_, err := selectFrom(t, head+`mediaPresentationDuration="PT4S"><Period><AdaptationSet contentType="video"><Representation id="v" bandwidth="1">`+inner+`</Representation></AdaptationSet></Period></MPD>`, 0, nil)
		if err == nil || strings.Contains(err.Error(), token) {
			t.Errorf("%v", err)
		}
	}
}
