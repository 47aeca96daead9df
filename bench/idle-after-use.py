#!/usr/bin/env python3
"""The daemon's memory after a session of use, then after the quiet spell that makes it release again.

Usage: bench/idle-after-use.py [ROUNDS]      Env: APPLIANCED=path (default .build/release/applianced)
A fresh root; 15 s after start (past the start-up release) a session like the image test's and a
wizard's: settings, config status, setup, system, jobs, schedules, libraries, the dashboards' and the monitor's
reads, five times each. Prints PSS and RSS (smaps_rollup) 5 s after the session and 45 s after it (the daemon releases
after 30 s without a request other than a health check, checked every 10 s: IdleMemoryRelease), then the range of PSS
from 75 to 105 s after it (the steady state past the release), while a router-like poller asks /api/health every 5 s
throughout.
"""
import os, subprocess, sys, tempfile, threading, time
sys.path.insert(0, os.path.dirname(__file__))
from benchdaemon import Daemon

SESSION = ["/api/settings", "/api/config/status", "/api/setup/status", "/api/setup/state", "/api/system/status",
           "/api/system/config", "/api/jobs", "/api/schedules", "/api/v1/dashboard/stats",
           "/api/v1/health/metrics", "/api/performance/metrics", "/api/v1/dashboard/status", "/api/v1/services/status",
           "/api/v1/admin/stats"]


def rollup(pid):
    values = {}
    for line in open(f"/proc/{pid}/smaps_rollup"):
        parts = line.split()
        if len(parts) >= 2 and parts[0].endswith(":"):
            values[parts[0][:-1]] = int(parts[1])
    return values["Pss"], values["Rss"]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    binary = os.environ.get("APPLIANCED", ".build/release/applianced")
    for round in range(rounds):
        with tempfile.TemporaryDirectory(prefix="idle-after-use-") as root:
            daemon = Daemon(binary, root)
            daemon.start()
            stop = threading.Event()

            def poll():
                while not stop.wait(5):
                    daemon.request("GET", "/api/health")
            poller = threading.Thread(target=poll, daemon=True)
            poller.start()
            time.sleep(15)
            pid = daemon.process.pid
            before = rollup(pid)
            statuses = set()
            for _ in range(5):
                for path in SESSION:
                    statuses.add(daemon.get(path)[0])
            time.sleep(5)
            after_use = rollup(pid)
            time.sleep(40)
            idle = rollup(pid)
            # The release comes 30-40 s after the last activity, and the request follower's first query
            # (30 s after start) counts: 45 s after the session races with it, and a reading just after
            # it is below the steady state (the idle loop faults its code back in within seconds).
            # Past it, the smallest and largest of the readings 75-105 s after the session are the steady range.
            steady = []
            for _ in range(12):
                time.sleep(5)
                steady.append(rollup(pid)[0])
            stop.set()
            daemon.stop()
            print(f"round {round + 1}: PSS/RSS KiB before the session {before[0]}/{before[1]}, "
                  f"5 s after it {after_use[0]}/{after_use[1]}, 45 s after it {idle[0]}/{idle[1]}; "
                  f"PSS 75-105 s after it {min(steady[-7:])}-{max(steady[-7:])} (statuses {sorted(statuses)})", flush=True)


main()
