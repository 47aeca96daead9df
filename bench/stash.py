#!/usr/bin/env python3
"""The Stash copy against a fake Stash with many scenes (issue 14). Run by hand, never in CI:

    bench/stash.py --binary .build/release/applianced [--scenes 20000] [--batch 100]

1. Starts a fake Stash (in this process, on loopback) seeded with --scenes scenes (one file each, 1-3
   performers of 2,000, a studio of 200 with parents, 1-4 tags of 500), and the daemon pointed at it.
2. Full sync (POST /api/v1/sync/all?force=true): wall time, the fake's own time (building and sending
   its answers) and the rest, the daemon's own work, as scenes per second; the daemon's RSS before and
   its peak (VmHWM) after.
3. Changes 100 scenes in the fake and times an incremental scene sync (POST /api/v1/sync/scenes).
4. Times GET /api/v1/scenes with filters, sorts, search and deep pages over one keep-alive connection:
   p50/p99 per query.
5. Rule-based analysis of --analysis scenes (1,000), whose titles, details and paths were given names of
   performers (by name and alias), tags (by alias in the file name), a studio folder and HTML details before
   the sync: POST /api/v1/analysis/generate?background=false with their scene_ids, --analysis-runs times
   (wall time of the request: reading the copy, matching, writing the plan).
Goals (issue 14): ≥ 1,000 scenes/s of our own work, RSS +< 48 MB, incremental < 1 s, p99 < 10 ms,
analysis of 1,000 scenes < 2 s.
The raw figures go to bench/out/stash-<time>.json.
"""
import argparse
import json
import os
import sys
import random
import threading
import time
import tempfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from benchdaemon import Daemon

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Tests", "Fixtures"))
from fake_stash import FakeStash, KEY, WORDS  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
def status_of(daemon, path, method="GET"):
    status, body = daemon.get(path, method=method)
    return status, json.loads(body) if body else None


def run_job(daemon, path):
    """Starts a sync job and waits for it: (seconds, job)."""
    started = time.perf_counter()
    status, job = status_of(daemon, path, method="POST")
    if status != 200:
        raise SystemExit(f"{path} answered {status}: {job}")
    while True:
        status, detail = status_of(daemon, "/api/v1/jobs/" + job["id"])
        if detail["status"] in ("completed", "failed", "cancelled"):
            return time.perf_counter() - started, detail
        time.sleep(0.01)


def memory(pid, field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def timed(daemon, path, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        status, _ = daemon.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    times.sort()
    return {"n": len(times), "p50": times[len(times) // 2], "p99": times[min(len(times) - 1, int(len(times) * 0.99))], "max": times[-1]}


def name_scenes(fake, count, rng):
    """Gives the first `count` scenes what a real library's carry and the analysis looks for: a title naming a
    performer and another's alias and a tag, HTML details naming a performer, a path in a studio's folder with
    a file named after a tag's alias, and no studio (so one is proposed)."""
    for scene in fake.scenes[:count]:
        first, second, third = rng.sample(fake.performers, 3)
        tag, other = rng.sample(fake.tags, 2)
        studio = rng.choice(fake.studios)
        file_tag = (other["aliases"] or [other["name"]])[0]
        scene["title"] = f"{first['name']} and {second['alias_list'][1]}: {rng.choice(WORDS)} {tag['name']}"
        scene["details"] = f"<p>A {rng.choice(WORDS)} &amp; {rng.choice(WORDS)} scene</p>  <br>with {third['name']}."
        scene["files"][0]["path"] = f"/media/stash/{studio['name']}/{file_tag} {scene['id']}.mp4"
        scene["studio"] = None


def analysis(daemon, ids, runs):
    """Times plans over `ids` made at once: [(seconds, answer)]."""
    results = []
    for _ in range(runs):
        body = {"scene_ids": ids, "options": {"use_ai": False}}
        started = time.perf_counter()
        status, answer = daemon.get("/api/v1/analysis/generate?background=false", method="POST", body=body)
        seconds = time.perf_counter() - started
        if status != 200:
            raise SystemExit(f"analysis answered {status}: {answer}")
        results.append((seconds, json.loads(answer)))
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/release/applianced")
    parser.add_argument("--scenes", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--analysis", type=int, default=1000)
    parser.add_argument("--analysis-runs", type=int, default=3)
    arguments = parser.parse_args()
    rng = random.Random(14)
    fake = FakeStash(arguments.scenes, rng)
    name_scenes(fake, arguments.analysis, random.Random(15))
    port = fake.serve()

    root = tempfile.mkdtemp(prefix="bench-stash-")
    daemon = Daemon(os.path.abspath(arguments.binary), root)
    daemon.config("server.access_log", "errors")
    daemon.config("integrations.stash.enabled", "true")
    daemon.config("integrations.stash.url", f"http://127.0.0.1:{port}")
    daemon.config("integrations.stash.api_key", KEY)
    daemon.config("sync.batch_size", str(arguments.batch))
    daemon.start()
    time.sleep(2)
    rss_before = memory(daemon.process.pid, "VmRSS")
    fake_before = fake.busy

    seconds, job = run_job(daemon, "/api/v1/sync/all?force=true")
    fake_seconds = fake.busy - fake_before
    own = max(1e-6, seconds - fake_seconds)
    rss_peak = memory(daemon.process.pid, "VmHWM")
    synced = (job.get("result") or {}).get("entities", {}).get("scenes", {}).get("processed", 0)
    full = {"status": job["status"], "seconds": seconds, "fake_seconds": fake_seconds, "own_seconds": own, "scenes": synced,
            "scenes_per_second_own": synced / own, "rss_before_mib": rss_before, "rss_peak_mib": rss_peak,
            "rss_growth_mib": rss_peak - rss_before, "requests": fake.requests}
    print(f"full sync: {job['status']}, {synced} scenes in {seconds:.2f} s (fake {fake_seconds:.2f} s, ours {own:.2f} s: "
          f"{synced / own:.0f} scenes/s); RSS {rss_before:.1f} MiB before, peak {rss_peak:.1f} MiB (+{rss_peak - rss_before:.1f})", flush=True)

    fake.touch(100, rng)
    fake_before = fake.busy
    seconds, job = run_job(daemon, "/api/v1/sync/scenes")
    changed = (job.get("result") or {}).get("entities", {}).get("scenes", {}).get("processed", 0)
    incremental = {"status": job["status"], "seconds": seconds, "fake_seconds": fake.busy - fake_before, "scenes": changed}
    print(f"incremental sync: {job['status']}, {changed} scenes in {seconds * 1000:.0f} ms (fake {(fake.busy - fake_before) * 1000:.0f} ms)", flush=True)

    queries = {
        "page 1": "/api/v1/scenes?per_page=50",
        "page 200, title desc": "/api/v1/scenes?page=200&per_page=50&sort_by=title&sort_order=desc",
        "studio": "/api/v1/scenes?studio_id=7&per_page=50",
        "performers": "/api/v1/scenes?performer_ids=17,18,19&per_page=50",
        "tags, rating desc": "/api/v1/scenes?tag_ids=3&per_page=50&sort_by=rating&sort_order=desc",
        "organized + dates": "/api/v1/scenes?organized=true&date_from=2012-01-01&date_to=2014-12-31&per_page=50&sort_by=date",
        "search": "/api/v1/scenes?search=velvet%20harbor&per_page=50",
        "search + studio": "/api/v1/scenes?search=night&studio_id=12&per_page=50",
        "everything": "/api/v1/scenes?studio_id=3&tag_ids=5,6,7&organized=false&date_from=2010-01-01&sort_by=updated_at&per_page=100",
        "one scene": "/api/v1/scenes/12345",
        "summary": "/api/v1/scenes/stats/summary",
        "performers list": "/api/v1/entities/performers?search=Perf%201",
    }
    routes = {}
    print(f"{'query':32s} {'n':>5s} {'p50 ms':>8s} {'p99 ms':>8s} {'max ms':>8s}")
    for name, path in queries.items():
        figures = timed(daemon, path, arguments.repeat)
        routes[name] = dict(figures, path=path)
        print(f"{name:32s} {figures['n']:5d} {figures['p50']:8.2f} {figures['p99']:8.2f} {figures['max']:8.1f}", flush=True)

    ids = [scene["id"] for scene in fake.scenes[:arguments.analysis]]
    runs = analysis(daemon, ids, arguments.analysis_runs)
    seconds = sorted(run[0] for run in runs)
    last = runs[-1][1]
    planned = {"scenes": last.get("total_scenes"), "changes": last.get("total_changes"), "seconds": seconds,
               "median_seconds": seconds[len(seconds) // 2]}
    print(f"analysis of {last.get('total_scenes')} scenes (rules): {last.get('total_changes')} changes; "
          f"{', '.join(f'{x * 1000:.0f}' for x in seconds)} ms (median {planned['median_seconds'] * 1000:.0f} ms)", flush=True)
    daemon.stop()

    os.makedirs(os.path.join(HERE, "out"), exist_ok=True)
    out = os.path.join(HERE, "out", time.strftime("stash-%Y%m%d-%H%M%S.json"))
    with open(out, "w") as f:
        json.dump({"scenes": arguments.scenes, "batch": arguments.batch, "full": full, "incremental": incremental, "routes": routes,
                   "analysis": planned}, f, indent=1)
    print("figures in", out)


if __name__ == "__main__":
    main()
