#!/usr/bin/env python3
"""Soak: the daemon under 30 minutes of mixed load, with RSS, fds, threads and /api/health latency
per minute (issue 18). Run by hand, never in CI:

    bench/soak.py --binary .build/release/applianced [--minutes 30] [--clips N]

Load, all on loopback:
  - 2 health pollers (one keep-alive connection each, a request every 10 ms), each in a process of its
    own so that the load threads' GIL waits are not counted as the daemon's latency;
  - 4 API clients looping over settings, jobs, system status, metrics and a settings write;
  - 200 slow clients from 127.0.0.2-5 trickling one header line every 2 s (reconnecting when dropped);
  - 20 WebSocket clients (10 on /monitoring, 10 on /api/ws) reading every frame, answering pings;
  - a thumbnail job over N generated clips (fake Plex), started again with force whenever none runs;
  - a hand edit of applianced.toml every minute (temp file + rename, as editors save).
The job runs six times a minute, a box's month of jobs in an hour, so the daemon keeps the newest
--job-history finished jobs (jobs.history_max, 100 by default here): what a box's history reaches and
then holds. Without a cap the job list each API client reads grows with every job (to /api/jobs' 500)
and the heap with it; pass --job-history 0 for the daemon's own default (10,000).
Prints one line per minute and a summary; the raw figures go to bench/out/soak-<time>.json.
"""
import argparse
import base64
import json
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
FIXTURES = os.path.join(REPO, "Tests", "Fixtures")


def health_poller_process(port, start_time, stop, results):
    """A health poller in a process of its own, with one thread: its timings are the server's, not
    those of this script's 200 other threads waiting for the GIL. Sends a batch every second."""
    batch, errors, last_sent = [], 0, time.monotonic()
    while not stop.is_set():
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            while not stop.is_set():
                begin = time.perf_counter()
                status, _ = request(sock, "GET", "/api/health")
                batch.append((time.perf_counter() - begin) * 1000)
                if status != 200:
                    errors += 1
                if time.monotonic() - last_sent >= 1:
                    results.put((int((time.monotonic() - start_time) // 60), batch, errors))
                    batch, errors, last_sent = [], 0, time.monotonic()
                time.sleep(0.01)
        except OSError:
            errors += 1
            time.sleep(0.1)
    results.put((int((time.monotonic() - start_time) // 60), batch, errors))


def start_fake_plex(movies):
    args = [sys.executable, os.path.join(FIXTURES, "fake_plex.py"), "--port", "0"]
    for movie in movies:
        args += ["--movie", movie]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    return proc, int(line.split()[1])


def make_clips(directory, count):
    paths = []
    for n in range(count):
        folder = os.path.join(directory, f"Clip {n + 1}")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"clip{n + 1}.mp4")
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=25:duration=60",
             "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-pix_fmt", "yuv420p", path], check=True)
        paths.append(path)
    return paths


def request(sock, method, path, token=None, body=None, keep_alive=True):
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if token:
        head += f"X-Auth-Token: {token}\r\n"
    data = b""
    if body is not None:
        data = json.dumps(body).encode()
        head += "Content-Type: application/json\r\n"
    head += f"Content-Length: {len(data)}\r\n"
    if not keep_alive:
        head += "Connection: close\r\n"
    sock.sendall(head.encode() + b"\r\n" + data)
    return read_reply(sock)


def read_reply(sock):
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buffer += chunk
    head, rest = buffer.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed mid-body")
        rest += chunk
    return status, rest[:length]


class Soak:
    def __init__(self, args):
        self.args = args
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.health = {}  # minute -> [ms]
        self.errors = {}  # minute -> count
        self.samples = []  # (t, rss_kib, fds, threads)
        self.jobs_started = 0
        self.edits = 0
        self.api_requests = 0
        self.slow_reconnects = 0
        self.ws_messages = 0
        self.start_time = time.monotonic()

    def minute(self):
        return int((time.monotonic() - self.start_time) // 60)

    def error(self, what):
        with self.lock:
            self.errors[self.minute()] = self.errors.get(self.minute(), 0) + 1

    # Load generators

    def health_collector(self, results):
        """Takes (minute, [ms], errors) batches from the poller processes."""
        while True:
            item = results.get()
            if item is None:
                return
            minute, latencies, errors = item
            with self.lock:
                self.health.setdefault(minute, []).extend(latencies)
                if errors:
                    self.errors[minute] = self.errors.get(minute, 0) + errors

    def api_client(self, index):
        paths = ["/api/settings", "/api/jobs", "/api/system/status", "/api/v1/system/metrics", "/api/v1/services"]
        n = 0
        while not self.stop.is_set():
            try:
                sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
                while not self.stop.is_set():
                    n += 1
                    if n % 20 == 0:
                        status, _ = request(sock, "POST", "/api/settings", self.token, {"thumbnail_interval": 10})
                    else:
                        status, _ = request(sock, "GET", paths[n % len(paths)], self.token)
                    if status >= 500:
                        self.error("api")
                    with self.lock:
                        self.api_requests += 1
                    time.sleep(0.05)
            except OSError:
                self.error("api connection")
                time.sleep(0.5)

    def slow_client(self, source):
        while not self.stop.is_set():
            try:
                sock = socket.socket()
                sock.bind((source, 0))
                sock.settimeout(5)
                sock.connect(("127.0.0.1", self.port))
                sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                n = 0
                while not self.stop.is_set():
                    self.stop.wait(2)
                    n += 1
                    sock.sendall(f"X-Trickle-{n}: {'a' * 10}\r\n".encode())
            except OSError:
                with self.lock:
                    self.slow_reconnects += 1
                self.stop.wait(0.5)
            finally:
                try:
                    sock.close()
                except OSError:
                    pass

    def websocket_client(self, path):
        while not self.stop.is_set():
            try:
                sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
                key = base64.b64encode(os.urandom(16)).decode()
                sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nX-Auth-Token: {self.token}\r\n\r\n").encode())
                buffer = b""
                while b"\r\n\r\n" not in buffer:
                    chunk = sock.recv(4096)
                    if not chunk:
                        raise ConnectionError("closed")
                    buffer += chunk
                if b" 101 " not in buffer.split(b"\r\n", 1)[0]:
                    raise ConnectionError("no upgrade")
                buffer = buffer.split(b"\r\n\r\n", 1)[1]
                while not self.stop.is_set():
                    while len(buffer) < 2:
                        chunk = sock.recv(65536)
                        if not chunk:
                            raise ConnectionError("closed")
                        buffer += chunk
                    opcode = buffer[0] & 0x0F
                    length = buffer[1] & 0x7F
                    offset = 2
                    if length == 126:
                        while len(buffer) < 4:
                            buffer += sock.recv(65536)
                        length = int.from_bytes(buffer[2:4], "big")
                        offset = 4
                    elif length == 127:
                        while len(buffer) < 10:
                            buffer += sock.recv(65536)
                        length = int.from_bytes(buffer[2:10], "big")
                        offset = 10
                    while len(buffer) < offset + length:
                        chunk = sock.recv(65536)
                        if not chunk:
                            raise ConnectionError("closed")
                        buffer += chunk
                    payload = buffer[offset:offset + length]
                    buffer = buffer[offset + length:]
                    if opcode == 0x9:
                        mask = os.urandom(4)
                        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
                        sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + mask + masked)
                    elif opcode == 0x8:
                        raise ConnectionError("server closed")
                    else:
                        with self.lock:
                            self.ws_messages += 1
            except OSError:
                self.error("websocket")
                self.stop.wait(1)

    def job_starter(self):
        while not self.stop.is_set():
            try:
                sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
                _, body = request(sock, "GET", "/api/jobs?status=running,pending", self.token, keep_alive=False)
                sock.close()
                running = json.loads(body).get("jobs", [])
                if not running:
                    sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
                    status, _ = request(sock, "POST", "/api/jobs", self.token, {"library_id": "1", "force": True}, keep_alive=False)
                    sock.close()
                    if status == 201:
                        with self.lock:
                            self.jobs_started += 1
                    else:
                        self.error("job")
            except (OSError, ValueError):
                self.error("job")
            self.stop.wait(10)

    def hand_editor(self):
        path = os.path.join(self.root, "etc", "applianced", "applianced.toml")
        quality = 4
        while not self.stop.wait(60):
            quality = 5 if quality == 4 else 4
            with open(path) as handle:
                text = handle.read()
            text, count = re.subn(r"(?m)^#?\s*quality = \d+", f"quality = {quality}", text, count=1)
            if count == 0:
                text += f"\n[thumbnails]\nquality = {quality}\n"
            temporary = path + ".soak-edit"
            with open(temporary, "w") as handle:
                handle.write(text)
            os.rename(temporary, path)
            with self.lock:
                self.edits += 1

    def sampler(self):
        while not self.stop.is_set():
            try:
                with open(f"/proc/{self.daemon.pid}/status") as handle:
                    status = handle.read()
                rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
                threads = int(re.search(r"Threads:\s+(\d+)", status).group(1))
                fds = len(os.listdir(f"/proc/{self.daemon.pid}/fd"))
                with self.lock:
                    self.samples.append((time.monotonic() - self.start_time, rss, fds, threads))
            except (OSError, AttributeError):
                pass
            self.stop.wait(10)

    # Run

    def run(self):
        args = self.args
        self.root = tempfile.mkdtemp(prefix="soak-")
        library = os.path.join(self.root, "library")
        print(f"Generating {args.clips} clips of 60 s (720p) in {library} ...", flush=True)
        clips = make_clips(library, args.clips)
        plex_paths = ["/media" + path[len(library):] for path in clips]
        plex, plex_port = start_fake_plex(plex_paths)
        os.makedirs(os.path.join(self.root, "plex"), exist_ok=True)
        settings = [
            ("plex.url", f"http://127.0.0.1:{plex_port}"), ("plex.token", "fake-plex-token"),
            ("plex.config_folder", os.path.join(self.root, "plex")), ("plex.videos_path_mapping", "/media"),
            ("plex.local_videos_path_mapping", library), ("workers.cpu_threads", "1"), ("workers.gpu_threads", "0"),
            ("plextv.base_url", f"http://127.0.0.1:{plex_port}"),
        ]
        for key, value in settings:
            subprocess.run([args.binary, "config", "set", key, value, "--root", self.root], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        log_path = os.path.join(self.root, "daemon.log")
        log = open(log_path, "w")
        environment = dict(os.environ)
        if args.job_history > 0:
            environment["APPLIANCED_JOBS_HISTORY_MAX"] = str(args.job_history)
        self.daemon = subprocess.Popen([args.binary, "serve", "--root", self.root, "--listen", "127.0.0.1", "--port", "0"],
                                       stdout=log, stderr=log, env=environment)
        self.port = None
        self.token = None
        for _ in range(600):
            time.sleep(0.1)
            text = open(log_path).read()
            if self.port is None:
                match = re.search(r"Listening on [^:]+:(\d+)", text)
                self.port = int(match.group(1)) if match else None
            if self.token is None:
                match = re.search(r"Token: (\S+)", text)
                self.token = match.group(1) if match else None
            if self.port and self.token:
                break
        if not (self.port and self.token):
            sys.exit("the daemon did not start: " + open(log_path).read()[-2000:])
        print(f"Daemon pid {self.daemon.pid} on port {self.port}; {args.minutes} minutes of load", flush=True)

        context = multiprocessing.get_context("fork")
        results, poller_stop = context.Queue(), context.Event()
        pollers = [context.Process(target=health_poller_process, args=(self.port, self.start_time, poller_stop, results))
                   for _ in range(2)]
        for poller in pollers:
            poller.start()
        threads = [threading.Thread(target=self.health_collector, args=(results,))]
        threads += [threading.Thread(target=self.api_client, args=(i,)) for i in range(args.api)]
        threads += [threading.Thread(target=self.slow_client, args=(f"127.0.0.{2 + i % 4}",)) for i in range(args.slow)]
        threads += [threading.Thread(target=self.websocket_client, args=(p,)) for p in ["/monitoring", "/api/ws"] * (args.websockets // 2)]
        threads += [threading.Thread(target=self.sampler)]
        if not args.no_job:
            threads.append(threading.Thread(target=self.job_starter))
        if not args.no_edits:
            threads.append(threading.Thread(target=self.hand_editor))
        for thread in threads:
            thread.daemon = True
            thread.start()

        print("minute  health n   p50 ms  p99 ms  max ms  errors  RSS MiB  fds  threads", flush=True)
        for minute in range(args.minutes):
            deadline = self.start_time + 60 * (minute + 1)
            while time.monotonic() < deadline:
                time.sleep(1)
                if self.daemon.poll() is not None:
                    sys.exit(f"the daemon exited with {self.daemon.returncode}")
            with self.lock:
                latencies = sorted(self.health.get(minute, []))
                errors = self.errors.get(minute, 0)
                sample = self.samples[-1] if self.samples else (0, 0, 0, 0)
            if latencies:
                p50 = latencies[len(latencies) // 2]
                p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
                print(f"{minute + 1:6d}  {len(latencies):8d}  {p50:7.2f}  {p99:6.2f}  {latencies[-1]:6.1f}  {errors:6d}  "
                      f"{sample[1] / 1024:7.1f}  {sample[2]:3d}  {sample[3]:7d}", flush=True)
        self.stop.set()
        poller_stop.set()
        for poller in pollers:
            poller.join(timeout=10)
        time.sleep(1)

        with self.lock:
            samples = list(self.samples)
            minutes = {m: sorted(v) for m, v in self.health.items() if m < args.minutes}
        first = [s for s in samples if s[0] < 300]
        last = [s for s in samples if s[0] >= (args.minutes - 5) * 60]
        p99s = [v[min(len(v) - 1, int(len(v) * 0.99))] for v in minutes.values() if v]
        summary = {
            "minutes": args.minutes,
            "health_requests": sum(len(v) for v in minutes.values()),
            "health_p99_worst_minute_ms": max(p99s) if p99s else None,
            "health_p99_median_minute_ms": statistics.median(p99s) if p99s else None,
            "rss_mib_first_5min": statistics.median(s[1] for s in first) / 1024 if first else None,
            "rss_mib_last_5min": statistics.median(s[1] for s in last) / 1024 if last else None,
            "rss_mib_max": max(s[1] for s in samples) / 1024 if samples else None,
            "fds_first": first[0][2] if first else None, "fds_last": last[-1][2] if last else None,
            "fds_max": max(s[2] for s in samples) if samples else None,
            "threads_first": first[0][3] if first else None, "threads_last": last[-1][3] if last else None,
            "jobs_started": self.jobs_started, "hand_edits": self.edits, "api_requests": self.api_requests,
            "slow_client_reconnects": self.slow_reconnects, "websocket_messages": self.ws_messages,
            "errors": sum(self.errors.values()),
        }
        print(json.dumps(summary, indent=2))
        os.makedirs(os.path.join(REPO, "bench", "out"), exist_ok=True)
        out = os.path.join(REPO, "bench", "out", time.strftime("soak-%Y%m%d-%H%M%S.json"))
        with open(out, "w") as handle:
            json.dump({"summary": summary, "samples": samples,
                       "health_by_minute": {m: {"n": len(v), "p99": v[min(len(v) - 1, int(len(v) * 0.99))]} for m, v in minutes.items() if v}},
                      handle, indent=1)
        print(f"Raw figures: {out}")
        self.daemon.terminate()
        self.daemon.wait(timeout=10)
        plex.terminate()
        if not args.keep:
            shutil.rmtree(self.root, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(REPO, ".build", "release", "applianced"))
    parser.add_argument("--minutes", type=int, default=30)
    parser.add_argument("--clips", type=int, default=6)
    parser.add_argument("--slow", type=int, default=200, help="slow (trickling) clients")
    parser.add_argument("--api", type=int, default=4, help="API clients")
    parser.add_argument("--websockets", type=int, default=20, help="WebSocket clients (half on /monitoring, half on /api/ws)")
    parser.add_argument("--no-job", action="store_true", help="no thumbnail job")
    parser.add_argument("--no-edits", action="store_true", help="no hand edits of applianced.toml")
    parser.add_argument("--keep", action="store_true", help="keep the temporary root")
    parser.add_argument("--job-history", type=int, default=100,
                        help="finished jobs the daemon keeps (jobs.history_max, at least 100; 0: its default)")
    Soak(parser.parse_args()).run()


if __name__ == "__main__":
    main()
