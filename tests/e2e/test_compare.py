# SPDX-License-Identifier: GPL-2.0-only
"""`mmsim compare`: its option forms, the table with one policy, JSON
escaping, --seed, runs that fail, and every usage error with its message,
including the rules for several --policy options (one per family: a grid;
the grid itself is unit-tested in tests/unit/test_compare.c with two fake
families, the registry having only hvo).

The scenario HVO4 asks for 4 runtime 2 MiB hugepages with HVO on: 6.1's
reuse-head frees 7 of each page's 8 vmemmap pages (28), 6.2's new-head
copies the head into a new page and frees all 8 (32, and 4 new heads).
"""
import json

import pytest

from compare_text import rows

HVO4 = """machine nodes=1 mem=1G
cmdline hugetlb_free_vmemmap=on
echo 4 > /proc/sys/vm/nr_hugepages
"""

# 2000 order-0 pages, half of them freed at random and drained: which
# half, and so the free blocks per order, depend on the seed
RANDOM = """machine nodes=1 mem=256M cpus=1
fill g order=0 gfp=GFP_KERNEL count=2000
free g random=50%
drain
"""

USAGE = ("usage: mmsim compare FILE --policy FAMILY=A,B,... [--policy FAMILY2=X,Y,...]... "
         "[--at SNAPSHOT] [--figures PREFIX[,PREFIX...]]... [--all] "
         "[--format text|json] [--seed N] [--check|--no-check] [--version V,...] "
         "[--quiet] [--progress]")


def compare(mmsim, tmp_path, text, *args, name="t.scn"):
    (tmp_path / name).write_text(text)
    return mmsim("compare", name, *args, cwd=tmp_path)


def test_one_policy_prints_no_difference(mmsim, tmp_path):
    """With one policy there is nothing to subtract: every figure, no
    percentages, no memory saved."""
    r = compare(mmsim, tmp_path, HVO4, "--policy", "hvo=new-head")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert r.stdout.startswith("mmsim compare t.scn, hvo=new-head\n"
                               "figures at the end of each run\n")
    assert "Memory saved" not in r.stdout
    assert "%)" not in r.stdout
    t = rows(r.stdout)
    assert t["machine: hugepages, all sizes"] == ["4"]
    assert t["machine: vmemmap pages freed"] == ["32"]
    assert t["machine: head pages allocated"] == ["4"]
    assert t["node 0: head pages"] == ["4"]
    assert "\nrun 0  new-head             ok        baseline\n" in r.stdout


def test_equals_forms_match_separate_values(mmsim, tmp_path):
    """--policy=, --format= and --seed= mean what --policy X etc. mean."""
    a = compare(mmsim, tmp_path, HVO4, "--policy=hvo=reuse-head,new-head", "--format=json",
                "--seed=3")
    b = compare(mmsim, tmp_path, HVO4, "--policy", "hvo=reuse-head,new-head", "--format",
                "json", "--seed", "3", "--check")
    c = compare(mmsim, tmp_path, HVO4, "--no-check", "--policy", "hvo=reuse-head,new-head",
                "--format", "json", "--seed", "3")
    assert a.returncode == b.returncode == c.returncode == 0, a.stderr + b.stderr + c.stderr
    assert a.stdout == b.stdout == c.stdout
    j = json.loads(a.stdout)
    assert [run["policy"] for run in j["runs"]] == ["reuse-head", "new-head"]
    assert [run["seed"] for run in j["runs"]] == [3, 3]
    assert j["runs"][0]["figures"]["hvo.vmemmap_pages_freed"] == 28
    assert j["runs"][1]["figures"]["hvo.vmemmap_pages_freed"] == 32
    assert j["runs"][1]["difference"]["hvo.vmemmap_pages_freed"] == 4
    assert j["runs"][0]["difference"]["hvo.vmemmap_pages_freed"] == 0


def test_json_escapes_the_file_name(mmsim, tmp_path):
    """A quote, a backslash and a tab in the file name stay valid JSON."""
    name = 'a "b" \\c\td.scn'
    r = compare(mmsim, tmp_path, HVO4, "--policy", "hvo=reuse-head", "--format", "json",
                name=name)
    assert r.returncode == 0, r.stderr
    assert '"a \\"b\\" \\\\c\\u0009d.scn"' in r.stdout
    assert json.loads(r.stdout)["scenario"] == name


def test_seed_overrides_the_scenario_seed(mmsim, tmp_path):
    """--seed 7 gives what a `seed 7` line gives, and seed 8 differs."""
    seeded = RANDOM.replace("cpus=1\n", "cpus=1\nseed 7\n")
    (tmp_path / "s.scn").write_text(seeded)
    by_line = mmsim("compare", "s.scn", "--policy", "hvo=reuse-head", "--format", "json",
                    cwd=tmp_path)
    by_opt = compare(mmsim, tmp_path, RANDOM, "--policy", "hvo=reuse-head", "--format", "json",
                     "--seed", "7")
    other = compare(mmsim, tmp_path, RANDOM, "--policy", "hvo=reuse-head", "--format", "json",
                    "--seed", "8")
    assert by_line.returncode == by_opt.returncode == other.returncode == 0
    f7 = json.loads(by_opt.stdout)["runs"][0]["figures"]
    assert json.loads(by_line.stdout)["runs"][0]["figures"] == f7
    assert json.loads(other.stdout)["runs"][0]["figures"] != f7


def test_runs_that_cannot_boot(mmsim, tmp_path):
    """Each policy's failure is reported on stderr, marked bad-input in the
    table, and the exit status is 2."""
    r = compare(mmsim, tmp_path, "machine nodes=2 mem=1G\nnode 1 mem=0\n",
                "--policy", "hvo=reuse-head,new-head")
    assert r.returncode == 2
    err = r.stderr.splitlines()
    assert len(err) == 2
    assert err[0].startswith("mmsim: compare: hvo=reuse-head: t.scn:1:1: cannot boot the machine: ")
    assert err[1].startswith("mmsim: compare: hvo=new-head: t.scn:1:1: cannot boot the machine: ")
    assert "\nrun 0  reuse-head           bad-input no figures\n" \
           "run 1  new-head             bad-input no figures\n" in r.stdout
    assert rows(r.stdout) == {}


def test_a_run_that_fails_has_no_figures(mmsim, tmp_path):
    """The end of a failed run is not what the scenario measures: the run
    is marked failed, and neither the text nor the JSON has figures for it."""
    text = HVO4 + "expect hvo.vmemmap_pages_freed == 28\n"
    r = compare(mmsim, tmp_path, text, "--policy", "hvo=reuse-head,new-head", "--format", "json")
    assert r.returncode == 1
    assert "mmsim: compare: hvo=new-head: t.scn:4: expect failed" in r.stderr
    data = json.loads(r.stdout)
    runs = data["runs"]
    assert [run["status"] for run in runs] == ["ok", "failed"]
    assert runs[0]["figures"]["hvo.vmemmap_pages_freed"] == 28
    assert runs[1]["figures"] == {} and runs[1]["difference"] == {}
    assert "families" not in data
    r = compare(mmsim, tmp_path, text, "--policy", "hvo=reuse-head,new-head")
    assert r.returncode == 1
    assert "\nrun 1  new-head             failed    no figures\n" in r.stdout
    t = rows(r.stdout)
    assert t["machine: vmemmap pages freed"] == ["28", "-"]
    assert all(cells[1] == "-" for cells in t.values())
    assert "\nrun 1 new-head: no figures, the run failed\n" in r.stdout


def test_a_scenario_that_does_not_parse(mmsim, tmp_path, unknown_verb):
    """Parse errors stop compare before any run, with file:line:col."""
    r = compare(mmsim, tmp_path, "machine nodes=1 mem=1G\nfoo\n", "--policy", "hvo=reuse-head")
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr == unknown_verb("t.scn:2:1", "foo")


SEVENTEEN = "hvo=" + ",".join(["reuse-head"] * 17)


@pytest.mark.parametrize("args, message", [
    (["t.scn", "--policy"], "--policy needs a value"),
    (["t.scn", "--policy", "hvo=reuse-head", "--format"], "--format needs a value"),
    (["t.scn", "--policy", "hvo=reuse-head", "--seed"], "--seed needs a value"),
    (["t.scn", "--policy", "hvo=reuse-head", "--seed", "x"], "--seed: bad number 'x'"),
    (["t.scn", "--policy", "hvo=reuse-head", "--seed=-1"], "--seed: bad number '-1'"),
    (["t.scn", "--policy", "hvo=reuse-head", "--verbose"], "unknown option '--verbose'"),
    (["t.scn", "u.scn", "--policy", "hvo=reuse-head"], "unexpected argument 'u.scn'"),
    (["--policy", "hvo=reuse-head"], "missing scenario FILE"),
    (["t.scn", "--policy", "hvo"], "--policy 'hvo': expected FAMILY=A,B,..."),
    (["t.scn", "--policy", "thp=always"], "--policy: unknown policy family 'thp'"),
    (["t.scn", "--policy", "hvo="], "--policy 'hvo=' names no policy"),
    (["t.scn", "--policy", SEVENTEEN], f"at most 16 policies, got more in '{SEVENTEEN}'"),
    # a second --policy used to replace the first without a word
    (["t.scn", "--policy", "hvo=reuse-head", "--policy=hvo=new-head"],
     "--policy given twice: name every policy in one --policy FAMILY=A,B,..."),
    # a second --policy for another family makes a grid: the family must exist
    (["t.scn", "--policy", "hvo=reuse-head", "--policy", "thp=always"],
     "--policy: unknown policy family 'thp'"),
    # the options are read in order: the first one's error wins
    (["t.scn", "--policy", "thp=always", "--policy", "hvo=nope"],
     "--policy: unknown policy family 'thp'"),
    # a family is one axis: twice is an error however the second is spelled,
    # found while reading the options (before a missing FILE)
    (["t.scn", "--policy", "hvo=reuse-head", "--policy", "hvo"],
     "--policy given twice: name every policy in one --policy FAMILY=A,B,..."),
    (["--policy", "hvo=reuse-head", "--policy", "hvo=new-head"],
     "--policy given twice: name every policy in one --policy FAMILY=A,B,..."),
    (["t.scn"] + [a for f in "abcdefghi" for a in ("--policy", f + "=x")],
     "at most 8 --policy options, one per family"),
])
def test_usage_errors(mmsim, tmp_path, args, message):
    (tmp_path / "t.scn").write_text(HVO4)
    r = mmsim("compare", *args, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr == f"mmsim: compare: {message}\n{USAGE}\n"
