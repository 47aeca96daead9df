#!/usr/bin/env python3
"""The daemon's CPU with one dashboard tab open on Monitoring (issue 15's measure): starts the daemon on a fresh root,
reads its CPU time (utime + stime from /proc) over SECONDS idle, then over SECONDS with headless Chromium signed in
(appliance token) on #monitoring, and prints both as % of one core. Not part of `make e2e` (it takes 2 × SECONDS).

Run:  python3 Tests/e2e/dashboard_cpu.py [SECONDS]     (default 300)
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wizard_test as w  # noqa: E402

TOKEN = "dashboard-cpu-token-1234"


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(pid, seconds):
    start_cpu, start = cpu_seconds(pid), time.time()
    time.sleep(seconds)
    return 100 * (cpu_seconds(pid) - start_cpu) / (time.time() - start)


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    work = tempfile.mkdtemp(prefix="dashboard-cpu-")
    processes = w.Processes()
    try:
        binary = os.path.join(w.REPO, ".build", "debug", "applianced")
        port = w.free_port()
        env = dict(os.environ, WEB_AUTH_TOKEN=TOKEN)
        env[w.ENV_WWW_ROOT] = w.WWW_ROOT
        daemon = processes.start([binary, "serve", "--root", work, "--listen", "127.0.0.1", "--port", str(port)],
                                 env=env, log=open(os.devnull, "w"))
        base = f"http://127.0.0.1:{port}"
        w.wait_for(base + "/api/health")
        w.http("POST", base + "/api/setup/complete", {}, token=TOKEN)
        time.sleep(10)
        idle = measure(daemon.pid, seconds)
        print(f"idle: {idle:.2f} % of a core", flush=True)
        browser = w.Browser(1440, 900, work)
        try:
            browser.driver.get(base + "/")
            browser.driver.execute_script(f"sessionStorage.setItem('applianced.token', '{TOKEN}')")
            browser.driver.get(base + "/#monitoring")
            browser.driver.refresh()  # a hash change alone would not load the page again
            browser.wait(lambda: browser.text("#live-state") == "Live", "the live monitoring page")
            tab = measure(daemon.pid, seconds)
        finally:
            browser.driver.quit()
        print(f"daemon CPU over {seconds} s: idle {idle:.2f} % of a core, one tab on Monitoring {tab:.2f} % "
              f"(+{tab - idle:.2f} %)")
        return 0
    finally:
        processes.stop()


if __name__ == "__main__":
    sys.exit(main())
