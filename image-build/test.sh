#!/usr/bin/env bash
# Boots the appliance image under qemu (TCG) and checks the first-boot contract (make image-test).
# Options are boot_test.py's: --only uefi|bios, --timeout SECONDS, --image PATH.
set -euo pipefail
cd "$(dirname "$0")"
exec python3 -B boot_test.py "$@"
