#!/usr/bin/env bash
# Starts the real binary under Xvfb once per screen (REPLAYRESCUE_SCREEN opens
# it on that screen with made-up data) and saves shots/<screen>.png for review.
# Usage: screenshots.sh [binary [screen...]]; no screens: all of them.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${INSIDE_XVFB:-}" ]; then
  INSIDE_XVFB=1 exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi
bin="${1:-bin/replayrescue}"
shift || true
screens=("$@")
[ ${#screens[@]} -gt 0 ] || screens=(start error-de found parts download edit play render done help settings about ffmpeg expired capture open)
mkdir -p shots
for screen in "${screens[@]}"; do
  REPLAYRESCUE_SCREEN=$screen "$bin" >/dev/null 2>&1 &
  pid=$!
  sleep 5 # a busy machine needs this long before dialogs are drawn
  import -window root "shots/$screen.png"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "shots/$screen.png"
done
