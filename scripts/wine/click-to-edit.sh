#!/usr/bin/env bash
# Clicks Replay Rescue's window (X id $1, 960x700 as it opens) from the start
# screen to the sample's edit screen as a user would: "Try the sample
# broadcast" (one ready video goes straight to its download, and a finished
# download to the edit screen); waits for the screen by the step it lights up
# in the header ("Trim & sync"). Screens along the way go to $2/click-*.png.
# Used by scripts/check-windows.sh under Xvfb.
set -euo pipefail
win=$1 out=$2

# lit X W: how dark the header's step label at x=X..X+W is (0 white, 1
# black); an active step is drawn bold and dark, the others light grey.
lit() {
  import -window "$win" -crop "${2}x22+${1}+11" +repage -colorspace gray -format '%[fx:1-mean]' info: 2>/dev/null || echo 0
}
# waitstep NAME X W SECONDS: waits until that step is lit and "Source" is
# not: a dialog's shade darkens every step alike, so a step is lit only when
# it is clearly darker than the first one (measured: 0.12 against 0.01 lit,
# 0.21 against 0.30 under the Help dialog).
waitstep() {
  local i
  for i in $(seq 1 $(($4 * 2))); do
    if awk -v d="$(lit "$2" "$3")" -v s="$(lit 272 48)" 'BEGIN { exit !(d - s > 0.05) }'; then return 0; fi
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
xdotool mousemove --window "$win" 732 574 click 1 # Try the sample broadcast
sleep 2 # the download step (the sample is slowed to show it), if still on
import -window "$win" "$out/click-2-download.png"
waitstep "Trim & sync" 566 84 300 || { import -window "$win" "$out/click-3-edit.png"; exit 1; }
sleep 3 # the previews and the thumbnails fill in
import -window "$win" "$out/click-3-edit.png"
