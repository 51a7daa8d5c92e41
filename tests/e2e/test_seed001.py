# SPDX-License-Identifier: GPL-2.0-only
"""Seed 001 (THP aware uprobe) end to end: the text scenario under every
thp-uprobe policy with --check, the compare figures that tell the
policies apart, and the tracefs files as a shell uses them: definitions,
enable/disable, deletion, and the errors the kernel gives (bad syntax is
an input error at its column; a missing file, a taken name or a busy
event is a write error the run survives)."""
import json

import pytest

from compare_text import rows, value

from conftest import SCENARIOS

SEED = SCENARIOS / "seed001"
POLICIES = ["foll-split", "split-pmd", "split-pmd-collapse", "collapse-6.6"]
EVENTS = "/sys/kernel/tracing/uprobe_events"
HEAD = """machine nodes=1 mem=256M
mount -t tmpfs -o huge=never none /mnt
truncate -s 64K /mnt/prog
process p
p: fd = open("/mnt/prog", O_RDONLY)
p: text = mmap(NULL, 64K, PROT_READ|PROT_EXEC, MAP_PRIVATE, fd, 0)
p: touch(text, 64K, READ)
"""


def enable(name, value=1, group="uprobes"):
    return f"echo {value} > /sys/kernel/tracing/events/{group}/{name}/enable\n"


@pytest.mark.parametrize("policy", POLICIES)
def test_text_scenario_every_policy_checked(mmsim, policy):
    r = mmsim("run", SEED / "uprobe-text.scn", "--check", "--quiet",
              "--policy", f"thp-uprobe={policy}")
    assert r.returncode == 0, r.stderr


def test_compare_tells_the_policies_apart(mmsim):
    r = mmsim("compare", SEED / "uprobe-text.scn", "--policy",
              "thp-uprobe=" + ",".join(POLICIES), "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["family"] == "thp-uprobe"
    runs = {run["policy"]: run for run in data["runs"]}
    assert all(run["status"] == "ok" for run in runs.values())
    fs, sp = runs["foll-split"]["figures"], runs["split-pmd"]["figures"]
    # 5.3: the first THP was split for good; the copies stayed (2 pages x 2 processes);
    # khugepaged made a new THP of its pages, which the copies keep PTE-mapped
    assert fs["thp_uprobe.split_thps"] == 1
    assert fs["thp_uprobe.pte_mapped_thps"] == 1
    assert fs["thp_uprobe.anon_pages"] == 4
    # the series without collapse: the THP is whole, PTE-mapped, the copies gone
    assert sp["thp_uprobe.split_thps"] == 0
    assert sp["thp_uprobe.pte_mapped_thps"] == 1
    assert sp["thp_uprobe.anon_pages"] == 0
    for f in (fs, sp):
        assert f["thp_uprobe.pmd_mapped_thps"] == 1
        assert f["thp_uprobe.page_table_pages"] == 4


def test_compare_khugepaged_figures(mmsim):
    # four khugepaged wake-ups after the last uprobe went: what each policy's
    # khugepaged did, and how many wake-ups it took until the probed text was
    # PMD-mapped again (never for the two without the collapse patches)
    r = mmsim("compare", SEED / "uprobe-text.scn", "--policy",
              "thp-uprobe=" + ",".join(POLICIES), "--format", "json")
    assert r.returncode == 0, r.stderr
    runs = {run["policy"]: run for run in json.loads(r.stdout)["runs"]}
    want = {
        #                     wake-ups full  collapsed made  until
        "foll-split":         (4,       4,    0,        1,    None),
        "split-pmd":          (4,       4,    0,        0,    None),
        "split-pmd-collapse": (4,       4,    0,        0,    0),
        "collapse-6.6":       (4,       4,    16,       0,    0),
    }
    for policy, w in want.items():
        f = runs[policy]["figures"]
        got = (f["thp_uprobe.khugepaged_wake_ups"], f["thp_uprobe.khugepaged_full_scans"],
               f["thp_uprobe.khugepaged_pages_collapsed"], f["thp_uprobe.thps_khugepaged_made"],
               f["thp_uprobe.wake_ups_until_pmd_mapped"])
        assert got == w, (policy, got)
    # never (null) against a number has no difference
    assert runs["split-pmd"]["difference"]["thp_uprobe.wake_ups_until_pmd_mapped"] == 0
    assert runs["split-pmd-collapse"]["difference"]["thp_uprobe.wake_ups_until_pmd_mapped"] \
        is None
    assert runs["collapse-6.6"]["difference"]["thp_uprobe.khugepaged_pages_collapsed"] == 16


def test_compare_text_says_never(mmsim):
    r = mmsim("compare", SEED / "uprobe-text.scn", "--policy",
              "thp-uprobe=split-pmd,split-pmd-collapse")
    assert r.returncode == 0, r.stderr
    t = rows(r.stdout)
    # never against a number: no difference
    assert t["machine: wake-ups until PMD-mapped"] == ["never", "0 (       -)"]
    # the same in both runs: not shown unless asked for
    assert "machine: khugepaged wake-ups" not in t
    assert t["machine: PMD-mapped THPs"] == ["1", "2 ( 100.00%)"]
    r = mmsim("compare", SEED / "uprobe-text.scn", "--policy",
              "thp-uprobe=split-pmd,split-pmd-collapse", "--all")
    assert rows(r.stdout)["machine: khugepaged wake-ups"] == ["4", "4 (   0.00%)"]


def test_define_enable_disable_delete(run_scenario):
    r = run_scenario(HEAD + f"""
echo 'p:a /mnt/prog:0x1234' > {EVENTS}
echo 'r:grp/b /mnt/prog:4096' >> {EVENTS}
echo 'p /mnt/prog:0x2000%return # a comment' >> {EVENTS}
cat {EVENTS}
cat /sys/kernel/tracing/events/uprobes/a/enable
{enable('a')}cat /sys/kernel/tracing/events/uprobes/a/enable
expect proc.p.Anonymous == 4
expect uprobes.uprobes == 1
{enable('b', group='grp')}{enable('p_prog_0x2000')}expect proc.p.Anonymous == 8
expect uprobes.uprobes == 3
{enable('a', 0)}{enable('b', 0, 'grp')}{enable('p_prog_0x2000', 0)}expect proc.p.Anonymous == 0
expect uprobes.uprobes == 0
echo '-:grp/b' >> {EVENTS}
echo '-:a /mnt/prog:0x0000000000001234' >> {EVENTS}
cat {EVENTS}
cat /sys/kernel/tracing/uprobe_profile
""")
    assert r.returncode == 0, r.stderr
    assert r.stdout == (
        "p:uprobes/a /mnt/prog:0x0000000000001234\n"
        "r:grp/b /mnt/prog:0x0000000000001000\n"
        "r:uprobes/p_prog_0x2000 /mnt/prog:0x0000000000002000\n"
        "0\n1\n"
        "r:uprobes/p_prog_0x2000 /mnt/prog:0x0000000000002000\n"
        "  /mnt/prog p_prog_0x2000                                              0\n")


def test_truncating_write_deletes_every_event(run_scenario):
    r = run_scenario(HEAD + f"""
echo 'p:a /mnt/prog:0x10' >> {EVENTS}
echo 'p:b /mnt/prog:0x20' >> {EVENTS}
echo 'p:c /mnt/prog:0x30' > {EVENTS}
cat {EVENTS}
echo > {EVENTS}
cat {EVENTS}
""")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "p:uprobes/c /mnt/prog:0x0000000000000030\n"


@pytest.mark.parametrize("lines,err", [
    # the file must exist (kern_path)
    (f"echo 'p:a /mnt/nope:0x10' >> {EVENTS}\n",
     f"mmsim: {EVENTS}: write error: No such file or directory (no such file)"),
    (f"echo 'p:a /mnt:0x10' >> {EVENTS}\n",
     f"mmsim: {EVENTS}: write error: Invalid argument (not a regular file)"),
    # one probe per name
    (f"echo 'p:a /mnt/prog:0x10' >> {EVENTS}\necho 'p:a /mnt/prog:0x20' >> {EVENTS}\n",
     f"mmsim: {EVENTS}: write error: File exists (an event of that name exists"),
    # an enabled event cannot go, by name or by truncation
    (f"echo 'p:a /mnt/prog:0x10' >> {EVENTS}\n" + enable("a") + f"echo '-:a' >> {EVENTS}\n",
     f"mmsim: {EVENTS}: write error: Device or resource busy (the event is enabled)"),
    (f"echo 'p:a /mnt/prog:0x10' >> {EVENTS}\n" + enable("a") + f"echo > {EVENTS}\n",
     f"mmsim: {EVENTS}: write error: Device or resource busy (an event is enabled)"),
    (f"echo '-:nope' >> {EVENTS}\n",
     f"mmsim: {EVENTS}: write error: No such file or directory (no such event)"),
    # the offset is checked when the uprobe is registered, on enable
    (f"echo 'p:a /mnt/prog:0x20000' >> {EVENTS}\n" + enable("a"),
     "mmsim: /sys/kernel/tracing/events/uprobes/a/enable: write error: Invalid argument "
     "(the offset is beyond the end of the file)"),
])
def test_write_errors_are_outcomes(run_scenario, lines, err):
    r = run_scenario(HEAD + lines + "expect scn.write_errors == 1\n")
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith(err), r.stderr


@pytest.mark.parametrize("line,err", [
    (f"echo 'x:a /mnt/prog:0x10' >> {EVENTS}",
     f"t.scn:8:7: {EVENTS}: expected p, r or - to start the command, got 'x:a'"),
    (f"echo 'p:a' >> {EVENTS}", f"t.scn:8:10: {EVENTS}: missing PATH:OFFSET"),
    (f"echo 'p:a prog:0x10' >> {EVENTS}",
     f"t.scn:8:11: {EVENTS}: expected PATH:OFFSET with a path, got 'prog:0x10'"),
    (f"echo 'p:a /mnt/prog' >> {EVENTS}",
     f"t.scn:8:11: {EVENTS}: expected PATH:OFFSET, got '/mnt/prog'"),
    (f"echo 'p:a /mnt/prog:0x1g' >> {EVENTS}",
     f"t.scn:8:21: {EVENTS}: bad offset '0x1g'"),
    (f"echo 'p:a /mnt/prog:0x10%ret' >> {EVENTS}",
     f"t.scn:8:25: {EVENTS}: unknown suffix '%ret' (only %return)"),
    (f"echo 'p:a /mnt/prog:0x10(0x20)' >> {EVENTS}",
     f"t.scn:8:25: {EVENTS}: reference counters (USDT semaphores) are not modelled"),
    (f"echo 'p:a /mnt/prog:0x10 arg1=%ax' >> {EVENTS}",
     f"t.scn:8:26: {EVENTS}: fetch arguments are not modelled ('arg1=%ax')"),
    (f"echo 'p:9a /mnt/prog:0x10' >> {EVENTS}",
     f"t.scn:8:9: {EVENTS}: bad event name '9a'"),
    (f"echo 'p:/a /mnt/prog:0x10' >> {EVENTS}", f"t.scn:8:9: {EVENTS}: no group name"),
    (f"echo '-a' >> {EVENTS}", f"t.scn:8:7: {EVENTS}: expected -:[GROUP/]EVENT"),
    (f"echo 'p:a /mnt/prog:0x10' >> {EVENTS}\necho 2 > /sys/kernel/tracing/events/uprobes/a/enable",
     "t.scn:9:6: /sys/kernel/tracing/events/uprobes/a/enable: an event's enable takes 0 or 1"),
])
def test_bad_syntax_is_an_input_error(run_scenario, line, err):
    r = run_scenario(HEAD + line + "\n")
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.startswith(err), r.stderr


def test_enable_of_an_undefined_event_is_a_missing_file(run_scenario):
    r = run_scenario(HEAD + enable("nope"))
    assert r.returncode == 2
    assert "not a file the model provides" in r.stderr


def test_events_hold_the_file(run_scenario):
    # rm while an event names the file: the inode lives on (the event's path
    # reference), enabling still works; deleting the event lets it go
    r = run_scenario(HEAD + f"""
echo 'p:a /mnt/prog:0x10' >> {EVENTS}
p: exit(0)
rm /mnt/prog
{enable('a')}{enable('a', 0)}echo '-:a' >> {EVENTS}
drain
expect vmstat.nr_shmem == 0
""")
    assert r.returncode == 0, r.stderr
