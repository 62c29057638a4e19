#!/usr/bin/env bash
# bench.sh: Replay Rescue against the tools a user would otherwise pick, on
# the same cookie-gated replay served on loopback by a host that limits each
# connection to 1 MiB/s (like Periscope did). Prints wall time, the ratio to
# the transfer limit (bytes / (8 connections x 1 MiB/s)) and peak RSS.
#
#   scripts/bench.sh [DURATION]        default 10m (200 chunks of 3 s)
#
# Peers run only when installed (scripts/setup.sh --bench installs them):
# ffmpeg alone, yt-dlp -N 8, streamlink with 8 segment threads (+ remux),
# aria2c -j 8 (+ ffmpeg join). Every tool must end with an MP4 of the talk.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

DURATION=${1:-10m}
RATE=1048576
CONNS=8
WORK=$(mktemp -d)
trap 'kill $HOST 2>/dev/null || true; rm -rf "$WORK"' EXIT

go build -o "$WORK/replayrescue" ./cmd/replayrescue
go build -o "$WORK/samplehost" ./scripts/samplehost
"$WORK/samplehost" -duration "$DURATION" -rate $RATE >"$WORK/host.txt" 2>&1 &
HOST=$!
for _ in $(seq 600); do grep -q '^bytes=' "$WORK/host.txt" 2>/dev/null && break; sleep 0.5; done
grep -q '^bytes=' "$WORK/host.txt" || { cat "$WORK/host.txt"; exit 1; }
PLAYLIST=$(sed -n 's/^playlist=//p' "$WORK/host.txt")
COOKIES=$(sed -n 's/^cookies=//p' "$WORK/host.txt")
BYTES=$(sed -n 's/^bytes=//p' "$WORK/host.txt")
CHUNKS=$(sed -n 's/^chunks=//p' "$WORK/host.txt")
LIMIT=$(awk -v b="$BYTES" -v r=$RATE -v c=$CONNS 'BEGIN { printf "%.2f", b / (r * c) }')

echo "Replay: $DURATION, $CHUNKS chunks, $((BYTES / 1000000)) MB; host limit 1 MiB/s per connection; transfer limit at $CONNS connections: ${LIMIT} s"
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%d GB", $2/1048576}' /proc/meminfo), $(uname -sr); $(date -u +%Y-%m-%d)"
echo
printf '| %-38s | %7s | %9s | %9s |\n' tool "wall s" "x limit" "peak RSS"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..40})" "---------" "-----------" "-----------"

# run NAME CMD...: times CMD (its children included in the RSS peak) and
# checks that it left $WORK/NAME.mp4 with video and audio.
run() {
	local name=$1; shift
	local out="$WORK/$name.mp4"
	rm -rf "$WORK/job" "$WORK/tmp"; mkdir -p "$WORK/tmp"
	if ! /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >"$WORK/log" 2>&1; then
		printf '| %-38s | %7s | %9s | %9s |\n' "$name" failed - -; tail -3 "$WORK/log" >&2; return
	fi
	local streams
	streams=$(ffprobe -v error -show_entries stream=codec_type -of csv=p=0 "$out" 2>/dev/null | sort -u | tr '\n' ' ')
	[ "$streams" = "audio video " ] || echo "warning: $name's output has: $streams" >&2
	read -r wall rss <"$WORK/time"
	printf '| %-38s | %7.2f | %8.2fx | %6d MB |\n' "$name" "$wall" "$(awk -v w="$wall" -v l="$LIMIT" 'BEGIN { print w / l }')" $((rss / 1024))
}

run "replayrescue save --jobs 8" "$WORK/replayrescue" save --jobs $CONNS --cookies "$COOKIES" \
	--audio-offset 2s --work "$WORK/job" -o "$WORK/replayrescue save --jobs 8.mp4" "$PLAYLIST"

if command -v aria2c >/dev/null; then
	# The chunk URLs, as aria2c's input: the playlist's lines resolved.
	base=${PLAYLIST%%\?*}; base=${base%/*}
	curl -s -H "Cookie: $COOKIES" "$PLAYLIST" | grep -v '^#' | sed "s|^|$base/|" >"$WORK/urls.txt"
	run "aria2c -j 8 + ffmpeg join" bash -c "
		aria2c -q -j $CONNS -x 1 --header 'Cookie: $COOKIES' -d '$WORK/tmp' -i '$WORK/urls.txt' &&
		cd '$WORK/tmp' && ls *.ts | sort | sed 's/^/file /' >list.txt &&
		ffmpeg -v error -f concat -i list.txt -c copy -bsf:a aac_adtstoasc '$WORK/aria2c -j 8 + ffmpeg join.mp4'"
fi
if command -v streamlink >/dev/null; then
	cookie_args=()
	IFS=';' read -ra kv <<<"$COOKIES"
	for c in "${kv[@]}"; do cookie_args+=(--http-cookie "${c# }"); done
	run "streamlink 8 threads + ffmpeg remux" bash -c '
		streamlink -Q --hls-segment-threads 8 "${@:3}" -o "$1/tmp/s.ts" "hls://$2" best &&
		ffmpeg -v error -i "$1/tmp/s.ts" -c copy -bsf:a aac_adtstoasc "$1/streamlink 8 threads + ffmpeg remux.mp4"' \
		_ "$WORK" "$PLAYLIST" "${cookie_args[@]}"
fi
if command -v yt-dlp >/dev/null; then
	run "yt-dlp -N 8" yt-dlp -q --no-warnings -N $CONNS --add-header "Cookie: $COOKIES" \
		--paths "temp:$WORK/tmp" -o "$WORK/yt-dlp -N 8.mp4" "$PLAYLIST"
fi
run "ffmpeg -i URL -c copy" ffmpeg -v error -headers "Cookie: $COOKIES"$'\r\n' -i "$PLAYLIST" \
	-c copy -bsf:a aac_adtstoasc "$WORK/ffmpeg -i URL -c copy.mp4"
