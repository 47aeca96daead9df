"""What the fixture servers share: bind 127.0.0.1 (port 0 picks a free one), print `port N` as the first
line for the test that started it, exit when that parent goes away, serve until then."""
import os
import threading
import time
from http.server import ThreadingHTTPServer


def _exit_with_parent():
    parent = os.getppid()
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os._exit(0)


class _Server(ThreadingHTTPServer):
    # The default listen backlog of 5 drops connections when a test opens dozens at once, and the client's
    # connect then waits out a SYN retry (1 s, then 3 s) against its 2 s connect timeout.
    request_queue_size = 128
    daemon_threads = True


def serve(handler, port):
    server = _Server(("127.0.0.1", port), handler)
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()
