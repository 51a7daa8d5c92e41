# SPDX-License-Identifier: GPL-2.0-only
"""No silent wrong answers: each defect a reliability study found, as a run.

Every test here failed before its fix: a crash, a hang, an abort, or a
wrong number printed with exit 0.  Host memory exhaustion is an outcome
(exit 3 with a message), never an abort.
"""
import json
import os
import subprocess

import pytest

HOST_OOM = 3
OOM_MSG = "mmsim: out of host memory while "

SMALL_HVO = """machine nodes=1 mem=256M cpus=2
cmdline hugetlb_free_vmemmap=on
echo {count} > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
cat /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
"""


def nr_hugepages(stdout):
    return int(stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("count", ["2305843009213693953", "99999999999"])
@pytest.mark.parametrize("policy", ["new-head-6.7", "new-head-6.12"])
def test_batched_pool_grows_to_what_fits(run_scenario, policy, count):
    """6.7+ batching: a count far past memory gives the pool what fits, as
    reuse-head does (the batch array used to be sized by the count: a
    wrapped size and a heap overflow, or an abort)."""
    ref = run_scenario(SMALL_HVO.format(count=count), "--policy", "hvo=reuse-head")
    r = run_scenario(SMALL_HVO.format(count=count), "--policy", f"hvo={policy}")
    assert ref.returncode == 0, ref.stderr
    assert r.returncode == 0, r.stderr
    assert nr_hugepages(r.stdout) > 50
    # The batch allocates every page before it frees any vmemmap, and
    # stops at the first failure, so it may fit a page or two fewer.
    assert abs(nr_hugepages(r.stdout) - nr_hugepages(ref.stdout)) <= 2


def test_compare_with_a_huge_count(mmsim, tmp_path):
    """compare runs the same batch; it used to abort (exit 134)."""
    (tmp_path / "t.scn").write_text(SMALL_HVO.format(count="99999999999"))
    r = mmsim("compare", "t.scn", "--policy", "hvo=reuse-head,new-head-6.7,new-head-6.12",
              cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = mmsim("compare", "t.scn", "--policy", "hvo=reuse-head,new-head-6.7,new-head-6.12",
              "--all", cwd=tmp_path)
    assert "\nmachine: hugepages, all sizes " in r.stdout


@pytest.mark.parametrize("machine", [
    "machine nodes=1 mem=0xfffffffffffff000",
    "machine nodes=2 mem=0x8000000000000000",
    "machine nodes=1 mem=1G\nhole 0x1000 0xfffffffffffff000",
    "machine nodes=1 mem=64T",
])
def test_memory_past_the_physical_limit_is_refused(run_scenario, machine):
    """An end address past 2^46 (or wrapping past 2^64) is bad input;
    the layout loop used to spin forever on the wrapping ones."""
    r = run_scenario(machine + "\ncat /proc/buddyinfo\n")
    assert r.returncode == 2
    assert "above MAX_PHYSMEM_BITS (46)" in r.stderr
    assert r.stderr.startswith("t.scn:")


@pytest.mark.parametrize("expr,col", [
    ("9223372036854775807 + 1 > 0", 30),
    ("4611686018427387904 * 2 > 0", 30),
    ("0 - 9223372036854775807 - 2 < 0", 34),
    ("vmstat.nr_free_pages * 9223372036854775807 > 0", 31),
])
def test_expect_arithmetic_overflow_is_an_error(run_scenario, expr, col):
    """64-bit overflow in an expect is reported at its term, not wrapped."""
    r = run_scenario(f"machine nodes=1 mem=64M kernel=32M kernel_alloc=n\nexpect {expr}\n")
    assert r.returncode == 2
    assert r.stderr == f"t.scn:2:{col}: expect: the value overflows 64-bit arithmetic here\n"


def test_expect_arithmetic_at_the_limits_still_works(run_scenario):
    """The largest and smallest 64-bit values are fine where nothing overflows."""
    r = run_scenario("machine nodes=1 mem=64M kernel=32M kernel_alloc=n\n"
                     "expect 9223372036854775807 - 1 + 1 == 9223372036854775807\n"
                     "expect 0 - 9223372036854775807 - 1 < 0\n")
    assert r.returncode == 0, r.stderr


def test_compare_prints_every_node_of_a_16_node_machine(mmsim, tmp_path):
    """The compare table was a fixed 96 rows: 16 nodes need 98, and the
    last node's rows went missing from text and JSON with exit 0."""
    (tmp_path / "t.scn").write_text("machine nodes=16 mem=256M\ncat /proc/buddyinfo\n")
    r = mmsim("compare", "t.scn", "--policy", "hvo=reuse-head,new-head", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "\nnode 15: head pages " in r.stdout or "node 15: head pages" not in r.stdout
    r = mmsim("compare", "t.scn", "--policy", "hvo=reuse-head,new-head", "--all", cwd=tmp_path)
    assert "\nnode 15: head pages " in r.stdout
    assert "\nnode 15 Normal: free blocks order 10 " in r.stdout
    j = mmsim("compare", "t.scn", "--policy", "hvo=reuse-head,new-head", "--format", "json",
              cwd=tmp_path)
    assert j.returncode == 0, j.stderr
    assert '"node15.hvo.head_pages": 0' in j.stdout
    json.loads(j.stdout)


@pytest.mark.parametrize("text,msg", [
    ("", "t.scn:1:1: empty scenario: no 'machine' line and no step\n"),
    ("# just a comment\n\n", "t.scn:2:1: empty scenario: no 'machine' line and no step\n"),
    ("machine nodes=1 mem=0\n",
     "t.scn:1:1: cannot boot the machine: impossible machine: node 0 has no memory\n"),
    ("machine nodes=1 mem=8M\nseed 3\n",
     "t.scn:1:1: cannot boot the machine: impossible machine: node 0 has 8388608 bytes, "
     "less than 16 MiB\n"),
])
def test_a_scenario_without_steps_still_checks_its_machine(run_scenario, text, msg):
    """A machine line with no step used to exit 0 without booting it."""
    r = run_scenario(text)
    assert r.returncode == 2
    assert r.stderr == msg


def test_a_machine_without_steps_boots(run_scenario):
    r = run_scenario("machine nodes=1 mem=64M kernel=32M kernel_alloc=n\n")
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""


FTRACE_GFP = ["GFP_KERNEL_ACCOUNT", "GFP_NOFS", "GFP_NOIO", "GFP_DMA", "GFP_DMA32",
              "GFP_KERNEL_ACCOUNT|__GFP_ZERO", "GFP_NOWAIT|__GFP_ZEROTAGS"]


def test_trace_accepts_every_gfp_name_ftrace_prints(run_scenario):
    """ftrace prints these composites (mmflags.h); replay rejected them."""
    lines = []
    for i, g in enumerate(FTRACE_GFP):
        pfn = 0x1000 + 8 * i
        lines.append(f" a-1 [000] ..... 1.{i:06d}: mm_page_alloc: page=0x0 pfn={pfn:#x} "
                     f"order=0 migratetype=0 gfp_flags={g}")
    r = run_scenario("machine nodes=1 mem=1G\nreplay t.trace group=t\n"
                     f"expect scn.allocated.t == {len(FTRACE_GFP)}\n",
                     files={"t.trace": "\n".join(lines) + "\n"})
    assert r.returncode == 0, r.stderr


# --- host resources as outcomes -------------------------------------------

INJECT = """machine nodes=1 mem=64M cpus=2 kernel=32M kernel_alloc=n
alloc a order=2 gfp=GFP_KERNEL
fill g order=0 gfp=GFP_HIGHUSER_MOVABLE count=50
free g every=2
cat /proc/buddyinfo
expect vmstat.nr_free_pages > 100
"""

INJECT_SNAP = INJECT + """snapshot s
free a
print diff s buddyinfo
expect s:vmstat.nr_free_pages < 100000
"""


def run_injected(mmsim_bin, cwd, n, name="t.scn"):
    env = dict(os.environ, MMSIM_FAIL_ALLOC=str(n))
    return subprocess.run([str(mmsim_bin), "run", name], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


def check_every_failure_point(mmsim_bin, tmp_path, text, stride=1):
    """Fail host allocation N for every N (or every stride-th) until the
    run no longer reaches N: each run either ends with exit 3 and the
    message, its stdout a prefix of the full run's, or is the full run."""
    (tmp_path / "t.scn").write_text(text)
    ref = run_injected(mmsim_bin, tmp_path, 0)
    assert ref.returncode == 0, ref.stderr
    n = 1
    while True:
        r = run_injected(mmsim_bin, tmp_path, n)
        if r.returncode == 0:
            assert r.stdout == ref.stdout
            break
        assert r.returncode == HOST_OOM, (n, r.returncode, r.stderr)
        assert r.stderr.startswith(OOM_MSG) and "injected failure" in r.stderr, (n, r.stderr)
        assert ref.stdout.startswith(r.stdout), n
        n += stride
        assert n < 5000, "more host allocations than a small scenario should make"
    return n


def test_every_host_allocation_failure_is_an_outcome(mmsim_bin, tmp_path):
    n = check_every_failure_point(mmsim_bin, tmp_path, INJECT)
    assert n > 20            # the loop really went through the run's allocations


def test_host_allocation_failures_with_snapshots(mmsim_bin, tmp_path):
    n = check_every_failure_point(mmsim_bin, tmp_path, INJECT_SNAP, stride=13)
    assert n > 200


def test_bad_fail_alloc_value_is_a_usage_error(mmsim_bin, tmp_path):
    r = run_injected(mmsim_bin, tmp_path, "banana")
    assert r.returncode == 2
    assert "MMSIM_FAIL_ALLOC: bad number 'banana'" in r.stderr


@pytest.mark.skipif(os.environ.get("ASAN_OPTIONS") is not None,
                    reason="ASan reserves address space up front; ulimit -v does not apply")
def test_address_space_limit_is_an_outcome(mmsim_bin):
    """Under ulimit -v the 2 x 64 GiB machine's pool write runs out of host
    memory: exit 3 with the message, the output printed so far kept (it
    used to abort).  The limit sits between what the boot needs (about
    40 MB of address space) and what the whole run needs (about 85 MB
    since struct pages that are all alike are stored as patterns)."""
    scn = os.path.join(os.path.dirname(__file__), "..", "..", "scenarios", "seed000",
                       "hvo-2m.scn")
    r = subprocess.run(["sh", "-c", f'ulimit -v 60000; exec "{mmsim_bin}" run "{scn}"'],
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert r.returncode == HOST_OOM, r.stderr
    assert r.stderr.startswith(OOM_MSG)
    assert r.stdout.startswith("* Before allocation:\n")


def test_host_memory_limit_option(run_scenario):
    r = run_scenario("machine nodes=1 mem=4G\nfill g order=0 gfp=GFP_KERNEL count=900000\n",
                     "--host-mem-limit", "16M")
    assert r.returncode == HOST_OOM
    assert r.stderr.startswith(OOM_MSG)
    assert "over the host memory limit of 16 MiB (--host-mem-limit)" in r.stderr


@pytest.mark.parametrize("arg", ["--host-mem-limit", "--host-mem-limit=12Q"])
def test_host_memory_limit_bad_value(run_scenario, arg):
    r = run_scenario("machine nodes=1 mem=64M kernel=32M kernel_alloc=n\n", arg)
    assert r.returncode == 2
    assert "--host-mem-limit" in r.stderr


def test_unread_snapshots_cost_nothing(run_scenario):
    """100,000 snapshot lines used to grow to 4.95 GB: one nobody reads
    is not stored, so they fit a 64 MiB limit."""
    text = "machine nodes=1 mem=64M kernel=32M kernel_alloc=n\n" + "".join(f"snapshot s{i}\n" for i in range(100000))
    r = run_scenario(text, "--host-mem-limit", "64M")
    assert r.returncode == 0, r.stderr[:500]


def test_read_snapshots_past_the_limit_are_refused(run_scenario):
    """Snapshots that are read later are kept; too many of them end the run
    with exit 3 at the limit, not in the host's OOM killer."""
    n = 2000      # about 16 KiB each: 32 MiB, over a limit the machine alone fits in
    text = ("machine nodes=1 mem=64M kernel=32M kernel_alloc=n\n" + "".join(f"snapshot s{i}\n" for i in range(n)) +
            "".join(f"expect s{i}:vmstat.nr_free_pages > 0\n" for i in range(n)))
    assert run_scenario("machine nodes=1 mem=64M kernel=32M kernel_alloc=n\nsnapshot s\nexpect s:scn.allocs == 0\n",
                        "--host-mem-limit", "8M").returncode == 0
    r = run_scenario(text, "--host-mem-limit", "8M")
    assert r.returncode == HOST_OOM
    assert r.stderr.startswith(OOM_MSG + "taking a snapshot")


def test_a_snapshot_is_dropped_after_its_last_reader(run_scenario):
    """Retaking a name reads the new values; reads of the old take are counted
    apart (each take lives only until its own last reader)."""
    r = run_scenario("machine nodes=1 mem=64M kernel=32M kernel_alloc=n\n"
                     "snapshot s\n"
                     "expect s:scn.allocs == 0\n"
                     "alloc a order=0 gfp=GFP_KERNEL\n"
                     "snapshot s\n"
                     "expect s:scn.allocs == 1\n"
                     "print snapshot s scn.allocs\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "scn.allocs 1\n"
