#!/bin/bash
# Builds the libFuzzer binary (.build-fuzz/debug/applianced-fuzz): every module it needs compiled with
# coverage instrumentation and AddressSanitizer, in its own scratch path; the normal build is untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
# ld.gold warns once per ASan assembly symbol it cannot export; those lines say nothing about our code.
APPLIANCED_FUZZ=1 "$SWIFT" build --scratch-path .build-fuzz --product applianced-fuzz \
	--sanitize fuzzer --sanitize address "$@" 2>&1 | { grep -v "ld.gold: warning: Cannot export local symbol" || true; }
