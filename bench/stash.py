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
Goals (issue 14): ≥ 1,000 scenes/s of our own work, RSS +< 48 MB, incremental < 1 s, p99 < 10 ms.
The raw figures go to bench/out/stash-<time>.json.
"""
import argparse
import json
import os
import random
import threading
import time
import tempfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from benchdaemon import Daemon

HERE = os.path.dirname(os.path.abspath(__file__))
KEY = "bench-stash-key-0123456789"
EPOCH = 1_704_067_200  # 2024-01-01T00:00:00Z
WORDS = ("sunset harbor velvet midnight garden crystal summit echo amber riviera night river stone fire city shadow light "
         "winter summer ghost island road train house dream memory secret hidden golden silver").split()


def stamp(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(EPOCH + seconds))


class FakeStash:
    """findScenes/findPerformers/findStudios/findTags with page, per_page, updated_at > value and ids."""

    def __init__(self, scenes, rng):
        self.lock = threading.Lock()
        self.busy = 0.0  # seconds spent answering
        self.requests = 0
        self.clock = 10_000_000
        self.tags = [{"id": str(n), "name": f"Tag {n}", "description": None, "aliases": [f"t{n}"] if n % 2 else [],
                      "created_at": stamp(0), "updated_at": stamp(n)} for n in range(1, 501)]
        self.studios = [{"id": str(n), "name": f"Studio {n}", "aliases": [], "urls": [], "details": None, "rating100": None,
                         "favorite": False, "parent_studio": {"id": str((n - 1) % 20 + 1)} if n > 20 else None,
                         "created_at": stamp(0), "updated_at": stamp(n)} for n in range(1, 201)]
        self.performers = [{"id": str(n), "name": f"Performer {n}", "disambiguation": None, "alias_list": [f"P{n}", f"Perf {n}"],
                            "gender": "FEMALE" if n % 2 else "MALE", "birthdate": None, "country": "US", "ethnicity": None,
                            "urls": [], "details": None, "rating100": None, "favorite": False,
                            "created_at": stamp(0), "updated_at": stamp(n)} for n in range(1, 2001)]
        self.scenes = []
        for n in range(1, scenes + 1):
            studio = self.studios[rng.randrange(200)]
            words = " ".join(rng.choice(WORDS) for _ in range(3))
            self.scenes.append({
                "id": str(n), "title": f"Scene {n} {words}", "code": None, "details": f"A {words} scene, number {n}.",
                "director": None, "urls": [f"https://example.com/{n}"],
                "date": time.strftime("%Y-%m-%d", time.gmtime(1_262_304_000 + rng.randrange(5000) * 86400)),
                "rating100": rng.choice([None, 20, 40, 60, 80, 100]), "organized": rng.random() < 0.4,
                "created_at": stamp(n), "updated_at": stamp(n),
                "files": [{"id": f"f{n}", "path": f"/media/stash/{studio['name']}/Scene {n}.mp4", "size": 1_000_000_000 + n,
                           "duration": 1800.5, "format": "mp4", "video_codec": "h264", "audio_codec": "aac", "width": 1920,
                           "height": 1080, "frame_rate": 29.97, "bit_rate": 6_000_000,
                           "fingerprints": [{"type": "oshash", "value": f"{n:016x}"}, {"type": "phash", "value": f"{n * 7:016x}"}]}],
                "studio": {"id": studio["id"], "name": studio["name"]},
                "performers": [{"id": p["id"], "name": p["name"]} for p in rng.sample(self.performers, rng.randint(1, 3))],
                "tags": [{"id": t["id"], "name": t["name"]} for t in rng.sample(self.tags, rng.randint(1, 4))],
            })
        self.by_id = {scene["id"]: scene for scene in self.scenes}

    def touch(self, count, rng):
        with self.lock:
            for scene in rng.sample(self.scenes, count):
                self.clock += 1
                scene["title"] = "Changed " + scene["id"]
                scene["updated_at"] = stamp(self.clock)
            self.scenes.sort(key=lambda s: (s["updated_at"], int(s["id"])))

    def answer(self, body):
        query, variables = body.get("query", ""), body.get("variables") or {}
        roots = [("findScenes", "scenes", self.scenes, "scene_filter"), ("findPerformers", "performers", self.performers, "performer_filter"),
                 ("findStudios", "studios", self.studios, "studio_filter"), ("findTags", "tags", self.tags, "tag_filter")]
        if "findScene(" in query:
            return {"data": {"findScene": self.by_id.get(variables.get("id"))}}
        for field, name, items, filter_name in roots:
            if field + "(" in query:
                with self.lock:
                    chosen = items
                    if variables.get("ids"):
                        wanted = set(variables["ids"])
                        chosen = [item for item in chosen if item["id"] in wanted]
                    since = ((variables.get(filter_name) or {}).get("updated_at") or {}).get("value")
                    if since:
                        chosen = [item for item in chosen if item["updated_at"] > since]
                    page = (variables.get("filter") or {}).get("page", 1)
                    per_page = (variables.get("filter") or {}).get("per_page", 25)
                    count = len(chosen)
                    chosen = chosen[(page - 1) * per_page: page * per_page]
                    return {"data": {field: {"count": count, name: chosen}}}
        return {"errors": [{"message": "unknown query"}]}

    def serve(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                started = time.perf_counter()
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                if self.headers.get("ApiKey") != KEY:
                    payload, status = b"Unauthorized", 401
                else:
                    payload, status = json.dumps(fake.answer(body)).encode(), 200
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                with fake.lock:
                    fake.busy += time.perf_counter() - started
                    fake.requests += 1

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server.server_address[1]


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/release/applianced")
    parser.add_argument("--scenes", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=200)
    arguments = parser.parse_args()
    rng = random.Random(14)
    fake = FakeStash(arguments.scenes, rng)
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
    daemon.stop()

    os.makedirs(os.path.join(HERE, "out"), exist_ok=True)
    out = os.path.join(HERE, "out", time.strftime("stash-%Y%m%d-%H%M%S.json"))
    with open(out, "w") as f:
        json.dump({"scenes": arguments.scenes, "batch": arguments.batch, "full": full, "incremental": incremental, "routes": routes}, f, indent=1)
    print("figures in", out)


if __name__ == "__main__":
    main()
