#!/usr/bin/env python3
"""The catalog under a synthetic library (issue 12). Run by hand, never in CI:

    bench/catalog.py --binary .build/release/applianced [--movies 50000] [--shows 5000] [--episodes 100000]

1. Starts the daemon on an empty catalog, runs the query mix once and reads its RSS (the baseline).
2. Writes a synthetic catalog straight into state.db (movies with 1-3 of TMDb's 19 genres, 8 cast and
   a director from 20,000 people, ratings, votes, resolutions; shows with seasons of 20 episodes) and
   the search rows, as SearchIndex writes them.
3. Starts the daemon again and times, each over one keep-alive connection on loopback:
   GET /api/v1/movies?limit=50 with a genre filter and a rating sort, search, autocomplete, facets;
   then reads its RSS again.
4. Scans a tree of --files empty files by name (probing off) and, when ../shared/media exists, probes
   its sample videos through the media helper: files per second.
Prints p50/p99 per route and the RSS difference; the raw figures go to bench/out/catalog-<time>.json.
Revenge publishes no figures for these routes; its stack is four servers (Postgres, Typesense,
Dragonfly, River) where this is one process.
"""
import argparse
import http.client
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid

from benchdaemon import Daemon

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED_MEDIA = os.path.join(os.path.dirname(REPO), "shared", "media")
GENRES = [(28, "Action"), (12, "Adventure"), (16, "Animation"), (35, "Comedy"), (80, "Crime"), (99, "Documentary"), (18, "Drama"),
          (10751, "Family"), (14, "Fantasy"), (36, "History"), (27, "Horror"), (10402, "Music"), (9648, "Mystery"),
          (10749, "Romance"), (878, "Science Fiction"), (10770, "TV Movie"), (53, "Thriller"), (10752, "War"), (37, "Western")]
WORDS = ("night day river stone fire city shadow light dark blood iron glass storm winter summer ghost king queen war peace "
         "last first lost found silent wild broken golden black white red blue secret hidden empire kingdom star moon sun "
         "ocean island road train house garden dream memory heart soul angel devil hunter killer runner dancer singer").split()
STOPWORDS = "the a of and to in his her is with an on for as by at from who their when".split()
SYLLABLES = "ka lo mi ra ten vor sil dan mer tho quin bel ash or el ur an is bro gan lim pe sta ver win cor dal fen".split()


def vocabulary(rng, size, leading):
    """`size` distinct words, `leading` first, then pseudo-words, with Zipf weights (the first is the
    most common), as text has."""
    words = list(leading)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights, total = [], 0.0
    for rank in range(1, size + 1):
        total += 1.0 / rank
        weights.append(total)
    return words, weights


FIRST = "James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan Joseph Jessica".split()
LAST = "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson".split()


def timed(daemon, paths, repeat):
    times = []
    for n in range(repeat):
        path = paths[n % len(paths)]
        begin = time.perf_counter()
        status, body = daemon.get(path)
        times.append((time.perf_counter() - begin) * 1000)
        if status != 200:
            sys.exit(f"{path} answered {status}: {body[:300]!r}")
    times.sort()
    return {"n": len(times), "p50": times[len(times) // 2], "p99": times[min(len(times) - 1, int(len(times) * 0.99))], "max": times[-1]}


def query_mix(rng, titles):
    """A title someone looks for (its words, the last one cut short as typed), one common word (thousands of
    hits: the slow case), autocomplete of 2-4 typed letters, lists and facets."""
    genres = [name for _, name in GENRES]
    titles = titles or ["Night River"]
    lists = [f"/api/v1/movies?limit=50&genre={rng.choice(genres).replace(' ', '%20')}&order_by=rating&offset={rng.randrange(0, 200)}"
             for _ in range(50)]
    searches = []
    for _ in range(50):
        words = rng.choice(titles).split()
        words[-1] = words[-1][:max(3, len(words[-1]) - 2)]
        searches.append("/api/v1/search/movies?q=" + "%20".join(words))
    broad = [f"/api/v1/search/movies?q={word}" for word in WORDS[:20]]
    prefixes = [f"/api/v1/search/movies/autocomplete?q={rng.choice(titles)[:rng.randrange(2, 5)].strip()}" for _ in range(50)]
    return {"list (genre filter, rating sort, limit 50)": (lists, 1000), "search (a title, as typed)": (searches, 1000),
            "search (one common word)": (broad, 200), "autocomplete": (prefixes, 1000),
            "facets (whole catalog)": (["/api/v1/search/movies/facets"], 200)}


def write_catalog(path, library_id, media, args, rng):
    db = sqlite3.connect(path)
    now = int(time.time() * 1000)
    db.execute("INSERT INTO libraries (id, name, type, paths, created_at, updated_at) VALUES (?, 'Movies', 'movie', ?, ?, ?)",
               (library_id, json.dumps([media]), now, now))
    tv_library = str(uuid.uuid4())
    db.execute("INSERT INTO libraries (id, name, type, paths, created_at, updated_at) VALUES (?, 'TV', 'tvshow', ?, ?, ?)",
               (tv_library, json.dumps([media]), now, now))
    db.executemany("INSERT INTO genres (id, slug, name) VALUES (?, ?, ?)",
                   [(gid, name.lower().replace(" ", "-"), name) for gid, name in GENRES])
    db.executemany("INSERT INTO people (id, tmdb_id, name) VALUES (?, ?, ?)",
                   [(i, 100000 + i, f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}") for i in range(1, 20001)])
    titles = []
    movies, genres, credits = [], [], []
    title_words, title_weights = vocabulary(rng, 3000, WORDS)
    # Overviews: stop words lead, the title words are spread among the rest as ordinary words.
    text_words, text_weights = vocabulary(rng, 20000, STOPWORDS)
    for word in WORDS:
        text_words[rng.randrange(len(STOPWORDS) + 100, len(text_words))] = word
    for n in range(args.movies):
        title = " ".join(w.capitalize() for w in rng.choices(title_words, cum_weights=title_weights, k=rng.randrange(1, 4)))
        titles.append(title)
        mid = str(uuid.uuid4())
        year = rng.randrange(1930, 2026)
        movies.append((mid, library_id, title, title.lower(), year, f"{year}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 9)}",
                       rng.randrange(80, 180), " ".join(rng.choices(text_words, cum_weights=text_weights, k=40)), round(rng.uniform(3, 9), 1),
                       rng.randrange(0, 30000), round(rng.uniform(1, 100), 2), rng.choice([480, 720, 1080, 1080, 2160]),
                       now - rng.randrange(0, 10**10), now, now))
        for gid, _ in rng.sample(GENRES, rng.randrange(1, 4)):
            genres.append((mid, gid, now))
        for order in range(8):
            credits.append((str(uuid.uuid4()), mid, rng.randrange(1, 20001), "cast", None, order, now))
        credits.append((str(uuid.uuid4()), mid, rng.randrange(1, 20001), "crew", "Director", None, now))
    db.executemany("""INSERT INTO movies (id, library_id, title, sort_title, year, release_date, runtime, overview, vote_average, vote_count,
                      popularity, max_height, added_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", movies)
    db.executemany("INSERT OR IGNORE INTO movie_genres (movie_id, genre_id, created_at) VALUES (?, ?, ?)", genres)
    db.executemany("INSERT INTO movie_credits (id, movie_id, person_id, credit_type, job, cast_order, created_at) VALUES (?,?,?,?,?,?,?)",
                   credits)
    # The daemon's full-text rowid of a movie (StateSchema.movieSearchRowid): popularity in hundredths in the high
    # bits, the movie's rowid in the low 28, so the index reads most popular first by descending rowid.
    db.execute("""UPDATE movies SET search_rowid = (CASE WHEN rowid BETWEEN 0 AND 268435455
                  THEN (CAST(min(max(coalesce(popularity, 0), 0), 10000000) * 100 AS INTEGER) << 28) | rowid ELSE -rowid END)""")
    db.execute("""INSERT INTO movie_search (rowid, title, original_title, overview, people, genres, movie_id)
        SELECT m.search_rowid, m.title, coalesce(m.original_title, ''), coalesce(m.overview, ''),
            coalesce((SELECT group_concat(p.name, ' ') FROM movie_credits c JOIN people p ON p.id = c.person_id
                WHERE c.movie_id = m.id AND (c.credit_type = 'cast' AND coalesce(c.cast_order, 0) < 20 OR c.job = 'Director')), ''),
            coalesce((SELECT group_concat(g.name, ' ') FROM movie_genres mg JOIN genres g ON g.id = mg.genre_id WHERE mg.movie_id = m.id), ''),
            m.id FROM movies m ORDER BY m.search_rowid""")
    per_show = max(1, args.episodes // max(args.shows, 1))
    for n in range(args.shows):
        sid = str(uuid.uuid4())
        title = " ".join(rng.choice(WORDS).capitalize() for _ in range(rng.randrange(1, 3))) + f" Show {n}"
        db.execute("INSERT INTO series (id, library_id, title, sort_title, added_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
                   (sid, tv_library, title, title.lower(), now, now, now))
        seasons = {}
        for e in range(per_show):
            season, number = e // 10 + 1, e % 10 + 1
            if season not in seasons:
                seasons[season] = str(uuid.uuid4())
                db.execute("INSERT INTO seasons (id, series_id, season_number, name, created_at, updated_at) VALUES (?,?,?,?,?,?)",
                           (seasons[season], sid, season, f"Season {season}", now, now))
            db.execute("""INSERT INTO episodes (id, series_id, season_id, season_number, episode_number, title, air_date, added_at,
                          created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)""",
                       (str(uuid.uuid4()), sid, seasons[season], season, number, f"Episode {number}",
                        f"20{rng.randrange(10, 27)}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 9)}", now, now, now))
    db.execute("UPDATE series SET search_rowid = rowid")
    db.execute("""INSERT INTO series_search (rowid, title, original_title, overview, people, genres, series_id)
                  SELECT search_rowid, title, '', '', '', '', id FROM series""")
    db.commit()
    db.close()
    return titles


def scan_rate(daemon, folder, count, probe):
    status, body = daemon.get("/api/v1/libraries", method="POST",
                              body={"name": f"Scan {probe} {count}", "type": "movie", "paths": [folder]})
    if status != 201:
        sys.exit(f"library: {status} {body[:300]!r}")
    library = json.loads(body)["id"]
    begin = time.monotonic()
    daemon.get(f"/api/v1/libraries/{library}/scan", method="POST", body={"scan_type": "incremental"})
    while True:
        time.sleep(0.2)
        _, body = daemon.get(f"/api/v1/libraries/{library}/scans")
        scan = json.loads(body)["scans"][0]
        if scan["status"] not in ("pending", "running"):
            break
    seconds = time.monotonic() - begin
    return {"files": scan["items_scanned"], "seconds": round(seconds, 2), "files_per_s": round(scan["items_scanned"] / seconds, 1),
            "errors": scan["error_count"], "status": scan["status"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(REPO, ".build/release/applianced"))
    parser.add_argument("--movies", type=int, default=50000)
    parser.add_argument("--shows", type=int, default=5000)
    parser.add_argument("--episodes", type=int, default=100000)
    parser.add_argument("--files", type=int, default=10000)
    args = parser.parse_args()
    rng = random.Random(12)
    root = tempfile.mkdtemp(prefix="catalog-bench-")
    media = os.path.join(root, "media")
    os.makedirs(media)
    daemon = Daemon(args.binary, root)
    roots = [media] + ([SHARED_MEDIA] if os.path.isdir(SHARED_MEDIA) else [])
    daemon.config("catalog.library_roots", json.dumps(roots))
    results = {"movies": args.movies, "shows": args.shows, "episodes": args.episodes}

    daemon.start()
    for paths, repeat in query_mix(rng, []).values():
        timed(daemon, paths, min(repeat, 200))
    results["rss_empty_mib"] = round(daemon.rss_mib(), 1)
    daemon.stop()

    print(f"Writing {args.movies} movies, {args.shows} shows, {args.episodes} episodes ...", flush=True)
    begin = time.monotonic()
    titles = write_catalog(os.path.join(root, "var/lib/applianced/state.db"), str(uuid.uuid4()), media, args, rng)
    print(f"  written in {time.monotonic() - begin:.0f} s", flush=True)

    daemon.start()
    print(f"{'route':45s} {'n':>6s} {'p50 ms':>8s} {'p99 ms':>8s} {'max ms':>8s}")
    results["routes"] = {}
    for name, (paths, repeat) in query_mix(rng, titles).items():
        timed(daemon, paths, 50)  # warm the page cache
        figures = timed(daemon, paths, repeat)
        results["routes"][name] = figures
        print(f"{name:45s} {figures['n']:6d} {figures['p50']:8.2f} {figures['p99']:8.2f} {figures['max']:8.1f}", flush=True)
    results["rss_full_mib"] = round(daemon.rss_mib(), 1)
    print(f"RSS: empty {results['rss_empty_mib']} MiB, with the catalog {results['rss_full_mib']} MiB "
          f"(+{results['rss_full_mib'] - results['rss_empty_mib']:.1f} MiB)")

    names = os.path.join(media, "names")
    for n in range(args.files):
        title = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS).capitalize()} {n} ({rng.randrange(1930, 2026)})"
        os.makedirs(os.path.join(names, title))
        open(os.path.join(names, title, title + ".mkv"), "wb").close()
    daemon.config("catalog.probe_files", "false")
    time.sleep(1.5)  # the config watcher picks the edit up
    results["scan_names"] = scan_rate(daemon, names, args.files, False)
    print(f"names-only scan: {results['scan_names']}")
    if os.path.isdir(SHARED_MEDIA):
        daemon.config("catalog.probe_files", "true")
        time.sleep(1.5)
        results["scan_probe"] = scan_rate(daemon, SHARED_MEDIA, 0, True)
        print(f"probing scan of {SHARED_MEDIA}: {results['scan_probe']}")
    daemon.stop()
    os.makedirs(os.path.join(HERE, "out"), exist_ok=True)
    with open(os.path.join(HERE, "out", time.strftime("catalog-%Y%m%d-%H%M%S.json")), "w") as out:
        json.dump(results, out, indent=1)
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
