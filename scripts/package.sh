#!/usr/bin/env bash
# Builds a Linux .tar.xz (binary, icon, .desktop file, Makefile for
# "make install") with the Fyne packager. The packager reads FyneApp.toml
# from --src and rewrites its Build number, so it runs on a throwaway copy
# of the tree with the root FyneApp.toml beside main: the checkout is never
# touched.
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
(
  cd "$stage/cmd/replayrescue"
  # The packager has no -ldflags; go build reads them from GOFLAGS.
  GOFLAGS="-ldflags=-X=main.version=$version" go run "$FYNE_TOOLS" package --os "$os" --release --name "Replay Rescue"
)
find "$stage/cmd/replayrescue" -maxdepth 1 \( -name '*.tar.xz' -o -name '*.exe' -o -name '*.app' \) -exec cp -r {} "$out/" \;
ls -la "$out"
