#!/usr/bin/env bash
# Runs the Windows build (the zip `make package-windows` put in out/) under
# Wine and Xvfb, the way a presenter would use it, and leaves what it made in
# out/windows-check/:
#   0. a Wine prefix with the ProcessPrng shim Go needs (Wine 8 lacks it; test
#      scaffolding, never shipped), and a small LGPL ffmpeg.exe/ffprobe.exe
#      cross-built from Debian's source package (scripts/wine-ffmpeg.sh,
#      cached in ~/.cache/replayrescue-wine)
#   1. replayrescue-cli.exe --version and ffmpeg status; the one-click ffmpeg
#      download from the toolget fake on loopback into %LOCALAPPDATA%; the GUI
#      exe's --version and ffmpeg status printed in the console of the
#      Command Prompt it runs from (AttachConsole)
#   2. demo.mp4: the built-in sample, made by the exe with ffmpeg.exe and
#      saved by it (its job folder and output under "Zoë's talks 2026"; the
#      job folder removed after), checked here with this computer's ffprobe
#      (every frame, sync within 40 ms); then a cookie-gated loopback replay
#      served here, saved by the exe into that folder: killed mid-download
#      and run again (no chunk fetched twice, the MP4 packet for packet this
#      computer's save of the same chunks), a second exe refused the folder
#      in use, killed during the render (its ffmpeg.exe goes with it), the
#      output's name taken during the render (the video goes to NAME (2))
#   3. "Replay Rescue.exe" opened: window.png (start screen) and edit.png (the
#      sample's edit screen, reached by clicking as a user would)
#   4. what only Windows has, in test binaries of core/media, core/sample and
#      core/job: ffmpeg dies with the app (job object; the sample's ffmpeg
#      too), the no-replace rename as Windows names files, the job lock's
#      sentence for a second save into the same folder
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
# One check at a time in a prefix (another checkout's waits here): two would
# share its wineserver, and the end of one would stop the other's programs.
mkdir -p "$cache"
exec 7>"$WINEPREFIX.lock"
flock -n 7 || { say "waiting for another check-windows using $WINEPREFIX"; flock 7; }
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
# One wineserver for the whole check, kept while Linux does its parts: else
# each wine after a pause starts it again, with Wine's services (seconds).
wineserver -p
users="$WINEPREFIX/drive_c/users/$(id -un)"
localappdata="$users/AppData/Local"
# What the app and the tests wrote in the prefix before (its data and cache
# folders, the sample it made, its temporary files) goes: each run starts as
# a new user would.
rm -rf "$localappdata/ReplayRescue" "$localappdata/replayrescue" "$localappdata/fyne" "$users/AppData/Roaming/fyne" "$users/AppData/Roaming/ReplayRescue" "$users/Temp"
mkdir -p "$users/Temp"

# This computer's side of the checks (the demo's checker, the loopback
# replay, the reference save): one test binary, built once.
go test -c -o "$tmp/cli.test" ./cmd/replayrescue
# linux_check TEST LOG [VAR=VALUE...]: runs TEST of that binary with this
# computer's ffmpeg, its output in LOG; fails unless it ran and passed.
linux_check() {
  local test=$1 log=$2
  shift 2
  (cd cmd/replayrescue && env -u REPLAYRESCUE_FFMPEG -u REPLAYRESCUE_FFPROBE "$@" "$tmp/cli.test" -test.count=1 -test.run "^$test\$" -test.v) >"$log" 2>&1 &&
    grep -q -- "--- PASS: $test" "$log"
}

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
# The GUI exe run with a subcommand from a Command Prompt prints there
# (AttachConsole); console-window.exe plays the Command Prompt window.
x86_64-w64-mingw32-gcc -municode -O2 -s -o "$tmp/console-window.exe" scripts/wine/console-window.c
# gui_console NAME WANT ARGS...: "Replay Rescue.exe ARGS" run from a console
# shows a line starting with WANT there, and ends with exit status 0.
gui_console() {
  local name=$1 want=$2
  shift 2
  wine "$tmp/console-window.exe" "\"$(winpath "$gui")\" $*" >"$out/console-$name.txt" 2>"$tmp/console.err" ||
    { cat "$tmp/console.err" "$out/console-$name.txt" >&2; fail "could not run \"Replay Rescue.exe $*\" in a console"; }
  tr -d '\r' <"$out/console-$name.txt" | grep -q "^$want" ||
    { cat "$out/console-$name.txt" >&2; fail "\"Replay Rescue.exe $*\" run from a Command Prompt did not print \"$want\" there"; }
  grep -q "^exit status 0" "$tmp/console.err" || { cat "$tmp/console.err" >&2; fail "\"Replay Rescue.exe $*\" failed"; }
}
gui_console version "Replay Rescue $version" --version
gui_console ffmpeg-status "It will do." ffmpeg status
step "the GUI exe's --version and ffmpeg status print in the Command Prompt they run from"

# --- 2. saves by the exe ----------------------------------------------------
# Into a job folder and an output under a name with spaces, an apostrophe and
# a non-ASCII letter, as a presenter's own folders are named; the demo's
# loopback server hands out cookies and serves only to them. The exe makes
# the 2-min sample first, with ffmpeg.exe (mpeg4: it has no H.264 encoder),
# in %LOCALAPPDATA%\replayrescue\sample, where the window finds it later.
zoe="$out/Zoë's talks 2026"
mkdir -p "$zoe"
wine "$cli" demo --force --work "$(winpath "$zoe/job")" -o "$(winpath "$zoe/demo.mp4")" >"$out/demo.log" 2>&1 ||
  { tail -20 "$out/demo.log" >&2; fail "demo failed"; }
ls "$localappdata/replayrescue/sample/"*/sample.json >/dev/null 2>&1 || fail "the exe made no sample in %LOCALAPPDATA%\\replayrescue\\sample"
[ -s "$zoe/demo.mp4" ] || fail "demo made no $zoe/demo.mp4"
# Without --keep the save removes its job folder's files one by one, and the
# folder it emptied.
[ ! -e "$zoe/job" ] || { ls -la "$zoe/job" >&2; fail "the demo's job folder is still there after the save"; }
mv "$zoe/demo.mp4" "$out/demo.mp4"
linux_check TestWindowsSampleSave "$out/demo-check.log" RR_WINDOWS_DEMO="$out/demo.mp4" ||
  { cat "$out/demo-check.log" >&2; fail "demo.mp4 from the Windows exe is not the whole sample in sync"; }
grep -E 'wincheck_test.go.*flashes' "$out/demo-check.log" | sed 's/^ */check-windows: /'
step "the exe made the sample and saved it through \"Zoë's talks 2026\" (job folder cleaned up): every frame, in sync"

linux_check TestWindowsKillAndResume "$out/resume.log" RR_WINDOWS_CLI="$cli" RR_WINDOWS_OUT="$zoe" \
  RR_WINDOWS_FFMPEG="$REPLAYRESCUE_FFMPEG" RR_WINDOWS_FFPROBE="$REPLAYRESCUE_FFPROBE" ||
  { cat "$out/resume.log" >&2; fail "the kill-and-resume save by the exe (see above)"; }
grep -E 'wincheck_test.go:[0-9]+: ' "$out/resume.log" | sed 's/^ */check-windows: /' | cut -c1-300
step "killed mid-download and during the render, run again: nothing fetched twice, no ffmpeg.exe left, the MP4 packet for packet this computer's; the folder lock and the no-replace rename held"

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
wineserver -p

# --- 4. what only Windows has -------------------------------------------------
GOOS=windows GOARCH=amd64 go test -c -o "$tmp/media.test.exe" ./core/media
wine "$tmp/media.test.exe" -test.run '^(TestToolDiesWithUs|TestPlaceOnWindows)$' -test.v >"$out/media.log" 2>&1 ||
  { cat "$out/media.log" >&2; fail "ffmpeg does not die with the app on Windows (job object), or the no-replace rename failed"; }
for t in TestToolDiesWithUs TestPlaceOnWindows; do
  grep -q -- "--- PASS: $t" "$out/media.log" || { cat "$out/media.log" >&2; fail "$t did not run"; }
done
GOOS=windows GOARCH=amd64 go test -c -o "$tmp/sample.test.exe" ./core/sample
wine "$tmp/sample.test.exe" -test.run '^TestSampleFFmpegStartedLikeTheOthers$' -test.v >"$out/sample-ffmpeg.log" 2>&1 ||
  { cat "$out/sample-ffmpeg.log" >&2; fail "the sample's ffmpeg is not started like the others (hidden console, job object)"; }
step "a tool started by the app dies when the app is killed (job object), the sample's ffmpeg too; the final rename never replaces a file, whatever its case"

GOOS=windows GOARCH=amd64 go test -c -o "$tmp/job.test.exe" ./core/job
wine "$tmp/job.test.exe" -test.run '^TestLockAcrossProcessesOnWindows$' -test.v >"$out/job-lock.log" 2>&1 ||
  { cat "$out/job-lock.log" >&2; fail "the job folder lock does not hold across processes"; }
grep -q -- "--- PASS: TestLockAcrossProcessesOnWindows" "$out/job-lock.log" || { cat "$out/job-lock.log" >&2; fail "the job lock test did not run"; }
step "a second save into a job folder in use gets the sentence; a killed holder releases it"

say "passed in $SECONDS s; screenshots in $out"
