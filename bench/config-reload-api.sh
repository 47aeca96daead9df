#!/usr/bin/env bash
# Time from a hand edit (a new applianced.toml renamed into place, as editors save) to the new value in the HTTP API
# (`GET /api/v1/settings/thumbnail_quality` of a running `applianced serve`), median of 50. The client polls every
# 0.5 ms on one keep-alive connection, so the figure includes the watcher's debounce, the reload and one request.
# Usage: bench/config-reload-api.sh [BINARY]   (default .build/release/applianced)
set -euo pipefail
BIN=${1:-.build/release/applianced}
ROOT=$(mktemp -d /tmp/config-bench-api-XXXXXX)
"$BIN" serve --root "$ROOT" --listen 127.0.0.1 --port 0 2>"$ROOT/daemon.log" &
DAEMON=$!
trap 'kill $DAEMON 2>/dev/null; wait $DAEMON 2>/dev/null; rm -rf "$ROOT"' EXIT
for _ in $(seq 100); do grep -q "Listening on" "$ROOT/daemon.log" && break; sleep 0.1; done
PORT=$(grep -o "Listening on [^ ]*" "$ROOT/daemon.log" | sed 's/.*://')
TOKEN=$(grep -o "Token: [^ ]*" "$ROOT/daemon.log" | cut -d' ' -f2)
python3 - "$ROOT" "$PORT" "$TOKEN" <<'PY'
import http.client, json, os, re, statistics, sys, time
root, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
path = os.path.join(root, "etc/applianced/applianced.toml")
connection = http.client.HTTPConnection("127.0.0.1", port)
def value():
    connection.request("GET", "/api/v1/settings/thumbnail_quality", headers={"X-Auth-Token": token})
    return json.loads(connection.getresponse().read())["value"]
def save(text):
    tmp = path + ".swp"
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    start = time.perf_counter_ns()
    os.rename(tmp, path)
    return start
original = open(path).read()
assert re.search(r"^quality = \d+$", original, re.M), "no thumbnails quality line"
samples = []
for i in range(50):
    wanted = 2 + i % 8
    start = save(re.sub(r"^quality = \d+$", "quality = %d" % wanted, original, count=1, flags=re.M))
    while value() != wanted:
        time.sleep(0.0005)
    samples.append((time.perf_counter_ns() - start) / 1e6)
    time.sleep(0.05)
samples.sort()
print("config reload (HTTP API, rename -> new value in GET /api/v1/settings): median %.1f ms, min %.1f ms, max %.1f ms, n=%d"
      % (statistics.median(samples), samples[0], samples[-1], len(samples)))
PY
