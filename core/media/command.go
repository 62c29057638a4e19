package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strings"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Every ffmpeg and ffprobe command of Replay Rescue is built here, on
// ffmpeg-go, and started by command (proc.go):
//
//   - what ffmpeg reads is an input, allowed only the protocols reading it
//     takes (whitelist), never a network one;
//   - filter graphs are ffmpeg-go's filter nodes: a -filter_complex is
//     written by ffmpeg-go, a simple one (-vf, -af) by chain;
//   - the global flags come from ffRun.flags, and ffmpeg-go compiles the
//     command line (GetArgs);
//   - ffprobe's options are written the way ffmpeg-go's own Probe writes
//     them (ConvertKwargsToCmdLineArgs, then the file), with an input's
//     options and protocols;
//   - both are started through command: no console window flashing up from
//     the GUI build on Windows, and the tool dies with Replay Rescue.
//
// ffmpeg-go's Run and Probe are not used: Probe runs the ffprobe on PATH
// (not the one Find chose) without a context, and neither starts the tool
// the way command does. Where ffmpeg-go falls short it is extended, not
// bypassed: -copyts is one of the global arguments; filters with no input
// stream (sources, a -vf chain) are made with its NewNode; values are
// escaped for the option parser first (optionValue). And it takes nodes
// with equal options fed alike for one node: an input read twice unshifted
// is read once unless asked apart (source.sound), and each part's silence
// differs (silence).

func init() {
	// ffmpeg-go logs every compiled command by default; ours must never reach
	// a log, so switch that off for the whole program.
	ffmpeg.LogCompiledCommand = false
}

// ffcmd is one ffmpeg or ffprobe command line, made by this file.
type ffcmd struct {
	tool string // the executable
	args []string
	err  error // the command could not be written (see ffmpegCmd)
}

// ffRun is how an ffmpeg run goes, as its global flags say (see flags).
type ffRun struct {
	// infoLog keeps ffmpeg's log at info level: the filters that measure
	// (probe_markers.go) report through it. Otherwise it logs errors only.
	infoLog bool
	// strict fails the run on any input ffmpeg cannot read whole
	// (-xerror): a missing chunk must fail the render, not shorten it.
	strict bool
	// progress writes ffmpeg's progress on stdout (see progressParser)
	// instead of its statistics line.
	progress bool
	// replace lets ffmpeg write over its output (-y): always a file of our
	// own (tempOutput's, or in the job folder).
	replace bool
	// copyts keeps the inputs' timestamps (see the renders that ask it).
	copyts bool
}

// renderRun is how the video is written: strict, with progress, into the
// temporary file tempOutput made.
var renderRun = ffRun{strict: true, progress: true, replace: true}

// flags are r's global flags; every ffmpeg run shows no banner and never
// reads the terminal.
func (r ffRun) flags() []string {
	flags := []string{"-hide_banner", "-nostdin"}
	if !r.infoLog {
		flags = append(flags, "-loglevel", "error")
	}
	if r.strict {
		flags = append(flags, "-xerror")
	}
	if r.infoLog || r.progress {
		flags = append(flags, "-nostats")
	}
	if r.progress {
		flags = append(flags, "-progress", "pipe:1")
	}
	if r.copyts {
		flags = append(flags, "-copyts")
	}
	return flags
}

// ffmpeg is t's ffmpeg writing out (an ffmpeg-go output), run as r says.
func (t Tools) ffmpeg(out *ffmpeg.Stream, r ffRun) ffcmd { return ffmpegCmd(t.FFmpeg, out, r) }

// ffmpegCmd is the ffmpeg at tool writing out, run as r says: ffmpeg-go
// writes the inputs, the filter graph and the output, with r's flags as
// its global arguments and -y as its OverWriteOutput.
func ffmpegCmd(tool string, out *ffmpeg.Stream, r ffRun) (c ffcmd) {
	c.tool = tool
	defer func() {
		// ffmpeg-go panics on a graph it cannot write (a stream used
		// twice, say): a fault of ours, told rather than crashing.
		if p := recover(); p != nil {
			c.args, c.err = nil, fmt.Errorf("the ffmpeg command could not be written: %v", p)
		}
	}()
	out = out.GlobalArgs(r.flags()...)
	if r.replace {
		out = out.OverWriteOutput()
	}
	c.args = out.GetArgs()
	return c
}

// ffprobe is t's ffprobe reading url, opts being its own options and the
// input's (f, safe...), logging errors only.
func (t Tools) ffprobe(url string, opts ...ffmpeg.KwArgs) ffcmd {
	kw := inputOptions(url, ffmpeg.MergeKwArgs(opts))
	kw["v"] = "error"
	return ffcmd{tool: t.FFprobe, args: append(ffmpeg.ConvertKwargsToCmdLineArgs(kw), url)}
}

// ask is tool (ffmpeg or ffprobe) asked something that reads no media:
// "version", "encoders".
func ask(tool, question string) ffcmd {
	return ffcmd{tool: tool, args: ffmpeg.ConvertKwargsToCmdLineArgs(ffmpeg.KwArgs{"hide_banner": "", question: ""})}
}

// input is url read by ffmpeg, with opts its input options.
func input(url string, opts ffmpeg.KwArgs) *ffmpeg.Stream {
	return ffmpeg.Input(url, inputOptions(url, opts))
}

// inputOptions are opts and the protocols reading url may open.
func inputOptions(url string, opts ffmpeg.KwArgs) ffmpeg.KwArgs {
	kw := opts.Copy()
	kw["protocol_whitelist"] = whitelist(url)
	return kw
}

// whitelist is what ffmpeg may open to read url: the job's local files,
// never a network protocol, whatever a list or a chunk names.
func whitelist(url string) string {
	switch {
	case strings.HasPrefix(url, "pipe:"):
		return "pipe" // chunks fed as they download (pipeSource)
	case strings.HasPrefix(url, "concatf:"):
		return "file,concatf,subfile,pipe" // chunks' bytes joined (byteSource)
	}
	return "file,pipe" // a file, or a concat list of files
}

// filter is a filter that takes no stream of ffmpeg-go's graph: a source
// (see Source), or one filter of a simple filtergraph (see chain). kw are
// its named options, args the ones given by position. ffmpeg-go's Filter
// needs an input stream; NewNode, which makes its filters, does not.
func filter(name string, kw ffmpeg.KwArgs, args ...string) *ffmpeg.Node {
	return ffmpeg.NewNode(nil, name, nil, "FilterableStream", 0, 0, args, kw, "FilterNode")
}

// Source is the source filter name (anullsrc, color, testsrc2...) with
// options kw, as a stream of an ffmpeg-go graph.
func Source(name string, kw ffmpeg.KwArgs) *ffmpeg.Stream {
	return filter(name, kw).Stream("", "")
}

// chain is a simple filtergraph (-vf, -af): filters written as ffmpeg-go
// writes those of a -filter_complex (GetFilter), one after the other.
func chain(filters ...*ffmpeg.Node) string {
	var s []string
	for _, f := range filters {
		s = append(s, f.GetFilter(nil))
	}
	return strings.Join(s, ",")
}

// optionValue escapes s as one filter option's value (\ ' :). ffmpeg-go
// escapes a filter for the graph's parser only (\ ' [ ] , ;), so a value
// that may hold these (a file's path) is escaped for the option parser
// here first.
func optionValue(s string) string {
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`, `:`, `\:`).Replace(s)
}

// RunFFmpeg runs the ffmpeg at path to write out, an ffmpeg-go output (the
// sample broadcast's), as every ffmpeg run here: quiet, never reading the
// terminal, started through command. action says what it was asked, in
// words, for the *FailedError telling ffmpeg's last message.
func RunFFmpeg(ctx context.Context, path, action string, out *ffmpeg.Stream) error {
	_, err := ffmpegCmd(path, out, ffRun{}).output(ctx, action, 1<<20)
	return err
}

// output runs c and returns its stdout; stdout beyond limit is an error.
func (c ffcmd) output(ctx context.Context, action string, limit int64) ([]byte, error) {
	var out bytes.Buffer
	if err := c.run(ctx, action, &limitWriter{w: &out, n: limit}, nil); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// log runs c and returns what it logged (its stderr: ffmpeg's info log),
// bounded.
func (c ffcmd) log(ctx context.Context, action string) (string, error) {
	var buf strings.Builder
	if err := c.run(ctx, action, nil, &limitWriter{w: &buf, n: 256 << 20}); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// run runs c, its stdout written to stdout and its stderr to stderr (either
// may be nil), and tells a failure: ctx's end, a *MissingError when the
// tool cannot start, else a *FailedError with the tool's last message.
func (c ffcmd) run(ctx context.Context, action string, stdout, stderr io.Writer) error {
	if c.err != nil {
		return c.err
	}
	cmd := command(ctx, c.tool, c.args...)
	tail := &tailBuffer{max: 16 << 10}
	cmd.Stdout, cmd.Stderr = stdout, tail
	if stderr != nil {
		cmd.Stderr = io.MultiWriter(stderr, tail)
	}
	err := run(cmd)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ee *exec.Error
	if errors.As(err, &ee) {
		return &MissingError{Tool: toolName(c.tool), GOOS: runtime.GOOS}
	}
	return &FailedError{Tool: toolName(c.tool), Action: action, Detail: tail.lastLine(), Err: err}
}
