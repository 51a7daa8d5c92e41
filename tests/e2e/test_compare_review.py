# SPDX-License-Identifier: GPL-2.0-only
"""`mmsim compare` for a patch review: the text fits 80 columns whatever
the number of policies, the JSON has stable snake_case keys with the seed,
version and revision of each run, --at reads the figures at a snapshot,
--figures picks rows, and a family that changed nothing is warned about.

The scenario POOL asks for 64 runtime 2 MiB hugepages with HVO on, on two
nodes, takes a snapshot `peak` with the pool full, then gives the pool
back: at the end every run has 0 hugepages, at `peak` 64.
"""
import json
import re

import pytest

from compare_text import headers, rows, value

HVO_ALL = ("reuse-head,new-head,new-head-v1,new-head-boot,new-head-aligned,"
           "new-head-6.7,new-head-6.12")

POOL = """machine nodes=2 mem=2G
cmdline hugetlb_free_vmemmap=on
echo 64 > /sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages
snapshot peak
drain
snapshot drained
echo 0 > /proc/sys/vm/nr_hugepages
"""

# The same without HVO: every hvo entry does the same thing
NO_HVO = POOL.replace("cmdline hugetlb_free_vmemmap=on\n", "")

KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")


def compare(mmsim, tmp_path, text, *args):
    (tmp_path / "t.scn").write_text(text)
    return mmsim("compare", "t.scn", *args, cwd=tmp_path)


def test_seven_policies_fit_80_columns(mmsim, tmp_path):
    """Seven policies: the columns come in groups, every line fits, every
    run has its column, and each column after run 0 has its difference."""
    r = compare(mmsim, tmp_path, POOL, "--policy", "hvo=" + HVO_ALL, "--at", "peak")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    too_wide = [line for line in lines if len(line) > 80]
    assert too_wide == []
    assert headers(r.stdout) == HVO_ALL.split(",")
    t = rows(r.stdout)
    freed = t["machine: vmemmap pages freed"]
    assert len(freed) == 7
    assert freed[0] == str(7 * 64)                  # reuse-head: 7 of 8 per hugepage
    assert freed[1] == f"{8 * 64} (  14.29%)"       # new-head: all 8, +1/7
    for cell in freed[1:]:
        assert re.fullmatch(r"-?\d+ \(\s*-?\d+\.\d\d%\)", cell), cell
    # the legend names every run
    for i, name in enumerate(HVO_ALL.split(",")):
        assert re.search(rf"^run {i} +{re.escape(name)} +ok", r.stdout, re.M)


def test_json_keys_and_run_identity(mmsim, tmp_path, mmsim_bin):
    r = compare(mmsim, tmp_path, POOL, "--policy", "hvo=reuse-head,new-head", "--format",
                "json", "--at", "peak", "--seed", "5")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["schema"] == "mmsim-compare/2"
    assert data["at"] == {"point": "snapshot", "snapshot": "peak", "line": 4}
    assert data["identical"] is False
    version = mmsim("--version").stdout.split()[1]
    for run in data["runs"]:
        assert run["seed"] == 5
        assert run["mmsim_version"] == version
        # a commit (possibly -dirty) from git, a tarball's REVISION, or unknown
        assert re.fullmatch(r"[0-9a-f]{12}(-dirty)?|unknown", run["git_revision"])
        assert run["figures"].keys() == run["difference"].keys()
        for key, v in run["figures"].items():
            assert KEY.match(key), key
            assert v is None or isinstance(v, int), (key, v)
    reuse = data["runs"][0]["figures"]
    # the keys the docs promise, per machine, node and zone
    for key in ["machine.hugepages", "machine.free_pages", "machine.used_pages_outside_hugetlb",
                "machine.net_saved_pages", "machine.free_blocks.order10",
                "node0.hugepages", "node1.free_pages", "node0.memmap_pages",
                "node0.boot_memmap_pages", "node0.net_saved_pages",
                "node1.normal.free_blocks.order0", "node1.normal.unusable_index.order9",
                "node1.normal.extfrag_index.order9", "node0.dma32.pageblocks.movable",
                "node1.normal.mixed_pageblocks.unmovable", "node1.normal.pageblocks.highatomic",
                "hvo.vmemmap_pages_freed", "node0.hvo.head_pages"]:
        assert key in reuse, key
    # figure_info: a label and a unit for every key
    info = data["figure_info"]
    assert info.keys() == reuse.keys()
    assert info["node1.normal.unusable_index.order9"] == {
        "label": "node 1 Normal: unusable index order 9", "unit": "index_x1000"}
    assert info["node1.normal.free_blocks.order0"]["unit"] == "count"
    # the raw counters add up: per zone free blocks sum to the machine's
    for o in range(11):
        zones = sum(v for k, v in reuse.items()
                    if re.fullmatch(rf"node\d+\.[a-z0-9]+\.free_blocks\.order{o}", k))
        assert zones == reuse[f"machine.free_blocks.order{o}"]
    # the pool is node 0's
    assert reuse["node0.hugepages"] == 64 and reuse["node1.hugepages"] == 0
    # new-head saves one vmemmap page per hugepage, less the new head each
    # takes: nothing net; what it costs or saves is the same number on both sides
    new = data["runs"][1]["figures"]
    assert new["machine.net_saved_pages"] == \
        reuse["machine.used_pages_outside_hugetlb"] - new["machine.used_pages_outside_hugetlb"]


def test_at_reads_the_pool_at_its_peak(mmsim, tmp_path):
    """At the end the pool is given back; --at peak reads it full, and the
    text says which point the figures are from."""
    end = compare(mmsim, tmp_path, POOL, "--policy", "hvo=reuse-head,new-head", "--format",
                  "json")
    peak = compare(mmsim, tmp_path, POOL, "--policy", "hvo=reuse-head,new-head", "--format",
                   "json", "--at", "peak")
    assert end.returncode == peak.returncode == 0, end.stderr + peak.stderr
    assert [r["figures"]["machine.hugepages"] for r in json.loads(end.stdout)["runs"]] == [0, 0]
    assert [r["figures"]["machine.hugepages"] for r in json.loads(peak.stdout)["runs"]] == \
        [64, 64]
    assert json.loads(end.stdout)["at"] == {"point": "end"}

    text = compare(mmsim, tmp_path, POOL, "--policy", "hvo=reuse-head,new-head")
    assert "\nfigures at the end of each run\n" \
           "(the scenario takes snapshots peak, drained: --at NAME reads one)\n" in text.stdout
    text = compare(mmsim, tmp_path, POOL, "--policy", "hvo=reuse-head,new-head", "--at", "peak",
                   "--all")
    assert "\nfigures at snapshot 'peak' (line 4), its last take in each run\n" in text.stdout
    assert value(rows(text.stdout)["machine: hugepages, all sizes"][0]) == "64"


def test_at_a_snapshot_the_scenario_does_not_take(mmsim, tmp_path):
    r = compare(mmsim, tmp_path, POOL, "--policy", "hvo=reuse-head", "--at", "top")
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr == ("mmsim: compare: --at 'top': t.scn takes no snapshot of that name "
                        "(its snapshots: peak, drained)\n")
    r = compare(mmsim, tmp_path, "machine nodes=1 mem=256M\n", "--policy", "hvo=reuse-head",
                "--at", "top")
    assert r.returncode == 2
    assert r.stderr.endswith("takes no snapshot of that name (it takes none)\n")


def test_figures_picks_rows(mmsim, tmp_path):
    """Prefixes of keys or labels; every row they match is printed, even one
    that is the same in every run; JSON keeps only those keys."""
    r = compare(mmsim, tmp_path, POOL, "--policy", "hvo=reuse-head,new-head", "--at", "peak",
                "--figures", "node1.normal.free_blocks.order1,machine: hugepages",
                "--figures=hvo.vmemmap")
    assert r.returncode == 0, r.stderr
    t = rows(r.stdout)
    assert list(t) == ["machine: hugepages, all sizes", "machine: vmemmap pages freed",
                       "machine: vmemmap page-table pages",
                       "node 1 Normal: free blocks order 1", "node 1 Normal: free blocks order 10"]
    assert t["machine: hugepages, all sizes"] == ["64", "64 (   0.00%)"]
    assert "not shown" not in r.stdout
    assert "Memory saved" not in r.stdout           # its rows were not picked
    j = compare(mmsim, tmp_path, POOL, "--policy", "hvo=reuse-head,new-head", "--at", "peak",
                "--figures", "node1.", "--format", "json")
    assert j.returncode == 0, j.stderr
    for run in json.loads(j.stdout)["runs"]:
        assert run["figures"] and all(k.startswith("node1.") for k in run["figures"])


def test_figures_that_match_nothing(mmsim, tmp_path):
    r = compare(mmsim, tmp_path, POOL, "--policy", "hvo=reuse-head", "--figures",
                "machine.hugepages,node7.")
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.startswith("mmsim: compare: --figures 'node7.': no figure's key or label "
                               "starts with it")


def test_identical_figures_are_warned_about(mmsim, tmp_path):
    """Without HVO, 6.1's and 6.2's hvo entries do the same: a warning on
    stderr, and the text says so instead of printing a table of equal
    columns.  (6.7's entry flushes the TLB even then: not identical.)"""
    r = compare(mmsim, tmp_path, NO_HVO, "--policy", "hvo=reuse-head,new-head", "--at", "peak")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ("mmsim: compare: warning: every run produced identical figures at "
                        "snapshot 'peak': hvo=reuse-head,new-head made no "
                        "difference to this scenario\n")
    assert "\nEvery run produced identical figures (" in r.stdout
    assert rows(r.stdout) == {}
    j = compare(mmsim, tmp_path, NO_HVO, "--policy", "hvo=reuse-head,new-head", "--format",
                "json")
    assert json.loads(j.stdout)["identical"] is True
    r = compare(mmsim, tmp_path, NO_HVO, "--policy", "hvo=reuse-head,new-head,new-head-6.7")
    assert r.returncode == 0 and r.stderr == ""
    assert "machine: TLB flushes" in rows(r.stdout)
    # with HVO on they differ: no warning
    r = compare(mmsim, tmp_path, POOL, "--policy", "hvo=reuse-head,new-head", "--at", "peak")
    assert r.returncode == 0 and r.stderr == ""
    assert json.loads(compare(mmsim, tmp_path, POOL, "--policy", "hvo=reuse-head,new-head",
                              "--format", "json", "--at", "peak").stdout)["identical"] is False


@pytest.mark.parametrize("args, message", [
    (["--at", "peak", "--at", "drained"],
     "--at given twice: the figures come from one point of the run"),
    (["--figures"], "--figures needs a value"),
    (["--figures="], "--figures needs a PREFIX"),
])
def test_new_usage_errors(mmsim, tmp_path, args, message):
    r = compare(mmsim, tmp_path, POOL, "--policy", "hvo=reuse-head", *args)
    assert r.returncode == 2
    assert r.stderr.startswith(f"mmsim: compare: {message}\nusage: mmsim compare FILE")


def test_mixed_pageblocks_after_stealing(mmsim, tmp_path):
    """Movable pages fill the zone, every other one is freed, then kernel
    allocations fall back to Movable blocks and claim them (half of each is
    free): the claimed blocks turn Unmovable with the user pages still in
    them, which is what "mixed" counts.  No Movable block holds a kernel
    page: the fallback claimed every block it took from."""
    text = ("machine nodes=1 mem=256M cpus=1\n"
            "fill base order=0 gfp=GFP_HIGHUSER_MOVABLE until=min\n"
            "free base every=2\n"
            "snapshot before\n"
            "fill slab order=0 gfp=GFP_KERNEL count=4096\n"
            "drain\n")
    before, after = (json.loads(compare(mmsim, tmp_path, text, "--policy", "hvo=reuse-head",
                                        "--format", "json", *at).stdout)["runs"][0]["figures"]
                     for at in (["--at", "before"], []))
    assert before["node0.dma32.mixed_pageblocks.unmovable"] == 0
    mixed = after["node0.dma32.mixed_pageblocks.unmovable"]
    claimed = after["node0.dma32.pageblocks.unmovable"] - before["node0.dma32.pageblocks.unmovable"]
    assert 0 < mixed <= after["node0.dma32.pageblocks.unmovable"]
    assert mixed >= claimed - 1
    assert after["node0.dma32.mixed_pageblocks.movable"] == 0
