"""End-to-end tests of simulated processes: system calls as C spells
them, strace-style output, faults, fork/COW, tmpfs files, and the input
errors the parser finds before the machine boots."""
import re

import pytest

HEAD = "machine nodes=1 mem=1G\n"
MMAP4M = ("p: a = mmap(NULL, 4M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)\n")


def meminfo_kb(text, field):
    """The last value of a meminfo field in the output, in kB."""
    vals = re.findall(r"^%s:\s+(\d+) kB$" % re.escape(field), text, re.M)
    assert vals, field
    return int(vals[-1])


def test_strace_prints_calls_as_strace_does(run_scenario):
    # The first mmap of N bytes lands at mmap_base - N, mmap_base being
    # 0x7ffff7fff000 without randomisation.
    r = run_scenario(HEAD + "strace on\nprocess p\n" + MMAP4M +
                     "p: munmap(a+1, 4096)\np: q = fork()\nq: exit(3)\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout == (
        "[pid 100] mmap(NULL, 4194304, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)"
        " = 0x7ffff7bff000\n"
        "[pid 100] munmap(0x7ffff7bff001, 4096) = -1 EINVAL (Invalid argument)\n"
        "[pid 100] fork() = 101\n"
        "[pid 101] exit_group(3) = ?\n"
        "[pid 101] +++ exited with 3 +++\n")


def test_fork_cow_and_exit_give_everything_back(run_scenario):
    # 1024 pages written by the parent; the child rewrites 512 of them
    # (COW copies); MADV_DONTNEED of 256 shared ones leaves them with the
    # child.  After both exit, memory is back to what it was before (a
    # drain first: boot leaves the pages it freed last on the per-cpu lists).
    r = run_scenario(HEAD + "drain\ncat /proc/meminfo\nprocess p\n" + MMAP4M +
                     "p: touch(a, 4M, WRITE)\np: c = fork()\nc: touch(a, 2M, WRITE)\n"
                     "p: madvise(a+2M, 1M, MADV_DONTNEED) = 0\ncat /proc/meminfo\n"
                     "c: exit(0)\np: exit(0)\ndrain\ncat /proc/meminfo\n", "--check")
    assert r.returncode == 0, r.stderr
    blocks = r.stdout.split("MemTotal:")
    boot, mid, end = blocks[1], blocks[2], blocks[3]
    assert meminfo_kb("MemTotal:" + mid, "AnonPages") == 4 * (1024 + 512)
    assert meminfo_kb("MemTotal:" + mid, "PageTables") > 0
    assert meminfo_kb("MemTotal:" + end, "MemFree") == meminfo_kb("MemTotal:" + boot, "MemFree")
    assert "AnonPages:             0 kB" in end
    assert "PageTables:            0 kB" in end


def test_signals_are_outcomes(run_scenario):
    # A store to a read-only mapping is SIGSEGV (SEGV_ACCERR); a load past
    # the end of a tmpfs file is SIGBUS.  Both kill the process only.
    r = run_scenario(HEAD + "strace on\nprocess p\n" + MMAP4M +
                     "p: mprotect(a, 4M, PROT_READ) = 0\np: touch(a, 4K, WRITE) = SIGSEGV\n"
                     "mount -t tmpfs none /mnt\nprocess f\n"
                     "f: fd = open(\"/mnt/x\", O_RDWR|O_CREAT, 0644) = 3\n"
                     "f: ftruncate(fd, 4K) = 0\n"
                     "f: m = mmap(NULL, 8K, PROT_READ, MAP_SHARED, fd, 0)\n"
                     "f: touch(m, 4K, READ)\nf: touch(m+4K, 4K, READ) = SIGBUS\n", "--check")
    assert r.returncode == 0, r.stderr
    assert ("[pid 100] --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_ACCERR, "
            "si_addr=0x7ffff7bff000} ---\n[pid 100] +++ killed by SIGSEGV +++\n") in r.stdout
    assert "+++ killed by SIGBUS +++" in r.stdout
    assert "open(\"/mnt/x\", O_RDWR|O_CREAT, 0644) = 3" in r.stdout


def test_shared_file_pages_stay_in_the_page_cache(run_scenario):
    # Pages written through a shared mapping belong to the file: they stay
    # (Shmem, Cached) after the process exits, and go with rm.
    r = run_scenario(HEAD + "mount -t tmpfs -o size=16M none /mnt\ntruncate -s 1M /mnt/f\n"
                     "process p\np: fd = open(\"/mnt/f\", O_RDWR)\n"
                     "p: m = mmap(NULL, 1M, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0)\n"
                     "p: touch(m, 1M, WRITE)\ncat /proc/meminfo\np: exit(0)\n"
                     "cat /proc/meminfo\nrm /mnt/f\ncat /proc/meminfo\n", "--check")
    assert r.returncode == 0, r.stderr
    mapped, exited, removed = r.stdout.split("MemTotal:")[1:]
    assert meminfo_kb("MemTotal:" + mapped, "Mapped") == 1024
    assert meminfo_kb("MemTotal:" + mapped, "Shmem") == 1024
    assert meminfo_kb("MemTotal:" + exited, "Mapped") == 0
    assert meminfo_kb("MemTotal:" + exited, "Shmem") == 1024
    assert meminfo_kb("MemTotal:" + removed, "Shmem") == 0


def test_wrong_result_fails_the_run(run_scenario):
    r = run_scenario(HEAD + "process p\n" + MMAP4M + "p: munmap(a, 0) = 0\n")
    assert r.returncode == 1
    assert r.stderr == "t.scn:4: expect failed: p: munmap(a, 0) = 0 (got -1 EINVAL)\n"


@pytest.mark.parametrize("line,err", [
    ("p: a = mmap(NULL, 4M, PROT_READ, MAP_PRIVATE|MAP_ANONYMUS, -1, 0)\n",
     "t.scn:3:46: unknown flag 'MAP_ANONYMUS'"),
    ("p: a = mmapp(NULL, 4M, PROT_READ, MAP_PRIVATE, -1, 0)\n",
     "t.scn:3:8: unknown system call 'mmapp'"),
    ("p: munmap(b, 4096)\n", "t.scn:3:11: unknown name 'b'"),
    ("q: exit(0)\n", "t.scn:3:1: unknown process 'q'"),
    ("p: exit(0)\np: exit(0)\n", "t.scn:4:1: process 'p' exited at line 3"),
    ("p: fork()\n", "t.scn:3:4: fork needs a name for the child"),
    ("p: madvise(0, 4096, MADV_FREE)\n", "t.scn:3:21: MADV_FREE is not modelled yet"),
    ("p: munmap(0, 4096\n", "t.scn:3:18: expected ',' or ')'"),
    ("p: a = mmap(\"x\", 4K, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)\n",
     "t.scn:3:13: a string where a number goes"),
    ("p: fd = open(foo, O_RDONLY)\n", "t.scn:3:14: open: the path is a \"string\""),
    ("p: a = mmap(NULL, 4K, PROT_READ, 0xffffffffffffffffff, -1, 0)\n",
     "t.scn:3:34: unknown flag '0xffffffffffffffffff'"),
    ("process p\n", "t.scn:3:9: process 'p' already exists (made at line 2)"),
])
def test_bad_calls_are_input_errors(run_scenario, line, err):
    r = run_scenario(HEAD + "process p\n" + line)
    assert r.returncode == 2
    assert r.stderr.startswith(err), r.stderr
    assert r.stdout == ""


def test_read_fault_maps_the_cached_pages_around_it(run_scenario):
    # A writer fills a 1 MiB tmpfs file through a shared mapping; a reader's
    # first load maps the 16 cached pages of the aligned 64 KiB around it
    # (fault-around), in one fault.  The writer dirtied them (PageDirty).
    r = run_scenario(HEAD + "mount -t tmpfs none /mnt\ntruncate -s 1M /mnt/f\n"
                     "process w\nw: fd = open(\"/mnt/f\", O_RDWR)\n"
                     "w: m = mmap(NULL, 1M, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0)\n"
                     "w: touch(m, 1M, WRITE)\nsnapshot s\n"
                     "process r\nr: fd = open(\"/mnt/f\", O_RDONLY)\n"
                     "r: m = mmap(NULL, 1M, PROT_READ, MAP_SHARED, fd, 0)\n"
                     "r: touch(m+72K, 4K, READ)\n"
                     "expect vmstat.pgfault == s:vmstat.pgfault + 1\n"
                     "expect proc.r.RssShmem == 64\n"
                     "expect proc.r.Shared_Dirty == 64\n", "--check")
    assert r.returncode == 0, r.stderr


def test_outcome_counters(run_scenario):
    r = run_scenario(HEAD + "process p\n" + MMAP4M +
                     "p: munmap(a+1, 4K)\np: mprotect(a, 4K, PROT_READ)\n"
                     "p: touch(a, 4K, WRITE)\n"
                     "expect scn.syscall_errors == 1\nexpect scn.killed_sigsegv == 1\n"
                     "expect scn.killed_sigbus == 0\n")
    assert r.returncode == 0, r.stderr


def test_low_pfns_are_not_the_huge_zero_page(run_scenario):
    # Regression: with no huge zero page allocated, the checker took every
    # pfn below 511 for part of it (PFN_NONE arithmetic) and broke runs
    # that fill a small machine.
    r = run_scenario("machine nodes=1 mem=256M\nprocess q\n"
                     "q: b = mmap(NULL, 200M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)\n"
                     "q: touch(b, 200M, WRITE)\n", "--check")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("scn", [
    # mprotect to the flags a range already has touches no entry
    # (mprotect_fixup returns early): the THP stays writable, no new fault
    "p: a = mmap(0x7f0000000000, 2M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0)\n"
    "p: touch(a, 2M, WRITE)\nsnapshot s\np: mprotect(a, 2M, PROT_READ|PROT_WRITE) = 0\n"
    "p: touch(a, 4K, WRITE)\nexpect vmstat.pgfault == s:vmstat.pgfault\n",
    # pte_modify keeps the accessed bit: a child's old PTEs stay old
    "echo never > /sys/kernel/mm/transparent_hugepage/enabled\n"
    "p: a = mmap(NULL, 64K, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)\n"
    "p: touch(a, 64K, WRITE)\np: c = fork()\nexpect proc.c.Referenced == 0\n"
    "c: mprotect(a, 64K, PROT_READ) = 0\nexpect proc.c.Referenced == 0\n",
])
def test_mprotect_changes_only_what_it_should(run_scenario, scn):
    r = run_scenario(HEAD + "process p\n" + scn, "--check")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("line,err", [
    ("p: madvise(0, 4096, 8)\n", "t.scn:3:21: MADV_FREE is not modelled yet"),
    ("p: madvise(0, 4096, MADV_COLD)\n", "t.scn:3:21: MADV_COLD is not modelled yet"),
    ("p: a = mmap(NULL, 4096, PROT_READ, 98, -1, 0)\n",
     "t.scn:3:36: MAP_32BIT is not modelled yet"),
    ("p: a = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED, -1, 0)\n",
     "t.scn:3:36: MAP_LOCKED is not modelled yet"),
])
def test_unmodelled_flags_are_refused_by_value(run_scenario, line, err):
    # Regression: a number slipped past the refusals the names got, and
    # the call returned 0 having done nothing.
    r = run_scenario(HEAD + "process p\n" + line)
    assert r.returncode == 2
    assert r.stderr.startswith(err), r.stderr


def test_prot_none_is_a_name(run_scenario):
    r = run_scenario(HEAD + "strace on\nprocess p\n"
                     "p: a = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)\n"
                     "p: touch(a, 4K, READ) = SIGSEGV\n")
    assert r.returncode == 0, r.stderr
    assert "mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)" in r.stdout


TMPFS_HUGE = ("mount -t tmpfs -o huge=always none /mnt\ntruncate -s {size} /mnt/f\n"
              "process p\np: fd = open(\"/mnt/f\", O_RDWR)\n"
              "p: m = mmap(NULL, 2M, PROT_READ|PROT_WRITE, {kind}, fd, 0) = 0x7ffff7c00000\n")


@pytest.mark.parametrize("scn", [
    # fault-around maps nothing at or past EOF (next_uptodate_page), so a
    # read past the end of a 1 MiB file is SIGBUS even with its THP cached
    TMPFS_HUGE.format(size="1M", kind="MAP_SHARED") +
    "p: touch(m, 4K, READ)\nexpect proc.p.ShmemPmdMapped == 2048\n"
    "p: madvise(m, 2M, MADV_DONTNEED) = 0\np: touch(m+1M, 4K, READ) = SIGBUS\n",
    # a shared write mapping a THP by PMD dirties it (fault_dirty_shared_page)
    TMPFS_HUGE.format(size="2M", kind="MAP_SHARED") +
    "p: touch(m, 4K, WRITE)\nprocess q\nq: fd = open(\"/mnt/f\", O_RDONLY)\n"
    "q: n = mmap(NULL, 64K, PROT_READ, MAP_SHARED, fd, 0)\nq: touch(n, 4K, READ)\n"
    "expect proc.q.Shared_Dirty == 64\n",
    # a write to a read-only file PMD in a private mapping: the PMD goes and
    # the COW happens in the same fault
    TMPFS_HUGE.format(size="2M", kind="MAP_PRIVATE") +
    "p: touch(m, 4K, READ)\nexpect vmstat.thp_file_mapped == 1\nsnapshot r\n"
    "p: touch(m, 4K, WRITE)\nexpect vmstat.pgfault == r:vmstat.pgfault + 1\n"
    "expect proc.p.RssAnon == 4\n",
])
def test_tmpfs_thp_faults(run_scenario, scn):
    r = run_scenario(HEAD + scn, "--check")
    assert r.returncode == 0, r.stderr


def test_truncate_and_open_as_the_kernel_does(run_scenario):
    # ftruncate checks the length before the descriptor; O_TRUNC truncates
    # even a read-only open (root); a size that is a negative off_t fails.
    r = run_scenario(HEAD + "mount -t tmpfs none /mnt\ntruncate -s 1M /mnt/f\n"
                     "truncate -s 9223372036854775808 /mnt/f\n"
                     "process p\np: ftruncate(9, -1) = -1 EINVAL\n"
                     "p: fd = open(\"/mnt/f\", O_RDONLY|O_TRUNC) = 3\n"
                     "p: m = mmap(NULL, 4K, PROT_READ, MAP_SHARED, fd, 0)\n"
                     "p: touch(m, 4K, READ) = SIGBUS\n")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ("truncate: failed to truncate '/mnt/f' at 9223372036854775808 "
                        "bytes: Invalid argument\n")


def test_thp_faults_stay_on_the_local_node(run_scenario):
    # vma_alloc_folio(hugepage=true): the local node only unless the mask
    # may reclaim directly; with node 0 out of order-9 blocks the fault
    # falls back to 4 KiB instead of taking a THP from node 1.
    r = run_scenario("machine nodes=2 mem=1G cpus=2\n"
                     "fill g order=9 gfp=GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_THISNODE|"
                     "__GFP_NORETRY node=0 until=fail\ncpu 0\nprocess p\n"
                     "p: a = mmap(0x7f0000000000, 2M, PROT_READ|PROT_WRITE, "
                     "MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0)\n"
                     "p: touch(a, 4K, WRITE)\nexpect vmstat.thp_fault_alloc == 0\n"
                     "expect vmstat.thp_fault_fallback == 1\n", "--check")
    assert r.returncode == 0, r.stderr


def test_splitting_a_file_thp_unmaps_it_everywhere(run_scenario):
    # A mapping at file offset 4K holds 511 pages of the first THP and one
    # of the second by PTE.  Truncating to 1M splits the first THP, and
    # unmap_folio removes every mapping of it (and the rest goes with the
    # truncation), however the VMA lines up with the folio.
    r = run_scenario(HEAD + "mount -t tmpfs -o huge=always none /mnt\ntruncate -s 4M /mnt/f\n"
                     "process p\np: fd = open(\"/mnt/f\", O_RDWR)\n"
                     "p: m = mmap(NULL, 2M, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 4K)\n"
                     "p: touch(m, 2M, WRITE)\nexpect vmstat.nr_shmem_hugepages == 2\n"
                     "p: ftruncate(fd, 1M) = 0\nexpect vmstat.thp_split_page == 1\n"
                     "expect proc.p.RssShmem == 0\nexpect vmstat.nr_mapped == 0\n", "--check")
    assert r.returncode == 0, r.stderr


SPLIT_SCENARIOS = ['machine nodes=1 mem=1G\nprocess p\np: a = mmap(0x7f0000000000, 2M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0)\np: touch(a, 2M, WRITE)\nexpect vmstat.thp_fault_alloc == 1\np: madvise(a, 4K, MADV_DONTNEED) = 0\nexpect vmstat.thp_split_pmd == 1\necho 1 > /sys/kernel/debug/split_huge_pages\nexpect vmstat.thp_split_page == 1\n', 'machine nodes=1 mem=1G\nmount -t tmpfs -o huge=always none /mnt\ntruncate -s 2M /mnt/f\nprocess p\np: fd = open("/mnt/f", O_RDWR)\np: m = mmap(NULL, 2M, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0)\np: touch(m, 4K, WRITE)\np: munmap(m, 2M) = 0\nexpect vmstat.nr_shmem_hugepages == 1\necho 1 > /sys/kernel/debug/split_huge_pages\nexpect vmstat.thp_split_page == 1\n', 'machine nodes=1 mem=1G\nprocess p\np: a = mmap(0x7f0000000000, 2M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0)\np: touch(a, 2M, WRITE)\nexpect vmstat.thp_fault_alloc == 1\np: madvise(a, 4K, MADV_DONTNEED) = 0\nexpect vmstat.thp_split_pmd == 1\necho 100,0x7f0000000000,0x7f0000200000 > /sys/kernel/debug/split_huge_pages\nexpect vmstat.thp_split_page == 1\n', 'machine nodes=1 mem=1G\nprocess p\np: a = mmap(0x7f0000000000, 4K, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0)\np: b = mmap(0x7f0000400000, 2M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0)\np: touch(b, 2M, WRITE)\necho 100,0x7f0000000000,0x7f0000600000 > /sys/kernel/debug/split_huge_pages\nexpect vmstat.thp_split_page == 0\n']


@pytest.mark.parametrize("scn", SPLIT_SCENARIOS)
def test_debugfs_split_huge_pages(run_scenario, scn):
    # split_huge_pages as 6.1's debugfs file: "1" splits every THP on an
    # LRU (unmapped tmpfs THPs too), PTE-mapped THPs are found page by
    # page, and the PID form stops at the first hole.
    r = run_scenario(scn, "--check")
    assert r.returncode == 0, r.stderr


SHMEM_PLACEMENT = ['machine nodes=1 mem=1G\nmount -t tmpfs -o huge=always none /mnt\ntruncate -s 4M /mnt/f\nprocess p\np: fd = open("/mnt/f", O_RDWR)\np: m = mmap(0x7f0000001000, 2M, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0) = 0x7f0000001000\n', 'machine nodes=1 mem=1G\nmount -t tmpfs -o huge=always none /mnt\ntruncate -s 4M /mnt/f\nprocess p\np: a = mmap(NULL, 6M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff79ff000\np: munmap(0x7ffff7c00000, 2M) = 0\np: fd = open("/mnt/f", O_RDWR)\np: m = mmap(NULL, 2M, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0) = 0x7ffff7c00000\n']


@pytest.mark.parametrize("scn", SHMEM_PLACEMENT)
def test_shmem_placement_as_shmem_get_unmapped_area(run_scenario, scn):
    # A free hint is taken as it is, and a plain top-down answer that
    # already lines up with the THPs is kept (an exactly 2 MiB hole).
    r = run_scenario(scn, "--check")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("line,err", [
    ("mount -t ext4 none /mnt",
     "t.scn:2:1: mount: only '-t tmpfs' and '-t hugetlbfs' are modelled"),
    ("mount -t tmpfs none mnt", "t.scn:2:21: mount: 'mnt' is not an absolute path"),
    ("mount -t tmpfs -o huge=sometimes none /mnt",
     "t.scn:2:39: mount: tmpfs: bad value 'sometimes' for huge="),
    ("truncate 4M /mnt/f", "t.scn:2:19: truncate: missing arguments"),
    ("truncate -s 4Q /mnt/f", "t.scn:2:13: malformed size"),
    ("rm", "t.scn:2:3: rm: missing arguments"),
    ("strace maybe", "t.scn:2:8: strace: expected 'on' or 'off', got 'maybe'"),
    ("process 9p", "t.scn:2:9: bad process name '9p'"),
    ("process", "t.scn:2:8: process: missing arguments"),
])
def test_bad_process_verbs(run_scenario, line, err):
    r = run_scenario("machine nodes=1 mem=64M kernel=32M kernel_alloc=n\n" + line + "\n")
    assert r.returncode == 2
    assert r.stderr.startswith(err), r.stderr


def test_thp_starts_off_below_512m(run_scenario):
    # 6.1's hugepage_init: with less than 512 MiB of RAM (totalram_pages, so
    # a 512M machine too) transparent_hugepage_flags = 0, even over the
    # boot parameter: enabled and defrag never, no huge zero page, and
    # khugepaged never raises min_free_kbytes (a real 512 MiB guest: DMA32
    # min 653 pages).  Writing `enabled` turns THP on and raises it then.
    r = run_scenario(
        "machine nodes=1 mem=512M\n"
        "cmdline transparent_hugepage=always\n"
        "cat /sys/kernel/mm/transparent_hugepage/enabled\n"
        "cat /sys/kernel/mm/transparent_hugepage/defrag\n"
        "cat /sys/kernel/mm/transparent_hugepage/use_zero_page\n"
        "expect zoneinfo.0.DMA32.min < 700\n"
        "process p\n"
        "p: a = mmap(NULL, 4M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)\n"
        "p: touch(a, 4M, WRITE)\n"
        "expect proc.p.AnonHugePages == 0\n"
        "echo always > /sys/kernel/mm/transparent_hugepage/enabled\n"
        "expect zoneinfo.0.DMA32.min > 3000\n"
        "p: b = mmap(NULL, 4M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)\n"
        "p: touch(b, 4M, WRITE)\n"
        "expect proc.p.AnonHugePages >= 2048\n", "--check")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("always madvise [never]\n"
                        "always defer defer+madvise madvise [never]\n"
                        "0\n")
    # 1 GiB: THP as configured
    r = run_scenario("machine nodes=1 mem=1G\n"
                     "cat /sys/kernel/mm/transparent_hugepage/enabled\n"
                     "expect zoneinfo.0.DMA32.min > 3000\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "[always] madvise never\n"
