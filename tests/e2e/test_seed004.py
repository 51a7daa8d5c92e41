# SPDX-License-Identifier: GPL-2.0-only
"""Seed 004 (x86/vmemmap: handle unpopulated sub-PMD ranges) end to end:
device memory mapped and unmapped in sub-sections with 72-byte struct
pages, under each vmemmap-subpmd policy, with the invariant checker on,
and `mmsim compare` across the family.

Under leak (5.11) every cycle leaves the vmemmap PMD its section's memmap
filled in part; under unused-0xfd (5.12 to 6.1) the unused part is marked
0xFD and the PMD goes with the range, so the count comes back to where it
started.
"""
import json

import pytest

from compare_text import rows, value

from conftest import SCENARIOS

SEED = SCENARIOS / "seed004"
FAMILY = "vmemmap-subpmd=unused-0xfd,leak"


@pytest.mark.parametrize("policy", ["unused-0xfd", "leak"])
def test_subsections_expect_lines_hold(mmsim, policy):
    r = mmsim("run", SEED / "subsections.scn", "--check", "--quiet",
              "--policy", "vmemmap-subpmd=" + policy)
    assert r.returncode == 0, r.stderr


def test_counters_printed(mmsim):
    r = mmsim("run", SEED / "subsections.scn", "--policy", "vmemmap-subpmd=leak")
    assert r.returncode == 0, r.stderr
    counters = dict(line.split() for line in r.stdout.splitlines())
    assert counters["vmemmap.pmds_leaked"] == "4"
    # the removals marked the used parts 0xFD: 0.5 + 1.5 + 0.5 + 1.5 MiB
    assert counters["vmemmap.bytes_marked"] == str(4 << 20)
    assert counters["vmemmap.pmds_freed"] == "0"


def test_compare_prints_both(mmsim):
    r = mmsim("compare", SEED / "subsections.scn", "--policy", FAMILY, "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["family"] == "vmemmap-subpmd"
    runs = data["runs"]
    assert [run["policy"] for run in runs] == ["unused-0xfd", "leak"]
    fig = {name: [run["figures"][name] for run in runs] for name in runs[0]["figures"]}
    assert fig["vmemmap_subpmd.vmemmap_pmds_leaked"] == [0, 4]
    assert fig["vmemmap_subpmd.vmemmap_pmds_freed"] == [4, 0]
    assert fig["vmemmap_subpmd.vmemmap_pmds_mapped"][1] == \
        fig["vmemmap_subpmd.vmemmap_pmds_mapped"][0] + 4
    assert fig["vmemmap_subpmd.vmemmap_pages_mapped"][1] == \
        fig["vmemmap_subpmd.vmemmap_pages_mapped"][0] + 4 * 512
    assert fig["node0.memmap_pages"] == [0, 2048]


def test_compare_text(mmsim):
    r = mmsim("compare", SEED / "subsections.scn", "--policy", FAMILY)
    assert r.returncode == 0, r.stderr
    t = rows(r.stdout)
    assert [value(c) for c in t["machine: vmemmap PMDs leaked"]] == ["0", "4"]
    assert [value(c) for c in t["machine: vmemmap PMDs freed"]] == ["4", "0"]


def test_sixty_four_byte_pages_fill_their_pmds(mmsim, tmp_path):
    """With 64-byte struct pages a section's memmap is one whole PMD: both
    policies free everything."""
    scn = tmp_path / "t.scn"
    scn.write_text((SEED / "subsections.scn").read_text()
                   .replace("struct_page_size=72", "struct_page_size=64")
                   .replace("vmemmap.pmds == start:vmemmap.pmds + 4",
                            "vmemmap.pmds == start:vmemmap.pmds")
                   .replace("vmemmap.pmds_leaked == 4", "vmemmap.pmds_leaked == 0")
                   .replace("start:node.0.nr_memmap_pages + 2048",
                            "start:node.0.nr_memmap_pages"))
    for policy in ("unused-0xfd", "leak"):
        r = mmsim("run", scn, "--check", "--quiet", "--policy", "vmemmap-subpmd=" + policy)
        assert r.returncode == 0, r.stderr


def test_subsections_in_a_boot_section_reuse_its_memmap(mmsim, tmp_path):
    """Sub-sections of a section the machine booted with, in the part of
    it boot had no memory for: section_activate reuses the memmap boot
    populated (no new PMD), and removing them frees nothing."""
    scn = tmp_path / "t.scn"
    scn.write_text("machine nodes=1 mem=250M holes=none\n"
                   "subsection add 0xfa00000 6M\n"
                   "expect sparse.device_subsections == 3\n"
                   "expect vmemmap.pmds_populated == 2\n"
                   "subsection remove 0xfa00000 6M\n"
                   "expect sparse.device_subsections == 0\n")
    r = mmsim("run", scn, "--check", "--quiet")
    assert r.returncode == 0, r.stderr
