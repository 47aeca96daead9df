#!/usr/bin/env python3
"""What idle Socket.IO clients cost and how fast an event reaches all of them (issue 17). By hand, never in CI:

    bench/socketio.py [--binary .build/release/applianced] [--clients 500] [--samples 20]

1. Starts the daemon (connection limits raised to fit the clients) and reads its RSS once settled.
2. Opens --clients raw Engine.IO WebSocket clients (the `websockets` library, asyncio: a client costs a
   few KB here) that each join `/system` with the appliance token and answer the server's pings; reads
   the daemon's RSS again after 5 s idle: the goal is under 16 KB of daemon RSS per connection.
3. Fan-out: every monitor sample (1 s) is emitted to all of them as `system:metrics`. For --samples
   samples, each client's arrival minus the first arrival of that sample is its fan-out latency (the
   daemon's emit loop plus the kernel; the first client gets it right after the sampler publishes): the
   goal is a p99 under 50 ms. The one client process reads all sockets, so the figure is an upper bound.
Raw figures go to bench/out/socketio-<time>.json. The binary must have /socket.io/ (a build of this branch).
"""
import argparse
import asyncio
import json
import os
import sys
import tempfile
import time

try:
    import websockets
except ImportError:
    sys.exit("needs the websockets package (pip install websockets)")

from benchdaemon import Daemon

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


class Client:
    """One Engine.IO WebSocket client in `/system`: answers pings, timestamps every `system:metrics`."""

    def __init__(self, url, token):
        self.url, self.token = url, token
        self.arrivals = {}  # sample message → monotonic arrival

    async def join(self):
        self.socket = await websockets.connect(self.url, max_size=None, open_timeout=60, ping_interval=None)
        opening = await self.socket.recv()
        if not opening.startswith("0{"):
            raise RuntimeError(f"no Engine.IO open packet: {opening[:80]}")
        await self.socket.send('40/system,' + json.dumps({"token": self.token}))
        while True:
            answer = await self.socket.recv()
            if answer.startswith("40/system,"):
                return
            if answer.startswith("44"):
                raise RuntimeError(f"refused: {answer[:120]}")

    async def listen(self):
        try:
            async for message in self.socket:
                if message == "2":
                    await self.socket.send("3")
                elif message.startswith('42/system,["system:metrics"'):
                    # One sample is encoded once for everyone: its text names it.
                    self.arrivals.setdefault(message, time.monotonic())
        except websockets.ConnectionClosed:
            pass


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else None


async def run(daemon, clients_wanted, samples):
    url = f"ws://127.0.0.1:{daemon.port}/socket.io/?EIO=4&transport=websocket"
    status, _ = daemon.request("GET", "/socket.io/?EIO=4&transport=polling")
    if status != 200:
        sys.exit(f"this binary has no /socket.io/ (a handshake answered {status}): build this branch")
    time.sleep(3)
    before = daemon.rss_mib()
    clients = [Client(url, daemon.token) for _ in range(clients_wanted)]
    for start in range(0, len(clients), 50):
        await asyncio.gather(*(client.join() for client in clients[start:start + 50]))
    listeners = [asyncio.create_task(client.listen()) for client in clients]
    await asyncio.sleep(5)
    after = daemon.rss_mib()
    for client in clients:
        client.arrivals.clear()
    await asyncio.sleep(samples + 1.5)
    latencies = []
    keys = set().union(*(client.arrivals.keys() for client in clients))
    complete = 0
    for key in keys:
        arrivals = [client.arrivals[key] for client in clients if key in client.arrivals]
        if len(arrivals) == len(clients):
            complete += 1
        first = min(arrivals)
        latencies += [(arrival - first) * 1000 for arrival in arrivals]
    for client in clients:
        await client.socket.close()
    for listener in listeners:
        listener.cancel()
    return {
        "clients": clients_wanted, "rss_before_mib": round(before, 2), "rss_after_mib": round(after, 2),
        "kib_per_connection": round((after - before) * 1024 / clients_wanted, 2),
        "samples": len(keys), "samples_reaching_all": complete,
        "fanout_ms": {"p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99), "max": max(latencies, default=None)},
    }


def main():
    parser = argparse.ArgumentParser()
    release = os.path.join(REPO, ".build", "release", "applianced")
    parser.add_argument("--binary", default=release if os.path.exists(release) else os.path.join(REPO, ".build", "debug", "applianced"))
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    root = tempfile.mkdtemp(prefix="bench-socketio-")
    daemon = Daemon(args.binary, root)
    daemon.config("limits.max_connections", str(args.clients + 100))
    daemon.config("limits.max_connections_per_ip", str(args.clients + 100))
    daemon.start()
    try:
        result = asyncio.run(run(daemon, args.clients, args.samples))
    finally:
        daemon.stop()
    result["binary"] = args.binary
    print(json.dumps(result, indent=2))
    print(f"{result['kib_per_connection']} KiB of daemon RSS per connection (goal < 16); "
          f"fan-out p99 {result['fanout_ms']['p99']:.1f} ms (goal < 50)")
    os.makedirs(os.path.join(HERE, "out"), exist_ok=True)
    with open(os.path.join(HERE, "out", time.strftime("socketio-%Y%m%d-%H%M%S.json")), "w") as file:
        json.dump(result, file, indent=2)


if __name__ == "__main__":
    main()
