# SPDX-License-Identifier: GPL-2.0-only
"""End-to-end tests of khugepaged and MADV_COLLAPSE: the scenario in
scenarios/processes, the `khugepaged` verb and its bad input, the sysfs
files' value checks, and MADV_COLLAPSE's results as strace prints them."""
import re

import pytest

from conftest import SCENARIOS

HEAD = "machine nodes=1 mem=1G\ncmdline transparent_hugepage=madvise\n"
KH = "/sys/kernel/mm/transparent_hugepage/khugepaged/"
ANON8M = ("p: a = mmap(NULL, 8M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)\n"
          "p: touch(a, 8M, WRITE)\n")


def smaps_kb(text, field):
    """Sum of one smaps field over every VMA printed, in kB."""
    return sum(int(v) for v in re.findall(r"^%s:\s+(\d+) kB$" % re.escape(field), text, re.M))


def test_anon_scenario(mmsim):
    # The scenario's expect lines hold under the checker; its smaps shows
    # the collapsed THPs (AnonHugePages) with the rss unchanged.
    r = mmsim.run_file("processes/khugepaged-anon.scn", "--check", cwd=SCENARIOS)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    p_smaps = r.stdout.split("vmstat.thp_collapse_alloc 0 -> 3 (+3)")[0]
    assert smaps_kb(p_smaps, "AnonHugePages") == 3 * 2048
    assert smaps_kb(p_smaps, "Anonymous") == 8192
    assert "khugepaged.scan.succeeded 0 -> 3 (+3)" in r.stdout


def test_wakeups_and_sysfs_counters(run_scenario):
    # pages_to_scan 512: one wake-up scans one 2 MiB range (512 pages of
    # progress), so three wake-ups collapse three ranges one at a time.
    r = run_scenario(HEAD + "process p\n" + ANON8M +
                     "p: madvise(a, 8M, MADV_HUGEPAGE) = 0\n"
                     f"echo 512 > {KH}pages_to_scan\n"
                     "khugepaged\nexpect proc.p.AnonHugePages == 2048\n"
                     "khugepaged 2\nexpect proc.p.AnonHugePages == 3 * 2048\n"
                     f"cat {KH}pages_collapsed {KH}full_scans\n"
                     "expect khugepaged.wakeups == 3\n", "--check")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "3\n0\n"


@pytest.mark.parametrize("file,value,err", [
    ("max_ptes_none", "512", "Invalid argument"),
    ("max_ptes_shared", "-1", "Invalid argument"),
    ("pages_to_scan", "0", "Invalid argument"),
    ("pages_to_scan", "4294967296", "Invalid argument"),
    ("defrag", "2", "Invalid argument"),
    ("defrag", "99999999999999999999", "Numerical result out of range"),
    ("scan_sleep_millisecs", "soon", "Invalid argument"),
    ("pages_collapsed", "0", "Permission denied"),
])
def test_sysfs_value_checks(run_scenario, file, value, err):
    r = run_scenario("machine nodes=1 mem=64M kernel=32M kernel_alloc=n\n"
                     f"echo {value} > {KH}{file}\nexpect scn.write_errors == 1\n")
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith(f"mmsim: {KH}{file}: write error: {err}"), r.stderr


def test_madvise_collapse_results(run_scenario):
    # Synchronous, whatever sysfs `enabled` says; a range inside one
    # aligned 2 MiB is EINVAL (the kernel's unsigned count of ranges, end
    # rounded down less start rounded up, is not 0 then), one across a 2 MiB
    # boundary without a whole 2 MiB is 0; MADV_NOHUGEPAGE forbids it.
    r = run_scenario("machine nodes=1 mem=1G\ncmdline transparent_hugepage=never\n"
                     "process p\n" + ANON8M + "strace on\n"
                     "p: madvise(a, 8M, MADV_COLLAPSE) = 0\n"
                     "p: madvise(a+8K, 4K, MADV_COLLAPSE) = -1 EINVAL\n"
                     "p: madvise(a, 8K, MADV_COLLAPSE) = 0\n"
                     "p: madvise(a, 8M, MADV_NOHUGEPAGE) = 0\n"
                     "p: madvise(a, 8M, MADV_COLLAPSE) = -1 EINVAL\n"
                     "strace off\nexpect proc.p.AnonHugePages == 3 * 2048\n"
                     "expect vmstat.thp_collapse_alloc == 3\n", "--check")
    assert r.returncode == 0, r.stderr
    assert ("[pid 100] madvise(0x7ffff7801000, 4096, MADV_COLLAPSE) = -1 EINVAL "
            "(Invalid argument)\n") in r.stdout


def test_tmpfs_collapse_maps_by_pmd_again(run_scenario):
    # Small pages of a huge=within_size file (written while shmem_enabled
    # was deny), mapped by two processes: one wake-up makes one THP of the
    # first 2 MiB and takes both page tables away; the next reads map it by
    # PMD (ShmemPmdMapped), with one page-table page less in each process.
    r = run_scenario("machine nodes=1 mem=1G\nmount -t tmpfs -o huge=within_size none /mnt\n"
                     "truncate -s 2M /mnt/f\n"
                     "echo deny > /sys/kernel/mm/transparent_hugepage/shmem_enabled\n"
                     "process w\nw: fd = open(\"/mnt/f\", O_RDWR)\n"
                     "w: m = mmap(NULL, 2M, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0)\n"
                     "w: touch(m, 1M, WRITE)\nw: exit(0)\n"
                     "echo never > /sys/kernel/mm/transparent_hugepage/shmem_enabled\n"
                     "process p\np: fd = open(\"/mnt/f\", O_RDONLY)\n"
                     "p: m = mmap(NULL, 2M, PROT_READ, MAP_SHARED, fd, 0)\n"
                     "p: touch(m, 1M, READ)\nprocess q\nq: fd = open(\"/mnt/f\", O_RDONLY)\n"
                     "q: m = mmap(NULL, 2M, PROT_READ, MAP_SHARED, fd, 0)\n"
                     "q: touch(m, 1M, READ)\nsnapshot s\n"
                     "expect khugepaged.mm_slots == 2\nkhugepaged\n"
                     "expect vmstat.nr_shmem_hugepages == 1\n"
                     "expect khugepaged.tables_retracted == 2\n"
                     "expect vmstat.nr_page_table_pages == s:vmstat.nr_page_table_pages - 2\n"
                     "expect meminfo.Shmem == 2048\n"
                     "p: touch(m, 2M, READ)\nq: touch(m, 4K, READ)\n"
                     "expect proc.p.ShmemPmdMapped == 2048\n"
                     "expect proc.q.ShmemPmdMapped == 2048\n", "--check")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("line,err", [
    ("khugepaged 0", "t.scn:2:12: khugepaged: at least one wake-up"),
    ("khugepaged x", "t.scn:2:12: expected a number: 'x'"),
    ("khugepaged 10001", "t.scn:2:12: khugepaged: wake-ups 10001 out of range (at most 10000)"),
    ("khugepaged 1 2", "t.scn:2:14: khugepaged: unexpected '2' (usage: khugepaged [N])"),
    ("khugepaged > /x", "t.scn:2:12: khugepaged: unexpected redirection"),
])
def test_bad_khugepaged_verb(run_scenario, line, err):
    r = run_scenario("machine nodes=1 mem=64M kernel=32M kernel_alloc=n\n" + line + "\n")
    assert r.returncode == 2
    assert r.stderr.startswith(err), r.stderr
