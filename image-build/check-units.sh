#!/usr/bin/env bash
# Checks the image's systemd units (run by `make test`): `systemd-analyze verify` on a scratch root that
# holds the units, the binaries they start and systemd's own units, and `systemd-analyze security`
# on applianced.service, failing when its exposure rises above MAX_EXPOSURE (0–100, shown as 0.0–10.0).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
max_exposure=${MAX_EXPOSURE:-20}
command -v systemd-analyze >/dev/null || { echo "check-units: systemd-analyze missing (Debian package systemd)" >&2; exit 1; }

binary=""
for candidate in "${APPLIANCED_BINARY:-}" "$repo/.build/release/applianced" "$repo/.build/debug/applianced"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then binary=$candidate; break; fi
done
[ -n "$binary" ] || { echo "check-units: no applianced binary (run swift build or make release)" >&2; exit 1; }

scratch=$(mktemp -d /tmp/applianced-units.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/usr/bin" "$scratch/usr/sbin" "$scratch/usr/lib/systemd"
ln -s usr/bin "$scratch/bin"
ln -s usr/sbin "$scratch/sbin"
cp -a /usr/lib/systemd/system "$scratch/usr/lib/systemd/"
cp /usr/bin/kill "$scratch/usr/bin/kill"
cp /usr/sbin/agetty "$scratch/usr/sbin/agetty"
ln "$binary" "$scratch/usr/bin/applianced" 2>/dev/null || cp "$binary" "$scratch/usr/bin/applianced"
tar -C "$repo/rootfs" -cf - . | tar -C "$scratch" --keep-directory-symlink -xf -

units=$(cd "$repo/rootfs/lib/systemd/system" && ls ./*.service | sed 's|^\./||')
for unit in $units; do
    # verify exits 0 on settings it ignores, so any message at all is a failure.
    messages=$(systemd-analyze verify --root="$scratch" "$unit" 2>&1) && [ -z "$messages" ] || {
        printf '%s\n' "$messages" >&2
        echo "check-units: systemd-analyze verify $unit failed" >&2
        exit 1
    }
    echo "check-units: systemd-analyze verify $unit: ok"
done

report=$(systemd-analyze security --offline=yes --root="$scratch" --threshold="$max_exposure" applianced.service 2>&1) || {
    printf '%s\n' "$report"
    echo "check-units: applianced.service exposure is above $max_exposure/100" >&2
    exit 1
}
echo "check-units: $(printf '%s\n' "$report" | grep 'Overall exposure level')"
