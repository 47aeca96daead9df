#!/usr/bin/env python3
"""Two builds of the daemon on the same synthetic catalog, their requests interleaved, so that a change to
the catalog's queries is measured against the build before it in the same minutes (this 2-core box's speed
drifts by up to 2x between runs minutes apart, which swamps a 20 % change measured in separate runs).

    python3 bench/catalog_ab.py --old /tmp/old-applianced --new .build/release/applianced

The catalog is written once (as bench/catalog.py writes it) under the old build's schema and copied; the new
build migrates its copy when it starts. For each route of catalog.py's mix, every path is requested from both
daemons in turn (which goes first alternates), and each daemon's p50/p99 and the new/old ratio are printed."""
import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchdaemon import Daemon  # noqa: E402
import catalog  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", required=True)
    parser.add_argument("--new", required=True)
    parser.add_argument("--movies", type=int, default=50000)
    parser.add_argument("--shows", type=int, default=5000)
    parser.add_argument("--episodes", type=int, default=100000)
    parser.add_argument("--rounds", type=int, default=1000, help="requests per route and daemon")
    parser.add_argument("--worst", type=int, default=0, help="also print each route's N slowest paths (median ms) per daemon")
    args = parser.parse_args()
    rng = random.Random(12)
    catalog.query_mix(rng, [])  # the same random draws as bench/catalog.py
    base = tempfile.mkdtemp(prefix="catalog-ab-")
    roots = {name: os.path.join(base, name) for name in ("old", "new")}
    media = os.path.join(roots["old"], "media")
    os.makedirs(media)
    old = Daemon(args.old, roots["old"])
    old.config("catalog.library_roots", f'["{media}"]')
    old.start()
    old.stop()
    print(f"Writing {args.movies} movies, {args.shows} shows, {args.episodes} episodes ...", flush=True)
    titles = catalog.write_catalog(os.path.join(roots["old"], "var/lib/applianced/state.db"), str(uuid.uuid4()), media, args, rng)
    shutil.copytree(roots["old"], roots["new"], symlinks=True)
    daemons = {"old": Daemon(args.old, roots["old"]), "new": Daemon(args.new, roots["new"])}
    for daemon in daemons.values():
        daemon.start()
    print(f"{'route':45s} {'old p50':>8s} {'new p50':>8s} {'old p99':>8s} {'new p99':>8s} {'p99 new/old':>11s}")
    for name, (paths, repeat) in catalog.query_mix(rng, titles).items():
        times = {"old": [], "new": []}
        by_path = {"old": {}, "new": {}}
        rounds = min(repeat, args.rounds)
        for n in range(rounds + 50):
            path = paths[n % len(paths)]
            order = ("old", "new") if n % 2 == 0 else ("new", "old")
            for which in order:
                begin = time.perf_counter()
                status, body = daemons[which].get(path)
                elapsed = (time.perf_counter() - begin) * 1000
                if status != 200:
                    sys.exit(f"{which}: {path} answered {status}: {body[:300]!r}")
                if n >= 50:  # the first 50 warm the page cache
                    times[which].append(elapsed)
                    by_path[which].setdefault(path, []).append(elapsed)
        figures = {}
        for which, values in times.items():
            values.sort()
            figures[which] = (values[len(values) // 2], values[min(len(values) - 1, int(len(values) * 0.99))])
        print(f"{name:45s} {figures['old'][0]:8.2f} {figures['new'][0]:8.2f} {figures['old'][1]:8.2f} {figures['new'][1]:8.2f} "
              f"{figures['new'][1] / figures['old'][1]:11.2f}", flush=True)
        for which in ("old", "new") if args.worst else ():
            medians = sorted(((sorted(v)[len(v) // 2], p) for p, v in by_path[which].items()), reverse=True)[:args.worst]
            print(f"    {which} slowest: " + ", ".join(f"{p.split('?', 1)[-1]} {m:.1f}" for m, p in medians))
    for daemon in daemons.values():
        daemon.stop()
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
