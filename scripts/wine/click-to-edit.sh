#!/usr/bin/env bash
# Clicks Replay Rescue's window (X id $1, 960x700 as it opens) from the start
# screen to the sample's edit screen as a user would: "Try the sample
# broadcast", then "Download"; waits for each screen by the step it lights up
# in the header ("Choose", then "Trim & sync"). Screens along the way go to
# $2/click-*.png. Used by scripts/check-windows.sh under Xvfb.
set -euo pipefail
win=$1 out=$2

# lit X W: how dark the header's step label at x=X..X+W is (0 white, 1
# black); an active step is drawn bold and dark, the others light grey.
lit() {
  import -window "$win" -crop "${2}x22+${1}+11" +repage -colorspace gray -format '%[fx:1-mean]' info: 2>/dev/null || echo 0
}
# waitstep NAME X W SECONDS: waits until that step is lit.
waitstep() {
  local i
  for i in $(seq 1 $(($4 * 2))); do
    if awk -v d="$(lit "$2" "$3")" 'BEGIN { exit !(d > 0.05) }'; then return 0; fi
    sleep 0.5
  done
  echo "click-to-edit: the \"$1\" screen did not come within $4 s" >&2
  return 1
}
check_size() {
  local g
  g=$(xdotool getwindowgeometry "$win" | sed -n 's/ *Geometry: //p')
  [ "$g" = "960x700" ] || { echo "click-to-edit: the window is $g, not 960x700: the click positions would be wrong" >&2; return 1; }
}

check_size
import -window "$win" "$out/click-1-start.png"
xdotool mousemove --window "$win" 731 459 click 1 # Try the sample broadcast
waitstep Choose 362 58 120 || { import -window "$win" "$out/click-2-choose.png"; exit 1; }
sleep 1
import -window "$win" "$out/click-2-choose.png"
xdotool mousemove --window "$win" 896 674 click 1 # Download
waitstep "Trim & sync" 566 84 300 || { import -window "$win" "$out/click-3-edit.png"; exit 1; }
sleep 3 # the previews and the waveform fill in
import -window "$win" "$out/click-3-edit.png"
