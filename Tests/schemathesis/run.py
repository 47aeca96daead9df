#!/usr/bin/env python3
"""schemathesis against /api/openapi.json on a live `applianced serve` (debug build), as `make test` runs it.

The daemon runs on a fresh --root in a temp dir and a free loopback port, with the appliance token from its
secrets.toml. Every upstream URL setting is pinned by the environment (which the API refuses to change: 409)
to the local fake Plex (Tests/Fixtures/fake_plex.py: plex.tv and the PMS) or to an unused loopback port (the
*arr apps, Stash, TMDb), and the run checks through /api/v1/settings/server that no URL setting escaped the
pinning. Nothing leaves the machine.

Checks: no 5xx, every status documented, content type documented, every answer matches its schema.
Bounded: MAX_EXAMPLES per operation, a fixed seed, deterministic generation, no stateful phase.

Skipped operations (the reason next to each) are in SKIPPED below and in docs/testing.md.

Run:  python3 Tests/schemathesis/run.py       (after `swift build --product applianced`)
Exit code 0 on success, 1 on failure, 77 when schemathesis is not installed (skipped).
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FAKE_PLEX = os.path.join(REPO, "Tests", "Fixtures", "fake_plex.py")
FAKE_TMDB = os.path.join(REPO, "Tests", "Fixtures", "fake_tmdb.py")
FAKE_ARR = os.path.join(REPO, "Tests", "Fixtures", "fake_arr.py")
FAKE_STASH = os.path.join(REPO, "Tests", "Fixtures", "fake_stash.py")
BINARY = os.path.join(REPO, ".build", "debug", "applianced")
ARTIFACTS = os.path.join(REPO, "test-artifacts", "schemathesis")
SKIP = 77
SEED = 18
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "15"))
FAKE_PLEX_TOKEN = "fake-plex-token"
FAKE_TMDB_KEY = "fake-tmdb-key"
# Every webhook source's shared secret, sent on every request, so the webhook routes get past their secret check.
WEBHOOK_SECRET = "schemathesis-webhook-secret"
FAKE_ARR_KEY = "fake-arr-key"
FAKE_STASH_KEY = "fake-stash-key-0123456789"
INTEGRATIONS = ["sonarr", "radarr", "prowlarr", "overseerr", "tautulli", "stash", "tmdb"]

# Operations schemathesis never calls, and why. Each is covered by unit tests with fakes instead.
SKIPPED = {
    # Take an upstream URL from the request: the daemon would call whatever the generator wrote.
    "POST /api/plex/test": "calls the Plex URL in the request body",
    "GET /api/plex/libraries": "calls the Plex URL in the `url` query parameter",
    "POST /api/v1/settings/test-sonarr": "calls the Sonarr URL in the request body",
    "POST /api/v1/settings/test-radarr": "calls the Radarr URL in the request body",
    "POST /api/v1/settings/test-prowlarr": "calls the Prowlarr URL in the request body",
    "POST /api/v1/settings/test-overseerr": "calls the Overseerr URL in the request body",
    "POST /api/v1/settings/test-tautulli": "calls the Tautulli URL in the request body",
    "POST /api/v1/settings/test-stash": "calls the Stash URL in the request body",
    "GET /api/v1/youtube/metadata": "yt-dlp fetches the URL in the `url` query parameter",
    "POST /api/v1/youtube/download": "yt-dlp downloads the URL in the request body",
    # An OIDC provider's issuer comes from the request; a sign-in start then fetches its discovery document.
    "POST /api/v1/admin/oidc/providers": "stores an issuer URL from the request, which a sign-in then fetches",
    "PATCH /api/v1/admin/oidc/providers/{providerId}": "changes the issuer URL a sign-in fetches",
    # Settings writes: could set an upstream URL (plex_url, *_url) or the credential the run uses, and they
    # rewrite applianced.toml (their validation has its own tests in APITests and ConfigTests).
    "POST /api/settings": "settings write: could set an upstream URL",
    "PUT /api/v1/config": "settings write: could set an upstream URL or enable an integration",
    "PUT /api/v1/settings/": "settings write: could set an upstream URL",
    "PUT /api/v1/settings/{key}": "settings write: could set an upstream URL",
    # Replaces the appliance token: every later request of the run would be a 401.
    "POST /api/setup/set-token": "replaces the token the run authenticates with",
    # Start thumbnail work that lists Plex and spawns media helpers.
    "POST /api/jobs": "job creation lists Plex and starts workers",
    "POST /api/schedules/{id}/run": "creates a job (lists Plex, starts workers)",
    # Acts on the host, not the daemon: `systemctl restart` of units in services.restartable.
    "POST /api/v1/services/{name}/restart": "restarts system units on the host",
    # Engine.IO long-polling: every call but a handshake needs the `sid` a handshake returned, so the
    # generator only ever meets 400s; the protocol is tested by a real client (Tests/e2e/socketio_interop_test.py).
    "GET /socket.io/": "Engine.IO polling: needs a sid from a handshake (python-socketio tests it)",
    "POST /socket.io/": "Engine.IO polling: needs a sid from a handshake (python-socketio tests it)",
}


class Failure(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unused_port():
    """A loopback port nothing listens on (bound, then released; connections to it are refused)."""
    return free_port()


def get_json(url, token=None):
    request = urllib.request.Request(url)
    if token:
        request.add_header("X-Auth-Token", token)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def wait_for(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise Failure(f"{url} did not answer 200 within {seconds} s")


def start_fake_plex(processes, log):
    child = subprocess.Popen(
        [sys.executable, FAKE_PLEX, "--port", "0", "--token", FAKE_PLEX_TOKEN], stdout=subprocess.PIPE, stderr=log, text=True)
    processes.append(child)
    line = child.stdout.readline().strip()
    match = re.fullmatch(r"port (\d+)", line)
    if not match:
        raise Failure(f"fake_plex.py printed {line!r}, not its port")
    return f"http://127.0.0.1:{match.group(1)}"


def start_fake_tmdb(processes, log):
    return start_fake(processes, log, FAKE_TMDB, FAKE_TMDB_KEY)


def start_fake(processes, log, script, key):
    child = subprocess.Popen([sys.executable, script, "--port", "0", "--key", key], stdout=subprocess.PIPE, stderr=log, text=True)
    processes.append(child)
    line = child.stdout.readline().strip()
    match = re.fullmatch(r"port (\d+)", line)
    if not match:
        raise Failure(f"{os.path.basename(script)} printed {line!r}, not its port")
    return f"http://127.0.0.1:{match.group(1)}"


def start_daemon(processes, root, plex_url, log):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("APPLIANCED_")}
    env.pop("WEB_AUTH_TOKEN", None)
    env["APPLIANCED_PLEX_URL"] = plex_url
    env["APPLIANCED_PLEX_TOKEN"] = FAKE_PLEX_TOKEN
    env["APPLIANCED_PLEXTV_BASE_URL"] = plex_url
    for name in INTEGRATIONS:
        env[f"APPLIANCED_INTEGRATIONS_{name.upper()}_URL"] = f"http://127.0.0.1:{unused_port()}"
    # The *arr apps, Overseerr and Tautulli are one fake, so their admin routes answer 200s to check too.
    arr_url = start_fake(processes, log, FAKE_ARR, FAKE_ARR_KEY)
    for name in ["sonarr", "radarr", "prowlarr", "overseerr", "tautulli"]:
        env[f"APPLIANCED_INTEGRATIONS_{name.upper()}_URL"] = f"{arr_url}/{name}"
        env[f"APPLIANCED_INTEGRATIONS_{name.upper()}_ENABLED"] = "true"
        env[f"APPLIANCED_INTEGRATIONS_{name.upper()}_API_KEY"] = FAKE_ARR_KEY
    # Stash is a fake of 50 scenes, so the sync routes start real jobs.
    stash_url = start_fake(processes, log, FAKE_STASH, FAKE_STASH_KEY)
    env["APPLIANCED_INTEGRATIONS_STASH_URL"] = stash_url
    env["APPLIANCED_INTEGRATIONS_STASH_ENABLED"] = "true"
    env["APPLIANCED_INTEGRATIONS_STASH_API_KEY"] = FAKE_STASH_KEY
    # The OpenAI-compatible endpoint at a closed loopback port, with no key: use_ai falls back to the rules and
    # test-openai answers "not configured" (or, with a key in its body, "unreachable").
    env["APPLIANCED_INTEGRATIONS_OPENAI_URL"] = f"http://127.0.0.1:{unused_port()}"
    # TMDb (API and image server) is the fake, so the metadata and image routes answer 200s to check too.
    tmdb_url = start_fake_tmdb(processes, log)
    env["APPLIANCED_INTEGRATIONS_TMDB_URL"] = tmdb_url + "/3"
    env["APPLIANCED_INTEGRATIONS_TMDB_ENABLED"] = "true"
    env["APPLIANCED_INTEGRATIONS_TMDB_API_KEY"] = FAKE_TMDB_KEY
    # Mail (verification, password resets) to a closed loopback port: nothing is sent anywhere.
    env["APPLIANCED_EMAIL_SMTP_URL"] = f"smtp://127.0.0.1:{unused_port()}"
    env["APPLIANCED_EMAIL_FROM"] = "applianced@localhost"
    env["APPLIANCED_EMAIL_PUBLIC_URL"] = f"http://127.0.0.1:{unused_port()}"
    for setting in [
        "INTEGRATIONS_RADARR_WEBHOOK_SECRET", "INTEGRATIONS_SONARR_WEBHOOK_SECRET", "INTEGRATIONS_OVERSEERR_WEBHOOK_SECRET",
        "PLEX_WEBHOOK_SECRET",
    ]:
        env[f"APPLIANCED_{setting}"] = WEBHOOK_SECRET
    env["APPLIANCED_SERVER_WWW_ROOT"] = os.path.join(REPO, "rootfs", "usr", "share", "applianced", "www")
    # Catalog libraries only under this run's own folder.
    env["APPLIANCED_CATALOG_IMAGE_BASE_URL"] = tmdb_url + "/t/p"
    media = os.path.join(root, "media")
    for name in ["The Matrix (1999)/The Matrix (1999).mkv", "Show/Season 01/Show - S01E01 - Pilot.mkv"]:
        os.makedirs(os.path.dirname(os.path.join(media, name)), exist_ok=True)
        open(os.path.join(media, name), "wb").close()
    env["APPLIANCED_CATALOG_LIBRARY_ROOTS"] = media
    child = subprocess.Popen([BINARY, "serve", "--root", root, "--port", str(port)], env=env, stdout=log, stderr=log)
    processes.append(child)
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/api/health")
    return base


def appliance_token(root):
    with open(os.path.join(root, "etc", "applianced", "secrets.toml")) as f:
        match = re.search(r'^token\s*=\s*"([^"]+)"', f.read(), re.MULTILINE)
    if not match:
        raise Failure("no [auth] token in secrets.toml")
    return match.group(1)


def post_json(url, body, token):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("Origin", url.split("/api/")[0])
    request.add_header("X-Auth-Token", token)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def seed(base, token, directory):
    """One job (library 1 of the fake Plex), one schedule, one Plex PIN (the fake approves it on its second
    poll) and one Stash analysis plan, so that their routes answer with real records, not only 404s: schemathesis draws their ids from a
    dictionary for most cases. Returns the path of the schemathesis config that says so."""
    job = post_json(base + "/api/jobs", {"library_id": "1", "library_name": "Movies"}, token)["id"]
    schedule = post_json(
        base + "/api/schedules",
        {"name": "Nightly", "library_id": "1", "schedule_type": "cron", "cron_expression": "0 2 * * *"}, token)["id"]
    pin = post_json(base + "/api/plex/auth/pin", {}, token)["id"]
    # A scanned catalog library, so that library, scan and item routes answer with real records too.
    library = post_json(base + "/api/v1/libraries", {"name": "Movies", "type": "movie", "paths": [os.path.join(directory, "media")]},
                        token)["id"]
    post_json(base + f"/api/v1/libraries/{library}/scan", {"scan_type": "incremental"}, token)
    # The scan probes the files through a media helper: on a loaded box that takes more than a second.
    for _ in range(600):
        movies = get_json(base + "/api/v1/movies", token)["items"]
        if movies:
            break
        time.sleep(0.1)
    else:
        raise Failure("the library scan put no movie in the catalog within 60 s")
    movie = movies[0]["id"]
    # The fake Stash copied, and an analysis plan over two of its scenes, so the plan routes answer real plans too.
    sync = post_json(base + "/api/v1/sync/all", {}, token)["id"]
    for _ in range(300):
        if get_json(base + f"/api/v1/jobs/{sync}", token)["status"] in ("completed", "failed", "cancelled"):
            break
        time.sleep(0.1)
    plan = post_json(base + "/api/v1/analysis/generate?background=false", {"scene_ids": ["1", "2"]}, token)["plan_id"]
    path = os.path.join(directory, "schemathesis.toml")
    with open(path, "w") as f:
        f.write(f"""
[dictionaries.jobs]
values = ["{job}"]
[dictionaries.schedules]
values = ["{schedule}"]
[dictionaries.pins]
values = [{pin}]
[dictionaries.libraries]
values = ["{library}"]
[dictionaries.movies]
values = ["{movie}"]
[dictionaries.plans]
values = [{plan}]

[[operations]]
include-path-regex = "^/api/(v1/)?jobs/"
parameters = {{ "path.id" = {{ dictionary = "jobs", probability = 0.7 }}, "path.job_id" = {{ dictionary = "jobs", probability = 0.7 }} }}

[[operations]]
include-path-regex = "^/api/schedules/"
parameters = {{ "path.id" = {{ dictionary = "schedules", probability = 0.7 }} }}

[[operations]]
include-path-regex = "^/api/v1/libraries/"
parameters = {{ "path.libraryId" = {{ dictionary = "libraries", probability = 0.7 }} }}

[[operations]]
include-path-regex = "^/api/v1/movies/"
parameters = {{ "path.id" = {{ dictionary = "movies", probability = 0.7 }} }}

[[operations]]
include-path-regex = "^/api/v1/analysis/plans/"
parameters = {{ "path.plan_id" = {{ dictionary = "plans", probability = 0.7 }} }}

[[operations]]
include-path-regex = "^/api/plex/auth/pin/"
parameters = {{ "path.id" = {{ dictionary = "pins", probability = 0.7 }} }}
""")
    return path


def check_upstreams_pinned(base, token):
    """Every URL setting must come from the environment, so that no route can point the daemon elsewhere."""
    loose = [
        s["key"] for s in get_json(base + "/api/v1/settings/server", token)
        if "URL" in s.get("allowed", "") and s.get("source") != "environment"
    ]
    if loose:
        raise Failure(f"URL settings not pinned by the environment (add them to start_daemon): {', '.join(loose)}")


def check_document(base, token):
    """The document itself against the OpenAPI 3.1 schema (openapi-spec-validator: unique operation ids,
    well-formed schemas and references), which schemathesis does not check."""
    try:
        from openapi_spec_validator import validate
    except ImportError:
        print("note: openapi-spec-validator is not installed; the document's own validity is not checked")
        return
    document = get_json(base + "/api/openapi.json", token)
    try:
        validate(document)
    except Exception as error:  # its errors have no common base class across versions
        raise Failure(f"/api/openapi.json is not a valid OpenAPI 3.1 document: {error}")
    check_examples(document)


def check_examples(document):
    """Every example body (request and response) is valid against the schema beside it."""
    import jsonschema  # a dependency of schemathesis

    wrong = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            media = [("request", m) for m in operation.get("requestBody", {}).get("content", {}).values()]
            media += [(status, m) for status, r in operation["responses"].items() for m in r.get("content", {}).values()]
            for where, entry in media:
                if "example" in entry and "schema" in entry:
                    schema = dict(entry["schema"], components=document["components"])
                    for error in jsonschema.Draft202012Validator(schema).iter_errors(entry["example"]):
                        wrong.append(f"{method.upper()} {path} {where}: {error.message}")
    if wrong:
        raise Failure("examples that do not match their schema:\n  " + "\n  ".join(wrong))


def check_skips_exist(base, token):
    """A skipped operation that the document no longer has is a stale entry (or a renamed route now tested)."""
    paths = get_json(base + "/api/openapi.json", token)["paths"]
    documented = {f"{method.upper()} {path}" for path, operations in paths.items() for method in operations}
    stale = sorted(set(SKIPPED) - documented)
    if stale:
        raise Failure(f"skipped operations not in the document: {', '.join(stale)}")


def exclusions():
    args = []
    for operation in SKIPPED:
        args += ["--exclude-name", operation]
    return args


def run_schemathesis(base, token, config):
    os.makedirs(ARTIFACTS, exist_ok=True)
    argv = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", config, "run", base + "/api/openapi.json",
        "--url", base,
        "--header", f"X-Auth-Token: {token}",
        # What the wizard's own pages send: their origin (the box's own, so the same-origin check lets it
        # through; the seeding POSTs above fail first if it does not). JSON bodies get their Content-Type
        # from the document.
        "--header", f"Origin: {base}",
        "--header", f"X-Webhook-Secret: {WEBHOOK_SECRET}",
        "--checks", os.environ.get("SCHEMATHESIS_CHECKS", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"),
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", str(MAX_EXAMPLES),
        "--seed", str(SEED),
        "--workers", "1",
        "--request-timeout", "15",
        "--suppress-health-check", "all",
        "--report", "junit",
        "--report-dir", ARTIFACTS,
        "--no-color",
    ] + exclusions()
    started = time.monotonic()
    result = subprocess.run(argv, cwd=ARTIFACTS)  # its replay store (.schemathesis/) lands there, not in the checkout
    print(f"schemathesis: {time.monotonic() - started:.1f} s, exit {result.returncode}")
    return result.returncode


def main():
    try:
        import schemathesis  # noqa: F401
    except ImportError:
        print("SKIP: schemathesis is not installed and could not be (pip install schemathesis)")
        return SKIP
    if not os.path.exists(BINARY):
        print(f"FAIL: {BINARY} is missing: run `swift build --product applianced` first")
        return 1
    processes = []
    root = tempfile.mkdtemp(prefix="applianced-schemathesis-")
    os.makedirs(ARTIFACTS, exist_ok=True)
    log = open(os.path.join(ARTIFACTS, "applianced.log"), "w")
    try:
        plex_url = start_fake_plex(processes, log)
        base = start_daemon(processes, root, plex_url, log)
        token = appliance_token(root)
        check_upstreams_pinned(base, token)
        check_skips_exist(base, token)
        check_document(base, token)
        for operation, reason in SKIPPED.items():
            print(f"skipped: {operation}: {reason}")
        config = seed(base, token, root)
        code = run_schemathesis(base, token, config)
        if processes[-1].poll() is not None:
            raise Failure(f"applianced exited with {processes[-1].returncode} during the run (log in {ARTIFACTS})")
        return 0 if code == 0 else 1
    except Failure as failure:
        print(f"FAIL: {failure}")
        return 1
    finally:
        for child in reversed(processes):
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        log.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
