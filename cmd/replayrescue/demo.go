package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"replayrescue/core/rescue"
)

// demoLength keeps the built-in sample quick to make and to save while still
// being long enough (40 chunks) to show parallel downloading.
const demoLength = 2 * time.Minute

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	var f saveFlags
	f.register(fs, false)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: replayrescue demo [-o FILE]\n\nServes the built-in sample broadcast on this computer and saves it, as save would. Flags:")
		fs.PrintDefaults()
	}
	// The sample's audio runs 2 s early, like the broadcast in the story this
	// app comes from; the demo fixes it unless told otherwise.
	f.audioOffset = "2s"
	if _, code, ok := parseArgs(fs, args, stderr); !ok {
		return code
	}
	out := newReporter(stdout, stderr, f.json)
	settings, err := f.settings()
	if err != nil {
		return out.fail(err)
	}
	if len(f.offsets) > 1 {
		return out.fail(usageError("The demo saves one broadcast: give one --audio-offset."))
	}
	settings.Output = outputPath(f.output, "sample talk", false)
	if err := rescue.CheckOutput(settings.Output, settings.Force); err != nil {
		return out.fail(err)
	}
	tools, err := f.useTools(stderr)
	if err != nil {
		return out.fail(err)
	}
	fmt.Fprintln(stderr, "Preparing the sample broadcast (the first time takes a few seconds)...")
	smp, err := rescue.StartSample(ctx, tools, demoLength, "Sample talk", "sample-demo")
	if err != nil {
		return out.fail(err)
	}
	defer smp.Close()
	opts := rescue.Options{Work: f.work, Jobs: f.jobs, Keep: f.keep, Tools: tools, Events: out.event}
	if err := rescue.Save(ctx, smp.Source, opts, settings); err != nil {
		return out.fail(err)
	}
	return 0
}
