#!/usr/bin/env python3
"""A fake TMDb (v3 API under /3, image server under /t/p) in one process (stdlib only), for runs of the
daemon that must not reach the internet (schemathesis). Shapes follow ../shared/upstream/tmdb/tmdb-api.json.
Every id answers (the movie, show or collection is made from the id), so generated ids get 200s too.

Usage: fake_tmdb.py --port 0 [--key KEY]   (prints "port N" on its first stdout line)

  --key KEY   the one valid api_key (or bearer token); anything else is TMDb's 401 (default fake-tmdb-key)
"""
import argparse
import json
import re
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from fixture_server import serve

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000a49444154789c63000100000500010d0a2db40000000049454e44ae426082")


def movie_summary(movie_id):
    return {"id": movie_id, "title": f"Movie {movie_id}", "original_title": f"Movie {movie_id}", "overview": "A movie.",
            "release_date": "1999-03-31", "poster_path": "/poster.jpg", "backdrop_path": None, "vote_average": 7.5,
            "vote_count": 100, "popularity": 12.5, "genre_ids": [28], "adult": False}


def show_summary(show_id):
    return {"id": show_id, "name": f"Show {show_id}", "original_name": f"Show {show_id}", "overview": None,
            "first_air_date": "2008-01-20", "poster_path": None, "backdrop_path": "/b.jpg", "vote_average": 8.1,
            "vote_count": 50, "popularity": 3.0, "origin_country": ["US"]}


def movie(movie_id):
    return dict(movie_summary(movie_id), imdb_id="tt0133093", tagline="", runtime=136, status="Released", budget=0,
                revenue=463517383, original_language="en",
                genres=[{"id": 28, "name": "Action"}, {"id": 878, "name": "Science Fiction"}],
                belongs_to_collection={"id": 2344, "name": "The Collection", "poster_path": None, "backdrop_path": None},
                credits={"cast": [{"id": 6384, "name": "Keanu Reeves", "character": "Neo", "order": 0, "profile_path": None}],
                         "crew": [{"id": 9340, "name": "Lana Wachowski", "job": "Director", "department": "Directing",
                                   "profile_path": None}]},
                external_ids={"imdb_id": "tt0133093"},
                videos={"results": [{"key": "vKQi3bBA1y8", "site": "YouTube", "type": "Trailer", "official": True}]})


def episode(number, season):
    return {"id": 62000 + number, "episode_number": number, "season_number": season, "name": f"Episode {number}",
            "overview": "", "air_date": "2008-01-20" if number < 3 else "", "runtime": 47 if number < 3 else None,
            "still_path": None, "vote_average": 8.0, "vote_count": 10, "production_code": "",
            "crew": [{"id": 66633, "name": "Vince Gilligan", "job": "Director", "department": "Directing", "profile_path": None}],
            "guest_stars": [{"id": 92495, "name": "John Koyama", "character": "Emilio", "order": 500, "profile_path": None}]}


def show(show_id):
    return dict(show_summary(show_id), tagline=None, last_air_date="2013-09-29", status="Ended", type="Scripted",
                number_of_seasons=1, number_of_episodes=3, episode_run_time=[47], homepage="",
                genres=[{"id": 18, "name": "Drama"}],
                networks=[{"id": 174, "name": "AMC", "logo_path": "/amc.png", "origin_country": "US"}],
                seasons=[{"id": 3572, "season_number": 1, "name": "Season 1", "overview": "", "air_date": "2008-01-20",
                          "episode_count": 3, "poster_path": None, "vote_average": 8.3}],
                created_by=[{"id": 66633, "name": "Vince Gilligan", "profile_path": None}],
                credits={"cast": [], "crew": []}, external_ids={"imdb_id": "tt0903747", "tvdb_id": 81189},
                videos={"results": []})


def season(show_id, number):
    return {"_id": "x", "id": 3572, "season_number": number, "name": f"Season {number}", "overview": "",
            "air_date": "2008-01-20", "poster_path": None, "episodes": [episode(n, number) for n in (1, 2, 3)]}


def page(results):
    return {"page": 1, "results": results, "total_pages": 1, "total_results": len(results)}


ROUTES = [
    (r"/3/search/movie", lambda m, q: page([movie_summary(603), movie_summary(604)])),
    (r"/3/search/tv", lambda m, q: page([show_summary(1396)])),
    (r"/3/movie/(\d+)", lambda m, q: movie(int(m[1]))),
    (r"/3/tv/(\d+)", lambda m, q: show(int(m[1]))),
    (r"/3/tv/(\d+)/season/(\d+)", lambda m, q: season(int(m[1]), int(m[2]))),
    (r"/3/tv/(\d+)/season/(\d+)/episode/(\d+)", lambda m, q: episode(int(m[3]), int(m[2]))),
    (r"/3/collection/(\d+)", lambda m, q: {"id": int(m[1]), "name": "The Collection", "overview": None,
                                           "poster_path": None, "backdrop_path": None, "parts": [movie_summary(603)]}),
]


def handler_for(key):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, status, body, content_type="application/json"):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path.startswith("/t/p/"):
                return self.answer(200, PNG, "image/png")
            query = parse_qs(url.query)
            if query.get("api_key", [None])[0] != key and self.headers.get("Authorization") != f"Bearer {key}":
                return self.answer(401, {"success": False, "status_code": 7, "status_message": "Invalid API key"})
            for pattern, make in ROUTES:
                match = re.fullmatch(pattern, url.path)
                if match:
                    return self.answer(200, make(match, query))
            self.answer(404, {"success": False, "status_code": 34, "status_message": "Not found"})

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", default="fake-tmdb-key")
    args = parser.parse_args()
    serve(handler_for(args.key), args.port)


if __name__ == "__main__":
    main()
