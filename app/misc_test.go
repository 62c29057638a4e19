package app

import (
	"context"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"replayrescue/app/internal/localeenv"
	"replayrescue/assets"
	"replayrescue/core/job"
	"replayrescue/core/media"

	"replayrescue/app/internal/backend"
)

func TestFFmpegMissingDialog(t *testing.T) {
	missing := &media.MissingError{Tool: "ffmpeg", GOOS: "linux"}
	be := &fakeBackend{cands: readyCands(), toolsHint: media.InstallHint("linux"), toolsErr: missing}
	h := newHarness(t, be)
	h.u.checkTools()
	td := h.u.tools
	if td == nil || !inDialog(h.win, td.recheck) {
		t.Fatal("no dialog for a missing ffmpeg")
	}
	if td.hint == nil || td.hint.Text != "sudo apt install ffmpeg" {
		t.Fatalf("the install command is not shown: %+v", td.hint)
	}
	test.Tap(td.copy)
	if got := h.app.Clipboard().Content(); got != "sudo apt install ffmpeg" {
		t.Errorf("clipboard %q after Copy", got)
	}
	// The sample needs ffmpeg: asking for it brings the dialog back, not a crash.
	td.d.Hide()
	test.Tap(h.u.start.sample)
	if h.u.tools == td || !inDialog(h.win, h.u.tools.recheck) {
		t.Error("trying the sample without ffmpeg did not explain again")
	}
	td = h.u.tools
	test.Tap(td.recheck)
	if !inDialog(h.win, td.recheck) || !strings.Contains(td.status.Text, "still not found") {
		t.Errorf("Check again while still missing: %q", td.status.Text)
	}
	be.mu.Lock()
	be.toolsErr, be.toolsHint = nil, ""
	be.mu.Unlock()
	test.Tap(td.recheck)
	if inDialog(h.win, td.recheck) || !h.u.toolsOK {
		t.Error("Check again after installing did not close the dialog")
	}

	// On systems where the fix is a download page, a link is shown instead.
	newToolsDialog(h.u, "https://ffmpeg.org/download.html", errors.New("missing")).show()
	if h.u.tools.link == nil || h.u.tools.link.URL.Host != "ffmpeg.org" || h.u.tools.hint != nil {
		t.Error("a download page is not offered as a link")
	}
	// Each system's hint gives one command to copy.
	for goos, want := range map[string]string{"linux": "sudo apt install ffmpeg", "darwin": "brew install ffmpeg", "windows": "winget install ffmpeg"} {
		if got := installCommand(media.InstallHint(goos)); got != want {
			t.Errorf("%s: command %q, want %q", goos, got, want)
		}
	}
	if downloadPage(media.InstallHint("darwin")) == nil {
		t.Error("macOS users are not offered the download page")
	}
}

func TestTranslationsSwitch(t *testing.T) {
	h := newHarness(t, &fakeBackend{cands: readyCands()})
	t.Cleanup(func() { _ = applyLanguage("en") })
	h.u.showFound(readyCands())

	h.u.setLanguage("de")
	if got := h.u.start.find.Text; got != "Video suchen" {
		t.Errorf("German Find button: %q", got)
	}
	if got := h.u.found.download.Text; got != "Herunterladen" {
		t.Errorf("German Download button: %q", got)
	}
	if h.u.screen != screenFound || len(h.u.found.rows) != 2 {
		t.Error("switching language lost the screen")
	}
	if got := h.u.num.size(12_800_000); got != "12,2 MB" {
		t.Errorf("German size %q", got)
	}
	if h.app.Preferences().String(prefLanguage) != "de" {
		t.Error("the language is not saved")
	}

	h.u.setLanguage("es")
	if got := h.u.start.find.Text; got != "Buscar el vídeo" {
		t.Errorf("Spanish Find button: %q", got)
	}
	if got := h.u.num.span(95 * time.Second); got != "1 min 35 s" {
		t.Errorf("Spanish span %q", got)
	}

	h.u.setLanguage("en")
	if got := h.u.start.find.Text; got != "Find the video" {
		t.Errorf("English Find button: %q", got)
	}
	if got := h.u.num.size(12_800_000); got != "12.2 MB" {
		t.Errorf("English size %q", got)
	}
}

// Every string the code passes to lang.L has a translation in every
// language, with the same template fields.
func TestTranslationFilesComplete(t *testing.T) {
	keys := translatableStrings(t)
	if len(keys) < 50 {
		t.Fatalf("found only %d strings; is the scan broken?", len(keys))
	}
	field := regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)
	for _, code := range []string{"en", "de", "es"} {
		data, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + code + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s.json: %v", code, err)
		}
		for _, k := range keys {
			v, ok := m[k]
			if !ok || strings.TrimSpace(v) == "" {
				t.Errorf("%s.json lacks %q", code, k)
				continue
			}
			want := field.FindAllStringSubmatch(k, -1)
			got := field.FindAllStringSubmatch(v, -1)
			var wf, gf []string
			for _, f := range want {
				wf = append(wf, f[1])
			}
			for _, f := range got {
				gf = append(gf, f[1])
			}
			slices.Sort(wf)
			slices.Sort(gf)
			if !slices.Equal(wf, gf) {
				t.Errorf("%s.json: %q has fields %v, want %v", code, v, gf, wf)
			}
		}
		for k := range m {
			if !slices.Contains(keys, k) {
				t.Errorf("%s.json has %q, which the code no longer uses", code, k)
			}
		}
	}
}

// translatableStrings lists the literal first arguments of lang.L calls in
// the package's non-test files.
// translatableStrings are the window's own strings (lang.L in app and its
// internal packages) and the sentences the core writes as templates for the
// window to translate (say.T anywhere in core).
func translatableStrings(t *testing.T) []string {
	files, _ := filepath.Glob("*.go")
	inner, _ := filepath.Glob("internal/*/*.go")
	files = append(files, inner...)
	isCall := map[string]string{}
	for _, f := range files {
		isCall[f] = "lang.L"
	}
	err := filepath.WalkDir("../core", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go") {
			files = append(files, path)
			isCall[path] = "say.T"
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	seen := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		pkg, name, _ := strings.Cut(isCall[f], ".")
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != name {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != pkg {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				if pkg == "lang" && strings.HasPrefix(f, "internal/") {
					return true // the core's templates, said by translate
				}
				t.Errorf("%s: %s with a non-literal string cannot be translated", fset.Position(call.Pos()), isCall[f])
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			seen[s] = true
			return true
		})
	}
	var keys []string
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestNumbersForLocale(t *testing.T) {
	en, de := numbersFor("en"), numbersFor("de")
	cases := []struct {
		got, want string
	}{
		{en.size(512), "512 bytes"},
		{en.size(1536), "2 KB"},
		{en.size(5 << 30), "5.00 GB"},
		{de.size(5 << 30), "5,00 GB"},
		{en.speed(3.5 * (1 << 20)), "3.5 MB/s"},
		{en.span(45 * time.Second), "45 s"},
		{en.span(3*time.Hour + 7*time.Minute), "3 h 7 min"},
		{en.offset(-1250 * time.Millisecond), "-1.25 s"},
		{de.offset(10 * time.Millisecond), "+0,01 s"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if lang.L("{{.N}} MB", map[string]any{"N": "1.0"}) != "1.0 MB" {
		t.Error("templates do not fill in")
	}
}

func TestBridgeKeepsOrderAndDropsStaleProgress(t *testing.T) {
	q := newUIQueue()
	b := &bridge{do: q.do}
	var got []string
	ev := b.events(func(e job.Event) {
		switch e := e.(type) {
		case job.Progress:
			got = append(got, "progress "+strconv.Itoa(e.Done))
		case job.Paused:
			got = append(got, "paused")
		}
	})
	ev(job.Progress{Done: 1})
	ev(job.Progress{Done: 2})
	ev(job.Progress{Done: 3})
	ev(job.Paused{})
	ev(job.Progress{Done: 4})
	b.show(func() { got = append(got, "then") })
	q.settle()
	want := []string{"progress 3", "paused", "progress 4", "then"}
	if !slices.Equal(got, want) {
		t.Errorf("delivered %v, want %v", got, want)
	}
}

func TestLocaleEnvFix(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{"LANG": "C.UTF-8"}, true},
		{map[string]string{"LC_ALL": "POSIX.utf8", "LANG": "de_DE.UTF-8"}, true},
		{map[string]string{"LANG": "C"}, false}, // Fyne handles a bare C itself
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "de"}, false},
		{map[string]string{"LANG": "de_DE.UTF-8"}, false},
		{map[string]string{}, false},
	}
	for _, c := range cases {
		set := map[string]string{}
		changed := localeenv.Fix(func(k string) string { return c.env[k] }, func(k, v string) error { set[k] = v; return nil })
		if changed != c.want || (changed && set["LANGUAGE"] != "en") {
			t.Errorf("env %v: changed %v (%v), want %v", c.env, changed, set, c.want)
		}
	}
}

// Every screen fits an 800x600 window in every language: nothing demands
// more room.
func TestScreensFit800x600(t *testing.T) {
	for _, code := range []string{"en", "de", "es"} {
		t.Run(code, func(t *testing.T) {
			be := &fakeBackend{cands: readyCands()}
			h := newHarness(t, be)
			h.u.setLanguage(code)
			t.Cleanup(func() { _ = applyLanguage("en") })
			check := func(name string) {
				t.Helper()
				min := h.win.Content().MinSize()
				if min.Width > 800 || min.Height > 600 {
					t.Errorf("%s needs %v, more than 800x600", name, min)
				}
			}
			check("start")
			h.u.showFound(readyCands())
			check("found")
			h.u.dl.showExpired()
			h.u.show(screenDownload)
			check("download (expired)")
			h.u.startOver()
			h.toEdit()
			check("edit")
			h.u.edit.saveTo(filepath.Join(t.TempDir(), "x.mp4"), true)
			h.q.until(t, "done", func() bool { return h.u.rend.done.Visible() })
			check("render (done)")
		})
	}
}

func TestScreenshotModeOpensEachScreen(t *testing.T) {
	t.Cleanup(func() { _ = applyLanguage("en") })
	for _, name := range []string{"start", "error-de", "found", "parts", "download", "edit"} {
		t.Run(name, func(t *testing.T) {
			a := test.NewTempApp(t)
			w := test.NewTempWindow(t, nil)
			w.Resize(fyne.NewSize(960, 700))
			u := newUI(a, w, newDemoBackend())
			q := newUIQueue()
			u.bridge.do = q.do
			t.Cleanup(u.shutdown)
			openDemoScreen(u, name)
			want := map[string]screen{"start": screenStart, "error-de": screenStart, "found": screenFound, "parts": screenFound, "download": screenDownload, "edit": screenEdit}[name]
			q.until(t, name, func() bool { return u.screen == want && (name != "error-de" || u.start.status.Visible()) })
			if name == "error-de" {
				if got := u.start.problem.head.Text + " " + u.start.status.Text; !strings.HasPrefix(got, "Das Video konnte nicht geladen werden Laut Videoanbieter") {
					t.Errorf("the German error screen says %q", got)
				}
				if u.settings.language() != "" {
					t.Error("the screenshot saved German as the language setting")
				}
				_ = applyLanguage("en")
			}
			if name == "edit" {
				q.until(t, "a picture", func() bool { return u.edit.preview.Image != nil })
			}
			if name == "parts" && len(u.found.parts.lines) != 2 {
				t.Errorf("the parts screen lists %d parts, want 2", len(u.found.parts.lines))
			}
		})
	}
}

func TestSettingsPersist(t *testing.T) {
	a := test.NewTempApp(t)
	s := settings{a.Preferences()}
	if s.jobs() != defaultJobs || s.keep() || s.language() != "" {
		t.Errorf("defaults: %d %v %q", s.jobs(), s.keep(), s.language())
	}
	a.Preferences().SetInt(prefJobs, 500)
	if s.jobs() != 32 {
		t.Errorf("jobs not capped: %d", s.jobs())
	}
	dir := t.TempDir()
	s.setOutputFolder(dir)
	if s.outputFolder() != dir {
		t.Errorf("output folder %q", s.outputFolder())
	}
	s.setOutputFolder(filepath.Join(dir, "gone"))
	if s.outputFolder() == filepath.Join(dir, "gone") {
		t.Error("a folder that no longer exists is offered")
	}

	// The job gets the settings.
	be := &fakeBackend{cands: readyCands()}
	h := newHarness(t, be)
	h.app.Preferences().SetInt(prefJobs, 4)
	h.app.Preferences().SetBool(prefKeep, true)
	h.u.showFound(readyCands())
	test.Tap(h.u.found.download)
	if o := be.opens[0]; o.Jobs != 4 || !o.Keep || o.Work != "" {
		t.Errorf("job opened with %+v", o)
	}
}

func TestAppearanceSwitch(t *testing.T) {
	h := newHarness(t, &fakeBackend{})
	h.u.setAppearance("dark")
	if currentVariant(h.app) != theme.VariantDark {
		t.Error("dark appearance not applied")
	}
	h.u.setAppearance("light")
	if currentVariant(h.app) != theme.VariantLight {
		t.Error("light appearance not applied")
	}
	if h.app.Preferences().String(prefAppearance) != "light" {
		t.Error("appearance not saved")
	}
	// The keyboard's place shows: the focus colour is no faint tint.
	for _, look := range []string{"light", "dark", ""} {
		h.u.setAppearance(look)
		if _, _, _, a := theme.Color(theme.ColorNameFocus).RGBA(); a>>8 < 0x60 {
			t.Errorf("%q: the focus colour is %d%% opaque", look, a*100/0xffff)
		}
	}
}

// inDialog reports whether o is in a dialog showing on w.
func inDialog(w fyne.Window, o fyne.CanvasObject) bool {
	for _, ov := range w.Canvas().Overlays().List() {
		for _, c := range test.LaidOutObjects(ov) {
			if c == o {
				return true
			}
		}
	}
	return false
}

// Switching language rebuilds every view but keeps where the user is.
func TestLanguageSwitchKeepsState(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		if len(be.jobs) == 0 {
			j.download = func(ctx context.Context, j *fakeJob) error {
				j.events(job.Progress{Done: 17, Total: 40, Bytes: 40 << 20})
				return &job.Error{Code: job.ExitCredentials, Msg: "expired"}
			}
		}
		return j
	}
	h := newHarness(t, be)
	t.Cleanup(func() { _ = applyLanguage("en") })
	h.u.showFound(readyCands())
	test.Tap(h.u.found.download)
	h.q.until(t, "the expired prompt", func() bool { return h.u.dl.expired.Visible() })

	h.u.setLanguage("es")
	d := h.u.dl
	if !d.expired.Visible() || !d.wantsFresh || d.bar.Value != 17.0/40 || d.title.Text != "Keynote" {
		t.Errorf("after switching language mid-download: expired %v, bar %v, title %q", d.expired.Visible(), d.bar.Value, d.title.Text)
	}
	if !strings.Contains(d.detail.Text, "17 de 40 partes") {
		t.Errorf("progress not in Spanish: %q", d.detail.Text)
	}

	h.u.dropped(fyne.NewPos(0, 0), []fyne.URI{fileURI("/tmp/fresh.har")})
	h.q.until(t, "the edit screen", func() bool { return h.u.screen == screenEdit })
	h.u.edit.trim.SetRange(20*time.Second, 50*time.Second)
	h.u.edit.setOffset(-300 * time.Millisecond)
	h.u.setLanguage("de")
	e := h.u.edit
	if e.trim.Start() != 20*time.Second || e.trim.End() != 50*time.Second || e.audioOffset != -300*time.Millisecond {
		t.Errorf("edit choices lost: %v..%v, %v", e.trim.Start(), e.trim.End(), e.audioOffset)
	}
	if e.save.Text != "Video speichern …" || h.u.screen != screenEdit {
		t.Errorf("save button %q on screen %v", e.save.Text, h.u.screen)
	}
}

// The About box is one tap away on every screen and tells which version
// this is and which ffmpeg it uses, under which licence.
func TestAboutBox(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	h := newHarness(t, be)
	h.u.version = "0.1.0 (build 3, v0.1.0-2-gabc1234)"
	var info *button
	for _, o := range test.LaidOutObjects(h.win.Content()) {
		if b, ok := o.(*button); ok && b.Icon == theme.InfoIcon() {
			info = b
		}
	}
	if info == nil {
		t.Fatal("no About button in the header")
	}
	test.Tap(info)
	box := h.u.about
	if box == nil || !inDialog(h.win, box.version) {
		t.Fatal("tapping the About button showed no About box")
	}
	if !strings.Contains(box.version.Text, "0.1.0 (build 3, v0.1.0-2-gabc1234)") {
		t.Errorf("version line %q", box.version.Text)
	}
	if !strings.Contains(box.tools.Text, "/opt/ffmpeg/bin/ffmpeg") || !strings.Contains(box.tools.Text, "LGPL") {
		t.Errorf("ffmpeg line %q", box.tools.Text)
	}
	box.d.Hide()

	be.mu.Lock()
	be.toolsErr = &media.MissingError{Tool: "ffmpeg", GOOS: "linux"}
	be.mu.Unlock()
	newAboutBox(h.u).show()
	if !strings.Contains(h.u.about.tools.Text, "not installed") {
		t.Errorf("without ffmpeg the About box says %q", h.u.about.tools.Text)
	}
}
