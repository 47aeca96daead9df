#!/usr/bin/env python3
"""A fake plex.tv and a fake Plex Media Server in one process (stdlib only), for tests.

Shapes follow ../shared/upstream/plex/ and the recorded PMS 1.43.1 responses quoted in
../shared/reference/plex-previews.md §5: section listings carry Part@file/size/duration but no
hash; /library/metadata/{id}/tree (XML) carries MediaPart@hash.

Usage: fake_plex.py --port 0 [options]   (prints "port N" on its first stdout line)

  --token T             the one valid token, for plex.tv and the PMS (default fake-plex-token)
  --pin-polls N         a PIN is authorised on its Nth poll (default 2; 0 = only by control call)
  --pin-ttl S           a PIN expires S seconds after creation (then 404) (default 900)
  --movie FILE          a movie whose Part@file is FILE (repeatable); default: three synthetic movies,
                        the first the recorded "Test Movie H264 (2024)" with hash 9f0965f0…f683
  --episodes N          episodes in the one TV show (default 4)
  --hash-in-list        also put Part@hash in section listings
  --sessions N          active playback sessions (default 0)
  --name NAME           the server's friendlyName (default "Fake Plex Server")
  --hang                every PMS and plex.tv route waits forever (timeouts)

plex.tv:  POST /api/v2/pins, GET /api/v2/pins/{id}, GET /api/v2/resources, GET /api/v2/user
PMS:      GET /, /identity, /library/sections, /library/sections/{id}/all, /library/metadata/{id},
          /library/metadata/{id}/tree, /status/sessions
          and for 001's browsing: /library/sections/{id}/all?sort=…, /hubs/search, /library/recentlyAdded,
          /library/sections/{id}/collections, /library/collections/{id}/items, /accounts
Control:  POST /__control/pins/{id}/authorise | /expire, POST /__control/sessions/{n},
          POST /__control/hang/{0|1}, GET /__control/requests (JSON list of requests seen)
Webhooks: POST /__control/webhook/pending?file=PATH&type=movie|episode[&after_requests=N][&after_seconds=S]
          adds an item Plex "indexes" only on the Nth `file=` lookup naming it or S seconds later
          (after_requests=-1: never); until then no listing, lookup or /tree shows it.
          `…/all?file=` without `type=` answers 500, as the real PMS does.
"""
import argparse
import hashlib
import json
import os
import re
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import quoteattr

from fixture_server import serve

MACHINE_ID = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
VERSION = "1.43.1.10611-1e34174b1"
RECORDED_HASH = "9f0965f0bd293b803661ba0d9b005c055ce7f683"
RECORDED_FILE = "/media/Movies/Test Movie H264 (2024)/Test Movie H264 (2024).mkv"


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.pins = {}  # id -> dict
        self.next_pin = 1000
        self.sessions = args.sessions
        self.hang = args.hang
        self.requests = []
        self.items = self.build_items()

    def build_items(self):
        items = {}
        movies = self.args.movie or [
            RECORDED_FILE,
            "/media/Movies/Big Buck Bunny (2008)/Big Buck Bunny (2008).mp4",
            "/media/Movies/Amélie & Co (2001)/Amélie & Co (2001).mkv",
        ]
        for n, path in enumerate(movies, start=1):
            h = RECORDED_HASH if path == RECORDED_FILE else hashlib.sha1(path.encode()).hexdigest()
            title = os.path.splitext(os.path.basename(path))[0]
            year = re.search(r" \((\d{4})\)$", title)
            if year:
                title = title[:year.start()]
            items[str(n)] = {
                "ratingKey": str(n), "type": "movie", "title": title, "year": int(year.group(1)) if year else 2024,
                "section": "1",
                "parts": [{"id": n, "file": path, "hash": h, "size": 12213299 + n, "duration": 30023}],
            }
        show_key = str(100)
        items[show_key] = {"ratingKey": show_key, "type": "show", "title": "Fake Show", "section": "2", "parts": []}
        for e in range(1, self.args.episodes + 1):
            key = str(200 + e)
            path = f"/media/TV/Fake Show/Season 01/Fake Show - S01E{e:02d}.mkv"
            items[key] = {
                "ratingKey": key, "type": "episode", "title": f"Episode {e}", "grandparentTitle": "Fake Show",
                "parentIndex": 1, "index": e, "section": "2",
                "parts": [{"id": 1000 + e, "file": path, "hash": hashlib.sha1(path.encode()).hexdigest(),
                           "size": 5000000 + e, "duration": 1200000}],
            }
        return items


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None  # set in main

    def log_message(self, *args):
        pass

    # ---- plumbing -------------------------------------------------------
    def header_or_query(self, name):
        value = self.headers.get(name)
        if value is None:
            values = self.query.get(name)
            value = values[0] if values else None
        return value

    def send(self, status, body=b"", content_type="application/json", extra=()):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, str(v))
        self.end_headers()
        self.wfile.write(body)

    def plex_tv_error(self, status, code, message):
        self.send(status, {"errors": [{"code": code, "message": message, "status": status}]})

    def unauthorized_pms(self):
        self.send(401, "<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>",
                  "text/html")

    def authorised(self):
        return self.header_or_query("X-Plex-Token") == self.state.args.token

    def wants_json(self):
        return "application/json" in (self.headers.get("Accept") or "")

    def container(self, attrs, children_key=None, children=None, extra_headers=()):
        if self.wants_json():
            body = dict(attrs)
            if children_key:
                body[children_key] = children or []
            self.send(200, {"MediaContainer": body}, extra=extra_headers)
        else:
            xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<MediaContainer " + " ".join(
                f"{k}={quoteattr(str(v))}" for k, v in attrs.items()) + ">\n</MediaContainer>\n"
            self.send(200, xml, "text/xml;charset=utf-8", extra=extra_headers)

    # ---- dispatch -------------------------------------------------------
    def handle_any(self):
        split = urlsplit(self.path)
        self.query = parse_qs(split.query)
        path = split.path
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length > 0 else b""
        st = self.state
        with st.lock:
            st.requests.append({"method": self.command, "path": self.path,
                                "headers": {k: v for k, v in self.headers.items() if k.lower().startswith("x-plex")
                                            or k.lower() == "accept"}})
            del st.requests[:-500]
            hang = st.hang
        parts = [unquote(p) for p in path.strip("/").split("/")] if path.strip("/") else []
        if parts[:1] == ["__control"]:
            return self.control(parts[1:])
        if hang:
            time.sleep(3600)
            return
        if parts[:2] == ["api", "v2"]:
            return self.plex_tv(parts[2:])
        return self.pms(parts)

    do_GET = do_POST = do_PUT = do_DELETE = handle_any

    # ---- control --------------------------------------------------------
    def control(self, parts):
        st = self.state
        with st.lock:
            if parts[:1] == ["pins"] and len(parts) == 3 and parts[1] in st.pins:
                pin = st.pins[parts[1]]
                if parts[2] == "authorise":
                    pin["authorised"] = True
                elif parts[2] == "expire":
                    pin["expired"] = True
                return self.send(200, {"ok": True})
            if parts[:1] == ["sessions"] and len(parts) == 2:
                st.sessions = int(parts[1])
                return self.send(200, {"ok": True})
            if parts[:1] == ["hang"] and len(parts) == 2:
                st.hang = parts[1] == "1"
                return self.send(200, {"ok": True})
            if parts == ["requests"]:
                return self.send(200, st.requests)
            if parts[:1] == ["webhook"]:
                return self.webhook_control(parts[1:])
        self.send(404, {"error": "unknown control"})

    # ---- plex.tv --------------------------------------------------------
    def plex_tv(self, parts):
        st = self.state
        client = self.header_or_query("X-Plex-Client-Identifier")
        if parts == ["pins"] and self.command == "POST":
            if not client or not self.header_or_query("X-Plex-Product"):
                return self.plex_tv_error(400, 1000, "X-Plex-Client-Identifier and X-Plex-Product are required")
            form = parse_qs(self.body.decode("utf-8", "replace"))
            strong = (form.get("strong") or self.query.get("strong") or ["false"])[0] == "true"
            with st.lock:
                st.next_pin += 1
                pin_id = st.next_pin
                now = datetime.now(timezone.utc)
                code = hashlib.sha1(f"{pin_id}".encode()).hexdigest()[:25 if strong else 4].upper()
                st.pins[str(pin_id)] = {"id": pin_id, "code": code, "client": client, "polls": 0, "created": now,
                                        "authorised": False, "expired": False, "strong": strong}
                return self.send(201, self.pin_json(st.pins[str(pin_id)]))
        if parts[:1] == ["pins"] and len(parts) == 2 and self.command == "GET":
            with st.lock:
                pin = st.pins.get(parts[1])
                expired = pin is None or pin["expired"] or (
                    datetime.now(timezone.utc) - pin["created"]).total_seconds() > st.args.pin_ttl
                if expired or pin["client"] != client:
                    return self.plex_tv_error(404, 1020, "Code not found or expired")
                pin["polls"] += 1
                if st.args.pin_polls > 0 and pin["polls"] >= st.args.pin_polls:
                    pin["authorised"] = True
                return self.send(200, self.pin_json(pin))
        if parts == ["resources"] and self.command == "GET":
            if not self.authorised():
                return self.plex_tv_error(401, 1001, "User could not be authenticated")
            return self.send(200, self.resources())
        if parts == ["user"] and self.command == "GET":
            if not self.authorised():
                return self.plex_tv_error(401, 1001, "User could not be authenticated")
            return self.send(200, {"id": 12345, "uuid": "1234567890", "username": "testuser",
                                   "email": "testuser@email.com", "authToken": st.args.token})
        self.plex_tv_error(404, 1002, "Not found")

    def pin_json(self, pin):
        created = pin["created"]
        return {
            "id": pin["id"], "code": pin["code"], "product": "applianced", "trusted": False,
            "qr": f"https://plex.tv/api/v2/pins/qr/{pin['code']}", "clientIdentifier": pin["client"],
            "location": {"code": "AU", "country": "Australia"}, "expiresIn": self.state.args.pin_ttl,
            "createdAt": iso(created), "expiresAt": iso(created + timedelta(seconds=self.state.args.pin_ttl)),
            "authToken": self.state.args.token if pin["authorised"] else None, "newRegistration": None,
        }

    def resources(self):
        port = self.server.server_address[1]
        now = iso(datetime.now(timezone.utc))
        common = {"product": "Plex Media Server", "productVersion": VERSION, "platform": "Linux",
                  "platformVersion": "6.1", "device": "PC", "createdAt": now, "lastSeenAt": now,
                  "provides": "server", "ownerId": None, "sourceTitle": None, "publicAddress": "203.0.113.7",
                  "home": False, "synced": False, "relay": True, "presence": True, "httpsRequired": False,
                  "publicAddressMatches": True, "dnsRebindingProtection": False, "natLoopbackSupported": True}
        mine = dict(common, name=self.state.args.name, clientIdentifier=MACHINE_ID, owned=True,
                    accessToken=self.state.args.token, connections=[
                        {"protocol": "https", "address": "203.0.113.7", "port": 32400,
                         "uri": f"https://203-0-113-7.{MACHINE_ID}.plex.direct:32400", "local": False,
                         "relay": False, "IPv6": False},
                        {"protocol": "http", "address": "127.0.0.1", "port": port,
                         "uri": f"http://127.0.0.1:{port}", "local": True, "relay": False, "IPv6": False},
                        {"protocol": "https", "address": "198.51.100.2", "port": 8443,
                         "uri": f"https://198-51-100-2.{MACHINE_ID}.plex.direct:8443", "local": False,
                         "relay": True, "IPv6": False},
                    ])
        shared = dict(common, name="Friend's Server", clientIdentifier="f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed",
                      owned=False, accessToken="shared-server-token", ownerId=777, sourceTitle="friend",
                      connections=[{"protocol": "https", "address": "192.0.2.10", "port": 32400,
                                    "uri": "https://192-0-2-10.f00dfeed.plex.direct:32400", "local": False,
                                    "relay": False, "IPv6": False}])
        player = dict(common, name="Living Room TV", clientIdentifier="tv-1", owned=True, accessToken="x",
                      provides="client,player,pubsub-player", product="Plex for LG", connections=[])
        return [mine, shared, player]

    # ---- PMS ------------------------------------------------------------
    def pms(self, parts):
        st = self.state
        if parts == ["identity"]:
            return self.container({"size": 0, "claimed": True, "machineIdentifier": MACHINE_ID, "version": VERSION})
        if not self.authorised():
            return self.unauthorized_pms()
        if self.browse_pms(parts):  # 001's Plex browsing, below
            return
        if parts == []:
            return self.container({"size": 0, "friendlyName": st.args.name, "machineIdentifier": MACHINE_ID,
                                   "version": VERSION, "platform": "Linux", "myPlex": True}, "Directory", [])
        if parts == ["library", "sections"]:
            return self.container({"size": 2, "allowSync": False, "title1": "Plex Library"}, "Directory", [
                {"allowSync": True, "key": "1", "type": "movie", "title": "Movies", "agent": "tv.plex.agents.movie",
                 "scanner": "Plex Movie", "language": "en-US", "Location": [{"id": 1, "path": "/media/Movies"}]},
                {"allowSync": True, "key": "2", "type": "show", "title": "TV Shows", "agent": "tv.plex.agents.series",
                 "scanner": "Plex TV Series", "language": "en-US", "Location": [{"id": 2, "path": "/media/TV"}]},
            ])
        if len(parts) == 4 and parts[:2] == ["library", "sections"] and parts[3] == "all":
            return self.section_all(parts[2])
        if len(parts) >= 3 and parts[:2] == ["library", "metadata"]:
            item = st.items.get(parts[2])
            if item is None or not webhook_visible(item):
                return self.send(404, "<html><body><h1>404 Not Found</h1></body></html>", "text/html")
            if len(parts) == 4 and parts[3] == "tree":
                return self.tree(item)
            if len(parts) == 3:
                return self.container({"size": 1}, "Metadata", [self.metadata(item, True)])
        if parts == ["status", "sessions"]:
            sessions = [{"ratingKey": "1", "type": "movie", "title": "Playing", "Session": {"id": f"s{n}"}}
                        for n in range(st.sessions)]
            return self.container({"size": st.sessions}, "Metadata", sessions)
        self.send(404, "<html><body><h1>404 Not Found</h1></body></html>", "text/html")

    def metadata(self, item, with_hash):
        out = {k: item[k] for k in ("ratingKey", "type", "title", "year", "grandparentTitle", "parentIndex", "index")
               if k in item}
        out["key"] = f"/library/metadata/{item['ratingKey']}"
        if item["parts"]:
            parts = []
            for p in item["parts"]:
                part = {"id": p["id"], "key": f"/library/parts/{p['id']}/1777598686/file.mkv", "duration": p["duration"],
                        "file": p["file"], "size": p["size"], "container": "mkv", "indexes": "sd"}
                if with_hash:
                    part["hash"] = p["hash"]
                parts.append(part)
            out["Media"] = [{"id": item["parts"][0]["id"], "duration": item["parts"][0]["duration"],
                             "videoCodec": "h264", "container": "mkv", "Part": parts}]
        return out

    def section_all(self, section):
        st = self.state
        if section not in ("1", "2"):
            return self.send(404, "<html><body><h1>404 Not Found</h1></body></html>", "text/html")
        wanted_type = (self.query.get("type") or [None])[0]
        default_type = "movie" if section == "1" else "show"
        type_names = {"1": "movie", "2": "show", "4": "episode"}
        type_name = type_names.get(wanted_type, default_type) if wanted_type else default_type
        file_filter = (self.query.get("file") or [None])[0]
        if file_filter and not wanted_type:  # webhooks block below: the real PMS needs type= with file=
            return self.send(500, "<html><body><h1>500 Internal Server Error</h1></body></html>", "text/html")
        if file_filter:
            with st.lock:
                webhook_lookup(st, file_filter)
        items = [i for i in st.items.values() if i["section"] == section and i["type"] == type_name and webhook_visible(i)]
        items.sort(key=lambda i: int(i["ratingKey"]))
        if file_filter:
            items = [i for i in items if any(os.path.basename(p["file"]) == file_filter for p in i["parts"])]
        start = int(self.header_or_query("X-Plex-Container-Start") or 0)
        size_text = self.header_or_query("X-Plex-Container-Size")
        size = int(size_text) if size_text is not None else len(items)
        page = items[start:start + size]
        attrs = {"size": len(page), "totalSize": len(items), "offset": start, "librarySectionID": int(section),
                 "librarySectionTitle": "Movies" if section == "1" else "TV Shows"}
        headers = [("X-Plex-Container-Start", start), ("X-Plex-Container-Total-Size", len(items))]
        return self.container(attrs, "Metadata", [self.metadata(i, st.args.hash_in_list) for i in page], headers)

    def tree(self, item):
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<MediaContainer size="1" identifier="com.plexapp.plugins.library">',
                 f'<MetadataItem id={quoteattr(item["ratingKey"])} title={quoteattr(item["title"])} index="1">']
        for p in item["parts"]:
            lines += ['<MediaItem id="1">',
                      f'<MediaPart id="{p["id"]}" file={quoteattr(p["file"])} size="{p["size"]}" '
                      f'openSubtitleHash="6e20a8b5f3b245bb" hash="{p["hash"]}" duration="{p["duration"]}">',
                      '<MediaStream id="1" index="0" type="1" codec="h264" height="720" width="1280" />',
                      '</MediaPart>', '</MediaItem>']
        lines += ['</MetadataItem>', '</MediaContainer>']
        self.send(200, "\n".join(lines) + "\n", "text/xml;charset=utf-8")




    # ---- 001's Plex browsing (issue 13): sorted section pages, hub search, recently added, collections,
    # accounts. Item entries carry summary/thumb/art/addedAt/duration as the spec's Metadata does.
    # Answers True when it handled the request.
    def browse_pms(self, parts):
        st = self.state
        collections = browse_collections(st)
        if len(parts) == 4 and parts[:2] == ["library", "sections"] and parts[3] == "all" and "sort" in self.query:
            if parts[2] not in ("1", "2"):
                return self.send_404()
            type_name = "movie" if parts[2] == "1" else "show"
            items = [i for i in st.items.values() if i["section"] == parts[2] and i["type"] == type_name]
            return self.browse_page(browse_sorted(items, self.query["sort"][0]), {"librarySectionID": int(parts[2])})
        if parts == ["hubs", "search"]:
            query = (self.query.get("query") or [""])[0].lower()
            per_hub = int((self.query.get("limit") or ["3"])[0])
            hubs = []
            everything = list(st.items.values()) + list(collections.values())
            for hub_type in ("movie", "show", "episode", "collection"):
                found = [i for i in everything if i["type"] == hub_type and query and query in i["title"].lower()]
                found.sort(key=lambda i: int(i["ratingKey"]))
                hubs.append({"title": hub_type.title() + "s", "type": hub_type, "hubIdentifier": hub_type,
                             "size": len(found[:per_hub]), "more": len(found) > per_hub,
                             "Metadata": [self.browse_metadata(i) for i in found[:per_hub]]})
            self.container({"size": len(hubs)}, "Hub", hubs)
            return True
        if parts == ["library", "recentlyAdded"]:
            items = [i for i in st.items.values() if i["type"] in ("movie", "episode")]
            return self.browse_page(browse_sorted(items, "addedAt:desc"), {})
        if len(parts) == 4 and parts[:2] == ["library", "sections"] and parts[3] == "collections":
            if parts[2] not in ("1", "2"):
                return self.send_404()
            found = [c for c in collections.values() if c["section"] == parts[2]]
            return self.browse_page(browse_sorted(found, "titleSort"), {"librarySectionID": int(parts[2])})
        if len(parts) == 3 and parts[:2] == ["library", "metadata"] and parts[2] in collections:
            self.container({"size": 1}, "Metadata", [self.browse_metadata(collections[parts[2]])])
            return True
        if len(parts) == 4 and parts[:2] == ["library", "collections"] and parts[3] == "items":
            collection = collections.get(parts[2])
            if collection is None:
                return self.send_404()
            return self.browse_page([st.items[k] for k in collection["children"] if k in st.items], {})
        if parts == ["accounts"]:
            accounts = [{"id": 0, "key": "/accounts/0", "name": "", "defaultAudioLanguage": "en"},
                        {"id": 1, "key": "/accounts/1", "name": "owner", "defaultAudioLanguage": "en"},
                        {"id": 2, "key": "/accounts/2", "name": "friend", "defaultAudioLanguage": "en"}]
            self.container({"size": len(accounts), "identifier": "com.plexapp.system.accounts"}, "Account", accounts)
            return True
        return False

    def send_404(self):
        self.send(404, "<html><body><h1>404 Not Found</h1></body></html>", "text/html")
        return True

    def browse_page(self, items, attrs):
        start = int(self.header_or_query("X-Plex-Container-Start") or 0)
        size_text = self.header_or_query("X-Plex-Container-Size")
        size = int(size_text) if size_text is not None else len(items)
        page = items[start:start + size]
        body = dict(attrs, size=len(page), totalSize=len(items), offset=start)
        headers = [("X-Plex-Container-Start", start), ("X-Plex-Container-Total-Size", len(items))]
        self.container(body, "Metadata", [self.browse_metadata(i) for i in page], headers)
        return True

    def browse_metadata(self, item):
        if item["type"] == "collection":
            out = {k: item[k] for k in ("ratingKey", "type", "title", "summary", "addedAt", "updatedAt")}
            out.update(key=f"/library/collections/{item['ratingKey']}/children", childCount=len(item["children"]),
                       librarySectionID=int(item["section"]), thumb=f"/library/collections/{item['ratingKey']}/composite/1700000000")
            return out
        out = self.metadata(item, False)
        added = browse_added_at(item)
        out.update(summary=f"About {item['title']}.", addedAt=added, updatedAt=added, librarySectionID=int(item["section"]),
                   thumb=f"/library/metadata/{item['ratingKey']}/thumb/{added}", art=f"/library/metadata/{item['ratingKey']}/art/{added}")
        if item["parts"]:
            out["duration"] = item["parts"][0]["duration"]
        if item["type"] == "show":
            out["childCount"] = 1
            out["leafCount"] = len([i for i in self.state.items.values() if i.get("grandparentTitle") == item["title"]])
        return out


def browse_added_at(item):
    """A fixed addedAt per item: higher rating keys were added later."""
    return 1700000000 + int(item["ratingKey"]) * 1000


def browse_sorted(items, sort):
    field, _, direction = sort.partition(":")
    keys = {"title": lambda i: i["title"].lower(), "titleSort": lambda i: i["title"].lower(),
            "addedAt": browse_added_at, "year": lambda i: i.get("year") or 0}
    key = keys.get(field, lambda i: int(i["ratingKey"]))
    return sorted(items, key=key, reverse=direction == "desc")


def browse_collections(st):
    """The fake's collections, made once: one in Movies (two movies), one in TV Shows (the show)."""
    with st.lock:
        if not hasattr(st, "collections"):
            st.collections = {
                "500": {"ratingKey": "500", "type": "collection", "title": "Fake Movie Collection", "section": "1",
                        "summary": "Two movies.", "addedAt": 1700900000, "updatedAt": 1700900000, "children": ["1", "2"]},
                "501": {"ratingKey": "501", "type": "collection", "title": "Fake Show Collection", "section": "2",
                        "summary": "One show.", "addedAt": 1700900001, "updatedAt": 1700900001, "children": ["100"]},
            }
        return st.collections
    # ---- end of 001's Plex browsing


# ---- webhooks (issue 13): items Plex indexes late ---------------------------------------------
# Kept apart from the rest so the other engineers' additions merge cleanly. An item with a
# "pending" entry stays hidden until its condition holds: `after_requests` `file=` lookups naming
# its basename (-1: never) or `after_seconds` after it was added.

def webhook_visible(item):
    return "pending" not in item


def webhook_lookup(st, name):
    """Counts a `file=` lookup of `name` against pending items and indexes those now due. Holds st.lock."""
    now = time.time()
    for item in st.items.values():
        pending = item.get("pending")
        if not pending or not any(os.path.basename(p["file"]) == name for p in item["parts"]):
            continue
        pending["seen"] += 1
        due_requests = pending["after_requests"] >= 0 and pending["seen"] >= pending["after_requests"]
        due_time = pending["after_seconds"] is not None and now >= pending["added"] + pending["after_seconds"]
        if due_requests or due_time:
            del item["pending"]


def webhook_control(self, parts):
    """POST /__control/webhook/pending?file=…&type=movie|episode&after_requests=N&after_seconds=S. Holds st.lock."""
    st = self.state
    if parts != ["pending"]:
        return self.send(404, {"error": "unknown control"})
    path = (self.query.get("file") or [""])[0]
    kind = (self.query.get("type") or ["movie"])[0]
    after_requests = int((self.query.get("after_requests") or ["-1"])[0])
    seconds = self.query.get("after_seconds")
    key = str(5000 + len(st.items))
    title = os.path.splitext(os.path.basename(path))[0]
    item = {"ratingKey": key, "type": kind, "title": title, "section": "1" if kind == "movie" else "2",
            "parts": [{"id": 9000 + len(st.items), "file": path, "hash": hashlib.sha1(path.encode()).hexdigest(),
                       "size": 1000, "duration": 30000}],
            "pending": {"after_requests": after_requests, "after_seconds": float(seconds[0]) if seconds else None,
                        "added": time.time(), "seen": 0}}
    if kind == "episode":
        item.update({"grandparentTitle": "Fake Show", "parentIndex": 1, "index": 50 + len(st.items)})
    elif re.search(r" \((\d{4})\)$", title):
        item["title"] = title[:-7]
        item["year"] = int(title[-5:-1])
    st.items[key] = item
    return self.send(200, {"ok": True, "ratingKey": key})


Handler.webhook_control = webhook_control


def main():
    p = argparse.ArgumentParser(description="fake plex.tv + Plex Media Server")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--token", default="fake-plex-token")
    p.add_argument("--pin-polls", type=int, default=2)
    p.add_argument("--pin-ttl", type=int, default=900)
    p.add_argument("--movie", action="append")
    p.add_argument("--episodes", type=int, default=4)
    p.add_argument("--hash-in-list", action="store_true")
    p.add_argument("--sessions", type=int, default=0)
    p.add_argument("--name", default="Fake Plex Server")
    p.add_argument("--hang", action="store_true")
    args = p.parse_args()
    Handler.state = State(args)
    serve(Handler, args.port)


if __name__ == "__main__":
    sys.exit(main())
