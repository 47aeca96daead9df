#!/usr/bin/env python3
"""Browser test of the first-boot wizard: headless Chromium (Debian `chromium` + `chromium-driver`, driven by
Selenium from PyPI) walks the six steps against the daemon and the fake Plex (the administrator account by
username and password, or with `--sign-in pin` by the Plex account that owns the server), ends on the dashboard
signed in with that account's session, signs out and in again (password, or Plex), saves a screenshot per step under
test-artifacts/wizard/, and fails on any console error in the page (but the 400s of the Plex PIN's
verify calls, which answer PIN_NOT_AUTHORIZED until the PIN is approved).

Run:  python3 Tests/e2e/wizard_test.py            (starts the fake Plex and .build/debug/applianced)
      python3 Tests/e2e/wizard_test.py --base-url http://127.0.0.1:8080 --pms-url URL --pms-token T
                                                  (against a server that is already running)
Needs: apt-get install -y chromium chromium-driver; pip install selenium.
Exit code 0 on success, 1 on failure, 77 when Chromium, chromedriver or Selenium is missing (skipped).
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WWW_ROOT = os.path.join(REPO, "rootfs", "usr", "share", "applianced", "www")
FAKE_PLEX = os.path.join(REPO, "Tests", "Fixtures", "fake_plex.py")
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Settings the daemon reads from the environment (DESIGN §5: APPLIANCED_<TABLE>_<KEY>).
ENV_PLEX_TV_URL = "APPLIANCED_PLEXTV_BASE_URL"
ENV_WWW_ROOT = "APPLIANCED_SERVER_WWW_ROOT"
NEW_TOKEN = "wizard-e2e-token-1234"
ADMIN_USER = "wizard-admin"
ADMIN_PASSWORD = "wizard e2e password"
# The fake plex.tv's one account (Tests/Fixtures/fake_plex.py), which owns the fake server.
PLEX_ADMIN = "testuser"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
SKIP = 77


class Failure(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, token=None):
    """Returns (status, headers, parsed JSON or None)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("X-Auth-Token", token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            status, headers = response.status, response.headers
    except urllib.error.HTTPError as error:
        raw, status, headers = error.read(), error.code, error.headers
    try:
        return status, headers, json.loads(raw) if raw else None
    except ValueError:
        return status, headers, None


def wait_for(url, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            status, _, _ = http("GET", url)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise Failure(f"{url} did not answer within {seconds} s")


class Processes:
    """The fake Plex and the daemon, started for this run and stopped at the end."""

    def __init__(self):
        self.children = []

    def start(self, argv, env=None, log=None):
        child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE if log is None else log,
                                 stderr=subprocess.STDOUT if log is not None else None, text=True)
        self.children.append(child)
        return child

    def stop(self):
        for child in reversed(self.children):
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def start_fake_plex(processes):
    """Starts Tests/Fixtures/fake_plex.py (plex.tv and a PMS in one process; it prints "port N" first)."""
    if not os.path.exists(FAKE_PLEX):
        raise Failure(f"{FAKE_PLEX} is missing: pass --plex-tv-url, --pms-url and --pms-token")
    token = "wizard-e2e-plex-token"
    child = processes.start([sys.executable, FAKE_PLEX, "--port", "0", "--token", token, "--name", "Wizard Test Server"])
    line = child.stdout.readline().strip()
    if not line.startswith("port "):
        raise Failure(f"fake_plex.py printed {line!r}, not its port")
    base = f"http://127.0.0.1:{int(line.split()[1])}"
    wait_for(base + "/identity")
    return base, base, token


def start_daemon(processes, root, plex_tv_url, artifacts):
    binary = os.path.join(REPO, ".build", "debug", "applianced")
    if not os.path.exists(binary):
        raise Failure(f"{binary} is missing: run `swift build --product applianced` first")
    port = free_port()
    env = dict(os.environ)
    env.pop("WEB_AUTH_TOKEN", None)
    env[ENV_PLEX_TV_URL] = plex_tv_url
    env[ENV_WWW_ROOT] = WWW_ROOT
    log = open(os.path.join(artifacts, "applianced.log"), "w")
    processes.start([binary, "serve", "--root", root, "--port", str(port)], env=env, log=log)
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/api/health")
    return base


class Browser:
    def __init__(self, width, height, artifacts):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={width},{height}", "--no-first-run", "--disable-extensions"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_window_size(width, height)
        self.artifacts = artifacts
        self.errors = []

    def collect_console(self):
        for entry in self.driver.get_log("browser"):
            message = entry.get("message", "")
            # Polling the PIN's verify answers 400 PIN_NOT_AUTHORIZED until it is approved, by design.
            if "/api/v1/auth/plex/verify" in message and " 400 " in message:
                continue
            if entry.get("level") == "SEVERE":
                self.errors.append(message)

    def screenshot(self, name):
        self.collect_console()
        path = os.path.join(self.artifacts, f"{name}.png")
        # A full-page shot: grow the window to the document's height for the picture.
        size = self.driver.get_window_size()
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(size["width"], max(size["height"], height + 140))
        self.driver.save_screenshot(path)
        self.driver.set_window_size(size["width"], size["height"])
        return path

    def q(self, css):
        return self.driver.find_element("css selector", css)

    def wait(self, predicate, what, seconds=20):
        deadline = time.time() + seconds
        last = None
        while time.time() < deadline:
            try:
                value = predicate()
                if value:
                    return value
            except Exception as error:  # the element may not exist yet
                last = error
            time.sleep(0.1)
        self.collect_console()
        raise Failure(f"timed out waiting for {what}" + (f" ({last})" if last else "")
                      + (f"; console errors: {self.errors}" if self.errors else ""))

    def visible_step(self):
        return self.driver.execute_script(
            "const s = document.querySelector('section.step:not([hidden])'); return s ? Number(s.dataset.step) : 0")

    def type(self, css, text):
        field = self.q(css)
        field.clear()
        field.send_keys(text)

    def click(self, css):
        element = self.q(css)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def text(self, css):
        return self.q(css).text.strip()


def walk(browser, base, pms_url, pms_token, work, sign_in):
    b = browser
    for header, value in SECURITY_HEADERS.items():
        _, headers, _ = http("GET", base + "/setup")
        if value not in (headers.get(header) or ""):
            raise Failure(f"/setup lacks {header}: {value} (got {headers.get(header)!r})")
    status, _, settings = http("GET", base + "/api/settings")
    if status != 200:
        raise Failure(f"GET /api/settings during setup answered {status}")
    interval = (settings or {}).get("thumbnail_interval")

    b.driver.get(base + "/")
    b.wait(lambda: b.driver.current_url.rstrip("/").endswith("/setup"), "/ to redirect to /setup")
    b.wait(lambda: b.visible_step() == 1, "step 1")
    b.screenshot("1-sign-in")

    if sign_in == "pin":
        # Step 1: "Sign in with Plex"; the fake plex.tv approves the PIN on its own after a poll or two.
        b.click("#plex-signin")
        b.wait(lambda: b.text("#pin-status") == "Signed in to Plex.", "the PIN to be approved", seconds=60)
        b.driver.switch_to.window(b.driver.window_handles[0])
        b.screenshot("1-sign-in-approved")
        b.click("#step1-next")
        b.wait(lambda: b.visible_step() == 2, "step 2")
        b.wait(lambda: b.driver.find_elements("css selector", "#server-list input[type=radio]"), "the server list")
        b.type("#server-url", pms_url)
        b.click("#load-libraries")
    else:
        # Step 1: server URL and token by hand, "Verify connection".
        b.click("#manual-panel summary")
        b.type("#manual-url", pms_url)
        b.type("#manual-token", pms_token)
        b.click("#manual-verify")
        b.wait(lambda: "Connected to" in b.text("#manual-status"), "the connection to be verified")
        b.screenshot("1-sign-in-verified")
        b.click("#step1-next")
        b.wait(lambda: b.visible_step() == 2, "step 2")

    # Step 2: libraries from the server.
    b.wait(lambda: b.driver.find_elements("css selector", "#library-grid input[type=checkbox]"), "the libraries")
    b.click("#library-grid label")
    b.screenshot("2-server-and-libraries")
    b.click("#step2-next")

    # Step 3: paths. A reload comes back to this step (progress saved through /api/setup/state).
    b.wait(lambda: b.visible_step() == 3, "step 3")
    b.driver.refresh()
    b.wait(lambda: b.visible_step() == 3, "step 3 after a reload")
    b.type("#config-folder", os.path.join(work, "plex"))
    b.type("#map-plex", "/data/media")
    b.type("#map-local", os.path.join(work, "media"))
    b.screenshot("3-paths")
    b.click("#step3-next")

    # Step 4: options, pre-filled from the settings.
    b.wait(lambda: b.visible_step() == 4, "step 4")
    b.wait(lambda: b.text("#gpu-status") == "", "the hardware to load")
    shown = b.q("#thumb-interval").get_attribute("value")
    if interval is not None and shown != str(interval):
        raise Failure(f"thumbnail interval shows {shown}, the setting is {interval}")
    b.type("#cpu-threads", "2")
    b.driver.execute_script(
        "const r = document.getElementById('thumb-quality'); r.value = 6; r.dispatchEvent(new Event('input'))")
    b.screenshot("4-options")
    b.click("#step4-next")

    # Step 5: access token, with the documented errors shown next to the fields.
    b.wait(lambda: b.visible_step() == 5, "step 5")
    b.wait(lambda: b.q("#current-token").get_attribute("value"), "the current token")
    b.type("#new-token", "short")
    b.type("#confirm-token", "short")
    b.click("#set-token")
    b.wait(lambda: b.text("#new-token-error") == "Token must be at least 8 characters long.", "the length error")
    b.type("#new-token", NEW_TOKEN)
    b.type("#confirm-token", NEW_TOKEN + "x")
    b.click("#set-token")
    b.wait(lambda: b.text("#confirm-token-error") == "Tokens do not match.", "the mismatch error")
    b.screenshot("5-token-errors")
    b.type("#confirm-token", NEW_TOKEN)
    b.click("#set-token")
    b.wait(lambda: "Token saved" in b.text("#token-status"), "the token to be saved")
    b.screenshot("5-access-token")
    b.click("#step5-next")

    # Step 6: the administrator account; "Complete setup" waits for it.
    b.wait(lambda: b.visible_step() == 6, "step 6")
    b.wait(lambda: b.q("#admin-form").is_displayed(), "the administrator form")
    if b.q("#complete-setup").is_enabled():
        raise Failure("Complete setup is enabled before there is an administrator")
    if sign_in == "pin":
        # The fake plex.tv's account owns the configured server: it becomes the administrator.
        b.click("#admin-plex")
        b.wait(lambda: "Signed in as" in b.text("#admin-done"), "the Plex owner to become the administrator", seconds=60)
        b.driver.switch_to.window(b.driver.window_handles[0])
        admin = PLEX_ADMIN
    else:
        b.type("#admin-username", ADMIN_USER)
        b.type("#admin-password", ADMIN_PASSWORD)
        b.type("#admin-confirm", ADMIN_PASSWORD + "x")
        b.click("#create-admin")
        b.wait(lambda: b.text("#admin-confirm-error") == "The passwords do not match.", "the password mismatch error")
        b.type("#admin-confirm", ADMIN_PASSWORD)
        b.click("#create-admin")
        b.wait(lambda: b.text("#admin-done") == f"Signed in as {ADMIN_USER}, the administrator.", "the administrator account")
        admin = ADMIN_USER
    b.screenshot("6-administrator")
    b.click("#complete-setup")

    # The dashboard, signed in with the administrator's session (not the token).
    b.wait(lambda: b.driver.current_url.rstrip("/") == base.rstrip("/"), "the redirect to /")
    b.wait(lambda: b.q("#dashboard").is_displayed() and b.text("#health-status") not in ("", "…"), "the dashboard")
    if b.text("#who") != f"Signed in as {admin}":
        raise Failure(f"the dashboard says {b.text('#who')!r}, not signed in as {admin}")
    if b.driver.execute_script("return sessionStorage.getItem('applianced.token')"):
        raise Failure("the dashboard kept the access token although a session signed it in")
    b.screenshot("7-dashboard")

    # Sign out, then in again: with Plex (the PIN's admin has no password), or with the password.
    b.click("#sign-out")
    b.wait(lambda: b.q("#signin").is_displayed(), "the sign-in form after signing out")
    b.screenshot("7-signed-out")
    if sign_in == "pin":
        b.click("#plex-login")
        b.wait(lambda: b.q("#dashboard").is_displayed(), "the dashboard after signing in with Plex", seconds=60)
        b.driver.switch_to.window(b.driver.window_handles[0])
        who = f"Signed in as {PLEX_ADMIN}"
    else:
        b.type("#login-name", ADMIN_USER)
        b.type("#login-password", ADMIN_PASSWORD)
        b.click("#login-button")
        who = f"Signed in as {ADMIN_USER}"
    b.wait(lambda: b.q("#dashboard").is_displayed() and b.text("#who") == who, "the dashboard after signing in again")
    b.screenshot("8-dashboard-signed-in-again")

    # The bootstrap is closed: without a credential after setup, and with the token once an admin exists.
    status, _, _ = http("POST", base + "/api/auth/admin", {"username": "late", "password": "late password 1"})
    if status != 401:
        raise Failure(f"POST /api/auth/admin after setup without a token answered {status}, not 401")
    status, _, _ = http("POST", base + "/api/auth/admin", {"username": "late", "password": "late password 1"}, token=NEW_TOKEN)
    if status != 409:
        raise Failure(f"POST /api/auth/admin with the token and an admin answered {status}, not 409")

    status, _, _ = http("GET", base + "/api/setup/state")
    if status != 401:
        raise Failure(f"GET /api/setup/state after setup without a token answered {status}, not 401")
    status, _, _ = http("GET", base + "/api/setup/state", token=NEW_TOKEN)
    if status != 200:
        raise Failure(f"GET /api/setup/state with the new token answered {status}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="use a running server instead of starting the daemon")
    parser.add_argument("--plex-tv-url", default=os.environ.get("PLEX_TV_URL"))
    parser.add_argument("--pms-url", default=os.environ.get("PMS_URL"))
    parser.add_argument("--pms-token", default=os.environ.get("PMS_TOKEN"))
    parser.add_argument("--artifacts", default=os.path.join(REPO, "test-artifacts", "wizard"))
    parser.add_argument("--sign-in", choices=["manual", "pin"], default="manual",
                        help="step 1 by server URL and token (default) or by the Plex PIN")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args(argv)

    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(path)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install selenium)")
    if missing:
        print(f"SKIP: missing {', '.join(missing)}")
        return SKIP

    os.makedirs(args.artifacts, exist_ok=True)
    work = tempfile.mkdtemp(prefix="wizard-e2e-")
    for folder in ("plex", "media", "root"):
        os.makedirs(os.path.join(work, folder), exist_ok=True)
    processes = Processes()
    browser = None
    try:
        plex_tv, pms, token = args.plex_tv_url, args.pms_url, args.pms_token
        if not (pms and token):
            plex_tv, pms, token = start_fake_plex(processes)
        base = args.base_url or start_daemon(processes, os.path.join(work, "root"), plex_tv, args.artifacts)
        browser = Browser(args.width, args.height, args.artifacts)
        walk(browser, base, pms, token, work, args.sign_in)
        browser.collect_console()
        if browser.errors:
            raise Failure("console errors:\n  " + "\n  ".join(browser.errors))
        print(f"PASS: six steps and the dashboard; screenshots in {args.artifacts}")
        return 0
    except Failure as failure:
        if browser is not None:
            try:
                browser.screenshot("failure")
            except Exception:
                pass
        print(f"FAIL: {failure}")
        return 1
    finally:
        if browser is not None:
            browser.driver.quit()
        processes.stop()
        shutil.rmtree(work, ignore_errors=True)


def test_wizard():
    """pytest entry point."""
    code = main([])
    if code == SKIP:
        import pytest
        pytest.skip("Chromium, chromedriver or Selenium missing")
    assert code == 0


if __name__ == "__main__":
    sys.exit(main())
