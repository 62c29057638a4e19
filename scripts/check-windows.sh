#!/usr/bin/env bash
# Runs the Windows build (the zip `make package-windows` put in out/) under
# Wine and Xvfb, the way a presenter would use it, and leaves what it made in
# out/windows-check/:
#   0. a Wine prefix with the ProcessPrng shim Go needs (Wine 8 lacks it; test
#      scaffolding, never shipped), and a small LGPL ffmpeg.exe/ffprobe.exe
#      cross-built from Debian's source package (scripts/wine-ffmpeg.sh,
#      cached in ~/.cache/replayrescue-wine)
#   1. replayrescue-cli.exe --version and ffmpeg status; the one-click ffmpeg
#      download from the toolget fake on loopback into %LOCALAPPDATA%
#   2. demo.mp4: the built-in sample saved by the exe (its job folder and
#      output under "Zoë's talks 2026"), checked here with this computer's
#      ffprobe (every frame, sync within 40 ms); the sample's chunks are made
#      here too, in mpeg4 as the exe would make them
#   3. "Replay Rescue.exe" opened: window.png (start screen) and edit.png (the
#      sample's edit screen, reached by clicking as a user would)
#   4. what only Windows has: ffmpeg dies with the app (job object; the
#      sample's ffmpeg too), the job lock's sentence for a second save into
#      the same folder (test binaries of core/media, core/sample, core/job)
# The ffmpeg here has no H.264 encoder (no x264: GPL, and not built), so the
# exe picks mpeg4 for the sample and for re-encodes; only the stream-copy save
# paths are checked, which are what the demo and a plain save use (exact
# cuts, joins and burned-in chat re-encode: Linux only).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out="$root/out/windows-check"
cache="${REPLAYRESCUE_WINE_CACHE:-$HOME/.cache/replayrescue-wine}"
version=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
zip="$root/out/ReplayRescue-$version-windows-amd64.zip"
say() { echo "check-windows: $*"; }
fail() { echo "check-windows: FAILED: $*" >&2; exit 1; }
step_start=$SECONDS
step() { say "$1 ($((SECONDS - step_start)) s so far)"; }

# Everything runs inside one Xvfb (the GUI needs it; wine is quieter too).
if [ -z "${RR_INSIDE_XVFB:-}" ]; then
  for t in wine x86_64-w64-mingw32-gcc xvfb-run xdotool import ffprobe; do
    command -v "$t" >/dev/null || fail "$t is missing: run scripts/setup.sh --wine"
  done
  [ -f "$zip" ] || fail "$zip is missing: run make package-windows"
  RR_INSIDE_XVFB=1 exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi

tmp=$(mktemp -d)
app_pids=()
cleanup() {
  local p
  for p in "${app_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # Only this check's own prefix's wineserver (and the Windows processes in it).
  [ -n "${WINEPREFIX:-}" ] && wineserver -k 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
rm -rf "$out"
mkdir -p "$out"

# winpath: the Windows name of a Unix path (Wine's Z: drive is /).
winpath() { local p; p=$(realpath -m "$1"); echo "Z:${p//\//\\}"; }

# --- 0. the prefix and the tools ---------------------------------------------
# REPLAYRESCUE_WINE_FFMPEG_DIR names a folder with an ffmpeg.exe and
# ffprobe.exe to use instead of the cross-built ones.
ffdir=${REPLAYRESCUE_WINE_FFMPEG_DIR:-$(scripts/wine-ffmpeg.sh)}
[ -f "$ffdir/ffmpeg.exe" ] && [ -f "$ffdir/ffprobe.exe" ] || fail "no ffmpeg.exe and ffprobe.exe in $ffdir"
step "ffmpeg.exe and ffprobe.exe ready in $ffdir"

export WINEDEBUG=-all WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml="
# Wine turns command-line arguments into UTF-16 by the locale: UTF-8 here.
export LC_ALL=C.UTF-8
# One prefix per Wine version, kept between runs; what the app writes in it
# (its data and cache folders under AppData) is removed before each run.
export WINEPREFIX="$cache/prefix-$(wine --version | tr -cs 'A-Za-z0-9.\n' - | sed 's/-$//')"
if [ ! -f "$WINEPREFIX/.ready" ]; then
  say "making the Wine prefix $WINEPREFIX"
  rm -rf "$WINEPREFIX"
  wineboot -i >"$tmp/wineboot.log" 2>&1 || { cat "$tmp/wineboot.log" >&2; fail "wineboot failed"; }
  wineserver -w
  touch "$WINEPREFIX/.ready"
fi
sys32="$WINEPREFIX/drive_c/windows/system32"
x86_64-w64-mingw32-gcc -shared -O2 -s -o "$tmp/bcryptprimitives.dll" scripts/wine/processprng.c -ladvapi32
cmp -s "$tmp/bcryptprimitives.dll" "$sys32/bcryptprimitives.dll" || cp "$tmp/bcryptprimitives.dll" "$sys32/"
users="$WINEPREFIX/drive_c/users/$(id -un)"
localappdata="$users/AppData/Local"
rm -rf "$localappdata/ReplayRescue" "$localappdata/replayrescue" "$localappdata/fyne" "$users/AppData/Roaming/fyne" "$users/AppData/Roaming/ReplayRescue"

# The sample broadcast (2 min, mpeg4 as the exe picks with an ffmpeg without
# an H.264 encoder) is made with this computer's ffmpeg, kept in the cache,
# and put where the exe looks for it (%LOCALAPPDATA%\replayrescue\sample):
# making it is not what this check is about, and the small ffmpeg.exe has
# only what saving needs.
RR_WINDOWS_SAMPLE_CACHE="$cache/sample" env -u REPLAYRESCUE_FFMPEG -u REPLAYRESCUE_FFPROBE go test -count=1 -run '^TestMakeWindowsSample$' ./cmd/replayrescue >"$tmp/sample.log" 2>&1 ||
  { cat "$tmp/sample.log" >&2; fail "could not make the sample broadcast"; }
mkdir -p "$localappdata/replayrescue"
cp -r "$cache/sample" "$localappdata/replayrescue/"

unzip -q "$zip" -d "$tmp/zip"
appdir="$tmp/zip/Replay Rescue"
cli="$appdir/replayrescue-cli.exe"
gui="$appdir/Replay Rescue.exe"
export REPLAYRESCUE_FFMPEG REPLAYRESCUE_FFPROBE
REPLAYRESCUE_FFMPEG=$(winpath "$ffdir/ffmpeg.exe")
REPLAYRESCUE_FFPROBE=$(winpath "$ffdir/ffprobe.exe")
step "Wine prefix ready"

# --- 1. the console exe ------------------------------------------------------
got=$(wine "$cli" --version 2>"$tmp/err" | tr -d '\r') || { cat "$tmp/err" >&2; fail "replayrescue-cli.exe --version failed"; }
case "$got" in "Replay Rescue $version"*) ;; *) fail "replayrescue-cli.exe --version says \"$got\", want version $version" ;; esac
say "replayrescue-cli.exe --version: $got"
wine "$cli" ffmpeg status >"$out/ffmpeg-status.txt" 2>&1 || { cat "$out/ffmpeg-status.txt" >&2; fail "ffmpeg status failed"; }
tr -d '\r' <"$out/ffmpeg-status.txt" | grep -q "^It will do.$" || { cat "$out/ffmpeg-status.txt" >&2; fail "ffmpeg status did not say \"It will do.\""; }
grep -q "from: *REPLAYRESCUE_FFMPEG" "$out/ffmpeg-status.txt" || fail "ffmpeg status does not say the tools came from REPLAYRESCUE_FFMPEG"
step "ffmpeg status finds the cross-built tools through REPLAYRESCUE_FFMPEG"
# The one-click download of the same tools, served by the toolget fake on
# loopback: downloaded, hash-checked and unpacked under %LOCALAPPDATA%.
GOOS=windows GOARCH=amd64 go test -c -o "$tmp/toolget.test.exe" ./core/toolget
RR_WINDOWS_TOOLS=$(winpath "$ffdir") REPLAYRESCUE_FFMPEG="" REPLAYRESCUE_FFPROBE="" \
  wine "$tmp/toolget.test.exe" -test.run '^TestInstallRealToolsOnWindows$' -test.v >"$out/ffmpeg-download.log" 2>&1 ||
  { cat "$out/ffmpeg-download.log" >&2; fail "the ffmpeg download into %LOCALAPPDATA% failed"; }
grep -q -- "--- PASS: TestInstallRealToolsOnWindows" "$out/ffmpeg-download.log" || { cat "$out/ffmpeg-download.log" >&2; fail "the ffmpeg download test did not run"; }
rm -rf "$localappdata/ReplayRescue"
step "the one-click ffmpeg download from the loopback fake works into %LOCALAPPDATA%"

# --- 2. the sample saved by the exe -------------------------------------------
# Into a job folder and an output under a name with spaces, an apostrophe and
# a non-ASCII letter, as a presenter's own folders are named; the demo's
# loopback server hands out cookies and serves only to them.
zoe="$out/Zoë's talks 2026"
mkdir -p "$zoe"
# --keep: the exe would then remove the job folder with Go's os.RemoveAll,
# which fails on Wine 8 only ("unlinkat: Invalid function": Wine lacks
# FileDispositionInformationEx, which Windows has had since 10 1607).
wine "$cli" demo --force --keep --work "$(winpath "$zoe/job")" -o "$(winpath "$zoe/demo.mp4")" >"$out/demo.log" 2>&1 ||
  { tail -20 "$out/demo.log" >&2; fail "demo failed"; }
[ -s "$zoe/demo.mp4" ] || fail "demo made no $zoe/demo.mp4"
mv "$zoe/demo.mp4" "$out/demo.mp4"
RR_WINDOWS_DEMO="$out/demo.mp4" env -u REPLAYRESCUE_FFMPEG -u REPLAYRESCUE_FFPROBE go test -count=1 -run '^TestWindowsSampleSave$' -v ./cmd/replayrescue >"$out/demo-check.log" 2>&1 ||
  { cat "$out/demo-check.log" >&2; fail "demo.mp4 from the Windows exe is not the whole sample in sync"; }
grep -E 'wincheck_test.go.*flashes' "$out/demo-check.log" | sed 's/^ */check-windows: /'
step "demo.mp4 saved by the Windows exe through \"Zoë's talks 2026\": every frame, in sync"

# --- 3. the window ------------------------------------------------------------
# waitwin NAME: the id of the first visible window whose title is NAME.
waitwin() {
  local id i
  for i in $(seq 1 120); do
    id=$(xdotool search --onlyvisible --name "^$1\$" 2>/dev/null | head -1 || true)
    [ -n "$id" ] && { echo "$id"; return 0; }
    sleep 0.5
  done
  return 1
}
wine "$gui" >"$out/window.log" 2>&1 &
app_pids+=($!)
win=$(waitwin "Replay Rescue") || fail "no window titled \"Replay Rescue\" appeared (log: $out/window.log)"
sleep 3 # the first frame under Xvfb's software OpenGL
import -window root "$out/window.png"
step "the window opened: $out/window.png"
"$root/scripts/wine/click-to-edit.sh" "$win" "$out" || fail "could not reach the sample's edit screen (see $out/click-*.png)"
import -window root "$out/edit.png"
step "the sample's edit screen: $out/edit.png"
kill "${app_pids[-1]}" 2>/dev/null || true
wineserver -k 2>/dev/null || true

# --- 4. what only Windows has -------------------------------------------------
GOOS=windows GOARCH=amd64 go test -c -o "$tmp/media.test.exe" ./core/media
wine "$tmp/media.test.exe" -test.run '^TestToolDiesWithUs$' -test.v >"$out/job-object.log" 2>&1 ||
  { cat "$out/job-object.log" >&2; fail "ffmpeg does not die with the app on Windows (job object)"; }
grep -q -- "--- PASS: TestToolDiesWithUs" "$out/job-object.log" || { cat "$out/job-object.log" >&2; fail "the job object test did not run"; }
GOOS=windows GOARCH=amd64 go test -c -o "$tmp/sample.test.exe" ./core/sample
wine "$tmp/sample.test.exe" -test.run '^TestSampleFFmpegStartedLikeTheOthers$' -test.v >"$out/sample-ffmpeg.log" 2>&1 ||
  { cat "$out/sample-ffmpeg.log" >&2; fail "the sample's ffmpeg is not started like the others (hidden console, job object)"; }
step "a tool started by the app dies when the app is killed (job object), the sample's ffmpeg too"

GOOS=windows GOARCH=amd64 go test -c -o "$tmp/job.test.exe" ./core/job
wine "$tmp/job.test.exe" -test.run '^TestLockAcrossProcessesOnWindows$' -test.v >"$out/job-lock.log" 2>&1 ||
  { cat "$out/job-lock.log" >&2; fail "the job folder lock does not hold across processes"; }
grep -q -- "--- PASS: TestLockAcrossProcessesOnWindows" "$out/job-lock.log" || { cat "$out/job-lock.log" >&2; fail "the job lock test did not run"; }
step "a second save into a job folder in use gets the sentence; a killed holder releases it"

say "passed in $SECONDS s; screenshots in $out"
