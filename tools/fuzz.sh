#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tools/fuzz.sh - build the libFuzzer targets of tests/fuzz and run each.
#
#   tools/fuzz.sh [--seconds N] [--jobs J] [--seeds-only] [--sanitizers LIST]
#                 [TARGET...]
#
#   --seconds N   fuzz each target for N seconds (default 60)
#   --jobs J      J fuzzing processes per target (libFuzzer -jobs/-workers,
#                 default 1); each runs N seconds
#   --seeds-only  start from the seeds alone and keep nothing: what
#                 tools/test.sh runs, so its time does not grow with the
#                 corpus earlier runs found
#   --sanitizers LIST  the -fsanitize= list of the build (default
#                 address,undefined); another list builds in
#                 build/fuzz-<LIST, commas as '+'> with its own corpus.
#                 "undefined" alone runs parse-and-run about twice as fast,
#                 for long runs; it cannot see memory errors or leaks
#   TARGET        fuzz_scn_parse, fuzz_trace_parse, fuzz_scn_run (default:
#                 all three, in that order); "scn_run" is short for fuzz_scn_run
#
# Steps:
#   1. configure and build build/fuzz with clang (-DMMSIM_FUZZ=ON) when
#      needed (cmake --build does nothing when nothing changed);
#   2. build the seed corpus in build/fuzz/seeds-scn and build/fuzz/seeds-trace
#      from scenarios/ and tests/e2e/malformed/ (scenarios/traces and
#      tests/e2e/malformed/traces for the trace target), plus, for the
#      scenarios, copies shrunk to the small machines fuzz_scn_run accepts
#      and the hand-written tests/fuzz/seeds/*.scn;
#   3. run each target on its corpus, build/fuzz/corpus-<target> (kept
#      between runs; libFuzzer adds what it finds there, git ignores
#      build/), and the seeds, with tests/fuzz/<scn|trace>.dict.
#
# After each target it prints the executions (libFuzzer's final
# stat::number_of_executed_units, summed over jobs) and per second, and
# every crash, leak, timeout or out-of-memory file the run wrote to
# build/fuzz/findings/, then "<target>: PASS" or "<target>: FAIL".  A
# finding is saved there as <target>-crash-<sha1>; reproduce it with
# build/fuzz/<target> FILE (MMSIM_FUZZ_VERBOSE=1 shows a run's output).
# The last line is
#
#   fuzz: N targets, N findings
#
# Exit status: 0 when no target found anything, 1 on a finding, 2 on a
# usage or build error.
#
# Environment: CC (default clang-14, else clang), MMSIM_JOBS (build jobs,
# default 2), MMSIM_FUZZ_TIMEOUT (seconds of wall time one input may take
# before libFuzzer reports a timeout, default 20: raise it on a loaded
# machine, where a starved 0.4 s input can pass 20 s), ASAN_OPTIONS
# (passed on; libFuzzer looks for leaks unless it says detect_leaks=0).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build/fuzz"
ALL_TARGETS=(fuzz_scn_parse fuzz_trace_parse fuzz_scn_run)

usage() {
	sed -n '4,21p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

SECONDS_EACH=60
JOBS=1
SEEDS_ONLY=0
SANITIZERS=address,undefined
TARGETS=()
while (($#)); do
	case $1 in
	--seconds) (($# >= 2)) || usage; SECONDS_EACH=$2; shift 2 ;;
	--seconds=*) SECONDS_EACH=${1#*=}; shift ;;
	--jobs) (($# >= 2)) || usage; JOBS=$2; shift 2 ;;
	--jobs=*) JOBS=${1#*=}; shift ;;
	--seeds-only) SEEDS_ONLY=1; shift ;;
	--sanitizers) (($# >= 2)) || usage; SANITIZERS=$2; shift 2 ;;
	--sanitizers=*) SANITIZERS=${1#*=}; shift ;;
	-h|--help) usage ;;
	-*) echo "fuzz.sh: unknown option '$1'" >&2; usage ;;
	*)
		t=$1
		[[ $t == fuzz_* ]] || t=fuzz_$t
		if [[ " ${ALL_TARGETS[*]} " != *" $t "* ]]; then
			echo "fuzz.sh: unknown target '$1' (targets: ${ALL_TARGETS[*]})" >&2
			exit 2
		fi
		TARGETS+=("$t")
		shift
		;;
	esac
done
[[ $SECONDS_EACH =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: --seconds wants a positive number" >&2; exit 2; }
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: --jobs wants a positive number" >&2; exit 2; }
((${#TARGETS[@]})) || TARGETS=("${ALL_TARGETS[@]}")

# --- 1. build --------------------------------------------------------------
# Debian's clang-14 package has clang-14; the clang package adds "clang"
if [[ -z ${CC:-} ]]; then
	CC=clang-14
	command -v "$CC" >/dev/null 2>&1 || CC=clang
fi
if ! command -v "$CC" >/dev/null 2>&1; then
	echo "fuzz.sh: $CC not found; tools/deps.sh installs clang-14 and libclang-rt-14-dev" >&2
	exit 2
fi
if [[ ! $SANITIZERS =~ ^[a-z]+(,[a-z]+)*$ ]]; then
	echo "fuzz.sh: --sanitizers takes a list like address,undefined, not '$SANITIZERS'" >&2
	exit 2
fi
[[ $SANITIZERS == address,undefined ]] || BUILD="$BUILD-${SANITIZERS//,/+}"
mkdir -p "$BUILD"
log="$BUILD/build.log"
if ! { CC=$CC cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DMMSIM_FUZZ=ON \
	       -DMMSIM_FUZZ_SANITIZERS="$SANITIZERS" &&
       cmake --build "$BUILD" -j"${MMSIM_JOBS:-2}" --target "${TARGETS[@]}"; } >"$log" 2>&1; then
	tail -n 60 "$log" >&2
	echo "fuzz.sh: build failed (full log: $log)" >&2
	exit 2
fi

# --- 2. seeds --------------------------------------------------------------
# Rebuilt every time from the checkout, so they follow scenarios/ and the
# malformed inputs of the end-to-end tests; nothing here is committed.
SEEDS_SCN="$BUILD/seeds-scn"
SEEDS_TRACE="$BUILD/seeds-trace"
rm -rf "$SEEDS_SCN" "$SEEDS_TRACE"
mkdir -p "$SEEDS_SCN" "$SEEDS_TRACE"

# scenarios/seed000/hvo-2m.scn -> scenarios_seed000_hvo-2m.scn
flat() { printf '%s' "${1//\//_}"; }

# The same scenario on the small machines fuzz_scn_run accepts (at most 2
# nodes, 4 CPUs, 128 MiB): 64 MiB per node, a 4 MiB kernel image, counts
# and hugepage numbers cut down, expect lines dropped (on this machine they
# fail or name counters it does not have, and either ends the run before
# the steps the fuzzer needs).  Below 4 GiB a small machine has only DMA
# and DMA32; the second form (NORMAL) is one node of 128 MiB whose top
# 28 MiB a hole moves above 4 GiB, into a Normal zone (two 64 MiB nodes
# leave no room for swiotlb's 64 MiB below 4 GiB).
shrink() {
	if [[ ${2:-} == normal ]]; then
		set -- "$1" -e 's/\bmem=[0-9A-Fa-fx]+[KkMmGgTt]?/mem=128M/g' \
			-e 's/\bnodes=[0-9]+/nodes=1/g' -e 's/\bnode=1\b/node=0/g' \
			-e 's/\bnode1\b/node0/g' -e '/^machine /a hole 100M 4G'
	else
		set -- "$1" -e 's/\bmem=[0-9A-Fa-fx]+[KkMmGgTt]?/mem=64M/g' \
			-e 's/\bnodes=([3-9]|[1-9][0-9]+)\b/nodes=2/g'
	fi
	sed -E "${@:2}" \
		-e 's/\bmovable=[0-9A-Fa-fx]+[KkMmGgTt]?/movable=16M/g' \
		-e 's/\bcpus=([5-9]|[1-9][0-9]+)\b/cpus=4/g' \
		-e '/^machine /{/\bkernel=/!s/$/ kernel=4M/}' \
		-e 's/\b(count|tries)=[0-9]+/\1=64/g' \
		-e 's/\bhugepages=[0-9]+/hugepages=4/g' \
		-e 's/^echo [0-9]+ >/echo 4 >/' \
		-e '/^expect /d' \
		"$1"
}

cd "$ROOT" || exit 2
# the hand-written seeds (every verb and kernel file on a small machine)
cp tests/fuzz/seeds/*.scn "$SEEDS_SCN/"
while IFS= read -r -d '' f; do
	cp "$f" "$SEEDS_SCN/$(flat "$f")"
	shrink "$f" >"$SEEDS_SCN/small-$(flat "$f")"
	shrink "$f" normal >"$SEEDS_SCN/normal-$(flat "$f")"
done < <(find scenarios tests/e2e/malformed -name '*.scn' -print0 | sort -z)
while IFS= read -r -d '' f; do
	cp "$f" "$SEEDS_TRACE/$(flat "$f")"
	# libFuzzer cuts inputs at -max_len: small pieces keep every line reachable
	split -l 40 -d "$f" "$SEEDS_TRACE/piece-$(flat "$f")-"
done < <(find scenarios/traces tests/e2e/malformed/traces -name '*.trace' -print0 | sort -z)

# --- 3. run ----------------------------------------------------------------
FINDINGS_DIR="$BUILD/findings"
mkdir -p "$FINDINGS_DIR"
NFIND=0
STATUS=0

for t in "${TARGETS[@]}"; do
	case $t in
	fuzz_trace_parse) seeds=$SEEDS_TRACE dict=trace.dict maxlen=8192 ;;
	fuzz_scn_parse) seeds=$SEEDS_SCN dict=scn.dict maxlen=8192 ;;
	# one step per line, each checked: a long input is a slow run
	fuzz_scn_run) seeds=$SEEDS_SCN dict=scn.dict maxlen=2048 ;;
	esac
	corpus="$BUILD/corpus-$t"
	work="$BUILD/run-$t"
	rm -rf "$work"
	mkdir -p "$work"
	if ((SEEDS_ONLY)); then
		corpus="$work/corpus"
	fi
	mkdir -p "$corpus"
	fail=0
	before=$(mktemp)
	ls -1 "$FINDINGS_DIR" >"$before"
	printf '\n===== %s: %ss x %d job(s) =====\n' "$t" "$SECONDS_EACH" "$JOBS"
	args=(-max_total_time="$SECONDS_EACH" -timeout="${MMSIM_FUZZ_TIMEOUT:-20}" -max_len="$maxlen"
	      -dict="$ROOT/tests/fuzz/$dict" -print_final_stats=1
	      -artifact_prefix="$FINDINGS_DIR/$t-")
	if ((JOBS > 1)); then
		# each job writes its log to fuzz-<n>.log in the working directory
		args+=(-jobs="$JOBS" -workers="$JOBS")
	fi
	t0=$(date +%s.%N)
	(cd "$work" && "$BUILD/$t" "${args[@]}" "$corpus" "$seeds" >"$work/fuzz.log" 2>&1)
	rc=$?
	wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	# with jobs the parent's log repeats each job's: count the jobs' own
	logs=("$work/fuzz.log")
	((JOBS > 1)) && logs=("$work"/fuzz-*.log)
	execs=$(cat "${logs[@]}" 2>/dev/null |
		awk '/^stat::number_of_executed_units:/ { n += $2 } END { print n + 0 }')
	rate=$(awk -v n="$execs" -v s="$SECONDS_EACH" -v j="$JOBS" \
		'BEGIN { printf "%.0f", n / s / j }')
	new=$(comm -13 "$before" <(ls -1 "$FINDINGS_DIR") || true)
	rm -f "$before"
	echo "$t: $execs executions in ${SECONDS_EACH}s ($rate/s per job; ${wall}s with start-up)," \
		"corpus $(ls -1 "$corpus" | wc -l) inputs"
	if [[ -n $new ]]; then
		while IFS= read -r f; do
			echo "$t: FINDING $FINDINGS_DIR/$f"
			NFIND=$((NFIND + 1))
		done <<<"$new"
		grep -h -m3 -E '^(==[0-9]+==ERROR|SUMMARY|fuzz_[a-z_]+: )' "${logs[@]}" | sed "s/^/$t:   /"
		fail=1
	elif ((rc != 0)); then
		# libFuzzer failed without leaving an artifact: show why
		echo "$t: libFuzzer exited $rc without a finding file; last lines of its log:"
		tail -n 20 "$work/fuzz.log" | sed "s/^/$t:   /"
		NFIND=$((NFIND + 1))
		fail=1
	elif ((execs == 0)); then
		echo "$t: no executions counted (see $work/fuzz.log)"
		fail=1
	fi
	if ((fail)); then
		echo "$t: FAIL"
		STATUS=1
	else
		echo "$t: PASS"
	fi
	((SEEDS_ONLY)) && rm -rf "$corpus"
done

echo
echo "fuzz: ${#TARGETS[@]} targets, $NFIND findings"
exit $STATUS
