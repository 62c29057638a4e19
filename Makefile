# Replay Rescue. `make run` and `make test` do all set-up on a fresh Debian or
# Ubuntu machine (see README.md for macOS and Windows).

SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin:$(HOME)/go/bin

VERSION := $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
BUILDNO := $(shell sed -n 's/^ *Build *= *\([0-9]*\)/\1/p' FyneApp.toml)
COMMIT  := $(shell git describe --tags --always --dirty 2>/dev/null)
LDFLAGS := -X main.version=$(VERSION) -X main.build=$(BUILDNO) -X main.commit=$(COMMIT)
BIN     := bin/replayrescue
OUT     := out

.PHONY: all setup build run demo test test-short vet fmt clean package package-windows package-check check-windows screenshot fuzz bench bench-memory

all: build

setup:
	@scripts/setup.sh

build: setup
	go build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/replayrescue

# Opens the window; on a machine without a display it saves the sample
# broadcast headless instead.
run: build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		./$(BIN); \
	else \
		echo "No display found: saving the built-in sample broadcast without the window instead."; \
		mkdir -p $(OUT) && ./$(BIN) demo --force -o $(OUT)/sample-talk.mp4; \
	fi

# Always the headless sample save.
demo: build
	mkdir -p $(OUT)
	./$(BIN) demo --force -o $(OUT)/sample-talk.mp4

STATICCHECK := $(HOME)/go/bin/staticcheck
# Fast packages also run under the race detector (it needs cgo: gcc).
RACE_PKGS := ./core/web/... ./core/playlist/... ./core/chat/... ./core/fetch/... ./core/internal/...

vet:
	gofmt -l . | tee /dev/stderr | (! read)
	go vet -tags ci ./...
	@[ -x $(STATICCHECK) ] || go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
	$(STATICCHECK) -tags ci ./...

# Every test: unit, UI (headless, -tags ci) and integration against the
# loopback sample with the real ffmpeg.
test: setup vet
	go test -tags ci -count=1 -timeout 30m ./...
	go test -tags ci -count=1 -race $(RACE_PKGS)
	$(MAKE) --no-print-directory fuzz FUZZTIME=2000x

# The quick check (under a minute once built): vet, then every package's
# tests with -short, which skip the slow real-ffmpeg cases but keep one real
# render (core/media) and one real MP4 rewrite (core/mp4).
test-short: vet
	go test -tags ci -short ./...

# Linux .tar.xz with the Fyne packager, in out/; never touches the checkout.
package: setup
	scripts/package.sh linux

# Windows .zip (GUI exe with icon and version resources, console exe for
# scripts), cross-built with Debian's mingw-w64, in out/.
package-windows: setup
	@scripts/setup.sh --windows
	scripts/package.sh windows

# Both packages, checked as a user meets them: the Linux one installed into a
# temporary prefix and its window opened under Xvfb; the Windows exe a PE32+
# GUI program with its icon. CI runs this after the tests.
package-check: package package-windows
	scripts/check-package.sh linux
	scripts/check-package.sh windows

# The Windows package run under Wine and Xvfb: the console exe's version and
# ffmpeg status, the sample saved by the exe (checked here: every frame, in
# sync), the window and the sample's edit screen (out/windows-check/*.png),
# and the job object that makes ffmpeg die with the app. The first run on a
# machine also cross-builds a small ffmpeg.exe from Debian's source package
# into ~/.cache/replayrescue-wine (see README, "Windows under Wine").
check-windows: package-windows
	@scripts/setup.sh --wine
	scripts/check-windows.sh

# Replay Rescue against ffmpeg, yt-dlp, streamlink and aria2c on a loopback
# replay limited to 1 MiB/s per connection (BENCH_DURATION, default 10m).
bench:
	@scripts/setup.sh --bench
	scripts/bench.sh $(BENCH_DURATION)

# Replay Rescue's peak memory and ffmpeg's, apart, and CPU per MB, on
# unthrottled replays of each length in BENCH_DURATIONS (default 10m 1h 3h;
# the samples are made once and cached, several minutes for 3h).
bench-memory:
	@scripts/setup.sh
	scripts/bench.sh --memory $(BENCH_DURATIONS)

# A PNG of every screen of the real window under Xvfb, in shots/.
screenshot: build
	scripts/screenshots.sh $(BIN)

# Every fuzz target of the project, each for FUZZTIME (corpora in each
# package's testdata/fuzz). `make test` runs them briefly, by count rather
# than time so a busy machine cannot cut the baseline run short; failures
# found are written there as new seed files.
FUZZTIME ?= 60s
fuzz:
	@for pkg in $$(go list ./core/...); do \
		for f in $$(go test -list '^Fuzz' $$pkg | grep ^Fuzz); do \
			echo "fuzz $$pkg $$f ($(FUZZTIME))"; \
			out=$$(go test -run XXX -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg 2>&1) || { echo "$$out" | grep -v '^fuzz: elapsed'; exit 1; }; \
		done; done

fmt:
	gofmt -w .

clean:
	rm -rf bin $(OUT)
