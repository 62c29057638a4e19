#!/usr/bin/env bash
# Cross-builds a small LGPL ffmpeg.exe and ffprobe.exe for `make check-windows`
# from Debian's own ffmpeg source package, with mingw-w64, and prints the
# folder holding them. Test scaffolding only: never shipped.
#
# Only what Replay Rescue asks ffmpeg for is built in (see core/media and
# core/sample). There is no x264 here (GPL, and not in this build), so the
# project picks the built-in mpeg4 encoder for re-encodes, as it does with any
# LGPL ffmpeg; burning chat in needs libass, which is not built either.
#
# The result is cached outside the checkout, in
#   ${REPLAYRESCUE_WINE_CACHE:-~/.cache/replayrescue-wine}/ffmpeg-<version>-<key>/
# keyed by the source version and the configure flags, so only the first run
# on a machine builds (about ten minutes on two cores, nice'd).
set -euo pipefail

cache="${REPLAYRESCUE_WINE_CACHE:-$HOME/.cache/replayrescue-wine}"
say() { echo "wine-ffmpeg: $*" >&2; }
fail() { say "$*"; exit 1; }

# lavfi hands its test sources' sound over as raw PCM (hence the pcm
# decoders); the chunks are probed and rendered through concatf: and subfile:.
# dump_extradata (ffmpeg -bsf:v dump_extra) is for the built-in sample, which
# the exe makes itself (mpeg4 chunks carry their picture size only with it).
# Components are named as in configure's --list-* (a name it does not know
# only warns there, so that warning fails the build below).
components=(
  --disable-everything
  --enable-demuxer=hls,mpegts,mov,concat,aac,image2,wav
  --enable-muxer=mp4,mov,ipod,mpegts,hls,null,image2,image2pipe,framemd5,rawvideo,adts,wav
  --enable-parser=h264,aac,mpeg4video,mjpeg
  --enable-bsf=aac_adtstoasc,h264_mp4toannexb,extract_extradata,mpeg4_unpack_bframes,dump_extradata
  --enable-decoder=h264,aac,mpeg4,mjpeg,rawvideo,pcm_u8,pcm_s16le,pcm_s32le,pcm_f32le,pcm_f64le
  --enable-encoder=aac,mpeg4,mjpeg,rawvideo,wrapped_avframe,pcm_s16le
  --enable-filter=trim,atrim,setpts,asetpts,aresample,anullsrc,concat,scale,format,aformat,fps,pad,setsar,tpad,apad,xfade,acrossfade,fade,afade,null,anull,split,asplit,signalstats,metadata,silencedetect,drawbox,overlay,color,testsrc2,aevalsrc,select,thumbnail,crop
  --enable-indev=lavfi
  --enable-protocol=file,pipe,concat,concatf,subfile,data
)
flags=(
  --arch=x86_64 --target-os=mingw32 --cross-prefix=x86_64-w64-mingw32-
  --enable-cross-compile --pkg-config=false
  --disable-autodetect --enable-w32threads
  --disable-debug --disable-doc --disable-ffplay --disable-network
  --disable-postproc --enable-static --disable-shared
  --extra-ldflags=-static
  "${components[@]}"
)

# The version of the source package apt would fetch (needs the deb-src entry
# made below, so that is done first).
ensure_deb_src() {
  local list=/etc/apt/sources.list.d/replayrescue-deb-src.sources f
  apt-cache showsrc ffmpeg >/dev/null 2>&1 && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # deb-src entries copied from this machine's own deb entries: deb822
  # stanzas with "Types: deb", and one-line "deb ..." entries.
  local tmp
  tmp=$(mktemp)
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] && [ "$f" != "$list" ] || continue
    awk 'BEGIN{RS="";ORS="\n\n"} /(^|\n)Types:[ \t]*([^\n]* )?deb( |\n|$)/ && !/(^|\n)Enabled:[ \t]*no/ { sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f" >>"$tmp"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$f" ] || continue
    sed -n 's/^[ \t]*deb[ \t]/deb-src /p' "$f" | awk '{
      # one-line entries become a stanza each
      opts=""; i=2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
      printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents:", $i, $(i+1)
      for (j=i+2; j<=NF; j++) printf " %s", $j; printf "\n\n" }' >>"$tmp"
  done
  [ -s "$tmp" ] || fail "no Debian apt source on this machine to take a deb-src entry from"
  say "adding deb-src entries ($list) from this machine's apt sources"
  $sudo install -m 0644 "$tmp" "$list"
  rm -f "$tmp"
  $sudo apt-get update -qq
  apt-cache showsrc ffmpeg >/dev/null 2>&1 || fail "apt has no ffmpeg source package even with $list"
}

# The apt sources and the source tree: one run at a time per cache.
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

ensure_deb_src
version=$(apt-cache showsrc ffmpeg | sed -n 's/^Version: //p' | sort -V | tail -1)
[ -n "$version" ] || fail "apt knows no version of the ffmpeg source package"
key=$(printf '%s\n' "$version" "$(x86_64-w64-mingw32-gcc -dumpversion)" "${flags[@]}" | sha256sum | cut -c1-12)
upstream=${version#*:}
upstream=${upstream%-*}
dest="$cache/ffmpeg-${upstream}-$key"
if [ -x "$dest/ffmpeg.exe" ] && [ -x "$dest/ffprobe.exe" ]; then
  echo "$dest"
  exit 0
fi

src="$cache/src/${version//:/_}"
if [ ! -f "$src/.unpacked" ]; then
  say "fetching Debian's ffmpeg $version source package into $src"
  rm -rf "$src"
  mkdir -p "$src"
  (cd "$src" && apt-get source -qq --download-only "ffmpeg=$version" >/dev/null 2>&1) ||
    fail "apt-get source ffmpeg=$version failed"
  (cd "$src" && dpkg-source -x --no-check ./*.dsc tree >/dev/null) || fail "could not unpack the ffmpeg source"
  touch "$src/.unpacked"
fi
flock -u 9

# One build of these flags at a time (two checks started together wait
# here); a run whose build is cached, or that builds other flags (another
# checkout), does not wait for it.
exec 8>"$cache/.lock-$key"
flock 8
if [ -x "$dest/ffmpeg.exe" ] && [ -x "$dest/ffprobe.exe" ]; then
  echo "$dest"
  exit 0
fi
build="$cache/build-$key"
rm -rf "$build"
mkdir -p "$build"
start=$(date +%s)
say "configuring ffmpeg $upstream for Windows (log: $build/build.log)"
(cd "$build" && nice -n 10 "$src/tree/configure" "${flags[@]}") >"$build/build.log" 2>&1 ||
  { tail -20 "$build/build.log" >&2; fail "configure failed"; }
if grep -q "did not match anything" "$build/build.log"; then
  grep "did not match anything" "$build/build.log" >&2
  fail "configure does not know a component asked for (see above)"
fi
say "building ffmpeg.exe and ffprobe.exe (nice'd, $(nproc) jobs)"
nice -n 10 make -C "$build" -j"$(nproc)" ffmpeg.exe ffprobe.exe >>"$build/build.log" 2>&1 ||
  { tail -30 "$build/build.log" >&2; fail "the build failed"; }
mkdir -p "$dest.tmp"
for t in ffmpeg ffprobe; do
  x86_64-w64-mingw32-strip -o "$dest.tmp/$t.exe" "$build/$t.exe"
done
cp "$src"/tree/COPYING.LGPLv2.1 "$dest.tmp/" 2>/dev/null || true
printf 'Debian ffmpeg %s\nconfigure %s\n' "$version" "${flags[*]}" >"$dest.tmp/BUILDINFO"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
rm -rf "$build"
say "built in $(($(date +%s) - start)) s: $dest"
echo "$dest"
