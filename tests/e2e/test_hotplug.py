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


def test_migrate(mmsim):
    """EBUSY for the kernel page, naming it; then the user pages move."""
    r = mmsim.run_file(HP / "migrate.scn", "--check")
    assert r.returncode == 0, r.stderr
    assert r.stderr == (f"mmsim: {MEM}/memory1/state: write error: Device or resource "
                        "busy (offline_pages: failure to isolate range: unmovable page at "
                        "pfn 0x9400)\n")
    assert "scn.migrated 0 -> 5069 (+5069)" in r.stdout


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
                     "expect hotplug.blocks == 9\n"
                     "expect hotplug.blocks_offline == 1\n"
                     "expect hotplug.offline == 1\n"
                     "expect hotplug.offline_failed == 1\n"
                     "expect hotplug.block_size == 134217728\n")
    assert r.returncode == 0, r.stderr
    assert "memory7/state: write error: Device or resource busy" in r.stderr
