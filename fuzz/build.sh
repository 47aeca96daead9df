#!/bin/bash
# Builds the libFuzzer binary (.build-fuzz/debug/applianced-fuzz): every module it needs compiled with
# coverage instrumentation and AddressSanitizer, in its own scratch path; the normal build is untouched.
# Fails on a compiler warning, as `make test` does for the normal build.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
mkdir -p .build-fuzz
# ld.gold warns once per ASan assembly symbol it cannot export; those lines say nothing about our code.
APPLIANCED_FUZZ=1 "$SWIFT" build --scratch-path .build-fuzz --product applianced-fuzz \
	--sanitize fuzzer --sanitize address "$@" 2>&1 | { grep -v "ld.gold: warning: Cannot export local symbol" || true; } |
	tee .build-fuzz/build.log
if grep -q 'warning:' .build-fuzz/build.log; then
	echo "Fuzz build produced warnings:"
	grep 'warning:' .build-fuzz/build.log | sort -u
	exit 1
fi
