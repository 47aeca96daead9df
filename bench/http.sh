#!/usr/bin/env bash
# HTTP benchmark, like for like: wrk against applianced (release build) and nginx serving the same bytes,
# in one run, loopback only. Both write an access log to a file, then neither does; each on
# GET /api/health (public) and GET /api/v1/metrics/current (needs the appliance token: nginx checks the
# same header before it serves the same JSON as a static file). Two runs of each pair, alternating.
# Then, on applianced alone: memory per idle keep-alive connection (RSS with 1,000 held), threads with
# 50 WebSocket clients on /monitoring, and (with `perf` installed) the profile's top entries.
# The pairs run twice: "shared", both servers with two loops/workers and wrk's two threads on all CPUs
# (on a 2-CPU box the load generator preempts the servers, and p99 is mostly the scheduler's slice); and
# "pinned", each server with one loop/worker on CPU 0 and wrk -t1 on the other CPUs, so the tail is the
# server's own.
# Needs: wrk, nginx (Debian nginx-light), python3, curl; perf (linux-perf) optional.
# Usage: bench/http.sh [seconds per run, default 10] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${1:-10}
CONNECTIONS=${2:-64}
THREADS=2
PORT_APPLIANCED=18480
PORT_NGINX=18481
# APPLIANCED=path runs that binary instead of building the release one.
BIN=${APPLIANCED:-.build/release/applianced}
WORK=$(mktemp -d /tmp/http-bench-XXXXXX)
chmod 755 "$WORK" # nginx workers run as www-data when started as root
APPLIANCED_PID=""
NGINX_PID=""

stop_servers() {
    for pid in $APPLIANCED_PID $NGINX_PID; do kill "$pid" 2>/dev/null || true; done
    for pid in $APPLIANCED_PID $NGINX_PID; do wait "$pid" 2>/dev/null || true; done
    APPLIANCED_PID=""
    NGINX_PID=""
}
trap 'stop_servers; rm -rf "$WORK"' EXIT

for tool in wrk nginx python3 curl; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install wrk nginx-light curl python3)"; exit 1; }
done
[ -n "${APPLIANCED:-}" ] || make -s release >/dev/null

wait_for() {
    for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$1/api/health" 2>/dev/null && return 0; sleep 0.1; done
    echo "server on port $1 did not come up"; exit 1
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
threads_of() { awk '/^Threads:/ {print $2}' "/proc/$1/status"; }

# Set by the phase: how many loops/workers each server runs, and the CPU prefix of servers and wrk.
SERVERS=2
SERVER_CPUS=()
WRK_CPUS=()

# start MODE (log|nolog): applianced and nginx, both logging every request to a file or neither.
start() {
    local mode=$1 access=all nginx_log="access_log $WORK/nginx/logs/access.log;"
    if [ "$mode" = nolog ]; then access=off; nginx_log="access_log off;"; fi
    APPLIANCED_SERVER_ACCESS_LOG=$access APPLIANCED_SERVER_LOG_HEALTH_CHECKS=true WEB_AUTH_TOKEN=bench-token-0123456789 \
        APPLIANCED_LIMITS_MAX_CONNECTIONS=2000 APPLIANCED_LIMITS_MAX_CONNECTIONS_PER_IP=256 APPLIANCED_SERVER_THREADS=$SERVERS \
        "${SERVER_CPUS[@]}" "$BIN" serve --root "$WORK/root" --listen 127.0.0.1 --port $PORT_APPLIANCED 2>>"$WORK/applianced-$mode.log" &
    APPLIANCED_PID=$!
    mkdir -p "$WORK/nginx/www/api/v1/metrics" "$WORK/nginx/logs"
    printf '%s' '{"status":"healthy","version":"0.1.0"}' >"$WORK/nginx/www/api/health"
    cat >"$WORK/nginx/nginx.conf" <<CONF
daemon off;
worker_processes $SERVERS;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 2048; }
http {
    $nginx_log
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
        location /api/v1/metrics/ {
            default_type application/json;
            if (\$http_x_auth_token != "bench-token-0123456789") { return 401; }
        }
    }
}
CONF
    "${SERVER_CPUS[@]}" nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
    NGINX_PID=$!
    wait_for $PORT_APPLIANCED
    wait_for $PORT_NGINX
    # nginx serves the metrics document applianced answered, byte for byte.
    # (503 until the monitor's first sample.)
    for _ in $(seq 1 50); do
        curl -fsS -H 'X-Auth-Token: bench-token-0123456789' "http://127.0.0.1:$PORT_APPLIANCED/api/v1/metrics/current" \
            >"$WORK/nginx/www/api/v1/metrics/current" 2>/dev/null && break
        sleep 0.2
    done
    sleep 1
}

to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.3f", v}'; }

# run PORT PATH → "req/s p50_ms p99_ms"
run() {
    local out="$WORK/wrk.txt"
    "${WRK_CPUS[@]}" wrk -t$THREADS -c"$CONNECTIONS" -d"${DURATION}s" --latency -H 'X-Auth-Token: bench-token-0123456789' "http://127.0.0.1:$1$2" >"$out"
    if grep -q 'Non-2xx' "$out"; then echo "warning: port $1 $2 answered non-2xx: $(grep Non-2xx "$out")" >&2; fi
    echo "$(awk '/^Requests\/sec:/ {print $2}' "$out") $(awk '$1=="50%" {print $2}' "$out" | to_ms) $(awk '$1=="99%" {print $2}' "$out" | to_ms)"
}

# pairs MODE: both routes, two rounds each, applianced then nginx; servers already started.
pairs() {
    local mode=$1 path round
    for path in /api/health /api/v1/metrics/current; do
        for round in 1 2; do
            read -r A_RPS A_P50 A_P99 <<<"$(run $PORT_APPLIANCED $path)"
            read -r N_RPS N_P50 N_P99 <<<"$(run $PORT_NGINX $path)"
            printf '%-7s %-26s %4s %12.0f %8s %8s %12.0f %8s %8s %6.2fx\n' $mode $path $round "$A_RPS" "$A_P50" "$A_P99" "$N_RPS" "$N_P50" "$N_P99" \
                "$(awk -v a="$A_RPS" -v n="$N_RPS" 'BEGIN {print a/n}')"
        done
    done
}
# The share of CPU time the hypervisor took ("steal" in /proc/stat) since a snapshot: on a shared VM it
# moves both servers' rates and tails, so the bench prints it for each phase.
steal_snapshot() { awk '$1=="cpu" {t=0; for (i=2; i<=9; i++) t+=$i; print $9, t}' /proc/stat; }
steal_since() {
    read -r s0 t0 <<<"$1"
    read -r s1 t1 <<<"$(steal_snapshot)"
    awk -v s="$((s1 - s0))" -v t="$((t1 - t0))" 'BEGIN {printf "CPU time taken by the hypervisor (steal) during the phase: %.1f %%\n", t ? 100 * s / t : 0}'
}
header() {
    printf '%-7s %-26s %4s %12s %8s %8s %12s %8s %8s %7s\n' log route run "applianced/s" "p50 ms" "p99 ms" "nginx/s" "p50 ms" "p99 ms" ratio
}

if [ "$(nproc)" -ge 2 ]; then
    SERVERS=1
    SERVER_CPUS=(taskset -c 0)
    WRK_CPUS=(taskset -c "1-$(( $(nproc) - 1 ))")
    THREADS=1
    echo "pinned: servers on CPU 0 (one loop, one worker), wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s on CPUs 1-$(( $(nproc) - 1 )), $(uname -r)"
    header
    STEAL=$(steal_snapshot)
    for mode in log nolog; do
        start $mode
        pairs $mode
        stop_servers
    done
    steal_since "$STEAL"
    SERVERS=2
    SERVER_CPUS=()
    WRK_CPUS=()
    THREADS=2
fi

echo "shared: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $(nproc) CPUs, $(uname -r); nginx: worker_processes $SERVERS"
header
STEAL=$(steal_snapshot)
for mode in log nolog; do
    start $mode
    pairs $mode
    if [ $mode = nolog ]; then steal_since "$STEAL"; fi
    if [ $mode = nolog ]; then
        # --- applianced alone: idle connections, WebSocket threads, profile -------------------------------
        kill "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=""
        sleep 1
        IDLE_RSS=$(rss_kb $APPLIANCED_PID)
        IDLE_THREADS=$(threads_of $APPLIANCED_PID)
        python3 - "$PORT_APPLIANCED" "$APPLIANCED_PID" <<'PY'
import socket, sys, time, resource
port, pid = int(sys.argv[1]), sys.argv[2]
resource.setrlimit(resource.RLIMIT_NOFILE, (4096, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
def rss():
    return int(next(l for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS:")).split()[1])
def threads():
    return int(next(l for l in open(f"/proc/{pid}/status") if l.startswith("Threads:")).split()[1])
before = rss()
held = []
for i in range(1000):
    s = socket.create_connection(("127.0.0.1", port), source_address=(f"127.0.{1 + i // 60}.{1 + i % 60}", 0))
    s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
    held.append(s)
for s in held:
    data = b""
    while b"\r\n\r\n" not in data or not data.endswith(b"}"):
        data += s.recv(4096)
time.sleep(1)
after = rss()
print(f"1,000 idle keep-alive connections: RSS {before} → {after} kB, {(after - before) * 1024 / 1000:.0f} bytes per connection")
for s in held: s.close()
time.sleep(1)
time.sleep(6)  # Swift's cooperative pool lets idle threads go after a few seconds
idle_threads = threads()
sockets = []
for count in (50, 200):
    while len(sockets) < count:
        s = socket.create_connection(("127.0.0.1", port), source_address=(f"127.1.{len(sockets) // 60}.{1 + len(sockets) % 60}", 0))
        s.sendall(b"GET /monitoring HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                  b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nX-Auth-Token: bench-token-0123456789\r\n\r\n")
        reply = s.recv(4096)
        assert reply.startswith(b"HTTP/1.1 101"), reply[:80]
        sockets.append(s)
    time.sleep(3)
    print(f"threads: {idle_threads} idle, {threads()} with {count} WebSocket clients on /monitoring")
for s in sockets: s.close()
PY
        if command -v perf >/dev/null; then
            perf record -q -F 999 -g -o "$WORK/perf.data" -p $APPLIANCED_PID -- sleep 6 >/dev/null 2>&1 &
            PERF_PID=$!
            sleep 0.5
            wrk -t$THREADS -c"$CONNECTIONS" -d5s "http://127.0.0.1:$PORT_APPLIANCED/api/health" >/dev/null
            wait $PERF_PID || true
            echo "profile (GET /api/health, no access log), top entries by self time:"
            perf report -i "$WORK/perf.data" --no-children --stdio --sort symbol 2>/dev/null | grep -E '^ +[0-9]' | head -15 || true
        fi
        echo "applianced idle: RSS ${IDLE_RSS} kB, ${IDLE_THREADS} threads"
    fi
    stop_servers
done
