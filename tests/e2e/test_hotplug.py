# SPDX-License-Identifier: GPL-2.0-only
"""Memory blocks and onlining/offlining of boot memory, through the
scenario files of scenarios/hotplug/ and the sysfs files themselves.

boot-memory.scn reads and writes only kernel files: a Debian 6.1 guest
runs it with the same states, valid_zones and write errors (docs/
model-notes.md, memory hotplug).  The others use the simulator's verbs to
put pages where offlining meets them.
"""
import re

import pytest

from conftest import SCENARIOS

HP = SCENARIOS / "hotplug"
MEM = "/sys/devices/system/memory"


def zoneinfo(text):
    """{(node, zone): {field: value}} from /proc/zoneinfo text (the last one printed)."""
    zones, cur = {}, None
    for line in text.splitlines():
        m = re.fullmatch(r"Node (\d+), zone +(\w+)", line)
        if m:
            cur = zones.setdefault((int(m.group(1)), m.group(2)), {})
            cur.clear()
            continue
        m = re.fullmatch(r"\s+(spanned|present|managed|start_pfn:)\s+(\d+)", line)
        if cur is not None and m:
            cur[m.group(1).rstrip(":")] = int(m.group(2))
    return zones


def test_boot_memory(mmsim):
    """The block states and valid zones a 6.1 guest shows, line by line,
    the zone counts after each step, and the kernel's three refusals."""
    r = mmsim.run_file(HP / "boot-memory.scn", "--check")
    assert r.returncode == 0, r.stderr
    sysfs = [line for line in r.stdout.splitlines()
             if not line.startswith(("Node", " ")) and line]
    assert sysfs == [
        "8000000", "offline",            # block_size_bytes, auto_online_blocks
        "none", "DMA32",                 # memory0 and memory3's valid_zones
        "online", "1",
        "offline", "0", "DMA32 Movable",
        "Movable",
        "DMA32 Movable", "DMA32",
        "online", "online",
    ]
    assert r.stderr.splitlines() == [
        f"mmsim: {MEM}/memory0/state: write error: Invalid argument "
        "(the block spans several zones or nodes (valid_zones: none))",
        f"mmsim: {MEM}/memory3/state: write error: Invalid argument "
        "(the block is online already)",
        f"mmsim: {MEM}/memory3/state: write error: Invalid argument "
        "(expected offline, online, online_kernel or online_movable)",
    ]


def test_boot_memory_zone_counts(mmsim):
    """Offline: DMA32 loses 32768 present and managed pages and keeps its
    span; online_movable: ZONE_MOVABLE spans exactly the block; back
    online: DMA32 as at boot."""
    text = mmsim.run_file(HP / "boot-memory.scn").stdout
    parts = text.split("Node 0, zone      DMA\n")
    boot, off, mov, back = (zoneinfo("Node 0, zone      DMA\n" + p) for p in parts[1:5])
    d = "DMA32"
    assert off[(0, d)]["present"] == boot[(0, d)]["present"] - 32768
    assert off[(0, d)]["managed"] == boot[(0, d)]["managed"] - 32768
    assert off[(0, d)]["spanned"] == boot[(0, d)]["spanned"]
    assert mov[(0, "Movable")] == {"spanned": 32768, "present": 32768, "managed": 32768,
                                   "start_pfn": 3 * 32768}
    assert back[(0, d)] == boot[(0, d)]
    assert back[(0, "Movable")]["spanned"] == 0


def test_node_edge_comes_back_as_normal(mmsim):
    """Node 1's first block, offlined, meets no kernel zone of its node:
    its default zone is Normal, below 4 GiB."""
    r = mmsim.run_file(HP / "node-edge.scn", "--check")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    sysfs = [line for line in r.stdout.splitlines()
             if not line.startswith(("Node", " ")) and line]
    assert sysfs == ["DMA32", "DMA32", "Normal Movable", "Normal"]
    z = zoneinfo(r.stdout)
    assert z[(1, "Normal")]["start_pfn"] == 8 * 32768
    assert z[(1, "DMA32")]["start_pfn"] == 9 * 32768


def test_node_edge_busy_with_the_kernels_own_pages(mmsim, tmp_path):
    """Without kernel_alloc=n node 1's slab and stacks live in memory8, and
    offlining it fails with EBUSY, as on a real 6.1 guest (Debian
    6.1.0-57, tools/realkernel/run scenarios/hotplug/node-edge.scn)."""
    text = (HP / "node-edge.scn").read_text().replace(" kernel_alloc=n", "")
    scn = tmp_path / "node-edge.scn"
    scn.write_text(text)
    r = mmsim.run_file(scn)
    assert r.returncode == 1
    err = r.stderr.splitlines()
    assert err[0] == (f"mmsim: {MEM}/memory8/state: write error: Device or resource busy "
                      "(offline_pages: failure to isolate range: unmovable page at pfn 0x40000)")
    assert err[1].endswith("write error: Invalid argument (the block is online already)")


def test_migrate(mmsim):
    """EBUSY for the kernel page, naming it; then the user pages move."""
    r = mmsim.run_file(HP / "migrate.scn", "--check")
    assert r.returncode == 0, r.stderr
    assert r.stderr == (f"mmsim: {MEM}/memory1/state: write error: Device or resource "
                        "busy (offline_pages: failure to isolate range: unmovable page at "
                        "pfn 0xc000)\n")
    assert "scn.migrated 0 -> 15373 (+15373)" in r.stdout


def test_not_modelled_says_so(mmsim):
    """Process pages and hugetlb pages in use: EBUSY with what the model lacks."""
    r = mmsim.run_file(HP / "not-modelled.scn", "--check")
    assert r.returncode == 0, r.stderr
    errors = r.stderr.splitlines()
    assert len(errors) == 2
    assert "(the model cannot migrate mapped pages yet)" in errors[0]
    assert "(the model cannot migrate hugetlb pages yet)" in errors[1]
    assert all(e.startswith(f"mmsim: {MEM}/memory1/state: write error: Device or resource "
                            "busy (offline_pages: pfn 0x") for e in errors)


@pytest.mark.parametrize("name", ["boot-memory.scn", "migrate.scn", "node-edge.scn"])
def test_deterministic(mmsim, name):
    a = mmsim.run_file(HP / name)
    b = mmsim.run_file(HP / name)
    assert a.stdout == b.stdout and a.stderr == b.stderr


def test_bad_input(run_scenario):
    """A block the machine does not have is no file (an input error, exit 2);
    a value the kernel refuses is a write error the run survives."""
    r = run_scenario("machine nodes=1 mem=1G\n"
                     f"echo offline > {MEM}/memory99/state\n")
    assert r.returncode == 2
    assert r.stderr == f"t.scn:2:16: {MEM}/memory99/state: not a file the model provides\n"
    r = run_scenario("machine nodes=1 mem=1G\n"
                     f"cat {MEM}/memory03/state\n")
    assert r.returncode == 2
    r = run_scenario("machine nodes=1 mem=1G\n"
                     f"echo 2 > {MEM}/memory3/online\n"
                     f"echo '' > {MEM}/memory3/state\n"
                     f"echo online_kernel > {MEM}/auto_online_blocks\n"
                     f"echo x > {MEM}/auto_online_blocks\n"
                     f"echo 1 > {MEM}/memory3/valid_zones\n"
                     "echo movable > /sys/module/memory_hotplug/parameters/online_policy\n"
                     f"cat {MEM}/auto_online_blocks\n"
                     "expect scn.write_errors == 5\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "online_kernel\n"
    assert [e.split(": write error: ")[1] for e in r.stderr.splitlines()] == [
        "Invalid argument (kstrtobool takes 1/0, y/n, t/f or on/off)",
        "Invalid argument (expected offline, online, online_kernel or online_movable)",
        "Invalid argument (expected offline, online, online_kernel or online_movable)",
        "Permission denied (read-only file)",
        "Invalid argument (expected contig-zones or auto-movable)",
    ]


def test_counters(run_scenario):
    """hotplug.* counters for expect: blocks by state, operations, failures."""
    r = run_scenario("machine nodes=1 mem=1G\n"
                     f"echo offline > {MEM}/memory2/state\n"
                     f"echo offline > {MEM}/memory7/state\n"
                     "expect hotplug.blocks == 8\n"
                     "expect hotplug.blocks_offline == 1\n"
                     "expect hotplug.offline == 1\n"
                     "expect hotplug.offline_failed == 1\n"
                     "expect hotplug.block_size == 134217728\n")
    assert r.returncode == 0, r.stderr
    # q35's firmware keeps the top of RAM below 2 GiB (e820 reserved): the
    # last block has a hole, and offline_pages refuses it (EINVAL)
    assert ("memory7/state: write error: Invalid argument (offline_pages: memory holes "
            "in the block)") in r.stderr


# ---- hot-add and hot-remove ------------------------------------------------


def test_hot_add(mmsim):
    """The issue's two cases on a probed block: removal refused while it is
    online, the movable pages migrated out by the offline, then removed
    with the vmemmap back at boot's count; an unmovable page keeps the
    block (EBUSY for offline and remove) until it is freed."""
    r = mmsim.run_file(HP / "hot-add.scn", "--check")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "offline\nNormal Movable\nonline\n"
    busy = ("mmsim: memory remove 0x48000000 0x8000000: Device or resource busy "
            "(removing memory fails, because memory [0x48000000-0x4fffffff] is onlined)")
    assert r.stderr.splitlines() == [
        busy,
        f"mmsim: {MEM}/memory9/state: write error: Device or resource busy (offline_pages: "
        "failure to isolate range: unmovable page at pfn 0x48000)",
        busy,
    ]


@pytest.mark.parametrize("policy, pmds, leaked", [("leak", 10, 1), ("unused-0xfd", 9, 0)])
def test_cycle_72_vmemmap_pmds(mmsim, policy, pmds, leaked):
    """Three probe/online_movable/offline/remove rounds with 72-byte struct
    pages: boot has 9 vmemmap PMDs; leak keeps one, never more."""
    r = mmsim("run", HP / "cycle-72.scn", "--check", "--policy", f"vmemmap-subpmd={policy}")
    assert r.returncode == 0, r.stderr
    got = re.findall(r"^vmemmap\.pmds (\d+)$", r.stdout, re.M)
    lost = re.findall(r"^vmemmap\.pmds_leaked (\d+)$", r.stdout, re.M)
    assert got == [str(pmds)] * 3
    assert lost == [str(leaked)] * 3


def test_memmap_on_memory(mmsim):
    r = mmsim.run_file(HP / "memmap-on-memory.scn", "--check")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "Y\nMovable\n"
    assert r.stderr == ""


@pytest.mark.parametrize("name", ["hot-add.scn", "cycle-72.scn", "memmap-on-memory.scn"])
def test_hot_add_deterministic(mmsim, name):
    a = mmsim.run_file(HP / name)
    b = mmsim.run_file(HP / name)
    assert a.stdout == b.stdout and a.stderr == b.stderr


def test_probe_refusals(run_scenario):
    """What the kernel's probe_store and add_memory refuse: write errors the
    run survives; a read of the write-only file is an input error."""
    r = run_scenario("machine nodes=1 mem=1G\n"
                     f"echo 0x48000000 > {MEM}/probe\n"
                     f"echo 0x48000000 > {MEM}/probe\n"
                     f"echo 0x10000000 > {MEM}/probe\n"
                     f"echo 0x48001000 > {MEM}/probe\n"
                     f"echo pear > {MEM}/probe\n"
                     f"echo 0x400000000000 > {MEM}/probe\n"
                     "expect hotplug.added == 1\n"
                     "expect hotplug.add_failed == 3\n"
                     "expect scn.write_errors == 5\n")
    assert r.returncode == 0, r.stderr
    assert [e.split(": write error: ")[1] for e in r.stderr.splitlines()] == [
        "File exists ([0x48000000, 0x50000000) overlaps a System RAM or device resource "
        "(register_memory_resource))",
        "File exists ([0x10000000, 0x18000000) overlaps a System RAM or device resource "
        "(register_memory_resource))",
        "Invalid argument (not aligned to the memory block size)",
        "Invalid argument (kstrtoull)",
        "Argument list too long ([0x400000000000, +0x8000000) is beyond the hotpluggable "
        "range (46 physical address bits))",
    ]
    r = run_scenario(f"machine nodes=1 mem=1G\ncat {MEM}/probe\n")
    assert r.returncode == 2
    assert "not a readable file of the model" in r.stderr


def test_memory_add_refusals(run_scenario):
    """memory add's errors from the kernel: a range that is not whole
    blocks of a 64 GiB machine (2 GiB blocks), memory_hotplug's own
    EEXIST over a driver's sub-sections; the run goes on."""
    r = run_scenario("machine nodes=1 mem=64G holes=none\n"
                     "memory add 0x1080000000 128M\n"
                     "subsection add 0x1100000000 2M\n"
                     "memory add 0x1100000000 2G\n"
                     "expect hotplug.add_failed == 2\n")
    assert r.returncode == 0, r.stderr
    errors = r.stderr.splitlines()
    assert errors[0] == ("mmsim: memory add 0x1080000000 0x8000000: Invalid argument (block size "
                         "[0x80000000] unaligned hotplug range: start 0x1080000000, size 0x8000000)")
    assert errors[1].startswith("mmsim: memory add 0x1100000000 0x80000000: File exists")
