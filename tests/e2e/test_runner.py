# SPDX-License-Identifier: GPL-2.0-only
"""The scenario runner through the mmsim program: what a shell user sees.

Output order on a terminal, --quiet, --seed, the runner's own random
generator, errors found while running (exit 2 with file:line:col),
failed expectations (exit 1) and replay paths relative to the scenario.
"""
import subprocess

import pytest

M64 = "machine nodes=1 mem=64M cpus=2 holes=none kernel=0 kernel_alloc=n\n"


def test_diagnostics_come_in_order_with_the_output(mmsim, tmp_path):
    """A refused write is reported between the lines printed before and
    after it: stdout is flushed before each diagnostic, so a terminal (or
    2>&1) shows them in the order they happened."""
    (tmp_path / "t.scn").write_text(M64 + "echo one\n"
                                    "echo 1 > /proc/buddyinfo\n"
                                    "echo two\n"
                                    "expect scn.write_errors == 1\n")
    r = subprocess.run([str(mmsim.binary), "run", "t.scn"], cwd=tmp_path,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       stdin=subprocess.DEVNULL, timeout=60)
    assert r.returncode == 0
    assert r.stdout == ("one\n"
                        "mmsim: /proc/buddyinfo: write error: Input/output error "
                        "(read-only file)\n"
                        "two\n")


def test_quiet_prints_only_diagnostics(run_scenario):
    """--quiet drops the steps' output, not the diagnostics or the verdict."""
    r = run_scenario(M64 + "cat /proc/buddyinfo\n"
                     "echo 1 > /proc/buddyinfo\n"
                     "expect scn.write_errors == 2\n", "--quiet")
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr == ("mmsim: /proc/buddyinfo: write error: Input/output error "
                        "(read-only file)\n"
                        "t.scn:4: expect failed: scn.write_errors == 2 (got 1)\n")


@pytest.mark.parametrize("line,err", [
    ("free g[4]", "t.scn:4:6: group 'g' has no member 4 (it has 4)"),
    ("snapshot s /proc/vmstat /proc/nosuch",
     "t.scn:4:25: snapshot: /proc/nosuch: not a readable file of the model "
     "(`mmsim files` lists them)"),
    ("expect scn.allocated.h == 0", "t.scn:4:8: unknown counter 'scn.allocated.h' "
     "(did you mean 'scn.allocated.g'?)"),
    ("echo 1 > /proc/sys/vm/nosuch", "t.scn:4:10: /proc/sys/vm/nosuch: not a file the "
     "model provides"),
])
def test_errors_found_while_running(run_scenario, line, err):
    """What the parser cannot know (how many members a fill made, which
    files the model shows, which counters exist) is checked when the line
    runs: exit 2 with file:line:col, after the output of the lines before
    it."""
    r = run_scenario(M64 + "fill g order=0 gfp=GFP_KERNEL count=4\n"
                     "echo before\n" + line + "\necho after\n")
    assert r.returncode == 2
    assert r.stdout == "before\n"
    assert r.stderr == err + "\n"


def test_alloc_expect_failures_quote_the_line(run_scenario):
    """alloc ... expect=ok that fails is exit 1, quoting the statement."""
    r = run_scenario(M64 + "fill f order=10 gfp=GFP_KERNEL|__GFP_DMA count=3\n"
                     "alloc a order=10 gfp=GFP_KERNEL|__GFP_DMA expect=ok  # DMA is full\n")
    assert r.returncode == 1
    assert r.stderr == ("t.scn:3: expect failed: alloc a order=10 gfp=GFP_KERNEL|__GFP_DMA "
                        "expect=ok (the allocation failed)\n")


def freed_by_random(run_scenario, head, *args):
    """The members of g that `free g random=50%` frees: freeing one of them
    again is a double free naming the random line."""
    rnd = head.count("\n") + 2
    freed = set()
    for i in range(10):
        r = run_scenario(head + "fill g order=0 gfp=GFP_KERNEL count=10\n"
                         "free g random=50%\n"
                         f"free g[{i}]\n", *args)
        if r.returncode == 2:
            assert r.stderr == (f"t.scn:{rnd + 1}:6: double free of 'g[{i}]' "
                                f"(freed at line {rnd})\n")
            freed.add(i)
        else:
            assert r.returncode == 0, r.stderr
    return freed


def test_random_free_has_its_own_generator(run_scenario):
    """free random= draws from the runner's generator, seeded by the
    scenario seed: 5 of 10 members, the same ones when the machine's own
    randomness is consumed differently (shuffled free lists at boot), and
    other ones under another seed."""
    plain = freed_by_random(run_scenario, M64 + "seed 5\n")
    shuffled = freed_by_random(run_scenario, M64.replace("\n", "\ncmdline "
                                                          "page_alloc.shuffle=1\n", 1)
                               + "seed 5\n")
    other = freed_by_random(run_scenario, M64 + "seed 5\n", "--seed", "6")
    assert len(plain) == 5
    assert shuffled == plain
    assert len(other) == 5 and other != plain


def test_seed_option_overrides_the_scenario_seed(run_scenario):
    """--seed replaces the scenario's seed for the machine too: with
    shuffled free lists the first page handed out moves with the seed, and
    the same seed gives the same page."""
    text = ("machine nodes=1 mem=256M cpus=1\ncmdline page_alloc.shuffle=1\nseed 3\n"
            "alloc a order=0 gfp=GFP_KERNEL\nprint counters scn.pfn.a\n")
    a = run_scenario(text)
    b = run_scenario(text, "--seed", "3")
    c = run_scenario(text, "--seed", "4")
    assert a.returncode == b.returncode == c.returncode == 0
    assert a.stdout == b.stdout
    assert a.stdout != c.stdout
    assert c.stdout.startswith("scn.pfn.a ")


TRACE = ("  bash-1 [001] .....  1.000001: mm_page_alloc: page=0xffffea0000040000 pfn=0x1000 "
         "order=0 migratetype=0 gfp_flags=GFP_KERNEL\n"
         "  bash-1 [001] .....  1.000002: mm_page_free: page=0xffffea0000080000 pfn=0x2000 "
         "order=0\n")


def test_replay_path_is_relative_to_the_scenario(mmsim, tmp_path):
    """replay FILE finds a relative FILE next to the scenario, whatever the
    current directory."""
    d = tmp_path / "work"
    (d / "traces").mkdir(parents=True)
    (d / "traces" / "t.trace").write_text(TRACE)
    (d / "t.scn").write_text(M64 + "replay traces/t.trace group=r\n"
                             "print counters scn.replay_allocs scn.replay_unknown_frees "
                             "scn.allocated.r\n")
    r = mmsim.run_file(d / "t.scn", cwd="/")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("scn.replay_allocs 1\nscn.replay_unknown_frees 1\n"
                        "scn.allocated.r 1\n")
