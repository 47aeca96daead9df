#!/usr/bin/env bash
# Regenerates image-build/idle-order.txt, the functions an idle daemon runs, which `make release` asks
# gold to lay out together. Run it after changes to what the daemon does while idle (timers, the
# sampler, the health routes); a stale list only costs memory: a function it lacks is placed as if
# unlisted, a name it has that no longer exists is ignored.
#
# How: the release daemon is relinked with a link map, started on a fresh root (every upstream on a
# closed local port) under valgrind's callgrind with instrumentation off, switched on after start-up
# (before the daemon's own release of its start-up pages at 10 s), polled on /api/health every 5 s
# like a router would be and sending systemd's watchdog its keep-alives, for SECONDS; bench/idle-order.py turns the functions callgrind saw into
# input sections through the map, and keeps the earlier list's sections that still exist (a timer
# rarer than one profile stays listed). Start from an empty file to drop them.
# Usage: bench/idle-order.sh [SECONDS=120]        Needs: valgrind (apt-get install valgrind), curl.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
for tool in valgrind callgrind_control curl nm; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install valgrind curl binutils)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/idle-order-XXXXXX)
pid=
notifier=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$notifier" ] && kill "$notifier" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# Relinks with a map (the objects are already built with a section per function by `make release`).
make -s release >/dev/null
rm -f .build/release/applianced
# shellcheck disable=SC2046
swift build $(make -s release-flags) -Xlinker -Map="$work/map.txt" --product applianced >/dev/null
binary=$(readlink -f .build/release/applianced)

# systemd's watchdog too (the image's unit has WatchdogSec=30s): a datagram socket that takes the
# daemon's sd_notify messages, so its READY=1 and WATCHDOG=1 path is in the profile.
python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
while True: s.recv(4096)' "$work/notify" &
notifier=$!
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
NOTIFY_SOCKET="$work/notify" WATCHDOG_USEC=30000000 APPLIANCED_PLEXTV_BASE_URL=http://127.0.0.1:9 valgrind --tool=callgrind --instr-atstart=no \
    --callgrind-out-file="$work/callgrind.out" "$binary" serve --root "$work/root" --listen 127.0.0.1 \
    --port "$port" >"$work/log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/api/health" && break
    sleep 0.1
done
sleep 5
callgrind_control -i on "$pid" >/dev/null
end=$((SECONDS + seconds))
while [ $SECONDS -lt $end ]; do
    curl -s -o /dev/null "http://127.0.0.1:$port/api/health"
    sleep 5
done
callgrind_control -d "$pid" >/dev/null
base=$(awk -v exe="$binary" '$6 == exe { split($1, a, "-"); print a[1]; exit }' "/proc/$pid/maps")
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
keep=()
[ -s image-build/idle-order.txt ] && keep=(--keep image-build/idle-order.txt)
python3 bench/idle-order.py "${keep[@]}" "$work/map.txt" "$binary" "$base" "$work"/callgrind.out.* > "$work/order.txt"
cp "$work/order.txt" image-build/idle-order.txt
make -s release >/dev/null
echo "image-build/idle-order.txt: $(wc -l < image-build/idle-order.txt) sections; relinked .build/release/applianced"
