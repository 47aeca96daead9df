#!/usr/bin/env python3
"""Prints a process's RSS and PSS (smaps_rollup) and its PSS by mapping (smaps), largest first.

Usage: bench/smaps.py PID [TOP]
Mappings are grouped by file (a library, the binary) or by kind ([heap], [stack], anonymous).
"""
import collections, sys

pid, top = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 15
rollup = {}
with open(f"/proc/{pid}/smaps_rollup") as f:
    for line in f:
        parts = line.split()
        if len(parts) >= 2 and parts[0].endswith(":"):
            rollup[parts[0][:-1]] = int(parts[1])
print(f"rss_kib={rollup['Rss']} pss_kib={rollup['Pss']} pss_anon_kib={rollup.get('Pss_Anon', 0)} "
      f"pss_file_kib={rollup.get('Pss_File', 0)} anonymous_kib={rollup.get('Anonymous', 0)}")
by = collections.Counter()
name = None
with open(f"/proc/{pid}/smaps") as f:
    for line in f:
        parts = line.split()
        if "-" in parts[0] and len(parts) >= 5 and not parts[0].endswith(":"):
            name = parts[5] if len(parts) > 5 else "[anonymous]"
        elif parts[0] == "Pss:":
            by[name] += int(parts[1])
libraries = [n for n in by if n.startswith("/")]
print(f"mappings: {len(by)} names, {len(libraries)} files")
for mapping, kib in by.most_common(top):
    print(f"{kib:8d} KiB  {mapping}")
