#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tools/test.sh - build mmsim and run every test, twice.
#
#   1. tools/deps.sh installs whatever Debian packages are missing;
#   2. build/release (Release: -O2 -g, asserts on): build everything, run
#      the CMocka unit and race tests through ctest, then the pytest
#      end-to-end tests against build/release/mmsim;
#   3. build/asan (-DMMSIM_SANITIZE=ON: AddressSanitizer, LeakSanitizer and
#      UndefinedBehaviorSanitizer): the same build and the same two runs;
#   4. build/fuzz (clang, -DMMSIM_FUZZ=ON): each libFuzzer target of
#      tests/fuzz for a few seconds from its seeds (tools/fuzz.sh
#      --seeds-only), one test per target, failed on any finding.
#
# Every phase runs even when an earlier one failed; a build that fails is
# built on with make -k so the tests that did build still run, and counts
# as one failed test.  The last line is the total over all builds:
#
#   N passed, N failed[, N skipped]
#
# Exit status 0 only when nothing failed and at least one test ran.
#
# Environment: MMSIM_JOBS (parallel jobs, default 2), MMSIM_PYTHON (the
# interpreter that has pytest, default /usr/bin/python3), MMSIM_FUZZ_SECONDS
# (seconds per fuzz target, default 3; 0 skips the fuzz phase).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2

JOBS=${MMSIM_JOBS:-2}
PY=${MMSIM_PYTHON:-/usr/bin/python3}
FUZZ_SECONDS=${MMSIM_FUZZ_SECONDS:-3}
COUNT="$ROOT/tools/junit_count.py"
E2E=tests/e2e

PASSED=0
FAILED=0
SKIPPED=0
SUMMARY=()		# one line per phase, printed at the end
declare -A FRESH	# build dirs whose mmsim is this run's
T_START=${EPOCHREALTIME:-$SECONDS}

now() { printf '%s' "${EPOCHREALTIME:-$SECONDS}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
banner() { printf '\n===== %s =====\n' "$*"; }

# record PHASE SECONDS PASSED FAILED SKIPPED NOTE
record() {
	PASSED=$((PASSED + $3))
	FAILED=$((FAILED + $4))
	SKIPPED=$((SKIPPED + $5))
	SUMMARY+=("$(printf '%-16s %7ss  %4d passed %4d failed %4d skipped  %s' \
		"$1" "$2" "$3" "$4" "$5" "$6")")
}

# deps: a failure here is reported but the builds are still tried, since
# the tools may be there already in another form.
phase_deps() {
	local t0
	t0=$(now)
	banner "dependencies"
	if "$ROOT/tools/deps.sh"; then
		record deps "$(since "$t0")" 0 0 0 "ok"
	else
		record deps "$(since "$t0")" 0 1 0 "tools/deps.sh failed"
	fi
}

# build NAME DIR CMAKE-ARGS...: configure and build everything in DIR.
# Output goes to DIR/build.log and is shown only when the build fails.
build() {
	local name=$1 dir=$2 t0 log keep_going rc=0
	shift 2
	t0=$(now)
	banner "$name: build ($dir)"
	mkdir -p "$dir"
	# A failed link must not leave the last good mmsim for pytest to test;
	# it is not deleted either (a user may be running it: CMake replaces
	# it with a rename): a failed build's mmsim counts only if it is newer
	# than this stamp
	touch "$dir/.build-start"
	log="$dir/build.log"
	if ! cmake -S . -B "$dir" "$@" >"$log" 2>&1; then
		rc=1
	else
		if [[ -f $dir/build.ninja ]]; then keep_going=(-k 0); else keep_going=(-k); fi
		cmake --build "$dir" -j"$JOBS" -- "${keep_going[@]}" >>"$log" 2>&1 || rc=1
	fi
	# Up to date: built now, or nothing to relink after a clean build
	if ((rc == 0)) || [[ $dir/mmsim -nt $dir/.build-start ]]; then
		FRESH[$dir]=1
	fi
	if ((rc)); then
		echo "BUILD FAILED; last lines of $log:"
		tail -n 150 "$log"
		record "$name/build" "$(since "$t0")" 0 1 0 "build failed (see $log)"
		return 1
	fi
	echo "built in $(since "$t0")s"
	record "$name/build" "$(since "$t0")" 0 0 0 "ok"
	return 0
}

# run_ctest NAME DIR
run_ctest() {
	local name=$1 dir=$2 t0 xml rc counts p f s note=""
	t0=$(now)
	banner "$name: ctest (unit and race tests)"
	xml="$ROOT/$dir/ctest-junit.xml"
	rm -f "$xml"
	if [[ ! -f $dir/CTestTestfile.cmake ]]; then
		# configure failed: already counted as the build's failure
		record "$name/ctest" "$(since "$t0")" 0 0 0 "not run: not configured"
		return
	fi
	ctest --test-dir "$dir" -j"$JOBS" --timeout 300 --output-on-failure \
		--test-output-size-passed 1048576 --test-output-size-failed 1048576 \
		--output-junit "$xml" </dev/null
	rc=$?
	p=0 f=0 s=0
	if [[ -f $xml ]] && counts=$("$PY" "$COUNT" ctest "$xml"); then
		read -r p f s <<<"$counts"
	fi
	if ((rc != 0 && f == 0)); then
		# ctest failed without naming a failing test: count it once
		f=1
		note="ctest exited $rc"
	fi
	((p + f + s == 0)) && note="no tests registered"
	record "$name/ctest" "$(since "$t0")" "$p" "$f" "$s" "${note:-rc $rc}"
}

# run_pytest NAME DIR: the end-to-end tests against DIR/mmsim
run_pytest() {
	local name=$1 dir=$2 t0 xml rc counts p f s note=""
	t0=$(now)
	banner "$name: pytest (end-to-end tests, MMSIM_BIN=$dir/mmsim)"
	xml="$ROOT/$dir/pytest-junit.xml"
	rm -f "$xml"
	if [[ ! -d $E2E ]]; then
		record "$name/pytest" "$(since "$t0")" 0 0 0 "no $E2E directory"
		return
	fi
	if [[ ! -x $dir/mmsim || -z ${FRESH[$dir]:-} ]]; then
		# only possible when the build failed, which is counted already
		record "$name/pytest" "$(since "$t0")" 0 0 0 "not run: $dir/mmsim was not built"
		return
	fi
	MMSIM_BIN="$ROOT/$dir/mmsim" timeout -k 10 900 \
		"$PY" -m pytest "$E2E" -q -ra -p no:cacheprovider --junitxml="$xml" </dev/null
	rc=$?
	p=0 f=0 s=0
	if [[ -f $xml ]] && counts=$("$PY" "$COUNT" pytest "$xml"); then
		read -r p f s <<<"$counts"
	fi
	case $rc in
	0) ;;
	5) note="no tests collected" ;;		# pytest: nothing to run is not a crash
	*)
		if ((f == 0)); then
			f=1
			note="pytest exited $rc"
		fi
		;;
	esac
	record "$name/pytest" "$(since "$t0")" "$p" "$f" "$s" "${note:-rc $rc}"
}

# LeakSanitizer stops the world with ptrace; where that is forbidden it
# dies with "fatal error" on every exit.  Probe once with a tiny program
# and fall back to detect_leaks=0 (said loudly in the summary) if so.
lsan_works() {
	local tmp rc
	tmp=$(mktemp -d) || return 1
	printf 'int main(void) { return 0; }\n' >"$tmp/p.c"
	if ! cc -fsanitize=address -o "$tmp/p" "$tmp/p.c" >/dev/null 2>&1; then
		rm -rf "$tmp"
		return 0	# the real build will report the problem
	fi
	ASAN_OPTIONS=detect_leaks=1 "$tmp/p" >/dev/null 2>&1
	rc=$?
	rm -rf "$tmp"
	return $rc
}

# fuzz: tools/fuzz.sh builds build/fuzz with clang and runs each target
# for FUZZ_SECONDS from the seeds alone, so the time does not depend on
# what long runs left in build/fuzz/corpus-*.  It prints "<target>: PASS"
# or "<target>: FAIL" per target: each is one test here.
phase_fuzz() {
	local t0 log rc p f note
	t0=$(now)
	banner "fuzz: each libFuzzer target for ${FUZZ_SECONDS}s (tools/fuzz.sh)"
	if [[ $FUZZ_SECONDS == 0 ]]; then
		record fuzz "$(since "$t0")" 0 0 0 "skipped: MMSIM_FUZZ_SECONDS=0"
		return
	fi
	if ! command -v clang-14 >/dev/null 2>&1 && ! command -v clang >/dev/null 2>&1; then
		# tools/deps.sh installs it; this is a machine where it failed
		record fuzz "$(since "$t0")" 0 1 0 "clang not found (tools/deps.sh installs it)"
		return
	fi
	mkdir -p build/fuzz
	log=build/fuzz/test.log
	ASAN_OPTIONS="detect_leaks=$LEAKS" MMSIM_JOBS=$JOBS \
		"$ROOT/tools/fuzz.sh" --seeds-only --seconds "$FUZZ_SECONDS" </dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^fuzz_[a-z_]+: PASS$' "$log")
	f=$(grep -cE '^fuzz_[a-z_]+: FAIL$' "$log")
	note="rc $rc"
	if ((rc != 0 && f == 0)); then
		# the build or the script failed before any target ran
		f=1
		note="tools/fuzz.sh exited $rc (see $log)"
	fi
	record fuzz "$(since "$t0")" "$p" "$f" 0 "$note"
}

phase_deps

build release build/release -DCMAKE_BUILD_TYPE=Release || true
run_ctest release build/release
run_pytest release build/release

LEAKS=1
if ! lsan_works; then
	LEAKS=0
	echo "WARNING: LeakSanitizer does not work here (ptrace restricted?); detect_leaks=0"
fi
export ASAN_OPTIONS="detect_leaks=$LEAKS:abort_on_error=1"
# abort_on_error: a UBSan report must not exit 1, which mmsim uses for a
# failed expect; an abort is never mistaken for an expected outcome.
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1"
build asan build/asan -DCMAKE_BUILD_TYPE=Release -DMMSIM_SANITIZE=ON || true
run_ctest asan build/asan
run_pytest asan build/asan
unset ASAN_OPTIONS UBSAN_OPTIONS

phase_fuzz

banner "summary"
for line in "${SUMMARY[@]}"; do
	echo "$line"
done
((LEAKS)) || echo "note: LeakSanitizer was off (detect_leaks=0)"
echo "total time $(since "$T_START")s"
((PASSED + FAILED == 0)) && echo "ERROR: no test ran"
if ((SKIPPED)); then
	echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
else
	echo "$PASSED passed, $FAILED failed"
fi
((FAILED == 0 && PASSED > 0))
