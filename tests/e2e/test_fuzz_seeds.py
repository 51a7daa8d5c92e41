# SPDX-License-Identifier: GPL-2.0-only
"""The hand-written fuzz seeds in tests/fuzz/seeds/ run clean with --check.

tools/fuzz.sh makes most seeds from scenarios/; these two add what those
lack on the small machines fuzz_scn_run accepts (every verb, every kernel
file, the description lines).  A seed that stops early (a parse error, an
unknown counter, a failed expect) would leave the fuzzers without the
steps after it, and nothing else would notice.
"""

import pytest

from conftest import REPO

SEEDS = REPO / "tests" / "fuzz" / "seeds"
ALL_SEEDS = sorted(p.name for p in SEEDS.glob("*.scn"))


def test_seeds_exist():
    assert "every-verb.scn" in ALL_SEEDS
    assert "two-nodes.scn" in ALL_SEEDS
    assert "processes.scn" in ALL_SEEDS


@pytest.mark.parametrize("name", ALL_SEEDS)
def test_seed_runs_clean_with_check(mmsim, name):
    r = mmsim.run_file(name, "--check", cwd=SEEDS)
    assert r.returncode == 0, r.stderr
    # the only message allowed is the refused write every-verb.scn makes
    for line in r.stderr.splitlines():
        assert line.startswith("mmsim: /proc/sys/vm/min_free_kbytes: write error"), line
    assert r.stdout != ""
