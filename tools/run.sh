#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tools/run.sh - install what is missing, build mmsim (Release, in
# build/release) and run a scenario with `mmsim run`.
#
#   tools/run.sh                          runs scenarios/default.scn
#   tools/run.sh FILE.scn [ARGS...]       runs FILE.scn with ARGS
#   tools/run.sh --seed 7 [ARGS...]       runs scenarios/default.scn with ARGS
#
# The first argument is taken as the scenario when it does not start with
# '-'.  Paths are relative to the directory you call it from; the default
# scenario is run from the repository root.  The exit status is mmsim's
# (0 ok, 1 an expect failed or the simulated kernel hit a bug, 2 bad
# input), or non-zero from the install or the build if those fail.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build/release"
JOBS=${MMSIM_JOBS:-2}

"$ROOT/tools/deps.sh"

mkdir -p "$BUILD"
log="$BUILD/build.log"
if ! { cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release &&
       cmake --build "$BUILD" -j"$JOBS" --target mmsim; } >"$log" 2>&1; then
	tail -n 100 "$log" >&2
	echo "run.sh: build failed (full log: $log)" >&2
	exit 3
fi

if (($# == 0)) || [[ $1 == -* ]]; then
	cd "$ROOT"
	exec "$BUILD/mmsim" run scenarios/default.scn "$@"
fi
exec "$BUILD/mmsim" run "$@"
