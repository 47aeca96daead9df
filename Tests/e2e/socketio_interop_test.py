#!/usr/bin/env python3
"""The daemon's Socket.IO server (Engine.IO 4, Socket.IO 5 on /socket.io/) against a client that is
not ours: `python-socketio` (PyPI) on a real `applianced serve`. Over long-polling, over polling
upgraded to WebSocket, and over WebSocket alone it joins each namespace with no token, a user's JWT,
the appliance token and a bad token (refused where it must be), receives real events (a
`system:notification` for the alert a bad config file raises, `system:metrics` from the sampler) and makes
acknowledged calls both ways (`echo`, and `echo:reverse`, where the server asks the client back).
A user's real download (yt-dlp, when installed, from a loopback HTTP server) streams `download:progress`
to that user and to an admin. Raw HTTP checks the handshake, unknown sessions and the payload cap.

Exit 0 on success, 1 on a failure, 77 when `python-socketio` cannot be imported (make reports a skip).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

try:
    import socketio
except ImportError:
    print("python-socketio (PyPI) is not installed")
    sys.exit(77)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.join(REPO, ".build", "debug", "applianced")
TOKEN = "socketio-e2e-appliance-token-0123456789"
NAMESPACES = ["/", "/authenticated", "/admin", "/media", "/system"]
# Who may join which namespace: 001's `/` public, `/authenticated` and `/media` any user, `/admin`
# admins, `/system` admins or `system:read` (a plain user holds neither).
ADMITTED = {
    "nobody": {"/"},
    "user": {"/", "/authenticated", "/media"},
    "appliance token": set(NAMESPACES),
    "bad token": set(),
}
TRANSPORTS = {"polling": ["polling"], "upgrade": ["polling", "websocket"], "websocket": ["websocket"]}


def start_daemon(root):
    log_path = os.path.join(root, "serve.log")
    log = open(log_path, "w")
    env = dict(os.environ, WEB_AUTH_TOKEN=TOKEN, APPLIANCED_AUTH_ALLOW_REGISTRATION="true",
               APPLIANCED_DOWNLOADS_FOLDER=os.path.join(root, "downloads"), APPLIANCED_DOWNLOADS_MIN_FREE_MB="0")
    daemon = subprocess.Popen([BINARY, "serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"],
                              stdout=log, stderr=log, env=env)
    for _ in range(600):
        time.sleep(0.1)
        match = re.search(r"Listening on [^:]+:(\d+)", open(log_path).read())
        if match:
            return daemon, int(match.group(1))
    daemon.kill()
    sys.exit("the daemon did not start:\n" + open(log_path).read()[-2000:])


def http(method, url, body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def sign_up(base):
    """A plain user's access token (registration is on for this run)."""
    account = {"username": "sio-user", "email": "sio-user@example.com", "password": "correct horse battery staple"}
    status, body = http("POST", base + "/api/v1/auth/register", json.dumps(account).encode(), {"Content-Type": "application/json"})
    if status != 201:
        sys.exit(f"register answered {status}: {body[:300]!r}")
    login = {"username": account["username"], "password": account["password"]}
    status, body = http("POST", base + "/api/v1/auth/login", json.dumps(login).encode(), {"Content-Type": "application/json"})
    if status != 200:
        sys.exit(f"login answered {status}: {body[:300]!r}")
    return json.loads(body)["access_token"]


def client():
    sio = socketio.Client(reconnection=False)

    @sio.on("echo", namespace="*")
    def echo(namespace, *args):
        return ["client saw"] + list(args)

    return sio


def try_join(base, transports, namespace, auth):
    """Whether the namespace admitted the client (a refusal is a ConnectionError with the server's reason)."""
    sio = client()
    try:
        sio.connect(base, namespaces=[namespace], transports=transports, auth=auth, wait_timeout=15)
    except socketio.exceptions.ConnectionError:
        return False
    finally:
        if sio.connected:
            sio.disconnect()
    return True


def check_namespaces(base, credentials, failures):
    for transport, transports in TRANSPORTS.items():
        for who, auth in credentials.items():
            for namespace in NAMESPACES:
                joined = try_join(base, transports, namespace, auth)
                if joined != (namespace in ADMITTED[who]):
                    failures.append(f"{transport}: {who} {'joined' if joined else 'was refused'} {namespace}")
        if try_join(base, transports, "/no-such-namespace", None):
            failures.append(f"{transport}: an unknown namespace was joined")


def check_events_and_acks(base, root, failures):
    for transport, transports in TRANSPORTS.items():
        sio = client()
        notifications, metrics = [], []
        got = threading.Event()

        @sio.on("system:notification", namespace="/system")
        def notification(data):
            notifications.append(data)
            if data.get("title") == "config":  # CPU alerts of a busy machine may come too
                got.set()

        @sio.on("system:metrics", namespace="/system")
        def sample(data):
            metrics.append(data)

        sio.connect(base, namespaces=["/", "/system"], transports=transports, auth={"token": TOKEN}, wait_timeout=15)
        try:
            if transport == "upgrade" and sio.transport() != "websocket":
                failures.append(f"upgrade: still on {sio.transport()} after connecting")
            answer = sio.call("echo", {"n": 1, "text": "é✓"}, namespace="/system", timeout=10)
            if answer != {"n": 1, "text": "é✓"}:
                failures.append(f"{transport}: echo acknowledged {answer!r}")
            answer = sio.call("echo:reverse", "ping", namespace="/", timeout=10)
            if answer != ["client saw", "ping"]:
                failures.append(f"{transport}: echo:reverse acknowledged {answer!r}")
            interval = {"polling": 61, "upgrade": 62, "websocket": 63}[transport]
            # A config file that does not parse raises an error alert on reload: a `system:notification`.
            bad = os.path.join(root, "etc", "applianced", "conf.d", "zz-socketio-test.toml")
            with open(bad, "w") as file:
                file.write('[monitoring]\nsample_interval_s = "not a number"\n')
            if not got.wait(30):
                failures.append(f"{transport}: no system:notification after a bad config file")
            else:
                note = next(n for n in notifications if n.get("title") == "config")
                if not all(key in note for key in ["type", "title", "message", "timestamp"]) or note.get("type") != "error":
                    failures.append(f"{transport}: system:notification is not 001's shape: {note!r}")
            with open(bad, "w") as file:  # a good file again: the reload clears the alert
                file.write(f"[webhooks]\ndelay_s = {interval}\n")
            wait_for_alert_cleared(base)
            deadline = time.time() + 15
            while not metrics and time.time() < deadline:
                time.sleep(0.2)
            if not metrics:
                failures.append(f"{transport}: no system:metrics sample arrived")
        finally:
            sio.disconnect()


def wait_for_alert_cleared(base):
    """Waits until the config reload alert is resolved (the good config was read again)."""
    for _ in range(150):
        status, body = http("GET", base + "/api/v1/alerts", headers={"X-Auth-Token": TOKEN})
        if status == 200 and b"Config reload failed" not in body:
            return
        if status == 200:
            alerts = json.loads(body)
            items = alerts.get("data", alerts) if isinstance(alerts, dict) else alerts
            items = items.get("alerts", items) if isinstance(items, dict) else items
            if not any(a.get("source") == "config" and a.get("active") for a in items if isinstance(a, dict)):
                return
        time.sleep(0.2)


def check_download_progress(base, user, failures):
    """A user's download streams `download:progress` to them (`/authenticated`) and to an admin (`/admin`)."""
    if shutil.which("yt-dlp") is None:
        print("skipped: download:progress (yt-dlp is not installed)")
        return
    media = tempfile.mkdtemp(prefix="sio-media-")
    with open(os.path.join(media, "clip.mp4"), "wb") as file:
        file.write(os.urandom(3 << 20))
    class Quiet(SimpleHTTPRequestHandler):
        def __init__(self, *args):
            super().__init__(*args, directory=media)

        def log_message(self, *args):
            pass

    origin = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    streams = {"user": [], "admin": []}
    done = {"user": threading.Event(), "admin": threading.Event()}
    clients = []
    try:
        for who, namespace, token in [("user", "/authenticated", user), ("admin", "/admin", TOKEN)]:
            sio = client()

            def progress(data, who=who):
                streams[who].append(data)
                if data.get("status") in ("completed", "failed", "cancelled"):
                    done[who].set()

            sio.on("download:progress", progress, namespace=namespace)
            sio.connect(base, namespaces=[namespace], transports=["polling", "websocket"], auth={"token": token}, wait_timeout=15)
            clients.append(sio)
        body = json.dumps({"url": f"http://127.0.0.1:{origin.server_address[1]}/clip.mp4", "quality": "best", "format": "mp4"})
        status, answer = http("POST", base + "/api/v1/youtube/download", body.encode(),
                              {"Content-Type": "application/json", "Authorization": f"Bearer {user}"})
        if status != 201:
            failures.append(f"download: POST answered {status}: {answer[:300]!r}")
            return
        download = json.loads(answer)["data"]["id"]
        for who in streams:
            if not done[who].wait(60):
                failures.append(f"download: {who} saw no end of the download: {streams[who][-3:]!r}")
                continue
            events = [e for e in streams[who] if e.get("id") == download]
            last = events[-1] if events else {}
            if last.get("status") != "completed" or last.get("percent") != 100:
                failures.append(f"download: {who}'s last download:progress is {last!r}")
            if not all(set(e) >= {"id", "status", "percent", "speed", "eta", "title"} for e in events):
                failures.append(f"download: download:progress is not 001's shape: {events[:2]!r}")
    finally:
        for sio in clients:
            sio.disconnect()
        origin.shutdown()
        shutil.rmtree(media, ignore_errors=True)


def check_raw_protocol(base, failures):
    url = base + "/socket.io/"
    status, body = http("GET", url + "?EIO=4&transport=polling")
    if status != 200 or not body.startswith(b"0{"):
        failures.append(f"handshake answered {status}: {body[:200]!r}")
        return
    handshake = json.loads(body[1:])
    for key in ["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"]:
        if key not in handshake:
            failures.append(f"handshake lacks {key}")
    sid = handshake["sid"]
    status, _ = http("GET", url + "?EIO=3&transport=polling")
    if status != 400:
        failures.append(f"EIO=3 answered {status}, not 400")
    status, _ = http("GET", url + "?EIO=4&transport=polling&sid=no-such-session")
    if status != 400:
        failures.append(f"an unknown sid answered {status}, not 400")
    status, body = http("POST", url + f"?EIO=4&transport=polling&sid={sid}", b"40", {"Content-Type": "text/plain;charset=UTF-8"})
    if status != 200 or body != b"ok":
        failures.append(f"a CONNECT over POST answered {status}: {body[:100]!r}")
    status, body = http("GET", url + f"?EIO=4&transport=polling&sid={sid}")
    if status != 200 or not body.startswith(b'40{"sid":'):
        failures.append(f"the poll after CONNECT answered {status}: {body[:100]!r}")
    status, _ = http("POST", url + f"?EIO=4&transport=polling&sid={sid}", b"4" + b"x" * 1_000_001, {"Content-Type": "text/plain"})
    if status != 413:
        failures.append(f"a payload over maxPayload answered {status}, not 413")
    status, _ = http("GET", url + f"?EIO=4&transport=polling&sid={sid}")
    if status != 400:
        failures.append(f"the session survived an oversized payload ({status})")


def main():
    if not os.path.exists(BINARY):
        print("needs .build/debug/applianced (swift build)")
        sys.exit(77)
    root = tempfile.mkdtemp(prefix="sio-interop-")
    daemon, port = start_daemon(root)
    base = f"http://127.0.0.1:{port}"
    failures = []
    try:
        user = sign_up(base)
        credentials = {"nobody": None, "user": {"token": user}, "appliance token": {"token": TOKEN},
                       "bad token": {"token": "not-a-token"}}
        check_raw_protocol(base, failures)
        check_namespaces(base, credentials, failures)
        check_events_and_acks(base, root, failures)
        check_download_progress(base, user, failures)
    finally:
        daemon.terminate()
        daemon.wait(30)
    log = open(os.path.join(root, "serve.log")).read()
    if TOKEN in log:
        failures.append("the appliance token is in the daemon's log")
    if failures:
        print("FAIL\n" + "\n".join(failures))
        print("\n".join(line for line in log.splitlines() if "onfig" in line or "alert" in line.lower())[-3000:])
        sys.exit(1)
    shutil.rmtree(root, ignore_errors=True)
    print("Socket.IO interop: OK (polling, upgrade, websocket; 5 namespaces; events; acks both ways; download:progress)")


if __name__ == "__main__":
    main()
