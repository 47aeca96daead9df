#!/usr/bin/env bash
# Time from a hand edit (a new applianced.toml renamed into place, as editors save) to the new value in the config
# store, median of 50. Store level: `applianced config watch` runs the real ConfigStore with its inotify watcher and
# prints a realtime timestamp when the reloaded value is in force; the HTTP API adds one in-memory read on top.
# Usage: bench/config-reload.sh [BINARY]   (default .build/release/applianced; build with `make release`)
set -euo pipefail
BIN=${1:-.build/release/applianced}
ROOT=$(mktemp -d /tmp/config-bench-XXXXXX)
"$BIN" config set thumbnails.quality 1 --root "$ROOT" 2>/dev/null
"$BIN" config watch thumbnails.quality --root "$ROOT" > "$ROOT/watch.log" 2>/dev/null &
WATCH=$!
trap 'kill $WATCH 2>/dev/null; rm -rf "$ROOT"' EXIT
python3 - "$ROOT" <<'PY'
import os, statistics, sys, time
root = sys.argv[1]
path = os.path.join(root, "etc/applianced/applianced.toml")
log = os.path.join(root, "watch.log")
text = open(path).read()
while not open(log).read():
    time.sleep(0.01)
samples = []
for i in range(50):
    value = i % 9 + 2
    new = text.replace("quality = 1\n", "quality = %d\n" % value)
    tmp = path + ".swp"
    with open(tmp, "w") as f:
        f.write(new)
        f.flush()
        os.fsync(f.fileno())
    lines_before = len(open(log).read().splitlines())
    start = time.time_ns()
    os.rename(tmp, path)
    while True:
        lines = open(log).read().splitlines()
        if len(lines) > lines_before and lines[-1].endswith("=%d" % value):
            break
        time.sleep(0.0005)
    samples.append((int(lines[-1].split()[0]) - start) / 1e6)
    text = new.replace("quality = %d\n" % value, "quality = 1\n")
    # Back to 1 for the next round, also through a rename, and wait for it.
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)
    while not open(log).read().splitlines()[-1].endswith("=1"):
        time.sleep(0.0005)
samples.sort()
print("config reload (store level, rename -> new value): median %.1f ms, min %.1f ms, max %.1f ms, n=%d"
      % (statistics.median(samples), samples[0], samples[-1], len(samples)))
PY
