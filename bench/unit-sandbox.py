#!/usr/bin/env python3
"""What the unit's sandbox costs the daemon's start: boots the image (UEFI, TCG, `make image` first) and times
`applianced version` under `systemd-run --wait` with groups of applianced.service's properties (none, the user,
the mount namespace, the seccomp filters, the device policy, all), three rounds, then outside systemd.
The daemon's `loaded` start-up phase counts from systemd's fork, so it includes this set-up.

Usage: bench/unit-sandbox.py        (about 5 minutes; the guest's serial logs go to a temporary folder)"""
import os, sys, tempfile
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "image-build"))
from guest import Guest
import boot_test

MOUNTS = ("-p ProtectSystem=strict -p 'ReadWritePaths=/etc/applianced /var/lib/applianced -/var/lib/plexmediaserver' "
          "-p ProtectHome=yes -p PrivateTmp=yes -p PrivateMounts=yes -p ProtectKernelTunables=yes "
          "-p ProtectControlGroups=yes")
SECCOMP = ("-p SystemCallArchitectures=native -p SystemCallFilter=@system-service -p 'SystemCallFilter=~@privileged' "
           "-p SystemCallErrorNumber=EPERM -p 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK' "
           "-p RestrictNamespaces=yes -p RestrictRealtime=yes -p RestrictSUIDSGID=yes -p LockPersonality=yes "
           "-p MemoryDenyWriteExecute=yes -p ProtectKernelModules=yes -p ProtectKernelLogs=yes -p ProtectClock=yes "
           "-p ProtectHostname=yes")
DEVICES = "-p DevicePolicy=closed -p 'DeviceAllow=char-drm rw'"
USER = ("-p User=applianced -p Group=applianced -p 'SupplementaryGroups=render video' -p UMask=0077 "
        "-p CapabilityBoundingSet=CAP_NET_BIND_SERVICE -p AmbientCapabilities=CAP_NET_BIND_SERVICE -p NoNewPrivileges=yes")
GROUPS = [("none", ""), ("user", USER), ("user+mounts", f"{USER} {MOUNTS}"), ("user+seccomp", f"{USER} {SECCOMP}"),
          ("user+devices", f"{USER} {DEVICES}"), ("all", f"{USER} {MOUNTS} {SECCOMP} {DEVICES}")]

OUT = tempfile.mkdtemp(prefix="unit-sandbox-")


def main():
    guest = Guest(os.path.join(REPO, "image-build/out/applianced-amd64.img"), OUT, "uefi")
    try:
        guest.start()
        print(f"healthy after {boot_test.wait_healthy(guest, 300):.1f} s", flush=True)
        boot_test.wait_console(guest, 300)
        guest.console.run("sleep 20", timeout=60)
        for round in range(3):  # the same unit properties as rootfs/lib/systemd/system/applianced.service
            for name, props in GROUPS:
                command = (f"s=$(date +%s%N); systemd-run --wait --quiet --collect {props} /usr/bin/applianced version"
                           f" >/dev/null 2>&1; echo $(( ($(date +%s%N) - s) / 1000000 ))")
                _, out = guest.console.run(command, timeout=120, check=False)
                print(f"round {round + 1} {name:14s} {out.strip()} ms", flush=True)
        _, out = guest.console.run("for i in 1 2 3; do s=$(date +%s%N); /usr/bin/applianced version >/dev/null;"
                                   " echo $(( ($(date +%s%N) - s) / 1000000 )); done", timeout=60, check=False)
        print("outside systemd:", out.split(), flush=True)
    finally:
        guest.stop()

main()
