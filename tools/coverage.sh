#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tools/coverage.sh - line and branch coverage of model/ and sim/.
#
# Builds with -DMMSIM_COVERAGE=ON (gcov instrumentation, -O0) in
# build/coverage, clears the counters of any earlier run, runs the ctest
# unit/race tests and the pytest end-to-end tests, then prints a gcovr
# text report per file and the summary.  An HTML report with per-line
# detail is written to build/coverage/html/index.html.
#
# The report is printed even when tests fail; the exit status is then 1.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
BUILD=build/coverage
JOBS=${MMSIM_JOBS:-2}
PY=${MMSIM_PYTHON:-/usr/bin/python3}
status=0

"$ROOT/tools/deps.sh" || exit 1

mkdir -p "$BUILD"
if ! { cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Debug -DMMSIM_COVERAGE=ON &&
       cmake --build "$BUILD" -j"$JOBS"; } >"$BUILD/build.log" 2>&1; then
	tail -n 100 "$BUILD/build.log"
	echo "coverage.sh: build failed (full log: $BUILD/build.log)"
	exit 1
fi

find "$BUILD" -name '*.gcda' -delete

echo "== ctest"
ctest --test-dir "$BUILD" -j"$JOBS" --timeout 600 --output-on-failure </dev/null || status=1

echo "== pytest"
if [[ -d tests/e2e ]]; then
	MMSIM_BIN="$ROOT/$BUILD/mmsim" "$PY" -m pytest tests/e2e -q -p no:cacheprovider </dev/null
	rc=$?
	((rc == 0 || rc == 5)) || status=1
fi

echo "== coverage (gcovr)"
mkdir -p "$BUILD/html"
gcovr -r . --object-directory "$BUILD" --filter model/ --filter sim/ \
	--txt - --html-details "$BUILD/html/index.html" --print-summary "$BUILD" || status=1
echo "HTML report: $BUILD/html/index.html"
exit $status
