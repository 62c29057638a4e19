#!/usr/bin/env bash
# bench.sh: Replay Rescue against the tools a user would otherwise pick, on
# the same cookie-gated replay served on loopback by a host that limits each
# connection to 1 MiB/s (like Periscope did). Prints wall time, the ratio to
# the transfer limit (bytes / (8 connections x 1 MiB/s)), peak RSS and CPU
# seconds (user + sys, children included) per MB of replay.
#
#   scripts/bench.sh [DURATION]        default 10m (200 chunks of 3 s)
#
# Peers run only when installed (scripts/setup.sh --bench installs them):
# ffmpeg alone, yt-dlp -N 8, streamlink with 8 segment threads (+ remux),
# aria2c -j 8 (+ ffmpeg join). Every tool must end with an MP4 of the talk.
#
#   scripts/bench.sh --memory [DURATION ...]   default 10m 1h 3h
#
# Memory mode: Replay Rescue alone, on small pictures (320x180) served with
# no rate limit, so the replay's length is what grows. One row per duration:
# wall time, the peak RSS of replayrescue itself and of its largest ffmpeg
# run, measured apart, and CPU seconds per MB. Samples are generated once
# and cached (a 3 h one takes several minutes the first time).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

RATE=1048576
CONNS=8
WORK=$(mktemp -d)
HOST=
trap 'stop_host; rm -rf "$WORK"' EXIT

# say MESSAGE: progress for the person waiting, on stderr so that stdout is
# only the tables.
say() { echo "bench: $*" >&2; }

# stop_host: interrupts the sample host, which then also stops and cleans up
# a sample it is still making (a TERM would leave its ffmpeg running).
stop_host() {
	[ -n "$HOST" ] || return 0
	kill -INT "$HOST" 2>/dev/null || true
	wait "$HOST" 2>/dev/null || true
	HOST=
}

# start_host DURATION SAMPLEHOST-FLAGS...: serves a sample of DURATION and
# sets PLAYLIST, COOKIES, BYTES and CHUNKS from what the host prints. The
# first run for a duration and size generates the sample (cached after).
start_host() {
	local duration=$1 waited=0; shift
	stop_host
	"$WORK/samplehost" -duration "$duration" "$@" >"$WORK/host.txt" 2>&1 &
	HOST=$!
	while ! grep -q '^bytes=' "$WORK/host.txt"; do
		if ! kill -0 "$HOST" 2>/dev/null; then
			cat "$WORK/host.txt" >&2; exit 1
		fi
		sleep 0.5; waited=$((waited + 1))
		if [ $((waited % 60)) -eq 0 ]; then
			say "still making the $duration sample ($((waited / 2)) s so far; it is cached for the next run)"
		fi
	done
	PLAYLIST=$(sed -n 's/^playlist=//p' "$WORK/host.txt")
	COOKIES=$(sed -n 's/^cookies=//p' "$WORK/host.txt")
	BYTES=$(sed -n 's/^bytes=//p' "$WORK/host.txt")
	CHUNKS=$(sed -n 's/^chunks=//p' "$WORK/host.txt")
}

machine() {
	echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%d GB", $2/1048576}' /proc/meminfo), $(uname -sr); $(date -u +%Y-%m-%d)"
}

# cpu_per_mb USER SYS: CPU seconds per MB (10^6 bytes) of the replay.
cpu_per_mb() {
	awk -v u="$1" -v s="$2" -v b="$BYTES" 'BEGIN { printf "%.3f", (u + s) / (b / 1e6) }'
}

# check_mp4 FILE NAME [SECONDS]: warns unless FILE is an MP4 with video and
# audio and, when SECONDS is given, lasts that long to within 1 s.
check_mp4() {
	local file=$1 name=$2 want=${3:-} streams brand length
	streams=$(ffprobe -v error -show_entries stream=codec_type -of csv=p=0 "$file" 2>/dev/null | sort -u | tr '\n' ' ')
	[ "$streams" = "audio video " ] || echo "warning: $name's output has: $streams" >&2
	[ -n "$want" ] || return 0
	# The mov demuxer reads MP4 and QuickTime alike; the brand tells them apart.
	brand=$(ffprobe -v error -show_entries format_tags=major_brand -of csv=p=0 "$file" 2>/dev/null)
	case $brand in
	isom | iso? | mp4? | avc1) ;;
	*) echo "warning: $name's output is not an MP4 (brand \"$brand\")" >&2 ;;
	esac
	length=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$file" 2>/dev/null)
	if ! awk -v l="${length:-x}" -v w="$want" 'BEGIN { exit !(l + 0 == l && l - w <= 1 && w - l <= 1) }'; then
		echo "warning: $name's output lasts ${length:-?} s, not $want s" >&2
	fi
}

# seconds DURATION: a Go duration of h, m, s and ms parts (1h30m, 10m, 90s)
# in seconds, as samplehost reads it.
seconds() {
	local rest=$1 total=0 re='^([0-9]+(\.[0-9]+)?)(h|ms|m|s)(.*)$'
	while [ -n "$rest" ]; do
		[[ $rest =~ $re ]] || { echo "bench: cannot read the duration $1 (use e.g. 10m, 1h, 90s)" >&2; return 2; }
		total=$(awk -v t="$total" -v n="${BASH_REMATCH[1]}" -v u="${BASH_REMATCH[3]}" \
			'BEGIN { print t + n * (u == "h" ? 3600 : u == "m" ? 60 : u == "s" ? 1 : 0.001) }')
		rest=${BASH_REMATCH[4]}
	done
	echo "$total"
}

# save_cmd OUT [JOBS]: sets SAVE to Replay Rescue's command line writing
# OUT, the same in both modes (a fresh job folder each time), with --jobs
# JOBS, or without it (the adaptive default) when JOBS is empty.
save_cmd() {
	rm -rf "$WORK/job"
	local jobs=()
	[ -z "${2:-}" ] || jobs=(--jobs "$2")
	SAVE=("$WORK/replayrescue" save "${jobs[@]}" --cookies "$COOKIES" \
		--audio-offset 2s --work "$WORK/job" -o "$1" "$PLAYLIST")
}

# comparison DURATION: the table of Replay Rescue and its peers.
comparison() {
	local duration=$1 limit
	start_host "$duration" -rate $RATE
	limit=$(awk -v b="$BYTES" -v r=$RATE -v c=$CONNS 'BEGIN { printf "%.2f", b / (r * c) }')

	echo "Replay: $duration, $CHUNKS chunks, $((BYTES / 1000000)) MB; host limit 1 MiB/s per connection; transfer limit at $CONNS connections: ${limit} s"
	machine
	echo
	printf '| %-38s | %7s | %9s | %9s | %8s |\n' tool "wall s" "x limit" "peak RSS" "CPU s/MB"
	printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..40})" "---------" "-----------" "-----------" "----------"

	# run NAME CMD...: times CMD (its children included in the RSS peak and
	# the CPU time) and checks that it left $WORK/NAME.mp4 with video and
	# audio.
	run() {
		local name=$1; shift
		local out="$WORK/$name.mp4" wall rss user sys
		rm -rf "$WORK/job" "$WORK/tmp"; mkdir -p "$WORK/tmp"
		if ! /usr/bin/time -f '%e %M %U %S' -o "$WORK/time" "$@" >"$WORK/log" 2>&1; then
			printf '| %-38s | %7s | %9s | %9s | %8s |\n' "$name" failed - - -; tail -3 "$WORK/log" >&2; return
		fi
		check_mp4 "$out" "$name"
		read -r wall rss user sys <"$WORK/time"
		printf '| %-38s | %7.2f | %8.2fx | %6d MB | %8s |\n' "$name" "$wall" \
			"$(awk -v w="$wall" -v l="$limit" 'BEGIN { print w / l }')" $((rss / 1024)) "$(cpu_per_mb "$user" "$sys")"
	}

	save_cmd "$WORK/replayrescue save --jobs 8.mp4" "$CONNS"
	run "replayrescue save --jobs 8" "${SAVE[@]}"
	# What a presenter gets without a flag: the adaptive connections.
	save_cmd "$WORK/replayrescue save (default).mp4"
	run "replayrescue save (default)" "${SAVE[@]}"

	if command -v aria2c >/dev/null; then
		# The chunk URLs, as aria2c's input: the playlist's lines resolved.
		local base=${PLAYLIST%%\?*}; base=${base%/*}
		curl -s -H "Cookie: $COOKIES" "$PLAYLIST" | grep -v '^#' | sed "s|^|$base/|" >"$WORK/urls.txt"
		run "aria2c -j 8 + ffmpeg join" bash -c "
			aria2c -q -j $CONNS -x 1 --header 'Cookie: $COOKIES' -d '$WORK/tmp' -i '$WORK/urls.txt' &&
			cd '$WORK/tmp' && ls *.ts | sort | sed 's/^/file /' >list.txt &&
			ffmpeg -v error -f concat -i list.txt -c copy -bsf:a aac_adtstoasc '$WORK/aria2c -j 8 + ffmpeg join.mp4'"
	fi
	if command -v streamlink >/dev/null; then
		local -a cookie_args=() kv
		local c
		IFS=';' read -ra kv <<<"$COOKIES"
		for c in "${kv[@]}"; do cookie_args+=(--http-cookie "${c# }"); done
		# shellcheck disable=SC2016 # expanded by the inner bash
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
}

# memory DURATION...: Replay Rescue's own peak RSS and its ffmpeg's, apart,
# for replays of each length.
memory() {
	local -a durations=("$@")
	[ $# -gt 0 ] || durations=(10m 1h 3h)
	local d rows="" real_ffmpeg real_ffprobe
	for d in "${durations[@]}"; do seconds "$d" >/dev/null || exit 2; done
	if ! real_ffmpeg=$(command -v ffmpeg) || ! real_ffprobe=$(command -v ffprobe); then
		echo "bench: ffmpeg and ffprobe are needed (scripts/setup.sh installs them)" >&2; exit 1
	fi

	# ffmpeg's peak apart from ours: replayrescue runs ffmpeg through this
	# wrapper (REPLAYRESCUE_FFMPEG), which execs GNU time on the real ffmpeg.
	# time passes every argument, stdin, stdout and stderr through, exits
	# with ffmpeg's status (128+N if a signal N ended it) and appends one
	# line per run to ffmpeg-rss: ffmpeg's ru_maxrss in KB, or a "Command
	# exited with non-zero status" note. The -version, -encoders and probe
	# runs land there too; only the largest matters. (Only a cancelled save
	# would differ: the kill would reach time, not ffmpeg. We never cancel.)
	# ffprobe is named explicitly, since Find would otherwise look for one
	# beside the wrapper first.
	mkdir -p "$WORK/wrap"
	cat >"$WORK/wrap/ffmpeg" <<-EOF
		#!/bin/sh
		exec /usr/bin/time -f %M -a -o '$WORK/ffmpeg-rss' '$real_ffmpeg' "\$@"
	EOF
	chmod +x "$WORK/wrap/ffmpeg"

	for d in "${durations[@]}"; do
		say "$d: serving the sample at 320x180 without a rate limit (made and cached on first use: about 4 min per hour of replay on 2 cores)"
		start_host "$d" -rate 0 -width 320 -height 180
		say "$d: $CHUNKS chunks, $((BYTES / 1000000)) MB; saving it with replayrescue save --jobs $CONNS"
		local out="$WORK/memory.mp4" pid="" hwm=0 key value rc=0 wall user sys ffrss
		rm -f "$out" "$WORK/rr.pid" "$WORK/ffmpeg-rss"
		save_cmd "$out" "$CONNS"
		# Our own peak: /usr/bin/time's %M is the larger of replayrescue's and
		# its largest waited-for child's (wait4 reports RUSAGE_BOTH), so it
		# would be ffmpeg's whenever ffmpeg is bigger. Instead read VmHWM (the
		# kernel's high-water mark of this one process's RSS, the figure
		# ru_maxrss reports) from /proc every 0.1 s while it lives, keeping
		# the last value: the mark only rises, so the last read misses at most
		# the final 0.1 s. sh writes its PID and execs replayrescue in the
		# same process, so the PID is known before it starts, and the marks
		# of sh (before exec) are dropped by exec. time still gives wall and
		# CPU time, children included, like the comparison table.
		# shellcheck disable=SC2016 # expanded by the inner sh
		REPLAYRESCUE_FFMPEG="$WORK/wrap/ffmpeg" REPLAYRESCUE_FFPROBE="$real_ffprobe" \
			/usr/bin/time -f '%e %U %S' -o "$WORK/time" \
			sh -c 'echo $$ >"$1.tmp" && mv "$1.tmp" "$1" && shift && exec "$@"' sh "$WORK/rr.pid" "${SAVE[@]}" \
			>"$WORK/log" 2>&1 &
		local timer=$!
		while [ -z "$pid" ] && kill -0 "$timer" 2>/dev/null; do
			if [ -s "$WORK/rr.pid" ]; then read -r pid <"$WORK/rr.pid"; else sleep 0.01; fi
		done
		while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do
			# A zombie has no VmHWM line any more: the last value stays.
			while read -r key value _; do
				[ "$key" = VmHWM: ] && hwm=$value
			done <"/proc/$pid/status" 2>/dev/null || true
			sleep 0.1
		done
		wait "$timer" || rc=$?
		stop_host
		if [ "$rc" -ne 0 ]; then
			rows+=$(printf '| %-8s | %6s | %7s | %7s | %16s | %11s | %8s |' "$d" "$CHUNKS" failed - - - -)$'\n'
			tail -3 "$WORK/log" >&2; continue
		fi
		check_mp4 "$out" "replayrescue ($d)" "$(seconds "$d")"
		read -r wall user sys < <(tail -1 "$WORK/time")
		ffrss=$(awk '$1 ~ /^[0-9]+$/ && $1 > m { m = $1 } END { print m + 0 }' "$WORK/ffmpeg-rss")
		rows+=$(printf '| %-8s | %6d | %7.1f | %7.2f | %13d MB | %8d MB | %8s |' "$d" "$CHUNKS" \
			"$(awk -v b="$BYTES" 'BEGIN { print b / 1e6 }')" "$wall" $((hwm / 1024)) $((ffrss / 1024)) "$(cpu_per_mb "$user" "$sys")")$'\n'
		say "$d: done in $wall s"
		rm -f "$out"
	done

	echo "Memory: replayrescue save --jobs $CONNS --audio-offset 2s, sample at 320x180 served on loopback without a rate limit; RSS of replayrescue alone (VmHWM) and of its largest ffmpeg run"
	machine
	echo
	printf '| %-8s | %6s | %7s | %7s | %16s | %11s | %8s |\n' duration chunks MB "wall s" "RSS replayrescue" "RSS ffmpeg" "CPU s/MB"
	printf '|%s|%s|%s|%s|%s|%s|%s|\n' ---------- -------- --------- --------- ------------------ ------------- ----------
	printf '%s' "$rows"
}

say "building replayrescue and samplehost"
go build -o "$WORK/replayrescue" ./cmd/replayrescue
go build -o "$WORK/samplehost" ./scripts/samplehost
if [ "${1:-}" = --memory ]; then
	shift
	memory "$@"
else
	comparison "${1:-10m}"
fi
