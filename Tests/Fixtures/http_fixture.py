#!/usr/bin/env python3
"""A small HTTP server for the Fetch tests (stdlib only).

  --port N (0 = any free port; the chosen port is printed on the first stdout line as "port N")

  GET  /status/<n>      answers status n with body "status n"
  ANY  /echo            answers JSON {method, path, headers, body}
  GET  /bytes/<n>       n bytes of "x" with a Content-Length
  GET  /stream/<n>      n bytes of "x", chunked, no Content-Length
  GET  /redirect/<n>    302 to /redirect/<n-1>; /redirect/0 answers "done"
  GET  /hang            reads the request and never answers
"""
import argparse
import json
import sys
import time
from http.server import BaseHTTPRequestHandler

from fixture_server import serve


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_body(self, status, body, content_type="text/plain", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def handle_any(self):
        parts = self.path.split("?")[0].strip("/").split("/")
        body = self.read_body()
        if parts[0] == "status" and len(parts) == 2:
            code = int(parts[1])
            self.send_body(code, f"status {code}".encode())
        elif parts[0] == "echo":
            payload = {
                "method": self.command,
                "path": self.path,
                "headers": {k: v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
            }
            self.send_body(200, json.dumps(payload).encode(), "application/json", [("X-Fixture", "echo")])
        elif parts[0] == "bytes" and len(parts) == 2:
            self.send_body(200, b"x" * int(parts[1]))
        elif parts[0] == "stream" and len(parts) == 2:
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            remaining = int(parts[1])
            try:
                while remaining > 0:
                    n = min(remaining, 65536)
                    self.wfile.write(b"%x\r\n" % n + b"x" * n + b"\r\n")
                    remaining -= n
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif parts[0] == "redirect" and len(parts) == 2:
            n = int(parts[1])
            if n <= 0:
                self.send_body(200, b"done")
            else:
                self.send_body(302, b"", extra=[("Location", f"/redirect/{n - 1}")])
        elif parts[0] == "hang":
            time.sleep(3600)
        else:
            self.send_body(404, b"not found")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    serve(Handler, args.port)


if __name__ == "__main__":
    sys.exit(main())
