#!/usr/bin/env python3
"""Writes the link order of the functions an idle daemon runs, for gold's --section-ordering-file.

Usage: bench/idle-order.py [--keep OLD_ORDER] MAP BINARY LOAD_BASE CALLGRIND_OUT... > image-build/idle-order.txt

MAP is gold's -Map of BINARY (a build with a section per function); LOAD_BASE is where valgrind loaded
the PIE (hex). Every function a callgrind output names (fn= and cfn= lines: it ran, or was called) is
looked up in BINARY's symbol table, or taken as an address when valgrind had no name for it, and
written as the input section that holds it, hottest first, with the coroutine resumption and cold
parts of the same function (sections without a symbol of their own) after it. Sections of objects
built without a section per function (the plain `.text` of libswiftCore's Swift.o, libdispatch) are
left out: ordering one of those would move the whole object.
"""
import bisect
import collections
import re
import subprocess
import sys


def text_sections(path):
    """(address, size, name) of every input section of the output `.text`, by address."""
    sections, pending, inside = [], None, False
    for line in open(path, errors="replace"):
        if line.startswith(".text "):
            inside = True
            continue
        if inside and line[:1] not in (" ", "\n"):
            break
        if not inside:
            continue
        line = line.rstrip("\n")
        named = re.match(r"^ (\.text\S*)(?:\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+\S.*)?$", line)
        if named:
            if named.group(2):
                sections.append((int(named.group(2), 16), int(named.group(3), 16), named.group(1)))
            else:
                pending = named.group(1)  # a long name: its address is on the next line
            continue
        placed = re.match(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+\S", line)
        if placed and pending:
            sections.append((int(placed.group(1), 16), int(placed.group(2), 16), pending))
            pending = None
    return sorted(sections)


def main():
    arguments = sys.argv[1:]
    kept = []
    if arguments[:1] == ["--keep"]:
        kept = open(arguments[1]).read().split()
        arguments = arguments[2:]
    map_path, binary, base, outputs = arguments[0], arguments[1], int(arguments[2], 16), arguments[3:]
    sections = text_sections(map_path)
    starts = [s[0] for s in sections]
    symbols = {}
    nm = subprocess.run(["nm", "--no-demangle", binary], capture_output=True, text=True, check=True)
    for line in nm.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            symbols.setdefault(parts[2], int(parts[0], 16))

    def section_at(address):
        i = bisect.bisect_right(starts, address) - 1
        if i >= 0 and address < sections[i][0] + max(sections[i][1], 1):
            return sections[i][2]
        return None

    cost = collections.Counter()
    for path in outputs:
        names, current = {}, None
        for line in open(path, errors="replace"):
            named = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
            if named:
                kind, ident, name = named.groups()
                if name:
                    names[ident] = re.sub(r"'\d+$", "", name)
                name = names.get(ident)
                address = symbols.get(name)
                if address is None and name and name.startswith("0x"):
                    address = int(name, 16) - base
                section = section_at(address) if address is not None else None
                if section and section != ".text":
                    cost[section] += 0
                if kind == "fn":
                    current = section
                continue
            parts = line.split()
            if current and current != ".text" and len(parts) >= 2 and parts[1].isdigit():
                cost[current] += int(parts[1])
    by_prefix = collections.defaultdict(list)
    for _, _, name in sections:
        for marker in (".resume.", ".cold"):
            if marker in name:
                by_prefix[name.split(marker)[0]].append(name)
    order, seen = [], set()
    for section, _ in cost.most_common():
        for name in [section] + by_prefix.get(section, []):
            if name not in seen:
                seen.add(name)
                order.append(name)
    names = {name for _, _, name in sections}
    for name in kept:
        if name in names and name not in seen:
            seen.add(name)
            order.append(name)
    print("\n".join(order))
    print(f"{len(order)} of {len(sections)} sections", file=sys.stderr)


main()
