# SPDX-License-Identifier: GPL-2.0-only
"""Seed 003 (mremap of hugetlb VMAs) end to end: the scenarios of
scenarios/seed003 under each hugetlb-mremap policy, with the invariant
checker on, and `mmsim compare` across the family.

The outcomes are the seed's: 6.1 (move) and v1 as posted (move-v1) keep
every counter of a private mapping; v1 without clear_vma_resv_huge_pages
(move-noclear) sends resv_huge_pages below zero at the unmap Mina Almasry
describes; v1 hits its BUG_ON(vma_shareable()) on a shared PMD that 6.1
unshares; and 6.1.192 hangs moving a shared mapping into a range that may
share a PMD table (found by the model, confirmed on a Debian guest).
"""
import json

import pytest

from compare_text import rows, value

from conftest import SCENARIOS

SEED = SCENARIOS / "seed003"
FAMILY = "hugetlb-mremap=reject,move-v1,move-noclear,move"


@pytest.mark.parametrize("policy", ["move", "move-v1"])
def test_private_keeps_every_counter(mmsim, policy):
    r = mmsim("run", SEED / "private.scn", "--check", "--quiet",
              "--policy", "hugetlb-mremap=" + policy)
    assert r.returncode == 0, r.stderr


def test_private_without_clear_loses_the_reservation(mmsim):
    r = mmsim("run", SEED / "private.scn", "--quiet", "--policy", "hugetlb-mremap=move-noclear")
    assert r.returncode == 1
    assert r.stderr.endswith(": expect failed: meminfo.HugePages_Rsvd == 2 (got 0)\n"), r.stderr


def test_noclear_underflows_at_the_unmap(mmsim):
    r = mmsim("run", SEED / "private-noclear.scn", "--quiet")
    assert r.returncode == 1
    assert r.stderr == (
        f"{SEED / 'private-noclear.scn'}:34: simulated kernel failure: hugetlb: "
        "resv_huge_pages of hugepages-2048kB would go below zero (0 - 1) in "
        "return_unused_surplus_pages: the kernel's unsigned counter wraps to "
        "18446744073709551615\n")


def test_noclear_checker_sees_the_books_broken_at_the_mremap(mmsim):
    """The checker's drift is the modelled kernel's bug (the policy says it
    breaks the books): a simulated kernel failure, not a broken invariant
    of the model, which the fuzzers would report as a model bug."""
    r = mmsim("run", SEED / "private-noclear.scn", "--quiet", "--check")
    assert r.returncode == 1
    assert ":29: simulated kernel failure after this step: hugetlb-mremap=move-noclear " \
        "breaks the books: hugepages-2048kB: resv_huge_pages is 0 " \
        "but the reservations held add up to 1" in r.stderr, r.stderr
    assert "invariant broken" not in r.stderr


@pytest.mark.parametrize("policy", ["move", "move-v1"])
def test_noclear_scenario_runs_clean_under_the_fixes(mmsim, policy):
    """Under move and move-v1 the same lines keep the books: the expect
    after the mremap fails (Rsvd is still 1), nothing underflows."""
    r = mmsim("run", SEED / "private-noclear.scn", "--quiet", "--check",
              "--policy", "hugetlb-mremap=" + policy)
    assert r.returncode == 1
    assert r.stderr.endswith(":31: expect failed: meminfo.HugePages_Rsvd == 0 (got 1)\n"), \
        r.stderr


def test_reject(mmsim):
    r = mmsim("run", SEED / "private-reject.scn", "--check", "--quiet")
    assert r.returncode == 0, r.stderr


def test_shared_pmd_is_unshared(mmsim):
    r = mmsim("run", SEED / "shared.scn", "--check", "--quiet")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("policy", ["move-v1", "move-noclear"])
def test_shared_pmd_hits_v1s_bug_on(mmsim, policy):
    r = mmsim("run", SEED / "shared.scn", "--quiet", "--policy", "hugetlb-mremap=" + policy)
    assert r.returncode == 1
    assert r.stderr == (
        f"{SEED / 'shared.scn'}:61: simulated kernel failure: kernel BUG at mm/hugetlb.c: "
        "move_huge_pte: BUG_ON(vma_shareable(vma, 0x40000000)) (seed 003 v1: shared page "
        "tables are not handled; the PMD table there is shared)\n")


def test_move_into_a_shareable_range_hangs(mmsim):
    r = mmsim("run", SEED / "shared-aligned.scn", "--quiet")
    assert r.returncode == 1
    assert r.stderr == (
        f"{SEED / 'shared-aligned.scn'}:32: simulated kernel failure: INFO: task blocked "
        "forever: huge_pmd_share at 0x100000000 takes i_mmap_rwsem of /dev/hugepages/f for "
        "read while this task holds it for write\n")
    r = mmsim("run", SEED / "shared-aligned.scn", "--quiet", "--policy",
              "hugetlb-mremap=reject")
    assert r.returncode == 0, r.stderr


def compare(mmsim, scn):
    r = mmsim("compare", SEED / scn, "--policy", FAMILY, "--format", "json")
    assert r.returncode == 1, r.stderr      # the worst run's: some entries fail
    data = json.loads(r.stdout)
    assert data["family"] == "hugetlb-mremap"
    assert [run["policy"] for run in data["runs"]] == ["reject", "move-v1", "move-noclear",
                                                        "move"]
    return data["runs"]


def column(runs, figure):
    """The figure of each run; None for a run that failed (it has none)"""
    return [run["figures"].get("hugetlb_mremap." + figure) for run in runs]


def test_compare_private(mmsim):
    runs = compare(mmsim, "compare.scn")
    assert [run["status"] for run in runs] == ["ok", "ok", "failed", "ok"]
    assert runs[2]["figures"] == {}
    assert column(runs, "hugepages_rsvd") == [2, 0, None, 0]
    assert column(runs, "hugepages_free") == [8, 8, None, 8]
    assert column(runs, "hugetlb_counter_underflows") == [0, 0, None, 0]


def test_compare_shared(mmsim):
    runs = compare(mmsim, "shared.scn")
    assert [run["status"] for run in runs] == ["failed", "failed", "failed", "ok"]
    assert column(runs, "shared_pmd_tables") == [None, None, None, 0]
    assert column(runs, "pmd_unshares") == [None, None, None, 1]
    assert column(runs, "hugepages_rsvd") == [None, None, None, 0]


def test_compare_text_lists_the_family_figures(mmsim):
    r = mmsim("compare", SEED / "compare.scn", "--policy", FAMILY)
    assert r.returncode == 1, r.stderr
    assert "compare.scn:25: simulated kernel failure: hugetlb: resv_huge_pages" in r.stderr
    t = rows(r.stdout)
    assert [value(c) for c in t["machine: HugePages_Rsvd"]] == ["2", "0", "-", "0"]
    assert "machine: hugetlb counter underflows" not in t    # 0 in every run with figures
    assert "\nrun 2  move-noclear         failed    no figures\n" in r.stdout
