#!/usr/bin/env bash
# Checks the packages in out/ the way a user would meet them:
#   linux    installs the .tar.xz into a temporary prefix with its own
#            "make install", checks the files, asks the installed binary for
#            its version, and opens its window under Xvfb (a screenshot of
#            it goes to out/installed-window.png)
#   windows  checks the zip holds a PE32+ GUI exe with its icon and version
#            resources, and a console exe for scripts
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/out"
version=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "check-package: $*" >&2; exit 1; }

case "${1:-linux}" in
  linux)
    tar -xJf "$out/Replay Rescue.tar.xz" -C "$tmp"
    root="$tmp/root"
    make -s -C "$tmp/replayrescue" install DESTDIR="$root" PREFIX=/usr
    bin="$root/usr/bin/replayrescue"
    desktop="$root/usr/share/applications/app.replayrescue.desktop.desktop"
    for f in "$bin" "$desktop" "$root/usr/share/pixmaps/app.replayrescue.desktop.png"; do
      [ -s "$f" ] || fail "the package did not install $f"
    done
    grep -qx "Name=Replay Rescue" "$desktop" || fail "the desktop file has no Name"
    grep -q "^Categories=AudioVideo;Video;" "$desktop" || fail "the desktop file has no categories"
    if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$desktop"; fi
    got=$("$bin" --version)
    case "$got" in "Replay Rescue $version"*) ;; *) fail "the installed binary says \"$got\", want version $version" ;; esac
    # The window: started as a user would (no arguments) under Xvfb; the
    # check passes when a top-level window titled "Replay Rescue" is mapped.
    xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
      "$1" >"$2/window.log" 2>&1 &
      pid=$!
      for i in $(seq 1 60); do
        if xwininfo -root -tree 2>/dev/null | grep -q "\"Replay Rescue\""; then
          sleep 1
          import -window root "$3/installed-window.png"
          kill $pid
          exit 0
        fi
        kill -0 $pid 2>/dev/null || { cat "$2/window.log" >&2; exit 1; }
        sleep 0.5
      done
      kill $pid
      exit 1
    ' _ "$bin" "$tmp" "$out" || fail "the installed binary did not open its window under Xvfb"
    echo "check-package: linux package installs, says $got and opens its window ($out/installed-window.png)"
    ;;
  windows)
    zip="$out/ReplayRescue-$version-windows-amd64.zip"
    unzip -q "$zip" -d "$tmp"
    gui="$tmp/Replay Rescue/Replay Rescue.exe"
    cli="$tmp/Replay Rescue/replayrescue-cli.exe"
    file "$gui" | grep -q "PE32+ executable (GUI) x86-64" || fail "$(file -b "$gui"): not a 64-bit Windows GUI program"
    file "$cli" | grep -q "PE32+ executable (console) x86-64" || fail "$(file -b "$cli"): not a 64-bit Windows console program"
    headers=$(x86_64-w64-mingw32-objdump -p "$gui")
    grep -q "Subsystem.*(Windows GUI)" <<<"$headers" || fail "the exe would open a console window"
    # Resource types at the top level of .rsrc (objdump prints them by number):
    # 3 icon, 0xe icon group, 0x10 version, 0x18 manifest.
    res=$(sed -n '/The .rsrc Resource Directory section/,$p' <<<"$headers" | grep -E '^[0-9a-f]+   Entry: ID: ' || true)
    for want in "0x000003 icon" "0x00000e icon-group" "0x000010 version" "0x000018 manifest"; do
      grep -q "ID: ${want% *}," <<<"$res" || fail "the exe has no ${want#* } resource"
    done
    echo "check-package: windows zip holds a GUI exe with icon and version resources and a console exe"
    ;;
  *) fail "unknown package ${1}" ;;
esac
