#!/usr/bin/env bash
# Installs what building, running and testing Replay Rescue needs, and does
# nothing when it is all there. Debian/Ubuntu use apt; macOS uses Homebrew;
# elsewhere it says what to install.
set -euo pipefail

# Tools we call and the packages that provide them on Debian/Ubuntu.
debian_pkgs=(ffmpeg gcc pkg-config libgl1-mesa-dev xorg-dev libasound2-dev xvfb xauth x11-utils imagemagick desktop-file-utils chromium)
# --bench adds the downloaders `make bench` compares against.
[ "${1:-}" = "--bench" ] && debian_pkgs+=(curl aria2 streamlink yt-dlp)
# --windows adds the cross compiler and the tools `make package-windows` uses.
[ "${1:-}" = "--windows" ] && debian_pkgs+=(gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 zip file)
# --wine adds what `make check-windows` needs: Wine to run the Windows build,
# the cross compiler and nasm to build a small ffmpeg.exe from Debian's
# source package (dpkg-dev unpacks it), xdotool to click the window.
[ "${1:-}" = "--wine" ] && debian_pkgs+=(gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 zip unzip file wine wine64 nasm make dpkg-dev xz-utils xdotool)

need_go() {
  if command -v go >/dev/null 2>&1; then return 0; fi
  if [ -x /usr/local/go/bin/go ]; then
    echo "setup: Go is in /usr/local/go/bin; add it to your PATH (the Makefile does this for its own commands)."
    return 0
  fi
  echo "setup: Go 1.26 or newer is needed: install it from your package manager or go.dev/dl, then run this again." >&2
  exit 1
}

missing_debian() {
  local p out=()
  for p in "${debian_pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || out+=("$p")
  done
  echo "${out[@]:-}"
}

case "$(uname -s)" in
  Linux)
    if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
      missing=$(missing_debian)
      if [ -n "$missing" ]; then
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        echo "setup: installing $missing"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
      fi
    else
      for t in ffmpeg ffprobe gcc; do
        command -v "$t" >/dev/null 2>&1 || echo "setup: please install $t with your package manager (and the X11/OpenGL development headers for building the window)." >&2
      done
    fi
    ;;
  Darwin)
    if ! command -v ffmpeg >/dev/null 2>&1; then
      if command -v brew >/dev/null 2>&1; then brew install ffmpeg; else
        echo "setup: install ffmpeg (brew install ffmpeg, or download it from ffmpeg.org) and run this again." >&2; exit 1
      fi
    fi
    xcode-select -p >/dev/null 2>&1 || { echo "setup: install the Xcode command line tools (xcode-select --install) for the C compiler." >&2; exit 1; }
    ;;
  *)
    command -v ffmpeg >/dev/null 2>&1 || echo "setup: install ffmpeg (winget install ffmpeg) and a C compiler (MSYS2 mingw-w64) for building the window." >&2
    ;;
esac
need_go
