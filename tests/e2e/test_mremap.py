# SPDX-License-Identifier: GPL-2.0-only
"""End-to-end tests of mremap: the scenario in scenarios/processes, the
strace spelling of the call, what a move does to meminfo and the maps,
the input errors of the call line, and the hugetlb-mremap policy family
as the command line and scenarios pick it."""
import re

import pytest

from conftest import SCENARIOS

HEAD = "machine nodes=1 mem=1G\necho never > /sys/kernel/mm/transparent_hugepage/enabled\n"
MMAP4M = "p: a = mmap(NULL, 4M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)\n"


def meminfo_kb(block, field):
    m = re.search(r"^%s:\s+(\d+) kB$" % re.escape(field), block, re.M)
    assert m, field
    return int(m.group(1))


def test_mremap_scenario(mmsim):
    """The scenario's expect lines hold; its moves print as strace does and
    leave the three VMAs the maps view shows."""
    r = mmsim.run_file("processes/mremap.scn", "--check", cwd=SCENARIOS)
    assert r.returncode == 0, r.stderr
    assert ("[pid 100] mremap(0x7ffff7bff000, 4194304, 8388608, MREMAP_MAYMOVE)"
            " = 0x7ffff73ff000\n") in r.stdout
    assert ("[pid 100] mremap(0x600000000000, 8388608, 8388608, MREMAP_MAYMOVE|MREMAP_FIXED,"
            " 0x600040000000) = 0x600040000000\n") in r.stdout
    assert ("600040000000-600040800000 rw-p 00000000 00:00 0 \n"
            "7ffff7dff000-7ffff7fff000 rw-p 00000000 00:00 0 \n"
            "7ffff7fff000-7ffff8000000 ---p 00000000 00:00 0 \n") in r.stdout


def test_strace_spelling(run_scenario):
    """strace shows NEW_ADDR only with MREMAP_MAYMOVE|MREMAP_FIXED (NULL
    when the line gave none), flags 0 as 0, unknown bits in hex, and the
    result in hex."""
    r = run_scenario(HEAD + "strace on\nprocess p\n" + MMAP4M +
                     "p: mremap(a, 4M, 2M, 0)\n"
                     "p: mremap(a, 1M, 1M, MREMAP_MAYMOVE|MREMAP_DONTUNMAP, 0x500000000000)\n"
                     "p: mremap(a+1M, 4K, 4K, MREMAP_MAYMOVE|MREMAP_FIXED)\n"
                     "p: mremap(a, 4K, 4K, MREMAP_MAYMOVE|8)\n")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()[1:]
    assert lines == [
        "[pid 100] mremap(0x7ffff7bff000, 4194304, 2097152, 0) = 0x7ffff7bff000",
        # the hint is free: the move lands there
        "[pid 100] mremap(0x7ffff7bff000, 1048576, 1048576, MREMAP_MAYMOVE|MREMAP_DONTUNMAP)"
        " = 0x500000000000",
        # new_addr 0 with MREMAP_FIXED: below mmap_min_addr, after the checks that pass
        "[pid 100] mremap(0x7ffff7cff000, 4096, 4096, MREMAP_MAYMOVE|MREMAP_FIXED, NULL)"
        " = -1 EPERM (Operation not permitted)",
        "[pid 100] mremap(0x7ffff7bff000, 4096, 4096, MREMAP_MAYMOVE|0x8)"
        " = -1 EINVAL (Invalid argument)",
    ]


def test_move_keeps_the_pages(run_scenario):
    """A move takes no fault and copies nothing: AnonPages stays, reading
    the moved pages takes no fault, the old range is gone (SIGSEGV kills
    the process), and everything comes back."""
    r = run_scenario(HEAD + "snapshot boot\nprocess p\n" + MMAP4M +
                     "p: touch(a, 4M, WRITE)\ncat /proc/meminfo\nsnapshot s\n"
                     "p: b = mremap(a, 4M, 4M, MREMAP_MAYMOVE|MREMAP_FIXED, 0x600000000000)\n"
                     "p: touch(b, 4M, READ)\n"
                     "expect vmstat.pgfault == s:vmstat.pgfault\n"
                     "expect vmstat.nr_anon_pages == s:vmstat.nr_anon_pages\n"
                     "cat /proc/meminfo\n"
                     "p: touch(a, 4K, READ) = SIGSEGV\ndrain\n"
                     "expect vmstat.nr_free_pages == boot:vmstat.nr_free_pages + boot:node.0.pcp_pages\n",
                     "--check")
    assert r.returncode == 0, r.stderr
    before, after = r.stdout.split("MemTotal:")[1:]
    assert meminfo_kb(before, "AnonPages") == meminfo_kb(after, "AnonPages") == 4096


@pytest.mark.parametrize("line,err", [
    ("p: mremap(a, 4K, 4K)\n", "t.scn:4:20: too few arguments: "
     "mremap(ADDR, OLD_LEN, NEW_LEN, FLAGS[, NEW_ADDR])"),
    ("p: mremap(a, 4K, 4K, 0, 0, 0)\n", "t.scn:4:27: too many arguments: "
     "mremap(ADDR, OLD_LEN, NEW_LEN, FLAGS[, NEW_ADDR])"),
    ("p: mremap(a, 4K, 4K, MREMAP_MAYMOV)\n", "t.scn:4:22: unknown flag 'MREMAP_MAYMOV'"),
    ("p: mremap(a, 4K, 4K, MREMAP_MAYMOVE|MAP_FIXED)\n",
     "t.scn:4:37: unknown flag 'MAP_FIXED'"),
    ("p: mremap(\"a\", 4K, 4K, 0)\n", "t.scn:4:11: a string where a number goes"),
    ("p: mremap(b, 4K, 4K, 0)\n", "t.scn:4:11: unknown name 'b'"),
    ("p: mremap(a, 4K, 4K, 0) = -1 EWHAT\n", "t.scn:4:30: expected an errno name"),
    ("p: mremp(a, 4K, 4K, 0)\n", "t.scn:4:4: unknown system call 'mremp' (mmap, munmap, "
     "mremap, "),
])
def test_bad_mremap_lines_are_input_errors(run_scenario, line, err):
    r = run_scenario("machine nodes=1 mem=1G\nprocess p\n" + MMAP4M + line)
    assert r.returncode == 2
    assert r.stderr.startswith(err), r.stderr
    assert r.stdout == ""


def test_wrong_result_fails_the_run(run_scenario):
    r = run_scenario("machine nodes=1 mem=1G\nprocess p\n" + MMAP4M +
                     "p: mremap(a, 4M, 4M, MREMAP_FIXED, 0x600000000000) = 0x600000000000\n")
    assert r.returncode == 1
    assert r.stderr == ("t.scn:4: expect failed: p: mremap(a, 4M, 4M, MREMAP_FIXED, "
                        "0x600000000000) = 0x600000000000 (got -1 EINVAL)\n")


def test_hugetlb_mremap_family(mmsim, run_scenario, tmp_path):
    """The family is listed, picked by --policy or a policy line, refused
    with its entries named when the entry is unknown, and compare runs it
    (an anonymous VMA takes no hugetlb branch: the same result under each
    entry)."""
    r = mmsim("policies")
    assert r.returncode == 0
    fam = r.stdout.split("hugetlb-mremap:", 1)
    assert len(fam) == 2
    entries = [line.split()[0] for line in fam[1].splitlines()[1:5]]
    assert entries == ["reject", "move-v1", "move-noclear", "move"]
    assert "move " in fam[1] and fam[1].splitlines()[4].endswith("(default)")

    # nothing above the mapping (no stack in the model): it grows in place
    text = "machine nodes=1 mem=1G\nprocess p\n" + MMAP4M + \
        "p: mremap(a, 4M, 8M, MREMAP_MAYMOVE) = 0x7ffff7bff000\n"
    for pick in ("reject", "move-v1", "move-noclear", "move"):
        r = run_scenario(text, "--policy", "hugetlb-mremap=" + pick, "--check")
        assert r.returncode == 0, r.stderr
    r = run_scenario("policy hugetlb-mremap=reject\n" + text, "--check")
    assert r.returncode == 0, r.stderr
    r = run_scenario("policy hugetlb-mremap=move-v2\n" + text)
    assert r.returncode == 2
    assert r.stderr.startswith("t.scn:1:23: unknown policy 'move-v2' in family "
                               "'hugetlb-mremap': did you mean 'move-v1'? (known: reject "
                               "move-v1 move-noclear move)"), r.stderr

    (tmp_path / "c.scn").write_text(text)
    r = mmsim("compare", "c.scn", "--policy", "hugetlb-mremap=reject,move-v1,move",
              cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("mmsim compare c.scn, hugetlb-mremap=reject,move-v1,move\n")
