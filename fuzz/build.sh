#!/bin/bash
# Builds the libFuzzer binary (.build-fuzz/debug/applianced-fuzz): every module it needs compiled with
# coverage instrumentation and AddressSanitizer, in its own scratch path; the normal build is untouched.
# Fails on a compiler warning, as `make test` does for the normal build.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
mkdir -p .build-fuzz
# swiftc keeps only the last -sanitize= it is given, and SwiftPM passes one per --sanitize in no fixed
# order: a build had coverage without ASan, the next ASan without coverage. The combined flag, last, gives both.
# ld.gold warns once per ASan assembly symbol it cannot export; those lines say nothing about our code.
APPLIANCED_FUZZ=1 "$SWIFT" build --scratch-path .build-fuzz --product applianced-fuzz \
	--sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address "$@" 2>&1 |
	{ grep -v "ld.gold: warning: Cannot export local symbol" || true; } | tee .build-fuzz/build.log
if grep -q 'warning:' .build-fuzz/build.log; then
	echo "Fuzz build produced warnings:"
	grep 'warning:' .build-fuzz/build.log | sort -u
	exit 1
fi
# Both instrumentations must be in the binary, or a fuzz run proves little: libFuzzer reports coverage
# from the first seed on, and ASan's checks are linked in.
binary=.build-fuzz/debug/applianced-fuzz
probe=$(FUZZ_TARGET=bif "$binary" -runs=1 fuzz/corpus/bif 2>&1 || true)
symbols=$(nm "$binary")
if [[ $probe != *"INITED cov: "[1-9]* || $symbols != *__asan_report_load* ]]; then
	echo "$binary lacks coverage instrumentation or ASan checks"
	exit 1
fi
