#!/bin/bash
# Runs libFuzzer targets: fuzz/run.sh SECONDS [TARGET...] (every target when none is named), one after
# another. Seeds come from fuzz/corpus/<target>/ (committed); what the fuzzer finds goes to
# .build-fuzz/corpus/<target>/, crashes to .build-fuzz/artifacts/<target>/. Each run stops at the first
# crash, sanitizer report (Swift's own backtracer is off: it would fight ASan's), hang (-timeout) or memory overrun (-rss_limit_mb); the script then fails.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
binary=${FUZZ_BINARY:-.build-fuzz/debug/applianced-fuzz}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(toml http-request websocket json-body bif cron plex-xml); fi
failed=()
for target in "${targets[@]}"; do
	work=.build-fuzz/corpus/$target artifacts=.build-fuzz/artifacts/$target/ log=.build-fuzz/logs/$target.log
	mkdir -p "$work" "$artifacts" .build-fuzz/logs fuzz/corpus/"$target"
	dict=()
	if [ -f fuzz/dict/"$target".dict ]; then dict=(-dict=fuzz/dict/"$target".dict); fi
	FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1} \
		"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=65536 \
		-artifact_prefix="$artifacts" -print_final_stats=1 "${dict[@]}" "$work" fuzz/corpus/"$target" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
	if [ $rc -eq 0 ]; then
		printf '%-13s ok    %8s runs %6s exec/s  %s\n' "$target" "${runs:-?}" "${speed:-?}" "$cov"
	else
		printf '%-13s FAIL  exit %d, see %s; input in %s\n' "$target" $rc "$log" "$artifacts"
		grep -m3 -E 'ERROR|Fatal error|property violated|deadly signal|timeout|out-of-memory' "$log" | sed 's/^/    /'
		failed+=("$target")
	fi
done
if [ ${#failed[@]} -gt 0 ]; then echo "fuzz: failed: ${failed[*]}"; exit 1; fi
