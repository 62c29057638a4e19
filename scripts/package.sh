#!/usr/bin/env bash
# Builds the installable packages into out/, never touching the checkout:
#   scripts/package.sh linux    Replay Rescue.tar.xz (binary, icon, .desktop,
#                               Makefile for "make install", as Fyne packages do)
#   scripts/package.sh windows  ReplayRescue-VERSION-windows-amd64.zip: the GUI
#                               exe (no console window, icon and version
#                               resources) and replayrescue-cli.exe, the same
#                               program as a console one for scripts,
#                               cross-built with Debian's mingw-w64
# The Fyne packager reads FyneApp.toml from its source folder and rewrites
# its Build number, so it runs on a throwaway copy of the tree with the root
# FyneApp.toml beside main. Version, build and commit come from FyneApp.toml
# and git describe, as in the Makefile.
set -euo pipefail
cd "$(dirname "$0")/.."
FYNE_TOOLS="fyne.io/tools/cmd/fyne@v1.7.4"
os="${1:-linux}"
out="$PWD/out"
mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
git ls-files -z | xargs -0 -I{} cp --parents {} "$stage/"
cp FyneApp.toml "$stage/cmd/replayrescue/FyneApp.toml"
cp -r assets "$stage/cmd/replayrescue/" # the toml's icon path is relative to it
version=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
buildno=$(sed -n 's/^ *Build *= *\([0-9]*\)/\1/p' FyneApp.toml)
commit=$(git describe --tags --always --dirty 2>/dev/null || true)
# The packager has no -ldflags; its go build reads them from GOFLAGS, which
# splits on spaces, so all three travel in one -X (see cmd/replayrescue/version.go).
goflags="-ldflags=-X=main.stamp=$version,$buildno,$commit"

case "$os" in
  linux)
    (
      cd "$stage/cmd/replayrescue"
      GOFLAGS="$goflags" go run "$FYNE_TOOLS" package --os linux --release --name "Replay Rescue"
    )
    cp "$stage/cmd/replayrescue/Replay Rescue.tar.xz" "$out/"
    echo "$out/Replay Rescue.tar.xz"
    ;;
  windows)
    cc=x86_64-w64-mingw32-gcc
    command -v "$cc" >/dev/null || { echo "package: $cc is missing: run scripts/setup.sh --windows" >&2; exit 1; }
    # The packager itself runs here, so it is built for this machine.
    bindir=$(mktemp -d)
    GOBIN="$bindir" go install "$FYNE_TOOLS"
    fyne="$bindir/fyne"
    (
      cd "$stage/cmd/replayrescue"
      export CC=$cc CGO_ENABLED=1 GOOS=windows GOARCH=amd64
      # The packager links the GUI exe with -H windowsgui and embeds the icon
      # and version resources.
      GOFLAGS="$goflags" "$fyne" package --os windows --release --name "Replay Rescue"
    )
    # The console exe for scripts is the same program with the console
    # subsystem (cmd.exe waits for console programs and passes on their exit
    # code; it does neither for GUI ones), so it is not compiled twice.
    go run ./scripts/consoleexe "$stage/cmd/replayrescue/Replay Rescue.exe" "$stage/cmd/replayrescue/replayrescue-cli.exe"
    rm -rf "$bindir"
    zipdir="$stage/zip/Replay Rescue"
    mkdir -p "$zipdir"
    cp "$stage/cmd/replayrescue/Replay Rescue.exe" "$stage/cmd/replayrescue/replayrescue-cli.exe" "$zipdir/"
    cp LICENSE "$zipdir/LICENSE.txt"
    cat > "$zipdir/README.txt" <<TXT
Replay Rescue $version for Windows

Double-click "Replay Rescue.exe" to start it. If Windows says it protected
your PC, click "More info" and then "Run anyway" (the app is not signed yet).
Replay Rescue needs the free video tool FFmpeg: when it is missing, the app
offers to download it for you (about 140 MB, once).

For scripts, use replayrescue-cli.exe in a Command Prompt, for example:
  replayrescue-cli.exe save -o talk.mp4 https://x.com/i/broadcasts/...
  replayrescue-cli.exe --help
TXT
    zip="$out/ReplayRescue-$version-windows-amd64.zip"
    rm -f "$zip"
    (cd "$stage/zip" && zip -qr "$zip" "Replay Rescue")
    echo "$zip"
    ;;
  *)
    echo "package: unknown target $os (linux or windows; macOS packages are built on a Mac, see README)" >&2
    exit 2
    ;;
esac
