# SPDX-License-Identifier: GPL-2.0-only
"""The mmsim command line: help, version, usage errors and exit codes."""
import os
import re
import subprocess

import pytest

USAGE = ("usage: mmsim run FILE [--seed N] [--check|--no-check] [--policy FAMILY=NAME]... "
         "[--quiet]\n                 [--progress]")

OK_SCENARIO = """machine nodes=1 mem=256M
alloc a order=0 gfp=GFP_KERNEL
echo done
expect scn.live_allocs == 1
"""


def test_help(mmsim):
    r = mmsim("--help")
    assert r.returncode == 0
    assert r.stdout.startswith(USAGE + "\n")
    assert "--check" in r.stdout and "Exit status" in r.stdout
    assert r.stderr == ""


def test_version(mmsim):
    r = mmsim("--version")
    assert r.returncode == 0
    assert re.fullmatch(r"mmsim \d+\.\d+\.\d+\n", r.stdout)


def test_no_command_is_a_usage_error(mmsim):
    r = mmsim()
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.startswith("mmsim: missing command\n" + USAGE)


def test_unknown_command(mmsim):
    r = mmsim("frobnicate")
    assert r.returncode == 2
    assert r.stderr.startswith("mmsim: unknown command 'frobnicate'\n" + USAGE)
    r = mmsim("comapre")
    assert r.returncode == 2
    assert r.stderr.startswith("mmsim: unknown command 'comapre': did you mean 'compare'?\n")


@pytest.mark.parametrize("line, want", [
    # each typo of a name the model has, with the name suggested
    ("allocc a order=0 gfp=GFP_KERNEL", "t.scn:2:1: unknown verb 'allocc': did you mean "
     "'alloc'? (verbs: machine "),
    ("cat /proc/buddyinf", "t.scn:2:5: cat: /proc/buddyinf: not a readable file of the "
     "model (did you mean '/proc/buddyinfo'?)\n"),
    ("cat /proc/nothing/like/it", "t.scn:2:5: cat: /proc/nothing/like/it: not a readable "
     "file of the model (`mmsim files` lists them)\n"),
    ("expect vmstat.pgfre == 0", "t.scn:2:8: unknown counter 'vmstat.pgfre' (did you mean "
     "'vmstat.pgfree'?)\n"),
    ("expect scn.live_page == 0", "t.scn:2:8: unknown counter 'scn.live_page' (did you mean "
     "'scn.live_pages'?)\n"),
    ("expect vmstat.zzzzzzzz == 0", "t.scn:2:8: unknown counter 'vmstat.zzzzzzzz'\n"),
    ("policy hvo=reuse-hed", "t.scn:2:12: unknown policy 'reuse-hed' in family 'hvo': did "
     "you mean 'reuse-head'? (known: reuse-head "),
    ("policy hov=reuse-head", "t.scn:2:8: unknown policy family 'hov': did you mean 'hvo'?"),
])
def test_did_you_mean(run_scenario, line, want):
    r = run_scenario("machine nodes=1 mem=512M\n" + line + "\n")
    assert r.returncode == 2
    assert r.stderr.startswith(want), r.stderr


def test_run_needs_a_file(mmsim):
    r = mmsim("run")
    assert r.returncode == 2
    assert r.stderr.startswith("mmsim: run: missing scenario FILE\n" + USAGE)


def test_run_missing_file(mmsim, tmp_path):
    r = mmsim("run", "nope.scn", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == "nope.scn: cannot open: No such file or directory\n"


def test_unknown_option(mmsim, tmp_path):
    r = mmsim("run", "x.scn", "--bogus", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("mmsim: unknown option '--bogus'\n" + USAGE)


def test_two_files(mmsim, tmp_path):
    r = mmsim("run", "a.scn", "b.scn", cwd=tmp_path)
    assert r.returncode == 2
    assert "mmsim: unexpected argument 'b.scn'" in r.stderr


def test_bad_seed(mmsim, tmp_path):
    r = mmsim("run", "a.scn", "--seed", "12x", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("mmsim: --seed: bad number '12x'\n")
    r = mmsim("run", "a.scn", "--seed", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("mmsim: --seed needs a value\n")


def test_unknown_policy_family(mmsim, tmp_path):
    r = mmsim("run", "a.scn", "--policy", "thp=reuse-head", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("mmsim: --policy: unknown policy family 'thp' (`mmsim policies` lists them)\n" + USAGE)
    r = mmsim("run", "a.scn", "--policy=hvo", cwd=tmp_path)
    assert r.returncode == 2
    assert "expected FAMILY=NAME" in r.stderr


def test_compare_usage_errors(mmsim, tmp_path):
    (tmp_path / "a.scn").write_text("machine nodes=1 mem=256M\n")
    r = mmsim("compare", "a.scn", cwd=tmp_path)
    assert r.returncode == 2
    assert "missing --policy" in r.stderr
    r = mmsim("compare", "a.scn", "--policy", "hvo=reuse-head,nope", cwd=tmp_path)
    assert r.returncode == 2
    assert "unknown hvo policy 'nope'" in r.stderr
    r = mmsim("compare", "a.scn", "--policy", "hvo=reuse-head", "--format", "xml", cwd=tmp_path)
    assert r.returncode == 2
    assert "--format takes text or json" in r.stderr
    r = mmsim("compare", "missing.scn", "--policy", "hvo=reuse-head", cwd=tmp_path)
    assert r.returncode == 2


def test_help_spellings(mmsim):
    """-h and help print exactly what --help prints."""
    want = mmsim("--help").stdout
    for arg in ("-h", "help"):
        r = mmsim(arg)
        assert r.returncode == 0
        assert r.stdout == want


def test_policies_lists_families(mmsim):
    """One line per family, then its entries indented, the default marked."""
    r = mmsim("policies")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    heads = [i for i, line in enumerate(lines) if not line.startswith("  ")]
    assert [lines[i].split(":")[0] for i in heads] == ["hvo", "hugetlb-mremap", "thp-uprobe",
                                                       "vmemmap-subpmd", "pagewalk-lock"]
    assert lines[0] == "hvo: HugeTLB vmemmap optimisation: what happens to the head vmemmap page"
    families = {}
    for line in lines:
        if not line.startswith("  "):
            name = line.split(":")[0]
            families[name] = []
        else:
            families[name].append(line)
    assert list(families) == ["hvo", "hugetlb-mremap", "thp-uprobe", "vmemmap-subpmd", "pagewalk-lock"]
    entries = families["hvo"]
    assert [line.split()[0] for line in entries][:2] == ["reuse-head", "new-head"]
    assert [line for line in entries if line.endswith(" (default)")] == [
        "  reuse-head           Linux 6.1: keep the head vmemmap page, free 7 of 8 (default)"]
    assert [line.split()[0] for line in families["thp-uprobe"]
            if line.endswith(" (default)")] == ["split-pmd-collapse"]
    assert [line.split()[0] for line in families["hugetlb-mremap"]] == ["reject", "move-v1", "move-noclear", "move"]
    assert [line.split()[0] for line in families["pagewalk-lock"]] == ["6.1", "6.8", "6.17"]
    assert families["pagewalk-lock"][0].endswith(" (default)")
    # an entry that brings another family's entry says so, and only it
    assert [line.split()[0] for line in lines if "(implies " in line] == ["new-head-6.12"]
    assert [line for line in entries if line.split()[0] == "new-head-6.12"][0].endswith(
        " (implies pagewalk-lock=6.17 unless picked)")
    r = mmsim("policies", "hvo")
    assert r.returncode == 2
    assert r.stderr.startswith("mmsim: policies: unexpected argument 'hvo'\n" + USAGE)


def test_verbs_lists_what_the_parser_knows(mmsim, run_scenario, unknown_verb):
    """`mmsim verbs` prints the parser's verbs, one per line, expect among
    them: a line starting with any of them is parsed as that verb (whatever
    else it says), and a word that is not one is an unknown verb."""
    r = mmsim("verbs")
    assert r.returncode == 0 and r.stderr == ""
    verbs = r.stdout.splitlines()
    assert verbs[0] == "machine" and "expect" in verbs and "print" in verbs
    assert len(set(verbs)) == len(verbs)
    assert all(re.fullmatch(r"[a-z]+", v) for v in verbs)
    for v in verbs:
        r = run_scenario(f"machine nodes=1 mem=64M kernel=32M kernel_alloc=n\n{v}\n")
        assert "unknown verb" not in r.stderr, (v, r.stderr)
    r = run_scenario("machine nodes=1 mem=64M kernel=32M kernel_alloc=n\nverbs\n")
    assert r.returncode == 2 and r.stderr == unknown_verb("t.scn:2:1", "verbs")
    r = mmsim("verbs", "all")
    assert r.returncode == 2
    assert r.stderr.startswith("mmsim: verbs: unexpected argument 'all'\n" + USAGE)


FILE_LINE = re.compile(r"(/[^ ]+) (r|w|rw) ([a-z_]+)")


def test_files_lists_every_kernel_file(mmsim):
    """One line per file: pattern, mode, module; in table order."""
    r = mmsim("files")
    assert r.returncode == 0
    assert r.stderr == ""
    lines = r.stdout.splitlines()
    assert all(FILE_LINE.fullmatch(line) for line in lines), lines
    assert len(set(line.split()[0] for line in lines)) == len(lines)
    want = [
        "/proc/buddyinfo r vmstat",
        "/sys/kernel/debug/extfrag/extfrag_index r vmstat",
        "/proc/sys/vm/compact_memory w vmstat",
        "/proc/sys/vm/min_free_kbytes rw vmstat",
        "/sys/kernel/mm/hugepages/hugepages-<kB>kB/nr_hugepages rw hugetlb",
        "/sys/kernel/mm/hugepages/hugepages-<kB>kB/resv_hugepages r hugetlb",
        "/sys/devices/system/node/node<nid>/hugepages/hugepages-<kB>kB/nr_hugepages rw hugetlb",
        "/sys/devices/system/node/node<nid>/hugepages/hugepages-<kB>kB/free_hugepages r hugetlb",
        "/proc/sys/vm/hugetlb_optimize_vmemmap rw hugetlb",
    ]
    assert [line for line in lines if line in want] == want
    r = mmsim("files", "--all")
    assert r.returncode == 2
    assert r.stderr.startswith("mmsim: files: unexpected argument '--all'\n" + USAGE)
    assert "       mmsim files\n" in r.stderr


def test_files_are_the_files_scenarios_reach(mmsim, run_scenario):
    """Every listed file of the machine (process files need a process), on
    node 1 with 2 MiB pages: readable ones can be cat, write-only ones
    written, read-only ones refuse a write as the kernel does (and the run
    goes on)."""
    listing = mmsim("files").stdout.splitlines()
    text = ["machine nodes=2 mem=512M", "boot"]
    refused = []
    for line in listing:
        pattern, mode, _ = line.split()
        if "<pid>" in pattern or "<name>" in pattern:
            continue
        path = pattern.replace("<nid>", "1").replace("<kB>", "2048").replace("<block>", "1")
        if "r" in mode:
            text.append(f"cat {path}")
        if mode == "w" and path.endswith("/memory/probe"):
            text.append(f"echo 0x48000000 > {path}")   # a block above the machine's memory
        elif mode == "w":
            text.append(f"echo 1 > {path}")
        if mode == "r":
            text.append(f"echo 1 > {path}")
            refused.append(path)
    text.append(f"expect scn.write_errors == {len(refused)}")
    r = run_scenario("\n".join(text) + "\n")
    assert r.returncode == 0, r.stderr
    errors = r.stderr.splitlines()
    assert len(errors) == len(refused)
    for path, err in zip(refused, errors):
        errno = ("Invalid argument" if path.startswith("/sys/kernel/debug/") else
                 "Permission denied" if path.startswith("/sys/") else "Input/output error")
        assert err == f"mmsim: {path}: write error: {errno} (read-only file)"
    # a missing node is no file at all: an input error
    r = run_scenario("machine nodes=2 mem=512M\nboot\n"
                     "cat /sys/devices/system/node/node2/hugepages/hugepages-2048kB/nr_hugepages\n")
    assert r.returncode == 2
    assert "not a readable file of the model" in r.stderr


def test_run_option_forms(mmsim, tmp_path):
    """--check, --no-check and -q are options, not files; --seedx is none."""
    (tmp_path / "t.scn").write_text(OK_SCENARIO)
    for extra in (["--no-check"], ["--check"], []):
        r = mmsim("run", "t.scn", *extra, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert r.stdout == "done\n"
    r = mmsim("run", "-q", "t.scn", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""
    r = mmsim("run", "t.scn", "--seedx=3", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("mmsim: unknown option '--seedx=3'\n" + USAGE)
    r = mmsim("run", "t.scn", "--policy", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("mmsim: --policy needs a value\n" + USAGE)


# 4 runtime 2 MiB hugepages with HVO: 6.1's reuse-head frees 7 vmemmap
# pages of each 8 (28), new-head frees all 8 (32)
HVO4 = """machine nodes=1 mem=1G
cmdline hugetlb_free_vmemmap=on
echo 4 > /proc/sys/vm/nr_hugepages
print counters hvo.vmemmap_pages_freed
"""


def test_policy_picks(run_scenario):
    """The last --policy of a family wins, and --policy wins over the
    scenario's own policy line."""
    r = run_scenario(HVO4, "--policy", "hvo=new-head")
    assert r.stdout == "hvo.vmemmap_pages_freed 32\n"
    r = run_scenario(HVO4, "--policy", "hvo=new-head", "--policy=hvo=reuse-head")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "hvo.vmemmap_pages_freed 28\n"
    picked = HVO4.replace("cmdline", "policy hvo=new-head\ncmdline")
    r = run_scenario(picked)
    assert r.stdout == "hvo.vmemmap_pages_freed 32\n"
    r = run_scenario(picked, "--policy", "hvo=reuse-head")
    assert r.stdout == "hvo.vmemmap_pages_freed 28\n"


def test_fail_alloc_environment(mmsim_bin, tmp_path):
    """MMSIM_FAIL_ALLOC empty means unset; a bad number is a usage error."""
    (tmp_path / "t.scn").write_text(OK_SCENARIO)

    def run(value):
        env = dict(os.environ, MMSIM_FAIL_ALLOC=value)
        return subprocess.run([str(mmsim_bin), "run", "t.scn"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
    r = run("")
    assert r.returncode == 0 and r.stdout == "done\n"
    r = run("12x")
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.startswith("mmsim: MMSIM_FAIL_ALLOC: bad number '12x'\n" + USAGE)


def test_run_a_binary_file(mmsim, tmp_path):
    (tmp_path / "x.scn").write_bytes(b"machine nodes=1 mem=1G\n\0\0\0\n")
    r = mmsim("run", "x.scn", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr == "x.scn: binary file (NUL bytes), not a scenario\n"


def test_run_a_directory(mmsim, tmp_path):
    (tmp_path / "d.scn").mkdir()
    r = mmsim("run", "d.scn", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == "d.scn: read error: Is a directory\n"


def test_exit_0_and_output_on_stdout(run_scenario):
    r = run_scenario(OK_SCENARIO, "--check")
    assert r.returncode == 0
    assert r.stdout == "done\n"
    assert r.stderr == ""


def test_quiet_suppresses_step_output(run_scenario):
    r = run_scenario(OK_SCENARIO, "--quiet")
    assert r.returncode == 0
    assert r.stdout == ""


def test_exit_1_on_failed_expect(run_scenario):
    r = run_scenario(OK_SCENARIO + "expect scn.live_allocs == 2\necho never\n")
    assert r.returncode == 1
    assert r.stdout == "done\n"
    assert r.stderr == "t.scn:5: expect failed: scn.live_allocs == 2 (got 1)\n"


def test_exit_2_on_bad_input_runs_nothing(run_scenario, unknown_verb):
    # the whole file is parsed first: the echo on line 2 never prints
    r = run_scenario("machine nodes=1 mem=256M\necho hello\nfoo\n")
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr == unknown_verb("t.scn:3:1", "foo")


def test_options_before_the_file(mmsim, tmp_path):
    (tmp_path / "t.scn").write_text("machine nodes=1 mem=256M\nprint counters scn.live\n")
    r = mmsim("run", "--check", "--seed=7", "--quiet", "t.scn", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""
    r = mmsim("run", "--seed", "7", "t.scn", cwd=tmp_path)
    assert r.returncode == 0
    assert r.stdout == "scn.live_allocs 0\nscn.live_pages 0\n"


@pytest.mark.parametrize("cmd", ["run", "compare", "explore", "report"])
def test_help_lists_every_flag_of_each_command(mmsim, cmd):
    """Each flag a command's own usage names is explained in mmsim --help"""
    usage = mmsim(cmd).stderr
    usage = usage[usage.index("usage:"):]
    # the command's own lines: from "mmsim CMD" to the next command's
    own = re.findall(rf"mmsim {cmd} (?:.*\n(?!\s*mmsim ))*.*", usage)
    flags = set(re.findall(r"--[a-z][a-z-]*", "\n".join(own)))
    assert flags, usage
    help_text = mmsim("--help").stdout
    explained = set(re.findall(r"^  (--[a-z][a-z-]*)", help_text, re.M))
    assert flags - {"--help"} <= explained | {"--no-check"}, flags - explained
