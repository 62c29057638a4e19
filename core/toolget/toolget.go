// Package toolget fetches a verified ffmpeg and ffprobe for people who
// cannot install them: it downloads a pinned static build, checks it
// against the SHA-256 in its table, unpacks only the two programs into
// Replay Rescue's data folder, checks they run, and moves them into place in
// one rename. Whatever fails, nothing half-installed is left behind.
// media.Find then prefers that folder to anything on PATH.
package toolget

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"replayrescue/core/media"
	"replayrescue/core/web"
)

// Build is one downloadable ffmpeg for one operating system and processor.
type Build struct {
	GOOS, GOARCH string
	Version      string // ffmpeg's version, "7.1.5"
	Distributor  string // who builds it, for About
	Base         string // the distributor's download address; Options.BaseURL replaces it
	Path         string // the archive (a zip), relative to Base
	SHA256       string // hex digest of the archive; without one the build is never downloaded
	Size         int64  // about how big the archive is (bytes): for the question, and twice it caps the download
	Licence      string // "LGPL-3.0-or-later"
	// Where the programs and the licence text are inside the archive.
	// LicenceFile is optional.
	FFmpeg, FFprobe, LicenceFile string
}

// Options say where to download from and to. Zero values are the real ones.
type Options struct {
	Builds       []Build // default DefaultBuilds()
	BaseURL      string  // replaces each build's Base: a mirror, or a test server
	DataDir      string  // default media.DataDir(); the tools go in DataDir/ffmpeg
	GOOS, GOARCH string  // default: this computer's
	// Progress is called as the archive arrives; total is -1 when the
	// server does not say.
	Progress func(done, total int64)
	Client   *http.Client
}

func (o Options) withDefaults() (Options, error) {
	if o.Builds == nil {
		o.Builds = DefaultBuilds()
	}
	if o.GOOS == "" {
		o.GOOS = runtime.GOOS
	}
	if o.GOARCH == "" {
		o.GOARCH = runtime.GOARCH
	}
	if o.DataDir == "" {
		d, err := media.DataDir()
		if err != nil {
			return o, &Error{Msg: "Replay Rescue cannot find a folder of its own to keep the video tool in: " + media.InstallHint(o.GOOS), Err: err}
		}
		o.DataDir = d
	}
	if o.Client == nil {
		o.Client = web.NewClient(web.Credentials{}, web.ClientOptions{MaxConnsPerHost: 2, ResponseHeaderTimeout: time.Minute})
	}
	return o, nil
}

// Error is a failed install, put in one sentence for the user.
type Error struct {
	Msg string
	Err error
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// Lookup returns the verified build for the computer o describes; ok is
// false when there is none (then the user installs ffmpeg by hand).
func Lookup(o Options) (b Build, ok bool) {
	if o.Builds == nil {
		o.Builds = DefaultBuilds()
	}
	goos, goarch := o.GOOS, o.GOARCH
	if goos == "" {
		goos = runtime.GOOS
	}
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	for _, b := range o.Builds {
		if b.GOOS == goos && b.GOARCH == goarch && b.SHA256 != "" {
			return b, true
		}
	}
	return Build{}, false
}

// Names of what Install leaves in the data folder.
const (
	toolsDir    = "ffmpeg"
	infoFile    = "build.json"
	licenceFile = "LICENSE.txt"
	// Leftovers of an install that was killed start with these.
	prefixDownload = ".ffmpeg-download-"
	prefixNew      = ".ffmpeg-new-"
	prefixOld      = ".ffmpeg-old-"
)

// stallTimeout ends a download that stopped sending: a connection can hang
// forever mid-body, and nobody should have to guess.
const stallTimeout = 90 * time.Second

// Install downloads, verifies and installs the build for this computer and
// returns the tools it installed. On any failure nothing new is left in
// the data folder and a copy installed before stays as it was.
func Install(ctx context.Context, o Options) (media.Tools, error) {
	o, err := o.withDefaults()
	if err != nil {
		return media.Tools{}, err
	}
	b, ok := Lookup(o)
	if !ok {
		return media.Tools{}, &Error{Msg: "This version of Replay Rescue has no verified ffmpeg download for this computer yet: " + media.InstallHint(o.GOOS)}
	}
	if err := os.MkdirAll(o.DataDir, 0o755); err != nil {
		return media.Tools{}, diskError(o.DataDir, err)
	}
	removeLeftovers(o.DataDir)

	archive, err := download(ctx, o, b)
	if archive != "" {
		defer os.Remove(archive)
	}
	if err != nil {
		return media.Tools{}, err
	}
	stage, err := os.MkdirTemp(o.DataDir, prefixNew)
	if err != nil {
		return media.Tools{}, diskError(o.DataDir, err)
	}
	defer os.RemoveAll(stage) // gone after the rename below, or a failure
	tools, err := unpack(archive, stage, b, o.GOOS)
	if err != nil {
		return media.Tools{}, err
	}
	if tools.Major, tools.Minor, err = check(ctx, tools, o.GOOS); err != nil {
		return media.Tools{}, err
	}
	if err := writeInfo(stage, b, buildURL(o, b)); err != nil {
		return media.Tools{}, diskError(o.DataDir, err)
	}
	dest := filepath.Join(o.DataDir, toolsDir)
	if err := swapInto(stage, dest); err != nil {
		// On Windows a program that is running cannot be moved.
		return media.Tools{}, &Error{Msg: fmt.Sprintf("Replay Rescue could not put the new video tool in %s (is the old one still in use? close other Replay Rescue windows and try again), so nothing was changed.", dest), Err: err}
	}
	tools.FFmpeg = filepath.Join(dest, filepath.Base(tools.FFmpeg))
	tools.FFprobe = filepath.Join(dest, filepath.Base(tools.FFprobe))
	tools.Downloaded = true
	return tools, nil
}

func buildURL(o Options, b Build) string {
	base := b.Base
	if o.BaseURL != "" {
		base = o.BaseURL
	}
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(b.Path, "/")
}

// checkURL allows https, and plain http only to this computer (a test
// server or a local mirror).
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Scheme == "https" {
		return nil
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); u.Scheme == "http" && (host == "localhost" || ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("only https downloads are allowed, not %s", web.RedactURL(raw))
}

// download fetches b's archive into a temporary file in the data folder,
// hashing it as it arrives, and returns that file's name (also on failure,
// for the caller to remove).
func download(ctx context.Context, o Options, b Build) (string, error) {
	hint := media.InstallHint(o.GOOS)
	raw := buildURL(o, b)
	if err := checkURL(raw); err != nil {
		return "", &Error{Msg: "The address of the video tool's download is not a safe one, so nothing was downloaded: " + hint, Err: err}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return "", &Error{Msg: "The video tool's download address is broken: " + hint, Err: err}
	}
	resp, err := o.Client.Do(req)
	if err != nil {
		return "", netError(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", &Error{Msg: fmt.Sprintf("The video tool could not be downloaded (the site answered %q), so nothing was installed: try again later, or %s", resp.Status, hint),
			Err: web.NewStatusError(resp.StatusCode, raw)}
	}
	limit := int64(1 << 30)
	if b.Size > 0 {
		limit = 2 * b.Size
	}
	if resp.ContentLength > limit {
		return "", &Error{Msg: "The video tool's download is much bigger than expected, so it was not downloaded: try again later, or " + hint}
	}

	f, err := os.CreateTemp(o.DataDir, prefixDownload)
	if err != nil {
		return "", diskError(o.DataDir, err)
	}
	name := f.Name()
	sum := sha256.New()
	watch := time.AfterFunc(stallTimeout, func() { cancel(errStalled) })
	defer watch.Stop()
	p := &progress{report: o.Progress, total: resp.ContentLength}
	body := &watchedReader{r: io.LimitReader(resp.Body, limit+1), watch: watch}
	n, err := io.Copy(io.MultiWriter(f, sum, p), body)
	if cerr := f.Close(); err == nil && cerr != nil {
		return name, diskError(o.DataDir, cerr)
	}
	p.done()
	switch {
	case err != nil && isWriteError(err, f):
		return name, diskError(o.DataDir, err)
	case err != nil && errors.Is(context.Cause(ctx), errStalled):
		return name, &Error{Msg: "The download of the video tool stopped coming in, so nothing was installed: check the internet connection and try again.", Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF), err == nil && resp.ContentLength >= 0 && n != resp.ContentLength:
		return name, &Error{Msg: "The download of the video tool broke off before the end, so nothing was installed: check the internet connection and try again.", Err: err}
	case err != nil:
		return name, netError(ctx, err)
	case n > limit:
		return name, &Error{Msg: "The video tool's download is much bigger than expected, so it was not installed: try again later, or " + hint}
	}
	if got := hex.EncodeToString(sum.Sum(nil)); !strings.EqualFold(got, b.SHA256) {
		return name, &Error{Msg: "The downloaded video tool is not the one Replay Rescue expects (it may have been damaged or changed on the way), so it was not installed: try again later, or " + hint,
			Err: fmt.Errorf("sha256 %s, want %s", got, b.SHA256)}
	}
	return name, nil
}

var errStalled = errors.New("no data for too long")

// watchedReader pushes the stall watchdog back on every read that brings data.
type watchedReader struct {
	r     io.Reader
	watch *time.Timer
}

func (w *watchedReader) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if n > 0 {
		w.watch.Reset(stallTimeout)
	}
	return n, err
}

// progress reports bytes as they are written, about every half percent:
// enough for a smooth bar, few enough not to flood a window.
type progress struct {
	report     func(done, total int64)
	total      int64
	n, lastRep int64
}

func (p *progress) Write(b []byte) (int, error) {
	p.n += int64(len(b))
	step := int64(1 << 20)
	if p.total > 0 {
		step = max(p.total/200, 64<<10)
	}
	if p.report != nil && p.n-p.lastRep >= step {
		p.lastRep = p.n
		p.report(p.n, p.total)
	}
	return len(b), nil
}

func (p *progress) done() {
	if p.report != nil && p.n != p.lastRep {
		p.report(p.n, p.total)
	}
}

// isWriteError tells a failed write to f (a full disk) from a failed read.
func isWriteError(err error, f *os.File) bool {
	var pe *os.PathError
	return errors.As(err, &pe) && pe.Path == f.Name()
}

func netError(ctx context.Context, err error) error {
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return &Error{Msg: "Stopped: nothing was installed.", Err: context.Canceled}
	}
	words, ok := web.Describe(err)
	if !ok {
		words = "the download did not work"
	}
	if !web.Connection(err) { // a redirect loop, say: the connection is fine
		return &Error{Msg: "The video tool could not be downloaded: " + words + ".", Err: err}
	}
	return &Error{Msg: "The video tool could not be downloaded (" + words + "): check the internet connection and try again.", Err: err}
}

func diskError(dir string, err error) error {
	return &Error{Msg: fmt.Sprintf("Replay Rescue could not save the video tool in %s (is the disk full?), so nothing was installed.", dir), Err: err}
}

// maxTool bounds each unpacked program: a real ffmpeg.exe is about 110 MB.
const maxTool = 512 << 20

// unpack copies the two programs (and the licence text, when the build
// names one) out of the archive into dir, under names of our own: nothing
// from inside the archive becomes a path.
func unpack(archive, dir string, b Build, goos string) (media.Tools, error) {
	hint := media.InstallHint(goos)
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return media.Tools{}, &Error{Msg: "The downloaded video tool could not be opened, so it was not installed: try again later, or " + hint, Err: err}
	}
	defer zr.Close()
	entries := map[string]*zip.File{}
	for _, f := range zr.File {
		entries[f.Name] = f
	}
	t := media.Tools{FFmpeg: filepath.Join(dir, exe("ffmpeg", goos)), FFprobe: filepath.Join(dir, exe("ffprobe", goos))}
	for _, want := range []struct{ inside, to, tool string }{
		{b.FFmpeg, t.FFmpeg, "ffmpeg"},
		{b.FFprobe, t.FFprobe, "ffprobe"},
		{b.LicenceFile, filepath.Join(dir, licenceFile), ""},
	} {
		if want.inside == "" {
			continue
		}
		zf := entries[want.inside]
		if zf == nil && want.tool == "" {
			continue // the licence is shown when there; its absence does not stop the tool
		}
		if zf == nil {
			return media.Tools{}, &Error{Msg: fmt.Sprintf("The downloaded package does not contain %s, so nothing was installed: try again later, or %s", want.tool, hint)}
		}
		if err := extract(zf, want.to); err != nil {
			return media.Tools{}, &Error{Msg: "The downloaded video tool could not be unpacked (the package is damaged, or the disk is full), so nothing was installed: try again later, or " + hint, Err: err}
		}
	}
	return t, nil
}

func exe(name, goos string) string {
	if goos == "windows" {
		return name + ".exe"
	}
	return name
}

func extract(zf *zip.File, to string) (err error) {
	if zf.UncompressedSize64 > maxTool {
		return fmt.Errorf("%s is %d bytes", zf.Name, zf.UncompressedSize64)
	}
	r, err := zf.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}()
	// zip's reader checks the size and CRC at the end, so a damaged entry
	// fails here rather than as a broken program later.
	_, err = io.Copy(w, io.LimitReader(r, maxTool))
	return err
}

// check runs the unpacked tools before they replace anything.
func check(ctx context.Context, t media.Tools, goos string) (major, minor int, err error) {
	hint := media.InstallHint(goos)
	major, minor, err = t.Check(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return 0, 0, &Error{Msg: "Stopped: nothing was installed.", Err: ctx.Err()}
		}
		return 0, 0, &Error{Msg: "The downloaded video tool does not run on this computer, so it was not installed: " + hint, Err: err}
	}
	if media.TooOld(major, minor, goos) != "" {
		return 0, 0, &Error{Msg: fmt.Sprintf("The downloaded ffmpeg is version %d.%d, older than Replay Rescue can use, so it was not installed: %s", major, minor, hint)}
	}
	return major, minor, nil
}

// Info is what Install records about the build it installed.
type Info struct {
	Version     string
	Distributor string
	Licence     string
	URL         string
	SHA256      string
	Installed   time.Time
}

func writeInfo(dir string, b Build, u string) error {
	data, err := json.MarshalIndent(Info{Version: b.Version, Distributor: b.Distributor, Licence: b.Licence,
		URL: web.RedactURL(u), SHA256: b.SHA256, Installed: time.Now().UTC()}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, infoFile), data, 0o644)
}

// swapInto makes stage the folder dest in one rename; an older install is
// moved aside first and removed once the new one is in place (or put back
// when the rename fails).
func swapInto(stage, dest string) error {
	var old string
	if _, err := os.Stat(dest); err == nil {
		d, err := os.MkdirTemp(filepath.Dir(dest), prefixOld)
		if err != nil {
			return err
		}
		old = filepath.Join(d, "ffmpeg")
		if err := os.Rename(dest, old); err != nil {
			os.Remove(d)
			return fmt.Errorf("moving the old tools aside: %w", err)
		}
	}
	if err := os.Rename(stage, dest); err != nil {
		if old != "" {
			_ = os.Rename(old, dest)
			os.RemoveAll(filepath.Dir(old))
		}
		return fmt.Errorf("moving the new tools into place: %w", err)
	}
	if old != "" {
		os.RemoveAll(filepath.Dir(old))
	}
	return nil
}

// removeLeftovers deletes what an install killed half-way left behind.
func removeLeftovers(dataDir string) {
	for _, prefix := range []string{prefixDownload, prefixNew, prefixOld} {
		old, _ := filepath.Glob(filepath.Join(dataDir, prefix+"*"))
		for _, p := range old {
			os.RemoveAll(p)
		}
	}
}

// Installed tells what Install put in dataDir ("": media.DataDir()); ok is
// false when nothing was downloaded there.
func Installed(dataDir string) (Info, bool) {
	dir, err := installedDir(dataDir)
	if err != nil {
		return Info{}, false
	}
	data, err := os.ReadFile(filepath.Join(dir, infoFile))
	if err != nil {
		return Info{}, false
	}
	var info Info
	if json.Unmarshal(data, &info) != nil {
		return Info{}, false
	}
	return info, true
}

// Licence is the text to show in About for the downloaded ffmpeg: who built
// it, its licence, and the licence text that came with it. ok is false when
// no ffmpeg was downloaded.
func Licence(dataDir string) (text string, ok bool) {
	info, ok := Installed(dataDir)
	if !ok {
		return "", false
	}
	dir, _ := installedDir(dataDir)
	var sb strings.Builder
	fmt.Fprintf(&sb, "FFmpeg %s, built by %s, is free software under the %s licence. Replay Rescue runs it as a separate program; its source code is at https://ffmpeg.org.\n", info.Version, info.Distributor, info.Licence)
	if text, err := os.ReadFile(filepath.Join(dir, licenceFile)); err == nil {
		sb.WriteString("\n")
		sb.Write(text)
	}
	return sb.String(), true
}

func installedDir(dataDir string) (string, error) {
	if dataDir == "" {
		d, err := media.DataDir()
		if err != nil {
			return "", err
		}
		dataDir = d
	}
	return filepath.Join(dataDir, toolsDir), nil
}
