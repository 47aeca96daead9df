#!/usr/bin/env python3
"""The daemon's WebSocket framing against an implementation that is not ours: the `websockets`
library (PyPI) talks to `GET /api/test/ws-echo` (mounted with APPLIANCED_TEST_ROUTES=1) on a real
`applianced serve`, with messages of every length encoding (7-bit, 16-bit, 64-bit), fragmented
messages, non-ASCII text, pings, a binary frame (refused with 1003) and the close handshake.

Exit 0 on success, 1 on a failure, 77 when `websockets` cannot be imported (make reports a skip).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

try:
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect
except ImportError:
    print("websockets (PyPI) is not installed")
    sys.exit(77)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.join(REPO, ".build", "debug", "applianced")


def start_daemon(root):
    log_path = os.path.join(root, "serve.log")
    log = open(log_path, "w")
    env = dict(os.environ, APPLIANCED_TEST_ROUTES="1")
    daemon = subprocess.Popen([BINARY, "serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"],
                              stdout=log, stderr=log, env=env)
    for _ in range(600):
        time.sleep(0.1)
        match = re.search(r"Listening on [^:]+:(\d+)", open(log_path).read())
        if match:
            return daemon, int(match.group(1))
    daemon.kill()
    sys.exit("the daemon did not start:\n" + open(log_path).read()[-2000:])


def main():
    if not os.path.exists(BINARY):
        print("needs .build/debug/applianced (swift build)")
        sys.exit(77)
    root = tempfile.mkdtemp(prefix="ws-interop-")
    daemon, port = start_daemon(root)
    failures = []
    try:
        url = f"ws://127.0.0.1:{port}/api/test/ws-echo"
        with connect(url, max_size=2 << 20, open_timeout=30, close_timeout=10) as socket:
            for size in [0, 1, 125, 126, 127, 65535, 65536, 200_000, 1 << 20]:
                text = ("é" * (size // 2)) if size % 2 == 0 else ("x" * size)
                socket.send(text)
                if socket.recv(timeout=30) != text:
                    failures.append(f"echo of {size} characters differs")
            socket.send(["frag", "mented ", "message ✓"])
            if socket.recv(timeout=30) != "fragmented message ✓":
                failures.append("fragmented message not reassembled")
            pong = socket.ping(b"are you there")
            if not pong.wait(10):
                failures.append("no pong")
        if socket.close_code != 1000:
            failures.append(f"close handshake answered {socket.close_code}, not 1000")

        with connect(url, open_timeout=30, close_timeout=10) as socket:
            socket.send(b"\x00\x01binary")
            try:
                socket.recv(timeout=10)
                failures.append("a binary message was answered")
            except ConnectionClosed as closed:
                if closed.rcvd is None or closed.rcvd.code != 1003:
                    failures.append(f"binary closed with {closed.rcvd}, not 1003")
        with connect(url, max_size=4 << 20, open_timeout=30, close_timeout=10) as socket:
            socket.send("y" * ((1 << 20) + 1))
            try:
                socket.recv(timeout=10)
                failures.append("a message over the 1 MiB limit was answered")
            except ConnectionClosed as closed:
                if closed.rcvd is None or closed.rcvd.code != 1009:
                    failures.append(f"an oversize message closed with {closed.rcvd}, not 1009")
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
    if failures:
        for failure in failures:
            print("FAIL:", failure)
        sys.exit(1)
    print("PASS: WebSocket interop with the websockets library (echo at every length encoding, fragments, ping, 1003, 1009)")


if __name__ == "__main__":
    main()
