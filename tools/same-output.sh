#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tools/same-output.sh - check that a change left mmsim's behaviour alone.
#
#   tools/same-output.sh OLD_MMSIM NEW_MMSIM [SEED...]
#
# Runs every scenario under scenarios/ with both binaries, once per seed
# (default: the scenario's own, 1 and 7), plus `mmsim policies` and a
# compare of every hvo policy on scenarios/seed000/hvo-2m.scn, and
# compares stdout, stderr and the exit status byte for byte.  Build the
# old binary from a worktree of the base commit, e.g.
#
#   git worktree add /tmp/base main && cmake -S /tmp/base -B /tmp/base/build \
#       -DCMAKE_BUILD_TYPE=Release && cmake --build /tmp/base/build --target mmsim
#
# Prints one "DIFF: ..." line per difference (with the first differing
# lines), then "same-output: N runs, N differ"; exits 1 when any differs.
set -uo pipefail

if (($# < 2)); then
	sed -n '4,17p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
fi
OLD=$1
NEW=$2
shift 2
SEEDS=("$@")
((${#SEEDS[@]})) || SEEDS=("" 1 7)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

runs=0
differ=0
one() {
	# one LABEL ARGS...: run both binaries with ARGS, compare everything
	local label=$1
	shift
	"$OLD" "$@" >"$TMP/old" 2>&1
	echo "exit $?" >>"$TMP/old"
	"$NEW" "$@" >"$TMP/new" 2>&1
	echo "exit $?" >>"$TMP/new"
	runs=$((runs + 1))
	if ! cmp -s "$TMP/old" "$TMP/new"; then
		differ=$((differ + 1))
		echo "DIFF: $label"
		diff "$TMP/old" "$TMP/new" | head -n 8 | sed 's/^/    /'
	fi
}

while IFS= read -r f; do
	for seed in "${SEEDS[@]}"; do
		if [[ -z $seed ]]; then
			one "$f" run "$f"
		else
			one "$f --seed $seed" run "$f" --seed "$seed"
		fi
	done
done < <(find scenarios -name '*.scn' | LC_ALL=C sort)
one "policies" policies
hvo=$("$NEW" policies | awk '/^hvo:/ { on = 1; next } /^[^ ]/ { on = 0 } on { print $1 }' |
      paste -sd, -)
[[ -n $hvo ]] && one "compare hvo=$hvo" compare scenarios/seed000/hvo-2m.scn --policy "hvo=$hvo"
echo "same-output: $runs runs, $differ differ"
((differ == 0))
