#!/usr/bin/env python3
"""A fake Stash (GraphQL `POST /graphql`, header `ApiKey`) in one process (stdlib only): findScenes,
findPerformers, findStudios and findTags with page, per_page, `updated_at > value` and ids, findScene, and
sceneUpdate (performer_ids, tag_ids, studio_id, details, title; counted in `updates`), over a seeded,
deterministic data set (one file per scene, 1-3 performers, a studio with parents, 1-4 tags).
Shapes follow ../shared/upstream/stash/graphql. For runs of the daemon that must not reach the LAN
(schemathesis) and for bench/stash.py, which imports `FakeStash`.

Usage: fake_stash.py --port 0 [--key KEY] [--scenes N]   (prints "port N" on its first stdout line)
"""
import argparse
import json
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY = "fake-stash-key-0123456789"
EPOCH = 1_704_067_200  # 2024-01-01T00:00:00Z
WORDS = ("sunset harbor velvet midnight garden crystal summit echo amber riviera night river stone fire city shadow light "
         "winter summer ghost island road train house dream memory secret hidden golden silver").split()


def stamp(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(EPOCH + seconds))


class FakeStash:
    """findScenes/findPerformers/findStudios/findTags with page, per_page, updated_at > value and ids."""

    def __init__(self, scenes, rng, key=KEY):
        self.key = key
        self.lock = threading.Lock()
        self.busy = 0.0  # seconds spent answering
        self.requests = 0
        self.updates = 0
        self.clock = 10_000_000
        self.tags = [{"id": str(n), "name": f"Tag {n}", "description": None, "aliases": [f"t{n}"] if n % 2 else [],
                      "created_at": stamp(0), "updated_at": stamp(n)} for n in range(1, 501)]
        self.studios = [{"id": str(n), "name": f"Studio {n}", "aliases": [], "urls": [], "details": None, "rating100": None,
                         "favorite": False, "parent_studio": {"id": str((n - 1) % 20 + 1)} if n > 20 else None,
                         "created_at": stamp(0), "updated_at": stamp(n)} for n in range(1, 201)]
        self.performers = [{"id": str(n), "name": f"Performer {n}", "disambiguation": None, "alias_list": [f"P{n}", f"Perf {n}"],
                            "gender": "FEMALE" if n % 2 else "MALE", "birthdate": None, "country": "US", "ethnicity": None,
                            "urls": [], "details": None, "rating100": None, "favorite": False,
                            "created_at": stamp(0), "updated_at": stamp(n)} for n in range(1, 2001)]
        self.scenes = []
        for n in range(1, scenes + 1):
            studio = self.studios[rng.randrange(200)]
            words = " ".join(rng.choice(WORDS) for _ in range(3))
            self.scenes.append({
                "id": str(n), "title": f"Scene {n} {words}", "code": None, "details": f"A {words} scene, number {n}.",
                "director": None, "urls": [f"https://example.com/{n}"],
                "date": time.strftime("%Y-%m-%d", time.gmtime(1_262_304_000 + rng.randrange(5000) * 86400)),
                "rating100": rng.choice([None, 20, 40, 60, 80, 100]), "organized": rng.random() < 0.4,
                "created_at": stamp(n), "updated_at": stamp(n),
                "files": [{"id": f"f{n}", "path": f"/media/stash/{studio['name']}/Scene {n}.mp4", "size": 1_000_000_000 + n,
                           "duration": 1800.5, "format": "mp4", "video_codec": "h264", "audio_codec": "aac", "width": 1920,
                           "height": 1080, "frame_rate": 29.97, "bit_rate": 6_000_000,
                           "fingerprints": [{"type": "oshash", "value": f"{n:016x}"}, {"type": "phash", "value": f"{n * 7:016x}"}]}],
                "studio": {"id": studio["id"], "name": studio["name"]},
                "performers": [{"id": p["id"], "name": p["name"]} for p in rng.sample(self.performers, rng.randint(1, 3))],
                "tags": [{"id": t["id"], "name": t["name"]} for t in rng.sample(self.tags, rng.randint(1, 4))],
            })
        self.by_id = {scene["id"]: scene for scene in self.scenes}

    def touch(self, count, rng):
        with self.lock:
            for scene in rng.sample(self.scenes, count):
                self.clock += 1
                scene["title"] = "Changed " + scene["id"]
                scene["updated_at"] = stamp(self.clock)
            self.scenes.sort(key=lambda s: (s["updated_at"], int(s["id"])))

    def answer(self, body):
        query, variables = body.get("query", ""), body.get("variables") or {}
        roots = [("findScenes", "scenes", self.scenes, "scene_filter"), ("findPerformers", "performers", self.performers, "performer_filter"),
                 ("findStudios", "studios", self.studios, "studio_filter"), ("findTags", "tags", self.tags, "tag_filter")]
        if "sceneUpdate(" in query:
            return self.update(variables.get("input") or {})
        if "findScene(" in query:
            return {"data": {"findScene": self.by_id.get(variables.get("id"))}}
        for field, name, items, filter_name in roots:
            if field + "(" in query:
                with self.lock:
                    chosen = items
                    if variables.get("ids"):
                        wanted = set(variables["ids"])
                        chosen = [item for item in chosen if item["id"] in wanted]
                    since = ((variables.get(filter_name) or {}).get("updated_at") or {}).get("value")
                    if since:
                        chosen = [item for item in chosen if item["updated_at"] > since]
                    page = (variables.get("filter") or {}).get("page", 1)
                    per_page = (variables.get("filter") or {}).get("per_page", 25)
                    count = len(chosen)
                    chosen = chosen[(page - 1) * per_page: page * per_page]
                    return {"data": {field: {"count": count, name: chosen}}}
        return {"errors": [{"message": "unknown query"}]}

    def update(self, given):
        """sceneUpdate: the fields given set, updated_at moved; an unknown scene or entity is a GraphQL error."""
        with self.lock:
            scene = self.by_id.get(str(given.get("id")))
            if scene is None:
                return {"errors": [{"message": "scene not found"}], "data": {"sceneUpdate": None}}
            performers = {p["id"]: p for p in self.performers}
            tags = {t["id"]: t for t in self.tags}
            studios = {s["id"]: s for s in self.studios}
            for key, table, field in (("performer_ids", performers, "performers"), ("tag_ids", tags, "tags")):
                if key in given:
                    if any(str(i) not in table for i in given[key] or []):
                        return {"errors": [{"message": f"{field} not found"}], "data": {"sceneUpdate": None}}
                    scene[field] = [{"id": table[str(i)]["id"], "name": table[str(i)]["name"]} for i in given[key] or []]
            if "studio_id" in given:
                studio = given["studio_id"]
                if studio is not None and str(studio) not in studios:
                    return {"errors": [{"message": "studio not found"}], "data": {"sceneUpdate": None}}
                scene["studio"] = None if studio is None else {"id": str(studio), "name": studios[str(studio)]["name"]}
            for key in ("details", "title"):
                if key in given:
                    scene[key] = given[key]
            self.clock += 1
            scene["updated_at"] = stamp(self.clock)
            self.scenes.sort(key=lambda s: (s["updated_at"], int(s["id"])))
            self.updates += 1
            return {"data": {"sceneUpdate": scene}}

    def handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                started = time.perf_counter()
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                if self.headers.get("ApiKey") != fake.key:
                    payload, status = b"Unauthorized", 401
                else:
                    payload, status = json.dumps(fake.answer(body)).encode(), 200
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                with fake.lock:
                    fake.busy += time.perf_counter() - started
                    fake.requests += 1

            def log_message(self, *args):
                pass

        return Handler

    def serve(self, port=0):
        """Serves on a thread of this process; answers the port."""
        server = ThreadingHTTPServer(("127.0.0.1", port), self.handler())
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server.server_address[1]


def main():
    from fixture_server import serve
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", default=KEY)
    parser.add_argument("--scenes", type=int, default=50)
    arguments = parser.parse_args()
    serve(FakeStash(arguments.scenes, random.Random(14), key=arguments.key).handler(), arguments.port)


if __name__ == "__main__":
    main()
