# SPDX-License-Identifier: GPL-2.0-only
"""End-to-end tests of hugetlb mappings: the scenarios in scenarios/hugetlb/
(libhugetlbfs's counters.c sequences among them), the /proc views of
hugetlb VMAs, strace output of the new calls and flags, the errnos of 6.1,
and the input errors the parser finds for every new spelling."""
import pathlib
import re
import subprocess
import sys

import pytest

from conftest import REPO, SCENARIOS

HEAD = "machine nodes=1 mem=256M\n"
HUGE = SCENARIOS / "hugetlb"
HUGE_SCENARIOS = sorted(p.name for p in HUGE.glob("*.scn"))


def meminfo(text, field):
    """Every value a meminfo field took in the output, in order."""
    return [int(v) for v in re.findall(r"^%s:\s+(\d+)" % re.escape(field), text, re.M)]


def test_hugetlb_scenarios_exist():
    for name in ("counters-base0.scn", "counters-base3.scn", "fork-cow.scn",
                 "noreserve.scn", "hugetlbfs.scn", "gigantic.scn"):
        assert name in HUGE_SCENARIOS


@pytest.mark.parametrize("name", HUGE_SCENARIOS)
def test_hugetlb_scenario_runs_clean_with_check(mmsim, name):
    # Every expect holds (the counters after each step are 6.1's, as the
    # comments derive them) and the invariant checker, which recomputes
    # resv_huge_pages from the reservations held, finds nothing after any step.
    r = mmsim.run_file(name, "--check", cwd=HUGE)
    assert r.returncode == 0, r.stderr
    if name == "hugetlbfs.scn":
        assert r.stderr == ("mount: /mnt/huge: mount(2) system call failed: Cannot allocate "
                            "memory (the pool cannot reserve min_size=10 huge pages).\n")
    else:
        assert r.stderr == ""


def test_counters_scenarios_are_what_the_generator_writes(tmp_path):
    # The counters scenarios are generated from an emulation of 6.1's rules;
    # a hand edit (or a generator change not rerun) shows here.
    subprocess.run([sys.executable, str(REPO / "tools" / "gen-hugetlb-counters.py"),
                    str(tmp_path)], check=True)
    for base in range(4):
        name = "counters-base%d.scn" % base
        assert (tmp_path / name).read_text() == (HUGE / name).read_text(), name


def test_counters_expectations_have_their_rules():
    # Each group of four expects is preceded by the rules that set it
    text = (HUGE / "counters-base1.scn").read_text()
    groups = re.findall(r"((?:^#.*\n)+)(expect meminfo\.HugePages_Total.*\n"
                        r"expect meminfo\.HugePages_Free.*\n"
                        r"expect meminfo\.HugePages_Rsvd.*\n"
                        r"expect meminfo\.HugePages_Surp.*\n)", text, re.M)
    assert len(groups) == text.count("expect meminfo.HugePages_Total")
    assert len(groups) > 90
    for rules, _ in groups:
        assert re.search(r"(set_max_huge_pages|hugetlb_\w+|gather_surplus_pages|"
                         r"free_huge_page|dequeue_huge_page_vma|return_unused_surplus)", rules)


MAP_PRIV = ("p: a = mmap(NULL, 4M, PROT_READ|PROT_WRITE, "
            "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_2MB, -1, 0)\n")


def test_maps_smaps_status_of_map_hugetlb(run_scenario):
    # A MAP_HUGETLB mapping is a file on the internal hugetlbfs mount,
    # unlinked: "/anon_hugepage (deleted)".  smaps counts its pages in
    # Private_Hugetlb only (not Rss), KernelPageSize is 2048 kB; status
    # shows HugetlbPages (hugetlb_report_usage), not VmRSS.
    r = run_scenario(HEAD + "echo 2 > /proc/sys/vm/nr_hugepages\nprocess p\n" + MAP_PRIV +
                     "p: touch(a, 4M, WRITE)\ncat /proc/p/maps /proc/p/smaps /proc/p/status\n",
                     "--check")
    assert r.returncode == 0, r.stderr
    line = ("7ffff7a00000-7ffff7e00000 rw-p 00000000 00:0f 3"
            + " " * 26 + "/anon_hugepage (deleted)\n")
    assert r.stdout.startswith(line + line)
    assert "KernelPageSize:     2048 kB\nMMUPageSize:        2048 kB\nRss:                   0 kB\n" \
        in r.stdout
    assert "Shared_Hugetlb:        0 kB\nPrivate_Hugetlb:    4096 kB\n" in r.stdout
    assert "VmFlags: rd wr mr mw me de ht sd \n" in r.stdout
    assert "VmRSS:\t       0 kB\n" in r.stdout
    assert "HugetlbPages:\t    4096 kB\n" in r.stdout


def test_shared_hugetlb_between_processes(run_scenario):
    # A page two processes map is Shared_Hugetlb in both (page_mapcount >= 2);
    # the file on a hugetlbfs mount shows its path, the mount's device
    # (00:30, the first mount's minor) and inode (get_next_ino: the
    # internal mounts' roots took 1 and 2, this mount's root 3).
    r = run_scenario(HEAD + "echo 1 > /proc/sys/vm/nr_hugepages\n"
                     "mount -t hugetlbfs -o pagesize=2M none /dev/hugepages\n"
                     "process p\np: fd = open(\"/dev/hugepages/f\", O_RDWR|O_CREAT, 0600)\n"
                     "p: s = mmap(NULL, 2M, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0)\n"
                     "p: touch(s, 2M, WRITE)\np: c = fork()\nc: touch(s, 4K, READ)\n"
                     "cat /proc/c/smaps\nexpect proc.c.Shared_Hugetlb == 2048\n"
                     "expect proc.p.Shared_Hugetlb == 2048\nexpect proc.p.Rss == 0\n"
                     "expect proc.c.HugetlbPages == 2048\n", "--check")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("7ffff7c00000-7ffff7e00000 rw-s 00000000 00:30 4"
                               + " " * 26 + "/dev/hugepages/f\n")
    assert "VmFlags: rd wr sh mr mw me ms de ht sd \n" in r.stdout


def test_strace_of_hugetlb_calls(run_scenario):
    r = run_scenario(HEAD + "echo 4 > /proc/sys/vm/nr_hugepages\n"
                     "mount -t hugetlbfs none /dev/hugepages\nstrace on\nprocess p\n"
                     + MAP_PRIV +
                     "p: fd = open(\"/dev/hugepages/f\", O_RDWR|O_CREAT, 0600)\n"
                     "p: fallocate(fd, 0, 0, 2M)\n"
                     "p: fallocate(fd, FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE, 0, 2M)\n"
                     "p: fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 2M)\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout == (
        "[pid 100] mmap(NULL, 4194304, PROT_READ|PROT_WRITE, "
        "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_2MB, -1, 0) = 0x7ffff7a00000\n"
        "[pid 100] open(\"/dev/hugepages/f\", O_RDWR|O_CREAT, 0600) = 3\n"
        "[pid 100] fallocate(3, 0, 0, 2097152) = 0\n"
        "[pid 100] fallocate(3, FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE, 0, 2097152) = 0\n"
        "[pid 100] fallocate(3, FALLOC_FL_PUNCH_HOLE, 0, 2097152) = -1 EOPNOTSUPP "
        "(Operation not supported)\n")


@pytest.mark.parametrize("call,errno", [
    # prepare_hugepage_range: MAP_FIXED at an address that is not 2 MiB aligned
    ("mmap(0x40001000, 2M, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_FIXED, -1, 0)",
     "EINVAL"),
    # hstate_sizelog: 2^16 is no huge page size
    ("mmap(NULL, 2M, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|0x40000000, -1, 0)",
     "EINVAL"),
    # MAP_HUGETLB with a file that is not on hugetlbfs
    ("mmap(NULL, 2M, PROT_READ, MAP_PRIVATE|MAP_HUGETLB, tfd, 0)", "EINVAL"),
    # hugetlbfs_file_mmap: the file offset must be huge page aligned
    ("mmap(NULL, 2M, PROT_READ, MAP_SHARED, hfd, 4K)", "EINVAL"),
    # more than the pool holds, and no overcommit
    ("mmap(NULL, 4M, PROT_READ, MAP_SHARED|MAP_ANONYMOUS|MAP_HUGETLB, -1, 0)", "ENOMEM"),
    ("fallocate(tfd2, 0, 0, 4K)", "EBADF"),
    ("fallocate(hfd, FALLOC_FL_COLLAPSE_RANGE|FALLOC_FL_KEEP_SIZE, 0, 2M)", "EINVAL"),
    ("fallocate(hfd, FALLOC_FL_KEEP_SIZE, 0, 4M)", "ENOSPC"),
    ("ftruncate(hfd, 1M)", "EINVAL"),
])
def test_hugetlb_errnos(run_scenario, call, errno):
    r = run_scenario(HEAD + "echo 1 > /proc/sys/vm/nr_hugepages\n"
                     "mount -t hugetlbfs none /dev/hugepages\nmount -t tmpfs none /mnt\n"
                     "process p\np: tfd = open(\"/mnt/t\", O_RDWR|O_CREAT, 0600)\n"
                     "p: tfd2 = open(\"/dev/hugepages/ro\", O_RDONLY|O_CREAT, 0600)\n"
                     "p: hfd = open(\"/dev/hugepages/f\", O_RDWR|O_CREAT, 0600)\n"
                     "p: %s = -1 %s\n" % (call, errno), "--check")
    assert r.returncode == 0, r.stderr


def test_sysfs_and_meminfo_agree(run_scenario):
    r = run_scenario(HEAD + "echo 3 > /proc/sys/vm/nr_hugepages\nprocess p\n" + MAP_PRIV +
                     "cat /sys/kernel/mm/hugepages/hugepages-2048kB/resv_hugepages\n"
                     "cat /proc/meminfo\n"
                     "expect hugepages.2048kB.resv_hugepages == meminfo.HugePages_Rsvd\n"
                     "expect hugepages.0.2048kB.free_hugepages == 3\n", "--check")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("2\n")
    assert meminfo(r.stdout, "HugePages_Rsvd") == [2]
    assert meminfo(r.stdout, "Hugetlb") == [6144]


def test_split_huge_pages_leaves_hugetlb_alone(run_scenario):
    # The debugfs split walks every VMA and page cache; hugetlb pages are not
    # THPs and stay whole (the checker would see a split one).
    r = run_scenario(HEAD + "echo 3 > /proc/sys/vm/nr_hugepages\n"
                     "mount -t hugetlbfs none /dev/hugepages\nprocess p\n" + MAP_PRIV +
                     "p: touch(a, 2M, WRITE)\n"
                     "p: fd = open(\"/dev/hugepages/f\", O_RDWR|O_CREAT, 0600)\n"
                     "p: fallocate(fd, 0, 0, 2M) = 0\n"
                     "echo 1 > /sys/kernel/debug/split_huge_pages\n"
                     "echo 100,0x7ffff7a00000,0x7ffff7e00000 > "
                     "/sys/kernel/debug/split_huge_pages\n"
                     "echo /dev/hugepages/f,0x0,0x200 > /sys/kernel/debug/split_huge_pages\n"
                     "expect proc.p.HugetlbPages == 2048\n"
                     "expect meminfo.HugePages_Free == 1\n"
                     "expect meminfo.HugePages_Rsvd == 1\n", "--check")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("line,err", [
    ("mount -t hugetlbfs -o pagesize=4M none /dev/hugepages",
     "t.scn:2:23: mount: hugetlbfs: Unsupported page size 4 MB ('4M': 2M or 1G)"),
    ("mount -t hugetlbfs -o size=8M,bogus=1 none /dev/hugepages",
     "t.scn:2:31: mount: hugetlbfs: Unknown parameter 'bogus'"),
    ("mount -t hugetlbfs -o size=lots none /dev/hugepages",
     "t.scn:2:23: mount: hugetlbfs: Bad value 'lots' for mount option 'size'"),
    ("mount -t hugetlbfs -o min_size=2Q none /dev/hugepages",
     "t.scn:2:23: mount: hugetlbfs: Bad value '2Q' for mount option 'min_size'"),
    ("mount -t hugetlbfs -o nr_inodes=x none /dev/hugepages",
     "t.scn:2:23: mount: hugetlbfs: Bad value 'x' for mount option 'nr_inodes'"),
    ("mount -t hugetlbfs -o mode=999 none /dev/hugepages",
     "t.scn:2:23: mount: hugetlbfs: Bad value '999' for mount option 'mode' (octal)"),
    ("mount -t hugetlbfs -o size none /dev/hugepages",
     "t.scn:2:23: mount: hugetlbfs: Bad value for 'size'"),
    ("mount -t hugetlbfs none", "t.scn:2:1: mount: expected SOURCE and DIR "
     "(mount -t hugetlbfs [-o OPTIONS] none DIR)"),
    ("process p\np: fallocate(3, 0, 0)", "t.scn:3:21: too few arguments: "
     "fallocate(FD, MODE, OFFSET, LEN)"),
    ("process p\np: fallocate(3, FALLOC_FL_BOGUS, 0, 2M)",
     "t.scn:3:17: unknown flag 'FALLOC_FL_BOGUS'"),
    ("process p\np: fallocate(3, 0, 0, 2Q)", "t.scn:3:23: malformed size"),
    ("process p\np: m = mmap(NULL, 2M, PROT_READ, MAP_PRIVATE|MAP_HUGE_3MB, -1, 0)",
     "t.scn:3:46: unknown flag 'MAP_HUGE_3MB'"),
])
def test_bad_hugetlb_input(run_scenario, line, err):
    r = run_scenario(HEAD + line + "\n")
    assert r.returncode == 2
    assert r.stderr.startswith(err), r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("scn,err", [
    # the same directory mounted twice
    ("mount -t hugetlbfs none /dev/hugepages\nmount -t hugetlbfs none /dev/hugepages\n",
     "t.scn:3:25: mount: /dev/hugepages is already a mount point"),
    ("mount -t hugetlbfs none /huge\nmount -t tmpfs none /huge\n",
     "t.scn:3:21: mount: /huge is already a hugetlbfs mount"),
    # shmem_fallocate is not modelled: refused when the call finds a tmpfs file
    ("mount -t tmpfs none /mnt\nprocess p\np: fd = open(\"/mnt/f\", O_RDWR|O_CREAT, 0600)\n"
     "p: fallocate(fd, 0, 0, 4K)\n",
     "t.scn:5:1: fallocate on a tmpfs file is not modelled yet (hugetlbfs files only)"),
])
def test_bad_hugetlb_input_at_run_time(run_scenario, scn, err):
    r = run_scenario(HEAD + scn)
    assert r.returncode == 2
    assert r.stderr.startswith(err), r.stderr
