#!/usr/bin/env python3
"""Fake Radarr, Sonarr, Prowlarr, Overseerr and Tautulli in one process (stdlib only), each under its own
URL base as the apps allow (`http://127.0.0.1:N/radarr`, `/sonarr`, `/prowlarr`, `/overseerr`,
`/tautulli`), for runs of the daemon that must not reach the LAN: schemathesis and the benches. Shapes
follow ../shared/upstream/{radarr,sonarr,prowlarr,overseerr,tautulli}; ids are small and fixed.

Usage: fake_arr.py --port 0 [--key KEY]   (prints "port N" on its first stdout line)

  --key KEY   the one valid API key (X-Api-Key header, or apikey query); anything else is the app's 401
Every request is counted; GET /__stats answers {"requests": {app: count}}.
"""
import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from fixture_server import serve

KEY = "fake-arr-key"
STARTED = "2026-12-01T08:00:00Z"
COUNTS = {}
LOCK = threading.Lock()
MOVIES = [{"id": 1, "title": "The Matrix", "year": 1999, "tmdbId": 603, "imdbId": "tt0133093", "path": "/movies/The Matrix (1999)",
           "hasFile": True, "monitored": True, "qualityProfileId": 1, "sizeOnDisk": 8_000_000_000, "status": "released",
           "added": "2026-01-01T00:00:00Z", "overview": "A hacker learns the truth.", "runtime": 136},
          {"id": 2, "title": "Dune", "year": 2021, "tmdbId": 438631, "imdbId": "tt1160419", "path": "/movies/Dune (2021)",
           "hasFile": False, "monitored": True, "qualityProfileId": 1, "sizeOnDisk": 0, "status": "released",
           "added": "2026-02-01T00:00:00Z", "overview": "", "runtime": 155}]
SERIES = [{"id": 1, "title": "Breaking Bad", "year": 2008, "tvdbId": 81189, "tmdbId": 1396, "imdbId": "tt0903747",
           "path": "/tv/Breaking Bad", "monitored": True, "qualityProfileId": 1, "status": "ended", "seriesType": "standard",
           "added": "2026-01-01T00:00:00Z", "overview": "A chemistry teacher.",
           "statistics": {"seasonCount": 5, "episodeCount": 62, "episodeFileCount": 62, "totalEpisodeCount": 62, "sizeOnDisk": 1}}]
PROFILES = [{"id": 1, "name": "HD-1080p", "upgradeAllowed": True, "cutoff": 7, "minFormatScore": 0, "items": []},
            {"id": 2, "name": "Ultra-HD", "upgradeAllowed": False, "cutoff": 19, "minFormatScore": 0, "items": []}]


def root_folders(path):
    return [{"id": 1, "path": path, "accessible": True, "freeSpace": 500_000_000_000, "unmappedFolders": []}]


def status(app, version):
    return {"appName": app, "instanceName": app, "version": version, "startTime": STARTED, "isDebug": False,
            "isProduction": True, "osName": "debian", "runtimeVersion": "8.0.0"}


def queue(title):
    return {"page": 1, "pageSize": 20, "totalRecords": 1,
            "records": [{"id": 10, "title": title, "status": "downloading", "trackedDownloadStatus": "ok",
                         "trackedDownloadState": "downloading", "size": 1000, "sizeleft": 400, "protocol": "torrent"}]}


def arr(app, path, method, body):
    """Radarr's or Sonarr's v3 API (Prowlarr's v1 for its few paths)."""
    movies = app == "radarr"
    if path == "/api/v3/system/status" or (app == "prowlarr" and path == "/api/v1/system/status"):
        return 200, status(app.capitalize(), {"radarr": "5.3.6.8612", "sonarr": "4.0.2.1183", "prowlarr": "1.13.3.4273"}[app])
    if app == "prowlarr":
        if path == "/api/v1/indexer":
            return 200, [{"id": 1, "name": "Nyaa", "enable": True, "protocol": "torrent", "priority": 25, "appProfileId": 1}]
        if path == "/api/v1/indexerstatus":
            return 200, []
        if path == "/api/v1/health":
            return 200, []
        return 404, {"message": "NotFound"}
    if path == "/api/v3/health":
        return 200, []
    if path == "/api/v3/qualityprofile":
        return 200, PROFILES
    if path == "/api/v3/rootfolder":
        return 200, root_folders("/movies" if movies else "/tv")
    if path == "/api/v3/queue":
        return 200, queue("The.Matrix.1999.1080p" if movies else "Breaking.Bad.S01E01.1080p")
    if path == "/api/v3/history":
        return 200, {"page": 1, "pageSize": 20, "totalRecords": 0, "records": []}
    if path == "/api/v3/command" and method == "POST":
        return 201, {"id": 100, "name": (body or {}).get("name", ""), "status": "queued"}
    if movies and path == "/api/v3/movie":
        if method == "POST":
            added = dict(MOVIES[1], id=3, tmdbId=(body or {}).get("tmdbId", 0), title=(body or {}).get("title", "Added"))
            return 201, added
        return 200, MOVIES
    if movies and path == "/api/v3/movie/lookup/tmdb":
        return 200, dict(MOVIES[1], id=0)
    if not movies and path == "/api/v3/series":
        if method == "POST":
            return 201, dict(SERIES[0], id=2, tvdbId=(body or {}).get("tvdbId", 0), title=(body or {}).get("title", "Added"))
        return 200, SERIES
    if not movies and path == "/api/v3/series/lookup":
        return 200, [dict(SERIES[0], id=0)]
    return 404, {"message": "NotFound"}


def overseerr(path, method, body):
    if path == "/api/v1/status":
        return 200, {"version": "1.33.2", "commitTag": "v1.33.2", "updateAvailable": False, "commitsBehind": 0}
    if path == "/api/v1/request" and method == "GET":
        return 200, {"pageInfo": {"pages": 1, "pageSize": 10, "results": 0, "page": 1}, "results": []}
    if path == "/api/v1/request" and method == "POST":
        return 201, {"id": 7, "status": 1, "media": {"tmdbId": (body or {}).get("mediaId", 0), "status": 2},
                     "createdAt": STARTED, "updatedAt": STARTED, "type": (body or {}).get("mediaType", "movie")}
    parts = path.strip("/").split("/")
    if len(parts) == 5 and parts[2] == "request" and parts[4] in ("approve", "decline") and method == "POST":
        return 200, {"id": int(parts[3]) if parts[3].isdigit() else 0, "status": 2 if parts[4] == "approve" else 3}
    if len(parts) == 4 and parts[2] in ("movie", "tv") and parts[3].isdigit():
        return 200, {"id": int(parts[3]), "mediaInfo": {"status": 5 if parts[3] == "603" else 1}}
    return 404, {"message": "Not Found"}


def tautulli(query):
    command = query.get("cmd", [""])[0]
    if command == "get_activity":
        return 200, {"response": {"result": "success", "message": None,
                                  "data": {"stream_count": "1", "sessions": [{"title": "The Matrix", "user": "alice", "state": "playing"}]}}}
    if command == "get_tautulli_info":
        return 200, {"response": {"result": "success", "message": None, "data": {"tautulli_version": "v2.14.6", "tautulli_branch": "master"}}}
    if command in ("status", "get_server_info", "arnold"):
        return 200, {"response": {"result": "success", "message": None, "data": {"pms_name": "Plex", "pms_version": "1.40.0"}}}
    return 200, {"response": {"result": "error", "message": "Unknown command", "data": {}}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status_code, payload):
        body = json.dumps(payload).encode()
        self.send_response(status_code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path == "/__stats":
            with LOCK:
                return self.answer(200, {"requests": dict(COUNTS)})
        app, _, rest = url.path.strip("/").partition("/")
        path = "/" + rest
        with LOCK:
            COUNTS[app] = COUNTS.get(app, 0) + 1
        key = self.headers.get("X-Api-Key") or query.get("apikey", [""])[0]
        if key != KEY:
            return self.answer(401, {"error": "Unauthorized"} if app != "tautulli" else
                               {"response": {"result": "error", "message": "Invalid apikey", "data": {}}})
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return self.answer(400, {"message": "Invalid JSON"})
        if app in ("radarr", "sonarr", "prowlarr"):
            return self.answer(*arr(app, path, self.command, body))
        if app == "overseerr":
            return self.answer(*overseerr(path, self.command, body))
        if app == "tautulli" and path.rstrip("/") == "/api/v2":
            return self.answer(*tautulli(query))
        return self.answer(404, {"message": "Not Found"})

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


def main():
    global KEY
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", default=KEY)
    arguments = parser.parse_args()
    KEY = arguments.key
    serve(Handler, arguments.port)


if __name__ == "__main__":
    main()
