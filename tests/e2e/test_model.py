# SPDX-License-Identifier: GPL-2.0-only
"""The model's kernel rules seen end to end: a scenario's command line and
file writes reach the model through the parser and come back as the
kernel's numbers.

hugepages=0 is a count: in 6.1's hugepages_setup it blocks a second
hugepages= for the same size (last_mhp), but a leading hugepages=0 leaves
default_hstate_max_huge_pages at 0 and hugetlb_init applies that number
only when it is non-zero, so it does not override the 2 MiB size's own
count.  The model used to let the leading 0 win (a pool of 0 pages).
"""

SYS_2M = "/sys/kernel/mm/hugepages/hugepages-2048kB"


def test_leading_hugepages_zero_overrides_nothing(run_scenario):
    r = run_scenario(f"""machine nodes=1 mem=1G
cmdline hugepages=0 hugepagesz=2M hugepages=2
cat {SYS_2M}/nr_hugepages /proc/sys/vm/nr_hugepages
expect hugepages.2048kB.nr_hugepages == 2
expect hugepages.0.2048kB.free_hugepages == 2
""")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "2\n2\n"
    assert r.stderr == ""


def test_pool_files_write_errors_and_mempolicy(run_scenario):
    """A value kstrtoul refuses is a write error the run survives, reported
    as docs/scenario-language.md says every refused write is ("mmsim: FILE:
    write error: REASON"; the shell's echo fails, the pool is unchanged);
    nr_hugepages_mempolicy under
    the default policy resizes the whole pool; the 1 GiB pool has no
    overcommit (-EINVAL)."""
    r = run_scenario(f"""machine nodes=2 mem=1G
echo 4 > {SYS_2M}/nr_hugepages
echo abc > {SYS_2M}/nr_hugepages
echo 6 > /proc/sys/vm/nr_hugepages_mempolicy
echo 1 > /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_overcommit_hugepages
cat {SYS_2M}/nr_hugepages /sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages
expect scn.write_errors == 2
expect hugepages.2048kB.nr_hugepages == 6
expect hugepages.1048576kB.nr_overcommit_hugepages == 0
""")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "6\n3\n"
    assert r.stderr.splitlines() == [
        f"mmsim: {SYS_2M}/nr_hugepages: write error: Invalid argument ('abc': kstrtoul "
        "takes a decimal number)",
        "mmsim: /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_overcommit_hugepages: "
        "write error: Invalid argument (no overcommit for gigantic pages)",
    ]
