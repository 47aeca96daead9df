#!/usr/bin/env python3
"""Radarr import webhook → BIF on disk (issue 13). Run by hand, never in CI:

    bench/webhook.py --binary .build/release/applianced [--rounds 3]

Starts the fake Plex (Tests/Fixtures/fake_plex.py) and the daemon under a temp --root, with
webhooks.delay_s = 1, the Radarr webhook secret set, Radarr's /movies mapped to <root>/media/Movies
and Plex's /media to <root>/media. Each round copies an 8 s 320x240 H.264 clip (made once by ffmpeg)
to a new movie folder, tells the fake Plex to index it 2 s later, posts a Radarr Download webhook
and times until the part's index-sd.bif exists in the Plex data folder. The floor is the 1 s delay
plus Plex's 2 s; the first lookup (at 1 s) misses, and the next comes 5 s later (the ladder looks at
its first minute at 5, 15, 30 and 60 s, then waits 120, 300, 900, 3600 s), so the figure shows where
that retry lands. Prints each round and the median; the raw figures go
to bench/out/webhook-<time>.json.
"""
import argparse
import hashlib
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from benchdaemon import Daemon

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
FIXTURES = os.path.join(REPO, "Tests", "Fixtures")
SECRET = "bench-radarr-secret"


def start_fake_plex():
    process = subprocess.Popen([sys.executable, os.path.join(FIXTURES, "fake_plex.py"), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=FIXTURES, text=True)
    line = process.stdout.readline()
    port = re.match(r"port (\d+)", line)
    if not port:
        sys.exit(f"the fake Plex did not start: {line!r}")
    return process, int(port.group(1))


def make_clip(path):
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=24:duration=8",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", "48", "-pix_fmt", "yuv420p", path], check=True)


def bif_path(plex_folder, plex_file):
    h = hashlib.sha1(plex_file.encode()).hexdigest()  # the fake Plex's part hash
    return os.path.join(plex_folder, "Media", "localhost", h[0], h[1:] + ".bundle", "Contents", "Indexes", "index-sd.bif")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(REPO, ".build", "release", "applianced"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--plex-delay", type=float, default=2.0, help="seconds before the fake Plex indexes a new file")
    args = parser.parse_args()
    if not shutil.which("ffmpeg"):
        sys.exit("needs ffmpeg")
    root = tempfile.mkdtemp(prefix="webhook-bench-")
    fake, plex_port = start_fake_plex()
    daemon = Daemon(os.path.abspath(args.binary), root)
    try:
        media = os.path.join(root, "media")
        plex_folder = os.path.join(root, "plex")
        os.makedirs(os.path.join(media, "Movies"))
        os.makedirs(plex_folder)
        clip = os.path.join(root, "clip.mp4")
        make_clip(clip)
        for key, value in [
            ("plex.url", f"http://127.0.0.1:{plex_port}"), ("plex.token", "fake-plex-token"), ("plex.config_folder", plex_folder),
            ("plex.videos_path_mapping", "/media"), ("plex.local_videos_path_mapping", media),
            ("integrations.radarr.webhook_secret", SECRET), ("webhooks.delay_s", "1"),
            ("webhooks.path_mappings", f"/movies={media}/Movies"),
        ]:
            daemon.config(key, value)
        daemon.start()
        rounds = []
        for n in range(args.rounds):
            title = f"Bench Movie {n} (20{n:02d})"
            os.makedirs(os.path.join(media, "Movies", title))
            shutil.copy(clip, os.path.join(media, "Movies", title, f"{title}.mp4"))
            plex_file = f"/media/Movies/{title}/{title}.mp4"
            query = urllib.parse.urlencode({"file": plex_file, "type": "movie", "after_seconds": args.plex_delay})
            urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{plex_port}/__control/webhook/pending?{query}", method="POST"))
            event = {"eventType": "Download", "downloadId": f"bench-{n}-{time.time()}", "isUpgrade": False,
                     "movie": {"id": n + 1, "title": title, "folderPath": f"/movies/{title}"},
                     "movieFile": {"id": n + 1, "relativePath": f"{title}.mp4", "path": f"/movies/{title}/{title}.mp4"}}
            begin = time.perf_counter()
            status, body = daemon.request("POST", "/api/webhooks/radarr", event, {"X-Webhook-Secret": SECRET})
            if status != 202:
                sys.exit(f"the webhook answered {status}: {body[:300]!r}")
            target = bif_path(plex_folder, plex_file)
            while not os.path.exists(target):
                if time.perf_counter() - begin > 300:
                    sys.exit(f"no BIF after 300 s for {title}; daemon log: " + open(daemon.log_path).read()[-2000:])
                time.sleep(0.02)
            seconds = time.perf_counter() - begin
            rounds.append(seconds)
            print(f"round {n + 1}: webhook → BIF {seconds:.2f} s")
        median = sorted(rounds)[len(rounds) // 2]
        print(f"webhook → BIF on disk (delay_s 1, Plex indexes after {args.plex_delay:g} s): median {median:.2f} s over {len(rounds)} rounds")
        os.makedirs(os.path.join(HERE, "out"), exist_ok=True)
        with open(os.path.join(HERE, "out", f"webhook-{int(time.time())}.json"), "w") as out:
            json.dump({"rounds_s": rounds, "median_s": median, "delay_s": 1, "plex_delay_s": args.plex_delay}, out)
    finally:
        if getattr(daemon, "process", None):
            daemon.stop()
        fake.terminate()
        fake.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
