#!/bin/bash
# Runs libFuzzer targets: fuzz/run.sh SECONDS [TARGET...] (every target when none is named), one after
# another. Seeds come from fuzz/corpus/<target>/ (committed); what the fuzzer finds goes to
# $FUZZ_OUT/corpus/<target>/, crashes to $FUZZ_OUT/artifacts/<target>/, output to $FUZZ_OUT/logs/
# (FUZZ_OUT defaults to .build-fuzz). Each run stops at the first crash, sanitizer report, hang
# (-timeout) or memory overrun (-rss_limit_mb); the script then fails. Swift's own backtracer is off:
# it would fight ASan's. The body is one function, so editing this file never disturbs a running copy.
set -uo pipefail
main() {
	cd "$(dirname "$0")/.."
	local seconds=${1:-300}
	shift || true
	local binary=${FUZZ_BINARY:-.build-fuzz/debug/applianced-fuzz} out=${FUZZ_OUT:-.build-fuzz}
	local targets=("$@") failed=()
	if [ ${#targets[@]} -eq 0 ]; then targets=(toml http-request http-parser websocket json-body bif cron plex-xml jwt); fi
	for target in "${targets[@]}"; do
		local work=$out/corpus/$target artifacts=$out/artifacts/$target/ log=$out/logs/$target.log dict=()
		mkdir -p "$work" "$artifacts" "$out/logs" fuzz/corpus/"$target"
		if [ -f fuzz/dict/"$target".dict ]; then dict=(-dict=fuzz/dict/"$target".dict); fi
		FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1} \
			"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=65536 \
			-artifact_prefix="$artifacts" -print_final_stats=1 "${dict[@]}" "$work" fuzz/corpus/"$target" >"$log" 2>&1
		local rc=$?
		local runs speed cov
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
	if [ ${#failed[@]} -gt 0 ]; then
		echo "fuzz: failed: ${failed[*]}"
		return 1
	fi
}
main "$@"
exit
