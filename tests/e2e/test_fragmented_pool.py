# SPDX-License-Identifier: GPL-2.0-only
"""Direct compaction gives up where 6.1's does: a hugetlb pool grown on a
node a process fragmented gets far fewer pages than after compact_memory
(scenarios/compaction/fragmented-pool.scn), and the process's anonymous
pages move with their page tables consistent (--check)."""
import re

import pytest

from conftest import SCENARIOS


def diff_values(text, name):
    """The `name a -> b (+d)` lines of print diff, as (a, b) pairs"""
    return [(int(m.group(1)), int(m.group(2)))
            for m in re.finditer(r"^%s (\d+) -> (\d+) " % re.escape(name), text, re.M)]


@pytest.mark.xfail(strict=True, reason=(
    "the outcome depends on the holes' offset modulo 32 (async's free "
    "scanner samples every 32nd pfn): at the model's offset (19) direct "
    "compaction takes all 92 pages, as a 6.1.192 guest with such a layout "
    "took all 114; the guest boot with 44 then 49 had its holes at 2 mod 16, "
    "where the model gives 47 then 54 (docs/realkernel.md, issue 14)"))
def test_fragmented_pool_direct_then_compact_memory(mmsim):
    r = mmsim.run_file("compaction/fragmented-pool.scn", cwd=SCENARIOS)
    assert r.stderr == ""
    assert r.returncode == 0          # its expect lines hold
    counts = [int(line) for line in r.stdout.splitlines() if re.fullmatch(r"\d+", line)]
    assert len(counts) == 2
    direct, after = counts
    # compaction made pages beyond the free order-9 blocks, then gave up
    (_, success), = diff_values(r.stdout, "vmstat.compact_success")
    assert 0 < success < direct
    # compact_memory freed blocks direct compaction had left alone
    assert after > direct
    # anonymous pages were migrated, by both
    migrated = diff_values(r.stdout, "vmstat.pgmigrate_success")
    assert migrated[0][1] > 0 and migrated[1][1] > migrated[1][0]


def test_small_fragmented_node_runs_clean_with_check(run_scenario):
    # The same, small enough for the invariant checker after every step:
    # rmap, mapcounts, refcounts, rss and LRU counters agree with the page
    # tables after each migration.
    lines = ["machine nodes=2 mem=128M cpus=2", "cpu 1", "process p",
             "p: a = mmap(NULL, 128M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)",
             "p: madvise(a, 128M, MADV_NOHUGEPAGE) = 0",
             "p: touch(a, 128M, WRITE)"]
    lines += ["p: munmap(a+%dK, 64K) = 0" % (i * 256) for i in range(512)]
    lines += ["snapshot f",
              "echo 100 > /sys/devices/system/node/node1/hugepages/hugepages-2048kB/"
              "nr_hugepages",
              "echo 1 > /proc/sys/vm/compact_memory",
              "expect vmstat.pgmigrate_success > 0",
              "expect hugepages.1.2048kB.nr_hugepages > 0",
              "p: exit(0)"]
    r = run_scenario("\n".join(lines) + "\n", "--check")
    assert r.stderr == ""
    assert r.returncode == 0
