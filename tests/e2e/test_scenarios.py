# SPDX-License-Identifier: GPL-2.0-only
"""Every scenario in scenarios/ runs clean; the kernel views come out in the
kernel's exact format; runs are deterministic; the shell-spelled lines mean
what a shell means; replay and migration tracking do what they say."""
import re
import shutil
import subprocess

import pytest

from conftest import SCENARIOS

ALL_SCENARIOS = sorted(p.name for p in SCENARIOS.glob("*.scn")) + \
    sorted("processes/" + p.name for p in (SCENARIOS / "processes").glob("*.scn"))

# mm/vmstat.c frag_show_print: "Node %d, zone %8s " then "%6lu " per order
BUDDYINFO_LINE = re.compile(r"Node (\d+), zone ([ A-Za-z0-9]{8}) ((?:[ \d]{5}\d )+)")

PAGETYPEINFO_HEAD = (
    "Page block order: 9\n"
    "Pages per block:  512\n"
    "\n"
    "%-43s " % "Free pages count per migrate type at order"
    + "".join("%6d " % o for o in range(11)) + "\n"
)
# Debian's 6.1 has CONFIG_CMA off: five migratetypes are shown
MIGRATETYPES = ["Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate"]
PAGETYPEINFO_BLOCKS_HEAD = ("%-23s" % "Number of blocks type "
                            + "".join("%12s " % t for t in MIGRATETYPES) + "\n")


def test_scenarios_exist():
    for name in ("boot-128g-2node.scn", "default.scn", "fragment-thpscale.scn",
                 "stress-highalloc.scn", "trace-replay.scn"):
        assert name in ALL_SCENARIOS


@pytest.mark.parametrize("name", ALL_SCENARIOS)
def test_scenario_runs_clean_with_check(mmsim, name):
    r = mmsim.run_file(name, "--check", cwd=SCENARIOS)
    assert r.stderr == ""
    assert r.returncode == 0
    assert r.stdout != ""


def buddyinfo_rows(text):
    rows = {}
    for line in text.splitlines():
        if not line.startswith("Node ") or ", type " in line or not line.endswith(" "):
            continue
        m = BUDDYINFO_LINE.fullmatch(line)
        if m and len(m.group(3)) == 11 * 7:
            rows[(int(m.group(1)), m.group(2).strip())] = [int(x) for x in m.group(3).split()]
    return rows


def test_boot_128g_buddyinfo_format(mmsim):
    r = mmsim.run_file("boot-128g-2node.scn", cwd=SCENARIOS)
    assert r.returncode == 0
    # the buddyinfo block is the first lines, up to "Page block order"
    end = r.stdout.index("Page block order:")
    block = r.stdout[:end].splitlines(keepends=True)
    assert block, "no buddyinfo output"
    for line in block:
        assert line.endswith(" \n"), repr(line)
        assert BUDDYINFO_LINE.fullmatch(line[:-1]), repr(line)
        assert len(line) == len("Node 0, zone   Normal ") + 11 * 7 + 1
    rows = buddyinfo_rows(r.stdout[:end])
    assert {nid for nid, _ in rows} == {0, 1}
    # node 0 has DMA, DMA32 (below the 3G hole) and Normal; node 1 only Normal
    assert list(rows) == [(0, "DMA"), (0, "DMA32"), (0, "Normal"), (1, "Normal")]
    for nid in (0, 1):
        counts = rows[(nid, "Normal")]
        pages = sum(c << o for o, c in enumerate(counts))
        # order 10 dominates: nearly all free memory is in order-10 blocks
        assert max(counts) == counts[10]
        assert counts[10] << 10 > 0.99 * pages
        # 64 GiB node: about 16384 order-10 blocks, minus what boot reserved
        assert 15000 < counts[10] <= 16384


def test_boot_128g_pagetypeinfo_headers(mmsim):
    r = mmsim.run_file("boot-128g-2node.scn", cwd=SCENARIOS)
    text = r.stdout[r.stdout.index("Page block order:"):]
    # one section per node with memory, each starting with the same header
    assert text.count(PAGETYPEINFO_HEAD) == 2
    assert text.startswith(PAGETYPEINFO_HEAD)
    assert text.count("\n" + PAGETYPEINFO_BLOCKS_HEAD) == 2
    rows = re.findall(r"^Node +(\d+), zone +(\w+), type +(\w+) ", text, re.M)
    # every populated zone lists every shown migratetype, in order
    assert [t for _, _, t in rows[:5]] == MIGRATETYPES
    assert {(n, z) for n, z, _ in rows} == {("0", "DMA"), ("0", "DMA32"), ("0", "Normal"),
                                           ("1", "Normal")}
    row = re.search(r"^Node    1, zone   Normal, type      Movable ((?:[ >\d]{6} ){11})$",
                    text, re.M)
    assert row, "node 1 Movable row missing or misformatted"
    blocks = re.search(r"^Node 1, zone   Normal ((?:[ \d]{12} ){5})$", text, re.M)
    assert blocks
    # 64 GiB = 32768 pageblocks, movable after boot but for those past
    # first_deferred_pfn that start in reserved memory: the node's memmap
    # (1 GiB, 512 blocks), its percpu area and page tables; and those the
    # kernel's own allocations took: its half of the interleaved dentry
    # and inode hash tables (2 MiB pages, 24 blocks) and the slab, stacks
    # and buffers of its CPU (a real 6.1 boot: 550 Unmovable and 2 or 6
    # Reclaimable; the model: 547 and 2)
    unmovable, movable, reclaimable, *rest = [int(x) for x in blocks.group(1).split()]
    assert 540 <= unmovable <= 555
    assert 2 <= reclaimable <= 6
    assert unmovable + movable + reclaimable == 32768
    assert rest == [0, 0]


def test_default_is_deterministic(mmsim):
    a = mmsim.run_file("default.scn", cwd=SCENARIOS)
    b = mmsim.run_file("default.scn", cwd=SCENARIOS)
    assert a.returncode == 0
    assert a.stdout == b.stdout
    assert a.stdout != ""


# (20000 pages: the first ~2000 come from the image's init sections boot
# freed last, in pieces smaller than the shuffled order-10 blocks)
SHUFFLED = """machine nodes=1 mem=1G
cmdline page_alloc.shuffle=1
alloc first order=0 gfp=GFP_KERNEL
fill f order=0 gfp=GFP_HIGHUSER_MOVABLE count=20000
free f random=50%
print counters scn.pfn.first
cat /proc/buddyinfo
"""


def test_seed_changes_a_shuffled_run(run_scenario):
    a = run_scenario(SHUFFLED, "--seed", "1")
    b = run_scenario(SHUFFLED, "--seed", "1")
    c = run_scenario(SHUFFLED, "--seed", "2")
    assert a.returncode == b.returncode == c.returncode == 0
    assert a.stdout == b.stdout
    assert a.stdout != c.stdout


def test_seed_line_is_the_default_seed(run_scenario):
    a = run_scenario("seed 9\n" + SHUFFLED)
    b = run_scenario(SHUFFLED, "--seed", "9")
    # (seeds 9 and 10 happen to shuffle this machine alike)
    c = run_scenario("seed 9\n" + SHUFFLED, "--seed", "11")
    assert a.stdout == b.stdout
    assert c.stdout != a.stdout


SHELL_LINES = """# a scenario made only of shell lines
echo hello world
echo   'two  spaces'   kept
echo "double \\"quoted\\"" word#hash   # a comment
echo -n no newline
echo
"""


@pytest.mark.skipif(shutil.which("sh") is None, reason="no /bin/sh")
def test_echo_lines_print_as_in_a_shell(run_scenario, tmp_path):
    r = run_scenario(SHELL_LINES, name="shell.scn")
    sh = subprocess.run(["sh", str(tmp_path / "shell.scn")], capture_output=True, text=True)
    assert r.returncode == 0 and sh.returncode == 0
    assert r.stdout == sh.stdout


def test_write_error_is_reported_and_the_run_goes_on(run_scenario):
    r = run_scenario("machine nodes=1 mem=512M\n"
                     "echo banana > /proc/sys/vm/min_free_kbytes\n"
                     "echo after\n"
                     "expect scn.write_errors == 1\n")
    assert r.returncode == 0
    assert r.stdout == "after\n"
    assert r.stderr.startswith("mmsim: /proc/sys/vm/min_free_kbytes: write error: "
                               "Invalid argument")


def test_sysctl_write_takes_effect(run_scenario):
    r = run_scenario("machine nodes=1 mem=512M\n"
                     "echo 12345 > /proc/sys/vm/min_free_kbytes\n"
                     "cat /proc/sys/vm/min_free_kbytes\n")
    assert r.returncode == 0
    assert r.stdout == "12345\n"


MIGRATION = """machine nodes=1 mem=512M cpus=2
fill user order=0 gfp=GFP_HIGHUSER_MOVABLE until=low
free user every=2
compact
expect vmstat.pgmigrate_success > 0
expect scn.migrated == vmstat.pgmigrate_success
# the ids followed the pages: freeing them all gives every page back
free user all
drain
expect scn.live_pages == 0
expect vmstat.nr_free_pages == boot:vmstat.nr_free_pages + boot:node.0.pcp_pages
"""


def test_runner_follows_migrated_pages(run_scenario):
    text = MIGRATION.replace("fill user", "snapshot boot\nfill user", 1)
    r = run_scenario(text, "--check")
    assert r.stderr == ""
    assert r.returncode == 0


def test_ids_follow_migration(run_scenario):
    # one id among many movable pages; compaction moves it; free still works
    r = run_scenario("machine nodes=1 mem=512M cpus=2\n"
                     "snapshot boot\n"
                     "fill a order=0 gfp=GFP_HIGHUSER_MOVABLE count=20000\n"
                     "alloc mine order=0 gfp=GFP_HIGHUSER_MOVABLE\n"
                     "fill b order=0 gfp=GFP_HIGHUSER_MOVABLE count=20000\n"
                     "snapshot before\n"
                     "free a all\n"
                     "compact\n"
                     "print counters scn.pfn.mine\n"
                     "free mine\n"
                     "free b all\n"
                     "drain\n"
                     "expect vmstat.nr_free_pages == boot:vmstat.nr_free_pages + boot:node.0.pcp_pages\n",
                     "--check")
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"scn\.pfn\.mine \d+\n", r.stdout)


PERF_TRACE = """\
# perf script output
     stress 4410 [001] 10.000001: kmem:mm_page_alloc: page=0xffffea0004800000 pfn=0x120000 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE
     stress 4410 [001] 10.000002: kmem:mm_page_alloc: page=0xffffea0004800040 pfn=0x120001 order=0 migratetype=0 gfp_flags=GFP_KERNEL
     stress 4410 [003] 10.000003: kmem:mm_page_alloc: page=0xffffea0004800080 pfn=0x120002 order=2 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP
     stress 4410 [002] 10.000004: kmem:mm_page_free: page=0xffffea0004800000 pfn=0x120000 order=0
     stress 4410 [002] 10.000005: kmem:mm_page_free: page=0xffffea0009000000 pfn=0x240000 order=0
     stress 4410 [000] 10.000006: kmem:mm_page_alloc: page=0xffffea0004800000 pfn=0x120000 order=1 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE
     stress 4410 [000] 10.000007: kmem:mm_page_alloc: page=0xffffea0004800000 pfn=0x120000 order=1 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE
"""


def test_replay_perf_script_trace(run_scenario):
    r = run_scenario("machine nodes=1 mem=512M cpus=4\n"
                     "replay t.trace group=t\n"
                     "print counters scn.replay scn.allocated.t scn.live_pages\n"
                     "free t all\n"
                     "expect scn.live_pages == 0\n",
                     "--check", files={"t.trace": PERF_TRACE})
    assert r.returncode == 0, r.stderr
    assert r.stdout == (
        "scn.replay_allocs 5\n"
        "scn.replay_frees 1\n"
        "scn.replay_unknown_frees 1\n"
        "scn.replay_alloc_failures 0\n"
        "scn.replay_trace_failures 0\n"
        # the same pfn allocated twice without a free in between
        "scn.replay_lost_frees 1\n"
        "scn.replay_ignored 0\n"
        "scn.live_pages 7\n"
        "scn.allocated.t 3\n")


def test_replay_counts_nil_page_as_a_failure(run_scenario):
    # perf script / trace-cmd report print a NULL page as glibc does, "(nil)":
    # a failed allocation, not a success at pfn 0
    trace = PERF_TRACE + (
        "     stress 4410 [000] 10.000008: kmem:mm_page_alloc: page=(nil) pfn=0x0 "
        "order=9 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP\n")
    r = run_scenario("machine nodes=1 mem=512M cpus=4\n"
                     "replay t.trace group=t\n"
                     "print counters scn.replay_allocs scn.replay_trace_failures scn.live_pages\n",
                     files={"t.trace": trace})
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("scn.replay_allocs 5\n"
                        "scn.replay_trace_failures 1\n"
                        "scn.live_pages 7\n")


def test_print_diff_and_snapshot(run_scenario):
    r = run_scenario("machine nodes=1 mem=256M\n"
                     "snapshot a /proc/buddyinfo\n"
                     "alloc x order=3 gfp=GFP_KERNEL\n"
                     "snapshot b\n"
                     "print diff a b scn.\n"
                     "print snapshot b scn.pfn\n"
                     "print snapshot a\n")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    # the diff, limited to scn.*: only what changed
    diff = [l for l in lines if "->" in l]
    assert all(l.startswith("scn.") for l in diff)
    assert "scn.allocs 0 -> 1 (+1)" in diff
    assert "scn.live_pages 0 -> 8 (+8)" in diff
    assert "scn.frees 0 -> 0 (+0)" not in diff
    assert any(re.fullmatch(r"scn\.pfn\.x -1 -> \d+ \(\+\d+\)", l) for l in diff)
    # print snapshot b scn.pfn: its counters with that prefix
    assert re.fullmatch(r"scn\.pfn\.x \d+", lines[len(diff)])
    # print snapshot a: the file captured, as it was then
    assert lines[len(diff) + 1:] == [l for l in lines[len(diff) + 1:]
                                     if l.startswith("Node 0, zone ")]
    assert len(lines) > len(diff) + 1


def test_alloc_expect_ok_and_fail(run_scenario):
    r = run_scenario("machine nodes=1 mem=256M\n"
                     "alloc big order=10 gfp=GFP_KERNEL|__GFP_THISNODE expect=ok\n"
                     "expect scn.last_alloc == 1\n"
                     "alloc huge order=10 gfp=GFP_KERNEL expect=fail\n")
    assert r.returncode == 1
    assert re.fullmatch(r"t\.scn:4: expect failed: alloc huge order=10 gfp=GFP_KERNEL "
                        r"expect=fail \(got pfn 0x[0-9a-f]+\)\n", r.stderr)


def test_watermark_boost_lasts_until_kswapd_runs(run_scenario):
    # Unmovable allocations falling back into part of a movable pageblock
    # (no whole free pageblock left: every block keeps a user page; with
    # 99% freed, 0.99^512 of the blocks would become wholly free, and a
    # whole-block steal does not boost) boost
    # the zone's watermarks (boost_watermark) and wake kswapd, which runs
    # between steps and takes the boost back.  The fill that empties the
    # zone must not wake kswapd (GFP_HIGHUSER_MOVABLE without
    # __GFP_KSWAPD_RECLAIM): its failing allocation would, and with nothing
    # to reclaim and nothing free kswapd fails 16 times and leaves the node
    # hopeless, never woken again, so no boost would ever be taken back.
    # (The movable fill itself ends by falling back into the blocks the
    # kernel's own boot allocations took, which boosts once already.)
    r = run_scenario(
        "machine nodes=1 mem=1G holes=none\n"
        "cmdline sysctl.vm.min_free_kbytes=128\n"
        "boot\n"
        "expect vmstat.pageoutrun == 0\n"
        "fill anon order=0 gfp=__GFP_DIRECT_RECLAIM|__GFP_IO|__GFP_FS|__GFP_HARDWALL|"
        "__GFP_HIGHMEM|__GFP_MOVABLE until=fail\n"
        "free anon random=90%\n"
        "snapshot freed\n"
        "fill k order=0 gfp=GFP_KERNEL count=3000\n"
        "expect zoneinfo.0.DMA32.boost == 0\n"
        "expect vmstat.pageoutrun == freed:vmstat.pageoutrun + 1\n")
    assert r.returncode == 0, r.stderr


def test_drain_by_node_and_zone(run_scenario):
    # Pages freed on each node's CPU sit on that zone's pcp lists; `drain
    # node=0` empties node 0's zones only, `drain zone=Normal` every node's
    # Normal zone only, a bare `drain` everything.
    r = run_scenario(
        "machine nodes=2 mem=3G cpus=2 holes=none\n"
        "alloc a order=0 gfp=GFP_KERNEL node=0\n"
        "alloc b order=0 gfp=GFP_KERNEL node=1\n"
        "free a\n"
        "cpu 1\n"
        "free b\n"
        "expect zoneinfo.0.DMA32.pcp_count > 0\n"
        "expect zoneinfo.1.Normal.pcp_count > 0\n"
        "drain node=1 zone=DMA32\n"
        "expect zoneinfo.0.DMA32.pcp_count > 0\n"
        "expect zoneinfo.1.Normal.pcp_count > 0\n"
        "drain zone=Normal\n"
        "expect zoneinfo.0.DMA32.pcp_count > 0\n"
        "expect zoneinfo.1.Normal.pcp_count == 0\n"
        "drain node=0\n"
        "expect zoneinfo.0.DMA32.pcp_count == 0\n", "--check")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("line,col,msg", [
    ("drain zone=Highmem", 12, "zone=Highmem: the zones are DMA, DMA32, Normal and Movable"),
    ("drain node=2", 12, "node 2 does not exist (the machine has 2 nodes)"),
    ("drain all", 7, "unexpected 'all'"),
])
def test_drain_bad_input(run_scenario, line, col, msg):
    r = run_scenario("machine nodes=2 mem=1G\n" + line + "\n")
    assert r.returncode == 2
    assert r.stderr.startswith(f"t.scn:2:{col}: {msg}"), r.stderr
