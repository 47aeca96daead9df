#!/usr/bin/env bash
# /api/health latency while every thumbnail worker is busy: `applianced serve` runs a thumbnail job over long clips
# (from bench/thumbnails.sh, listed by the fake Plex), and wrk polls GET /api/health meanwhile. Prints wrk's latency
# distribution and the workers' state before and after.
# Usage: bench/health-busy.sh [BINARY=.build/release/applianced] [CLIPDIR=bench/out] [SECONDS=10] [CONNECTIONS=4]
set -euo pipefail
BIN=${1:-.build/release/applianced}
CLIPS=${2:-bench/out}
SECONDS_=${3:-10}
CONNECTIONS=${4:-4}
[ -x "$BIN" ] || { echo "no $BIN: run 'make release' first" >&2; exit 2; }
ls "$CLIPS"/*.m* >/dev/null 2>&1 || { echo "no clips in $CLIPS: run 'GENERATE_ONLY=1 bench/thumbnails.sh' first" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
ROOT=$(mktemp -d /tmp/health-busy-XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/library/Movies" "$ROOT/plex"
movies=()
n=0
for clip in "$CLIPS"/*.m*; do
    for copy in 1 2; do   # each clip twice, so the workers stay busy past the measurement
        n=$((n + 1))
        mkdir -p "$ROOT/library/Movies/Clip $n"
        ln -s "$(realpath "$clip")" "$ROOT/library/Movies/Clip $n/clip-$n.${clip##*.}"
        movies+=(--movie "/media/Movies/Clip $n/clip-$n.${clip##*.}")
    done
done
python3 -u Tests/Fixtures/fake_plex.py --port 0 "${movies[@]}" > "$ROOT/plex.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q "[0-9]$" "$ROOT/plex.log" 2>/dev/null && break; sleep 0.1; done
PLEX_PORT=$(head -1 "$ROOT/plex.log" | awk '{ print $NF }')
for setting in "plex.url http://127.0.0.1:$PLEX_PORT" "plex.token fake-plex-token" "plex.config_folder $ROOT/plex" \
    "plex.videos_path_mapping /media" "plex.local_videos_path_mapping $ROOT/library"; do
    "$BIN" config set $setting --root "$ROOT" 2>/dev/null
done
"$BIN" serve --root "$ROOT" --listen 127.0.0.1 --port 0 2>"$ROOT/daemon.log" &
DAEMON=$!
pids+=($DAEMON)
for _ in $(seq 100); do grep -q "Listening on" "$ROOT/daemon.log" && break; sleep 0.1; done
PORT=$(grep -o "Listening on [^ ]*" "$ROOT/daemon.log" | sed 's/.*://')
TOKEN=$(grep -o "Token: [^ ]*" "$ROOT/daemon.log" | cut -d' ' -f2)
api() { curl -sf -H "X-Auth-Token: $TOKEN" -H "Content-Type: application/json" "$@"; }
JOB=$(api -X POST -d '{"library_id":"1"}' "http://127.0.0.1:$PORT/api/jobs" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
workers() { api "http://127.0.0.1:$PORT/api/jobs/$JOB" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("job %s: %s, %s/%s items; workers: %s" % (d["id"], d["status"], d["completed_items"], d["total_items"],
      ", ".join("%s %s" % (w["type"], w["status"]) for w in d["workers"])))'; }
for _ in $(seq 100); do workers | grep -q "working.*working\|cpu working$" && break; sleep 0.2; done
workers
echo "wrk -t1 -c$CONNECTIONS -d${SECONDS_}s --latency GET /api/health (daemon pid $DAEMON, $(nproc) CPUs)"
wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_}s" --latency "http://127.0.0.1:$PORT/api/health" | sed -n '/Latency Distribution/,/Requests\/sec/p'
workers
echo "a poller: 2000 sequential GET /api/health on one keep-alive connection, 5 ms apart"
python3 - "$PORT" <<'PY'
import http.client, sys, time
connection = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
samples = []
for _ in range(2000):
    start = time.perf_counter()
    connection.request("GET", "/api/health")
    connection.getresponse().read()
    samples.append((time.perf_counter() - start) * 1000)
    time.sleep(0.005)
samples.sort()
pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]
print("  p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms" % (pick(0.5), pick(0.9), pick(0.99), samples[-1]))
PY
workers
api -X POST "http://127.0.0.1:$PORT/api/jobs/$JOB/cancel" >/dev/null
