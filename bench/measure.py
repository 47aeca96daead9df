#!/usr/bin/env python3
"""Runs a command and prints one JSON line: wall s, CPU s, peak RSS and sampled peak RssAnon (KiB), bytes read.

Children the command runs and reaps (applianced's media helper) count too: wait4 reports the whole
tree's CPU time and the largest peak RSS, /proc/<pid>/io includes reaped children's reads, and the
RssAnon sample adds the command's live children.

The child is reaped in two steps: waitid(WNOWAIT) leaves it a zombie whose /proc/<pid>/io still
holds the totals of all its threads; wait4 then gives its CPU time and peak RSS (ru_maxrss).
"""
import json, os, sys, time

argv = sys.argv[1:]
start = time.monotonic()
pid = os.fork()
if pid == 0:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.execvp(argv[0], argv)
# Sample anonymous memory (heap, frames; not the shared libraries) every 10 ms while it runs.
def anon(p):
    try:
        with open(f"/proc/{p}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

def children(p):
    try:
        with open(f"/proc/{p}/task/{p}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []

peak_anon = 0
while os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT | os.WNOHANG) is None:
    peak_anon = max(peak_anon, anon(pid) + sum(anon(c) for c in children(pid)))
    time.sleep(0.01)
io = {}
with open(f"/proc/{pid}/io") as f:
    for line in f:
        key, value = line.split(":")
        io[key] = int(value)
_, status, usage = os.wait4(pid, 0)
wall = time.monotonic() - start
print(json.dumps({
    "rc": os.waitstatus_to_exitcode(status), "wall_s": round(wall, 3),
    "cpu_s": round(usage.ru_utime + usage.ru_stime, 3), "peak_rss_kib": usage.ru_maxrss, "peak_anon_kib": peak_anon,
    "rchar": io.get("rchar", 0), "read_bytes": io.get("read_bytes", 0),
}))
