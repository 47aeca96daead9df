#!/usr/bin/env python3
"""What the integrations cost while nothing happens (issue 13). Run by hand, never in CI:

    bench/integrations.py --binary .build/release/applianced [--seconds 120]

1. Starts the daemon with no integration enabled, lets it settle 10 s, then reads its CPU time over
   --seconds: the monitor's own cost (it samples the box every second).
2. Starts it again with Radarr, Sonarr, Prowlarr, Overseerr and Tautulli enabled (fake_arr.py on
   loopback) and Plex (fake_plex.py), and reads its CPU time over the same span; counts the requests the
   fakes saw (the probes).
Prints both as % of one core and their difference: the goal is under 0.2 % of a core beside the
monitor's figure. The raw figures go to bench/out/integrations-<time>.json.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

from benchdaemon import Daemon

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "Tests", "Fixtures")
APPS = ("radarr", "sonarr", "prowlarr", "overseerr", "tautulli")


def fixture(script, *arguments):
    process = subprocess.Popen([sys.executable, os.path.join(FIXTURES, script), "--port", "0", *arguments],
                               stdout=subprocess.PIPE, text=True)
    port = int(process.stdout.readline().split()[1])
    return process, port


def idle_cpu(binary, seconds, configure):
    """% of one core the daemon used over `seconds` after 10 s of settling, configured by `configure`."""
    root = tempfile.mkdtemp(prefix="bench-integrations-")
    daemon = Daemon(binary, root)
    daemon.config("server.access_log", "errors")
    configure(daemon)
    daemon.start()
    time.sleep(10)
    before = daemon.cpu_seconds()
    time.sleep(seconds)
    used = daemon.cpu_seconds() - before
    rss = daemon.rss_mib()
    daemon.stop()
    return 100.0 * used / seconds, rss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/release/applianced")
    parser.add_argument("--seconds", type=int, default=120)
    arguments = parser.parse_args()
    binary = os.path.abspath(arguments.binary)

    arr, arr_port = fixture("fake_arr.py")
    plex, plex_port = fixture("fake_plex.py")
    try:
        base, base_rss = idle_cpu(binary, arguments.seconds, lambda daemon: None)

        def enable(daemon):
            for app in APPS:
                daemon.config(f"integrations.{app}.enabled", "true")
                daemon.config(f"integrations.{app}.url", f"http://127.0.0.1:{arr_port}/{app}")
                daemon.config(f"integrations.{app}.api_key", "fake-arr-key")
            daemon.config("plex.url", f"http://127.0.0.1:{plex_port}")
            daemon.config("plex.token", "fake-plex-token")

        before = json.load(urllib.request.urlopen(f"http://127.0.0.1:{arr_port}/__stats"))["requests"]
        apps, apps_rss = idle_cpu(binary, arguments.seconds, enable)
        after = json.load(urllib.request.urlopen(f"http://127.0.0.1:{arr_port}/__stats"))["requests"]
    finally:
        arr.terminate()
        plex.terminate()
    probes = {app: after.get(app, 0) - before.get(app, 0) for app in APPS}
    result = {"seconds": arguments.seconds, "baseline_cpu_percent": round(base, 3), "apps_cpu_percent": round(apps, 3),
              "difference_percent": round(apps - base, 3), "baseline_rss_mib": round(base_rss, 1), "apps_rss_mib": round(apps_rss, 1),
              "requests_to_apps": probes}
    print(f"idle, no integrations:     {base:.3f} % of a core, RSS {base_rss:.1f} MiB")
    print(f"idle, 5 apps + Plex:       {apps:.3f} % of a core, RSS {apps_rss:.1f} MiB")
    print(f"difference:                {apps - base:+.3f} % of a core (goal < 0.2)")
    print(f"requests the apps saw:     {probes} (over {arguments.seconds + 10} s, settling included)")
    os.makedirs(os.path.join(HERE, "out"), exist_ok=True)
    with open(os.path.join(HERE, "out", f"integrations-{int(time.time())}.json"), "w") as out:
        json.dump(result, out, indent=2)


if __name__ == "__main__":
    main()
