#!/usr/bin/env bash
# The idle daemon's memory: RSS and PSS (smaps_rollup) and PSS by mapping (smaps), after SETTLE seconds
# on a fresh root with no Plex configured, so no job and no media helper runs.
# Usage: bench/idle-memory.sh [SETTLE]     Env: APPLIANCED=path (default .build/release/applianced)
set -euo pipefail
cd "$(dirname "$0")/.."
APPLIANCED=${APPLIANCED:-.build/release/applianced}
settle=${1:-10}
root=$(mktemp -d /tmp/idle-memory-XXXXXX)
"$APPLIANCED" serve --root "$root" --listen 127.0.0.1 --port 0 2>"$root/log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$root"' EXIT
sleep "$settle"
echo "# $APPLIANCED idle for ${settle}s (pid $pid)"
python3 bench/smaps.py "$pid" 15
children=$(cat /proc/$pid/task/*/children 2>/dev/null | wc -w)
echo "media helpers running: $children; libav/libva pages mapped: $(grep -cE 'libav|libva|libswscale' /proc/$pid/maps || true)"
