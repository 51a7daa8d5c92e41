# SPDX-License-Identifier: GPL-2.0-only
"""`mmsim explore`: the explorer's named races from the command line.

Each race runs under an entry of its family that fails and one that is
clean (or, for a race that varies no family, as its failing variant and
its correct one): the verdict, the exit status, and that the replay
string a failure prints reproduces the failure with --replay.  The
condensed trace must name page-table levels and struct page owners, not
bare addresses.
"""
import re

import pytest

# (race, policy or None, what the failure message holds)
FAILING = [
    ("hvo-get-put", "hvo=new-head", "lost update"),
    ("hvo-memory-failure", "hvo=new-head", "lost update"),
    ("ptdump-remove-memory-no-online-mems", "pagewalk-lock=6.1", "use after free"),
    ("hugetlb-mremap-fault", "hugetlb-mremap=move-v1", "BUG_ON(vma_shareable"),
    ("uprobe-madv-collapse-no-subpage-check", "thp-uprobe=split-pmd-collapse",
     "mapcount underflow"),
    ("retract-read-fault-unlock-early", "thp-uprobe=split-pmd-collapse", "invariants: "),
    ("retract-lockless-walker", "thp-uprobe=split-pmd-collapse", "was freed while the walker"),
    ("fault-munmap-no-mmap-lock", None, "a PTE was written into a freed page-table page"),
    ("mremap-store-no-mmap-lock", None, "a lost write"),
    ("page-lock-abba", None, "deadlock"),
    ("hotplug-lock-unlocked-reader", None, "inside get_online_mems"),
]

# (race, policy or None, schedules the search explores)
CLEAN = [
    ("hvo-get-put", "hvo=reuse-head", 10),
    ("hvo-memory-failure", "hvo=reuse-head", 6),
    ("hvo-frozen-gup", "hvo=new-head", 13),
    ("ptdump-remove-memory", "pagewalk-lock=6.1", 2),
    ("hugetlb-mremap-fault", "hugetlb-mremap=move", 6),
    ("uprobe-madv-collapse-no-subpage-check", "thp-uprobe=split-pmd", 8),
    ("retract-read-fault-unlock-early", None, None),   # no clean entry: see below
    ("retract-lockless-walker", "thp-uprobe=collapse-6.6", 7),
    ("fault-munmap", None, 5),
    ("mremap-store", None, 5),
    ("page-lock-increment", None, 6),
    ("hotplug-lock-reader", None, 2),
]
CLEAN = [c for c in CLEAN if c[2] is not None]


def explore(mmsim, race, policy, *args):
    cmd = ["explore", race]
    if policy:
        cmd += ["--policy", policy]
    return mmsim(*cmd, *args)


def replay_string(out):
    m = re.search(r"^replay: (xp1:\S+)$", out, re.M)
    assert m, out
    return m.group(1)


@pytest.mark.parametrize("race,policy,msg", FAILING, ids=[f[0] for f in FAILING])
def test_failing_race_found_and_replayed(mmsim, race, policy, msg):
    r = explore(mmsim, race, policy)
    assert r.returncode == 1, r.stdout + r.stderr
    verdict = re.search(r"^verdict: FAILED \(([^)]+)\): (.*)$", r.stdout, re.M)
    assert verdict and msg in verdict.group(2), r.stdout
    assert r.stdout.rstrip().endswith("as expected"), r.stdout
    schedule = replay_string(r.stdout)
    # the printed command line replays it
    assert f"--replay '{schedule}'" in r.stdout
    again = explore(mmsim, race, policy, "--replay", schedule)
    assert again.returncode == 1, again.stdout + again.stderr
    assert re.search(r"^verdict: FAILED \(%s\): " % re.escape(verdict.group(1)), again.stdout,
                     re.M), again.stdout
    assert msg in again.stdout


@pytest.mark.parametrize("race,policy,schedules", CLEAN, ids=[c[0] for c in CLEAN])
def test_clean_race(mmsim, race, policy, schedules):
    r = explore(mmsim, race, policy)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (f"verdict: clean: no failure in {schedules} schedules, every schedule explored"
            in r.stdout), r.stdout
    assert "replay:" not in r.stdout
    assert r.stdout.rstrip().endswith("as expected"), r.stdout
    # the race's windows are reported, opened or not
    assert re.search(r"^window (opened|never opened): ", r.stdout, re.M), r.stdout


def test_clean_replay_exits_0(mmsim):
    """A failing schedule replayed under a policy where it does not fail."""
    r = explore(mmsim, "page-lock-abba", None)
    schedule = replay_string(r.stdout)
    # under the correct variant the same string does not even fit: bad input
    other = explore(mmsim, "page-lock-increment", None, "--replay", schedule)
    assert other.returncode == 2
    assert "replay diverged" in other.stderr


def test_condensed_trace_names_levels_and_owners(mmsim):
    r = explore(mmsim, "hvo-get-put", "hvo=new-head")
    out = r.stdout
    m = re.search(r"^trace: (\d+) of (\d+) steps", out, re.M)
    assert m and int(m.group(1)) < int(m.group(2)) / 4, out
    # a page-table level, the mm and what the entry maps
    assert re.search(r"PTE table of init_mm for vmemmap of pfns 0-0x7fff, entry \d+ "
                     r"\(vmemmap of pfns 0x[0-9a-f]+-0x[0-9a-f]+\)", out), out
    # the struct page CPU1 wrote, its field and owner, and the frame it sits in
    assert re.search(r"struct page of pfn (0x[0-9a-f]+), head of a compound page \(order 9\): "
                     r"_refcount, in vmemmap page 0x[0-9a-f]+", out), out
    # the frame both CPUs touched
    shared = out.split("shared frames:\n", 1)[1]
    assert re.search(r"vmemmap page 0x[0-9a-f]+ \(struct pages of pfns", shared), out
    # the full trace has every step
    full = explore(mmsim, "hvo-get-put", "hvo=new-head", "--full")
    assert full.returncode == 1
    n = int(re.search(r"^trace: (\d+) steps", full.stdout, re.M).group(1))
    steps = re.findall(r"^ +\d+[ *] (cpu\d|e\d+>\d) ", full.stdout, re.M)
    assert len(steps) == n == int(m.group(2))


def test_condensed_trace_tail_and_freed_table(mmsim):
    r = explore(mmsim, "uprobe-madv-collapse-no-subpage-check", None)
    assert re.search(r"struct page of pfn 0x[0-9a-f]+, tail 1 of the compound page at pfn "
                     r"0x[0-9a-f]+ \(order 9\): _mapcount", r.stdout), r.stdout
    r = explore(mmsim, "ptdump-remove-memory-no-online-mems", None)
    assert re.search(r"PMD table of init_mm for vmemmap of pfns [^\n]*, no longer linked",
                     r.stdout), r.stdout
    assert re.search(r"PUD table of init_mm for vmemmap", r.stdout)


def test_list(mmsim):
    r = mmsim("explore", "--list")
    assert r.returncode == 0
    rows = [line.split(None, 2) for line in r.stdout.splitlines()]
    races = {row[0]: row[1] for row in rows}
    assert races["hvo-get-put"] == "hvo"
    assert races["ptdump-remove-memory"] == "pagewalk-lock"
    assert races["uprobe-khugepaged"] == "thp-uprobe"
    assert races["hugetlb-mremap-fault"] == "hugetlb-mremap"
    assert races["page-lock-abba"] == "-"
    families = {line.split(":")[0] for line in mmsim("policies").stdout.splitlines()
                if not line.startswith(" ")}
    assert {f for f in races.values() if f != "-"} <= families


def test_budget(mmsim):
    r = mmsim("explore", "hvo-remove-memory", "--budget", "5")
    assert r.returncode == 0, r.stderr
    assert "no failure in 5 schedules; the search was cut short by --budget 5" in r.stdout


@pytest.mark.parametrize("args,err", [
    ((), "missing RACE"),
    (("no-such-race",), "no race 'no-such-race'"),
    (("hvo-get-put", "--policy", "hvo=no-such"), "--policy"),
    (("hvo-get-put", "--policy"), "--policy needs a value"),
    (("hvo-get-put", "--budget", "0"), "--budget"),
    (("hvo-get-put", "--budget", "x"), "--budget"),
    (("hvo-get-put", "--replay", "nonsense"), "xp1:"),
    (("hvo-get-put", "--frobnicate"), "unknown option"),
    (("hvo-get-put", "page-lock-abba"), "one race per run"),
    (("--list", "hvo-get-put"), "--list takes nothing else"),
])
def test_usage_errors(mmsim, args, err):
    r = mmsim("explore", *args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert err in r.stderr
    assert r.stdout == ""


def test_race_that_cannot_run_under_a_policy(mmsim):
    """khugepaged never finds the range without 6.1's pte-mapped THP array."""
    r = mmsim("explore", "uprobe-khugepaged", "--policy", "thp-uprobe=split-pmd")
    assert r.returncode == 2
    assert "khugepaged did not put p's range in its array" in r.stderr


def test_replay_string_reproduces_in_the_race_test(mmsim, mmsim_bin):
    """The CMocka test of a race runs the same search: the string the
    command prints replays there, MMSIM_REPLAY_TEST runs that test alone,
    and the binary exits non-zero because the failure reproduces."""
    import os
    import subprocess

    binary = mmsim_bin.parent / "test_page_lock"
    if not binary.exists():
        pytest.skip(f"{binary} not built")
    schedule = replay_string(explore(mmsim, "page-lock-abba", None).stdout)
    env = dict(os.environ, MMSIM_REPLAY=schedule, MMSIM_REPLAY_TEST="page_lock_abba_deadlock",
               CMOCKA_MESSAGE_OUTPUT="STDOUT")
    r = subprocess.run([str(binary)], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0, r.stdout
    assert "the replay reproduced the failure: deadlock" in r.stdout + r.stderr
    assert "[ RUN      ] page_lock_mutual_exclusion" not in r.stdout
    assert "[ RUN      ] page_lock_abba_deadlock" in r.stdout
