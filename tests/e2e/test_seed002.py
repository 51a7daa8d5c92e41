# SPDX-License-Identifier: GPL-2.0-only
"""Seed 002 (hugetlb vmemmap on the generic page walker) end to end: the
scenarios of scenarios/seed002 under each pagewalk-lock policy, with the
invariant checker on.

HVO holds init_mm's mmap read lock around its walks in every kernel.  A
6.12 HVO walks with walk_page_range_novma: 6.1's walker asserts the write
lock there and warns (the reason the seed's first patch exists), 6.8's
and 6.17's accept the read lock.  HVO as 6.1 has it walks with its own
walker and asserts nothing.  A walk of a process's VMAs (smaps) needs
the read lock under every entry.
"""
import json

import pytest

from conftest import SCENARIOS

SEED = SCENARIOS / "seed002"
HVO = SEED / "hvo-walk.scn"
USER = SEED / "user-walk.scn"
LOCKS = ["6.1", "6.8", "6.17"]
WARN_61 = ("simulated kernel failure: WARNING: walk_page_range_novma on CPU#0: "
           "mmap_assert_write_locked(init_mm) failed: the mmap lock is held for read")


def test_612_hvo_brings_its_walker(mmsim):
    """Only hvo=new-head-6.12 picked: it implies pagewalk-lock=6.17, so the
    read lock HVO holds is enough and the restore walks run too."""
    r = mmsim("run", HVO, "--check", "--quiet")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("lock", ["6.8", "6.17"])
def test_612_hvo_read_lock_enough(mmsim, lock):
    r = mmsim("run", HVO, "--check", "--quiet", "--policy", f"pagewalk-lock={lock}")
    assert r.returncode == 0, r.stderr


def test_612_hvo_on_61_walker_warns(mmsim):
    """An explicit pick wins over the implication: 6.1's assertion fires at
    the first write to nr_hugepages (line 32), and the run stops there."""
    r = mmsim("run", HVO, "--quiet", "--policy", "pagewalk-lock=6.1")
    assert r.returncode == 1
    assert r.stderr == f"{HVO}:32: {WARN_61}\n"


@pytest.mark.parametrize("lock", LOCKS)
def test_61_hvo_own_walker_under_every_lock_rule(mmsim, lock):
    """reuse-head walks with HVO's own walker (kernels before 6.8), which
    asserts nothing: the same read lock, no warning, the 6.1 numbers."""
    r = mmsim("run", HVO, "--check", "--quiet", "--policy", "hvo=reuse-head",
              "--policy", f"pagewalk-lock={lock}")
    assert r.returncode == 0, r.stderr


def test_compare_lock_rules(mmsim):
    """compare puts each entry in its run's picks: 6.1's run fails with the
    warning, 6.8's and 6.17's end with the pool given back."""
    r = mmsim("compare", HVO, "--policy", "pagewalk-lock=6.1,6.8,6.17", "--format", "json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert data["family"] == "pagewalk-lock"
    assert [(run["policy"], run["status"]) for run in data["runs"]] == [
        ("6.1", "failed"), ("6.8", "ok"), ("6.17", "ok")]
    assert r.stderr == f"mmsim: compare: pagewalk-lock=6.1: {HVO}:32: {WARN_61}\n"
    # the failed run has no figures; the others ended with the pool given back
    assert data["runs"][0]["figures"] == {}
    assert [run["figures"]["machine.hugepages"] for run in data["runs"][1:]] == [0, 0]


def test_compare_hvo_each_on_its_walker(mmsim):
    """Comparing HVO entries leaves pagewalk-lock unpicked: each runs its
    own kernel's walker, and both runs are clean."""
    r = mmsim("compare", HVO, "--policy", "hvo=reuse-head,new-head-6.12", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert [run["status"] for run in data["runs"]] == ["ok", "ok"]


@pytest.mark.parametrize("lock", LOCKS)
def test_user_vma_walk_read_lock(mmsim, lock):
    """smaps walks each VMA with walk_page_vma under the read lock: accepted
    by every entry, and the counts are the walk's (PTEs, a THP's PMD, a
    hugetlb entry)."""
    r = mmsim("run", USER, "--check", "--policy", f"pagewalk-lock={lock}")
    assert r.returncode == 0, r.stderr
    assert "AnonHugePages:      2048 kB\n" in r.stdout
    assert "Private_Hugetlb:    2048 kB\n" in r.stdout
    assert "WARNING" not in r.stderr
