#!/usr/bin/env bash
# HTTP benchmark: wrk against GET /api/health for applianced (release build), nginx serving the same JSON
# as a static file, and Flask behind gunicorn gthread (8 threads) — in one run, loopback only.
# Prints requests/s, p50/p99 latency, the ratios, and applianced's RSS/PSS at idle and under load.
# Needs: wrk, nginx (Debian nginx-light), python3 with flask + gunicorn (pip install flask gunicorn).
# Usage: bench/http.sh [seconds per run, default 10] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${1:-10}
CONNECTIONS=${2:-64}
THREADS=2
PORT_APPLIANCED=18480
PORT_NGINX=18481
PORT_FLASK=18482
# APPLIANCED=path runs that binary instead of building the release one.
BIN=${APPLIANCED:-.build/release/applianced}
WORK=$(mktemp -d /tmp/http-bench-XXXXXX)
chmod 755 "$WORK" # nginx workers run as www-data when started as root
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk nginx python3 curl; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install wrk nginx-light curl python3)"; exit 1; }
done
python3 -c 'import flask, gunicorn' 2>/dev/null || { echo "missing flask/gunicorn (pip install flask gunicorn)"; exit 1; }
[ -n "${APPLIANCED:-}" ] || swift build -c release --static-swift-stdlib --product applianced >/dev/null

wait_for() {
    for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$1/api/health" 2>/dev/null && return 0; sleep 0.1; done
    echo "server on port $1 did not come up"; exit 1
}

memory() { # RSS and PSS in kB of a pid, from smaps_rollup
    awk '/^Rss:/ {r=$2} /^Pss:/ {p=$2} END {printf "%d %d\n", r, p}' "/proc/$1/smaps_rollup"
}

# --- applianced -------------------------------------------------------------------------------
"$BIN" serve --root "$WORK/root" --listen 127.0.0.1 --port $PORT_APPLIANCED 2>"$WORK/applianced.log" &
APPLIANCED_PID=$!
PIDS+=("$APPLIANCED_PID")

# --- nginx: the same JSON as a static file ----------------------------------------------------
mkdir -p "$WORK/nginx/www/api" "$WORK/nginx/logs"
printf '%s' '{"status":"healthy","version":"0.1.0"}' > "$WORK/nginx/www/api/health"
cat > "$WORK/nginx/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 1024; }
http {
    access_log $WORK/nginx/logs/access.log;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$PORT_NGINX;
        root $WORK/nginx/www;
        location /api/ { default_type application/json; }
    }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
PIDS+=("$!")

# --- Flask behind gunicorn gthread, 8 threads (the preview generator's stack) ------------------
cat > "$WORK/app.py" <<'APP'
from flask import Flask, jsonify
app = Flask(__name__)

@app.get("/api/health")
def health():
    return jsonify(status="healthy", version="0.1.0")
APP
(cd "$WORK" && exec python3 -m gunicorn -k gthread --threads 8 -w 1 -b 127.0.0.1:$PORT_FLASK --log-level warning app:app) &
PIDS+=("$!")

wait_for $PORT_APPLIANCED
wait_for $PORT_NGINX
wait_for $PORT_FLASK
sleep 1
read -r IDLE_RSS IDLE_PSS <<<"$(memory $APPLIANCED_PID)"

# run NAME PORT → prints "req/s p50_ms p99_ms"; samples applianced's memory halfway through its own run
run() {
    local name=$1 port=$2 out="$WORK/wrk-$1.txt"
    wrk -t$THREADS -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$port/api/health" >"$out" &
    local wrk_pid=$!
    if [ "$name" = applianced ]; then sleep $((DURATION / 2)); memory $APPLIANCED_PID >"$WORK/load-mem"; fi
    wait $wrk_pid
    local rps p50 p99
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    p50=$(awk '$1=="50%" {print $2}' "$out" | to_ms)
    p99=$(awk '$1=="99%" {print $2}' "$out" | to_ms)
    if grep -q 'Non-2xx' "$out"; then echo "warning: $name answered non-2xx: $(grep Non-2xx "$out")" >&2; fi
    echo "$rps $p50 $p99"
}
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.3f", v}'; }

read -r A_RPS A_P50 A_P99 <<<"$(run applianced $PORT_APPLIANCED)"
read -r N_RPS N_P50 N_P99 <<<"$(run nginx $PORT_NGINX)"
read -r F_RPS F_P50 F_P99 <<<"$(run flask $PORT_FLASK)"
read -r LOAD_RSS LOAD_PSS <"$WORK/load-mem"

echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s GET /api/health, $(nproc) CPUs, $(uname -r)"
printf '%-24s %12s %10s %10s\n' server "requests/s" "p50 ms" "p99 ms"
printf '%-24s %12.0f %10s %10s\n' "applianced" "$A_RPS" "$A_P50" "$A_P99"
printf '%-24s %12.0f %10s %10s\n' "nginx (static file)" "$N_RPS" "$N_P50" "$N_P99"
printf '%-24s %12.0f %10s %10s\n' "flask+gunicorn gthread" "$F_RPS" "$F_P50" "$F_P99"
awk -v a="$A_RPS" -v n="$N_RPS" -v f="$F_RPS" 'BEGIN {printf "applianced / nginx = %.2fx, applianced / flask = %.1fx\n", a/n, a/f}'
echo "applianced memory: idle RSS ${IDLE_RSS} kB PSS ${IDLE_PSS} kB; under load RSS ${LOAD_RSS} kB PSS ${LOAD_PSS} kB"
