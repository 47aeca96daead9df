"""The daemon as the benches run it: a release binary under a scratch --root on 127.0.0.1, its appliance
token read from secrets.toml, one keep-alive connection for requests, and its CPU time and RSS from /proc."""
import http.client
import json
import os
import re
import subprocess
import sys
import time


class Daemon:
    def __init__(self, binary, root):
        self.binary, self.root = binary, root

    def config(self, key, value):
        subprocess.run([self.binary, "config", "set", key, value, "--root", self.root], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self):
        self.log_path = os.path.join(self.root, "daemon.log")
        log = open(self.log_path, "w")
        self.process = subprocess.Popen([self.binary, "serve", "--root", self.root, "--listen", "127.0.0.1", "--port", "0"],
                                        stdout=log, stderr=log)
        self.port = None
        for _ in range(600):
            time.sleep(0.1)
            port = re.search(r"Listening on [^:]+:(\d+)", open(self.log_path).read())
            if port:
                self.port = int(port.group(1))
                break
        if not self.port:
            sys.exit("the daemon did not start: " + open(self.log_path).read()[-2000:])
        secrets = open(os.path.join(self.root, "etc/applianced/secrets.toml")).read()
        self.token = re.search(r'^token\s*=\s*"([^"]+)"', secrets, re.MULTILINE).group(1)
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        for _ in range(300):
            if self.get("/readyz", auth=False)[0] == 200:
                break
            time.sleep(0.1)

    def get(self, path, auth=True, method="GET", body=None):
        headers = {"X-Auth-Token": self.token} if auth else {}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=data, headers=headers)
        reply = self.connection.getresponse()
        return reply.status, reply.read()

    def request(self, method, path, body=None, headers=None):
        """One request on a connection of its own, with only `headers` (no token): the status and body."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        data = json.dumps(body) if body is not None else None
        headers = dict(headers or {})
        if data is not None:
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=headers)
        reply = connection.getresponse()
        result = reply.status, reply.read()
        connection.close()
        return result

    def rss_mib(self):
        for line in open(f"/proc/{self.process.pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0

    def stop(self):
        self.connection.close()
        self.process.terminate()
        self.process.wait(timeout=30)

    def cpu_seconds(self):
        """User plus system CPU time of the daemon's threads so far (its reaped children's too)."""
        fields = open(f"/proc/{self.process.pid}/stat").read().rsplit(")", 1)[1].split()
        ticks = sum(int(value) for value in fields[11:15])
        return ticks / os.sysconf("SC_CLK_TCK")
