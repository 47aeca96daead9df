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


def serve(handler, port):
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()
