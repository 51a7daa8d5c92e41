# SPDX-License-Identifier: GPL-2.0-only
"""`import DIR`: a machine set up from a real machine's /proc/zoneinfo,
/proc/pagetypeinfo and /proc/buddyinfo (tests/data/import/ holds dumps of
Debian 6.1 guests recorded with tools/realkernel/run).

The round trip: the model's views print back what was imported, byte for
byte (buddyinfo, pagetypeinfo) and figure for figure (the zoneinfo lines
the import sets).  Bad dumps are input errors at FILE:LINE:COL, exit 2.
"""
import pathlib
import re
import shutil

import pytest

from conftest import REPO

DUMPS = REPO / "tests" / "data" / "import"
ROUND_TRIP = ["512m", "2node-2g", "seed000-128g"]

# zoneinfo lines the import sets (the rest are counters it does not model)
ZONEINFO_SET = re.compile(r"^(Node \d+, zone|  pages free|        (min|low|high|spanned|present|"
                          r"managed) |        protection:|              (count|high|batch):|"
                          r"  start_pfn:)")


def zoneinfo_set_lines(text):
    return [line for line in text.splitlines() if ZONEINFO_SET.match(line)]


def copy_dump(tmp_path, name, dest="d"):
    shutil.copytree(DUMPS / name, tmp_path / dest)
    return tmp_path / dest


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_round_trip(run_scenario, name, tmp_path):
    d = copy_dump(tmp_path, name)
    r = run_scenario("import d\ncat /proc/buddyinfo\ncat /proc/pagetypeinfo\n"
                     "echo ---\ncat /proc/zoneinfo\n", "--check")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    views, zoneinfo = r.stdout.split("---\n")
    assert views == (d / "buddyinfo").read_text() + (d / "pagetypeinfo").read_text()
    want = zoneinfo_set_lines((d / "zoneinfo").read_text())
    assert len(want) > 10
    assert zoneinfo_set_lines(zoneinfo) == want


def test_seed_moves_pfns_not_counts(run_scenario, tmp_path):
    """The seed picks the pfns: same views, different placement"""
    copy_dump(tmp_path, "2node-2g")
    text = ("import d {}\ncat /proc/pagetypeinfo\nalloc x order=9 "
            "gfp=GFP_HIGHUSER_MOVABLE|__GFP_THISNODE node=1\nprint counters scn.pfn.x\n")
    outs = [run_scenario(text.format(f"seed={s}")) for s in (1, 2, 1)]
    for r in outs:
        assert r.returncode == 0, r.stderr
    views = [r.stdout.split("scn.pfn.x")[0] for r in outs]
    pfns = [r.stdout.split("scn.pfn.x")[1] for r in outs]
    assert views[0] == views[1] == views[2]
    assert pfns[0] == pfns[2]
    assert pfns[0] != pfns[1]


def test_in_use_pages_are_groups(run_scenario, tmp_path):
    """What is not free is held: import_user (movable) and import_kernel"""
    copy_dump(tmp_path, "512m")
    r = run_scenario("import d\nprint counters scn.live_pages scn.allocated.import\n"
                     "free import_user all\nfree import_kernel every=2\n"
                     "expect scn.allocated.import_user == 0\n", "--check")
    assert r.returncode == 0, r.stderr
    c = dict(line.split() for line in r.stdout.splitlines())
    # managed - free - per-cpu pages of the dump: DMA 3840 - 3808, DMA32 112697 - 105608 - 485
    assert int(c["scn.live_pages"]) == (3840 - 3808) + (112697 - 105608 - 204 - 281)
    assert int(c["scn.allocated.import_user"]) > 0
    assert int(c["scn.allocated.import_kernel"]) > 0


def edit(path, old, new, count=1):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, count))


# (dump, file, old text, new text, expected stderr after "d/")
ERRORS = [
    ("512m", "buddyinfo", "3     99 \n", "3     98 \n",
     "buddyinfo:2:97: 98 free blocks of order 10 in node 0 zone DMA32, d/pagetypeinfo says 99 "
     "(read at different times? buddyinfo is only a cross-check: leave it out)"),
    ("512m", "buddyinfo", "3     99 \n", "3 \n",
     "buddyinfo:2:93: truncated row: 10 counts, expected 11"),
    ("512m", "pagetypeinfo", "Node 0, zone    DMA32           14          228            6"
     "            0            0 \n", "",
     "pagetypeinfo:18:1: truncated: no block count row for node 0 zone DMA32"),
    ("512m", "pagetypeinfo", "Movable      5      5      8", "Movable      5      5    8x",
     "pagetypeinfo:11:62: expected a number, not '8x'"),
    ("512m", "pagetypeinfo", "Movable      5      5      8", "Movable 999999      5      8",
     "pagetypeinfo:11:45: impossible: 999999 free blocks of order 0 in a zone of 112697 "
     "managed pages"),
    ("512m", "pagetypeinfo", "Page block order: 9", "Page block order: 10",
     "pagetypeinfo:1:19: page block order 10: the model's is 9"),
    ("512m", "pagetypeinfo", "            6            0            0 \n",
     "            6            0            2 \n",
     "pagetypeinfo:18:86: 2 isolated pageblocks: an isolation was under way; the import "
     "cannot recreate it"),
    ("512m", "pagetypeinfo", "Reclaimable   HighAtomic      Isolate",
     "Reclaimable   HighAtomic          CMA      Isolate",
     "pagetypeinfo:16:85: a CMA column: the model's kernel has no CONFIG_CMA, its "
     "pagetypeinfo could not print this back"),
    ("512m", "zoneinfo", "  pages free     105608", "  pages free     95608",
     "pagetypeinfo:10:1: node 0 zone DMA32: these rows hold 105608 free pages, d/zoneinfo "
     "says 95608 (managed 112697, counter slack 24)"),
    ("512m", "zoneinfo", "        managed  112697", "        managed  10",
     "zoneinfo:116:22: impossible: cpu 0 has 204 pages on its per-cpu lists, the zone manages 10"),
    ("512m", "zoneinfo", "        present  126944", "        present  126945",
     "zoneinfo:86:1: impossible: node 0 zone DMA32 has spanned 126944, present 126945, "
     "managed 112697"),
    ("512m", "zoneinfo", "              count: 204\n", "              count: 200000\n",
     "zoneinfo:116:22: impossible: cpu 0 has 200000 pages on its per-cpu lists, the zone "
     "manages 112697"),
    ("512m", "zoneinfo", "  start_pfn:           4096\n", "",
     "zoneinfo:125:1: truncated: node 0 zone DMA32 has no start_pfn line"),
    ("512m", "zoneinfo", "Node 0, zone    DMA32", "Node 0, zone    DMA33",
     "zoneinfo:86:17: unknown zone 'DMA33' (DMA, DMA32, Normal, Movable)"),
    # consistent files the model cannot place: found once the machine booted
    ("512m", "pagetypeinfo", "Node 0, zone    DMA32           14          228",
     "Node 0, zone    DMA32           15          228",
     "pagetypeinfo:10:1: cannot place node 0 zone DMA32: the pageblock counts add up to 249, "
     "the zone has 248 pageblocks"),
    ("512m", "zoneinfo", "        managed  3840", "        managed  3900",
     "zoneinfo:53:18: managed 3900: the model's boot leaves only 3840 pages of node 0 "
     "zone DMA to the allocator (memory the kernel gave the allocator after boot, such as "
     "the memmap HVO frees, cannot be imported: take the dump before)"),
]


@pytest.mark.parametrize("case", ERRORS, ids=[f"{c[1]}-{i}" for i, c in enumerate(ERRORS)])
def test_bad_dump(run_scenario, tmp_path, case):
    dump, fname, old, new, want = case
    d = copy_dump(tmp_path, dump)
    edit(d / fname, old, new)
    r = run_scenario("import d\ncat /proc/buddyinfo\n")
    assert r.returncode == 2, r.stderr
    assert r.stderr == f"d/{want}\n"
    assert r.stdout == ""


def test_missing_file(run_scenario, tmp_path):
    d = copy_dump(tmp_path, "512m")
    (d / "pagetypeinfo").unlink()
    r = run_scenario("import d\n")
    assert r.returncode == 2
    assert r.stderr == "d/pagetypeinfo: cannot open: No such file or directory\n"


def test_buddyinfo_is_optional(run_scenario, tmp_path):
    d = copy_dump(tmp_path, "512m")
    (d / "buddyinfo").unlink()
    r = run_scenario("import d\ncat /proc/pagetypeinfo\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout == (d / "pagetypeinfo").read_text()


@pytest.mark.parametrize("text,want", [
    ("machine nodes=1 mem=1G\nimport d\n",
     "t.scn:2:1: import describes the machine, already described at line 1"),
    ("import d\nmachine nodes=1 mem=1G\n",
     "t.scn:2:1: machine already described at line 1 (by import)"),
    ("import d\nnode 0 mem=1G\n",
     "t.scn:2:1: 'node' after 'import' (line 1): the dump describes the machine"),
    ("import\n", "t.scn:1:1: usage: import DIR [seed=N]"),
    ("import d seed=x\n", "t.scn:1:15: expected a number: 'x'"),
])
def test_import_line_errors(run_scenario, tmp_path, text, want):
    copy_dump(tmp_path, "512m")
    r = run_scenario(text)
    assert r.returncode == 2
    assert r.stderr.splitlines()[0] == want


def test_compare_on_imported_machine(mmsim, tmp_path):
    """The issue's use case: a pool grown under two hvo policies"""
    copy_dump(tmp_path, "2node-2g")
    (tmp_path / "pool.scn").write_text(
        "import d\ncmdline hugetlb_free_vmemmap=on\n"
        "echo 400 > /sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages\n")
    r = mmsim("compare", "pool.scn", "--policy", "hvo=reuse-head,new-head", "--format", "json",
              cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    import json
    runs = json.loads(r.stdout)["runs"]
    a, b = (run["figures"] for run in runs)
    assert [run["status"] for run in runs] == ["ok", "ok"]
    assert a["machine.hugepages"] == b["machine.hugepages"] == 400
    assert a["hvo.head_pages_allocated"] == 0
    assert b["hvo.head_pages_allocated"] == 400
    # 6.1 frees 7 of each page's 8 vmemmap pages, the patch all 8
    assert b["hvo.vmemmap_pages_freed"] - a["hvo.vmemmap_pages_freed"] == 400
