#!/usr/bin/env bash
# Idle cost of the real daemon (sampler at 1 s, history, alerts, HTTP idle): CPU percent of one core
# from /proc/<pid>/stat over a window, and RSS at the end. Needs `applianced serve` wired by the lead.
# Usage: bench/monitor-idle.sh [seconds=300] [binary=.build/release/applianced]
set -euo pipefail
seconds=${1:-300}
binary=${2:-.build/release/applianced}
root=$(mktemp -d /tmp/monitor-idle-XXXXXX)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$root"' EXIT
[ -x "$binary" ] || { echo "no $binary: run 'make release' first" >&2; exit 2; }
"$binary" serve --root "$root" --port 0 2>"$root/stderr.log" &
pid=$!
sleep 5   # start-up, first samples, first config write
kill -0 "$pid" 2>/dev/null || { echo "daemon exited:" >&2; cat "$root/stderr.log" >&2; exit 1; }
ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat"; }
clk=$(getconf CLK_TCK)
t0=$(ticks); s0=$(date +%s.%N)
sleep "$seconds"
t1=$(ticks); s1=$(date +%s.%N)
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
awk -v t0="$t0" -v t1="$t1" -v s0="$s0" -v s1="$s1" -v clk="$clk" -v rss="$rss" 'BEGIN {
    window = s1 - s0
    printf "window_s=%.0f cpu_ticks=%d cpu_percent_of_one_core=%.3f rss_mib=%.1f\n", window, t1 - t0, (t1 - t0) / clk / window * 100, rss / 1024
}'
