# SPDX-License-Identifier: GPL-2.0-only
"""Scenario variables (`var`, `$NAME`, `--set`) and `mmsim sweep`: the grid
of policies x seeds x values run locally (the same output with -j 1 and
-j 2), its statistics checked against values computed here from the runs'
own figures, the 80-column text, JSON, errors, the GNU parallel round trip
(for real: `parallel` runs the job list, `sweep collect` reads what it left
behind) and the Slurm script, checked without a cluster: `bash -n`, its
array range, and its command run locally for two array indices.

The statistics themselves are unit-tested against textbook values in
tests/unit/test_stats.c; here they are checked to be computed on the right
numbers.
"""
import json
import math
import os
import re
import shutil
import statistics
import subprocess

import pytest

# 2000 order-0 pages, half freed at random (seeded), then $N hugepages with
# HVO: the free blocks depend on the seed, the pool on $N, the vmemmap
# pages freed on the policy
SCN = """var MEM=256M N=4
machine nodes=1 mem=$MEM cpus=1
cmdline hugetlb_free_vmemmap=on
fill g order=0 gfp=GFP_KERNEL count=2000
free g random=50%
drain
echo $N > /proc/sys/vm/nr_hugepages
"""

GRID = ["--policy", "hvo=reuse-head,new-head", "--seeds", "1..5", "--set", "N=4,8"]


def write(tmp_path, text=SCN, name="t.scn"):
    (tmp_path / name).write_text(text)
    return name


def sweep(mmsim, tmp_path, *args):
    return mmsim("sweep", *args, cwd=tmp_path)


# ---------------------------------------------------------------------------
# Variables on run and compare


def test_set_replaces_the_default(run_scenario):
    text = SCN + "cat /proc/sys/vm/nr_hugepages\n"
    assert run_scenario(text).stdout == "4\n"
    r = run_scenario(text, "--set", "N=6")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "6\n"
    # --set=... form, and a machine size
    r = run_scenario("var MEM=256M\nmachine nodes=1 mem=$MEM\n"
                     "expect meminfo.MemTotal > 400000\n", "--set=MEM=512M")
    assert r.returncode == 0, r.stderr


def test_set_values_are_checked_as_literals(run_scenario):
    r = run_scenario(SCN, "--set", "MEM=8X")
    assert r.returncode == 2
    assert r.stderr == ("t.scn:2:21: malformed size (expected a number with an optional K, M, "
                        "G or T suffix): '8X' ($MEM is '8X', from --set)\n")
    # a value a kernel file refuses: the write error the literal gets, not a parse error
    r = run_scenario(SCN, "--set", "N=lots")
    literal = run_scenario(SCN.replace("$N >", "lots >"))
    assert r.returncode == literal.returncode == 0
    assert r.stderr == literal.stderr == ("mmsim: /proc/sys/vm/nr_hugepages: write error: "
                                          "Invalid argument ('lots' is not a number the "
                                          "sysctl takes)\n")


def test_variable_errors(run_scenario):
    r = run_scenario("machine nodes=1 mem=$MEM\n")
    assert r.returncode == 2
    assert r.stderr == ("t.scn:1:21: unknown variable '$MEM' (declare it before its first "
                        "use: var MEM=VALUE)\n")
    r = run_scenario(SCN, "--set", "mem=1G")
    assert r.returncode == 2
    assert r.stderr == ("t.scn: --set mem: the scenario declares no variable 'mem' "
                        "(it declares: MEM, N)\n")
    r = run_scenario(SCN, "--set", "N=1", "--set", "N=2")
    assert r.returncode == 2 and r.stderr.startswith("mmsim: --set: N given twice\n")
    r = run_scenario(SCN, "--set", "N=1;reboot")
    assert r.returncode == 2
    assert r.stderr.startswith("mmsim: --set: N=1;reboot: a value is one word, without ';'\n")


def test_compare_takes_set(mmsim, tmp_path):
    name = write(tmp_path)
    r = mmsim("compare", name, "--policy", "hvo=reuse-head,new-head", "--set", "N=3",
              "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    runs = json.loads(r.stdout)["runs"]
    assert [run["figures"]["machine.hugepages"] for run in runs] == [3, 3]
    r = mmsim("compare", name, "--policy", "hvo=reuse-head", "--set", "X=3", cwd=tmp_path)
    assert r.returncode == 2
    assert "--set X: the scenario declares no variable 'X'" in r.stderr


# ---------------------------------------------------------------------------
# A local sweep


def test_grid_is_the_same_with_j1_and_j2(mmsim, tmp_path):
    name = write(tmp_path)
    one = sweep(mmsim, tmp_path, name, *GRID, "-j", "1")
    two = sweep(mmsim, tmp_path, name, *GRID, "-j2")
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert one.stdout == two.stdout
    # progress: a line per run, and a first line saying how many at a time
    progress = [l for l in two.stderr.splitlines() if l.startswith("[")]
    assert len(progress) == 20
    assert "mmsim: sweep: 20 runs, 2 at a time" in two.stderr
    assert all(re.match(r"\[ ?\d+/20\] hvo=\S+ seed=\d N=\d: ok, ", l) for l in progress)
    js1 = sweep(mmsim, tmp_path, name, *GRID, "-j1", "--format", "json", "--quiet")
    js2 = sweep(mmsim, tmp_path, name, *GRID, "-j2", "--format", "json", "--quiet")
    assert js1.stdout == js2.stdout
    assert js1.stderr == "" and js2.stderr == ""


def test_text_fits_80_columns(mmsim, tmp_path):
    name = write(tmp_path)
    # every hvo policy: long names, seven rows per figure
    pols = "reuse-head,new-head,new-head-v1,new-head-boot,new-head-aligned,new-head-6.7," \
           "new-head-6.12"
    r = sweep(mmsim, tmp_path, name, "--policy", "hvo=" + pols, "--seeds", "1,2",
              "--set", "N=2,3", "-q")
    assert r.returncode == 0, r.stderr
    long = [l for l in r.stdout.splitlines() if len(l) > 80]
    assert not long, long
    assert "== N=2 ==" in r.stdout and "== N=3 ==" in r.stdout
    assert "new-head-aligned" in r.stdout


def per_seed_figures(mmsim, tmp_path, name, policy, seeds, n):
    """{figure: [value per seed]} from `mmsim compare --format json` per seed"""
    out = {}
    for s in seeds:
        r = mmsim("compare", name, "--policy", "hvo=" + policy, "--seed", s, "--set",
                  f"N={n}", "--format", "json", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        for k, v in json.loads(r.stdout)["runs"][0]["figures"].items():
            out.setdefault(k, []).append(v)
    return out


def t_p2(t, df):
    """Two-sided p of Student's t by integrating the density (independent of stats.c)"""
    c = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)
    t, steps, s = abs(t), 20000, 0.0
    for i in range(steps):
        u = (i + 0.5) / steps
        x = t + u / (1 - u)
        s += c * (1 + x * x / df) ** (-(df + 1) / 2) / (1 - u) ** 2
    return 2 * s / steps


def test_statistics_of_the_runs(mmsim, tmp_path):
    """Each cell's numbers are the runs' own: compare each seed separately,
    recompute here, and find the same n, min, median, mean, stddev and
    Welch's t-test against the baseline."""
    name = write(tmp_path)
    r = sweep(mmsim, tmp_path, name, *GRID, "--format", "json", "-q")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["families"] == {"hvo": ["reuse-head", "new-head"]}
    assert doc["seeds"] == [1, 2, 3, 4, 5]
    assert doc["variables"] == {"N": ["4", "8"]}
    assert doc["runs"] == {"total": 20, "ok": 20, "failed": 0, "bad-input": 0, "missing": 0}
    cells = doc["cells"]
    assert [(c["set"]["N"], c["policy"], c["baseline"]) for c in cells] == [
        ("4", "reuse-head", True), ("4", "new-head", False),
        ("8", "reuse-head", True), ("8", "new-head", False)]

    seeds = [1, 2, 3, 4, 5]
    base = per_seed_figures(mmsim, tmp_path, name, "reuse-head", seeds, 8)
    other = per_seed_figures(mmsim, tmp_path, name, "new-head", seeds, 8)
    # a figure the seed moves, whatever compare calls it
    fig = next(k for k, v in base.items() if len(set(v)) > 1 and len(set(other[k])) > 1)
    for cell, vals in ((cells[2], base), (cells[3], other)):
        got = cell["figures"][fig]
        xs = vals[fig]
        assert got["values"] == xs
        assert got["n"] == 5 and got["min"] == min(xs)
        assert got["median"] == statistics.median(xs)
        assert math.isclose(got["mean"], statistics.mean(xs), rel_tol=1e-9)
        assert math.isclose(got["stddev"], statistics.stdev(xs), rel_tol=1e-9)
    d = cells[3]["figures"][fig]["difference"]
    a, b = base[fig], other[fig]
    va, vb = statistics.variance(a) / 5, statistics.variance(b) / 5
    t = (statistics.mean(b) - statistics.mean(a)) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va * va / 4 + vb * vb / 4)
    assert d["welch"]["verdict"] == "tested"
    assert math.isclose(d["welch"]["t"], t, rel_tol=1e-9)
    assert math.isclose(d["welch"]["df"], df, rel_tol=1e-9)
    assert abs(d["welch"]["p"] - t_p2(t, df)) < 1e-4
    assert math.isclose(d["mean"], statistics.mean(b) - statistics.mean(a), abs_tol=1e-9)
    assert 0 <= d["mann_whitney"]["p"] <= 1

    # the pool is $N whatever the policy and seed: identical, not NaN
    hp = cells[3]["figures"]["machine.hugepages"]
    assert hp["values"] == [8] * 5
    assert hp["difference"]["welch"] == {"verdict": "identical", "t": None, "df": None,
                                         "p": 1}
    # new-head frees all 8 vmemmap pages of each hugepage, reuse-head 7: no spread,
    # a difference on every seed
    vf = cells[3]["figures"]["hvo.vmemmap_pages_freed"]
    assert cells[2]["figures"]["hvo.vmemmap_pages_freed"]["values"] == [56] * 5
    assert vf["values"] == [64] * 5
    assert vf["difference"]["welch"]["verdict"] == "fixed"
    assert vf["difference"]["welch"]["p"] == 0


def test_text_says_identical_and_fixed(mmsim, tmp_path):
    name = write(tmp_path)
    r = sweep(mmsim, tmp_path, name, *GRID, "-q")
    assert r.returncode == 0, r.stderr
    block = r.stdout.split("== N=8 ==")[1]
    # a figure no run changes is listed once, not tabulated
    same = block.split("the same in every run of every policy:\n")[1]
    assert re.search(r"^  machine.hugepages +8$", same, re.M)
    table = block.split("\nhvo.vmemmap_pages_freed\n")[1].split("\n\n")[0]
    lines = table.splitlines()
    assert lines[0].split() == ["policy", "n", "min", "median", "mean", "stddev", "diff", "p"]
    assert lines[1].split() == ["reuse-head", "5", "56", "56", "56", "0"]
    assert lines[2].split() == ["new-head", "5", "64", "64", "64", "0", "+14.29%", "fixed"]
    assert "nan" not in r.stdout.lower()


def test_mann_whitney_on_request(mmsim, tmp_path):
    name = write(tmp_path)
    r = sweep(mmsim, tmp_path, name, *GRID, "-q", "--test", "mann-whitney")
    assert r.returncode == 0, r.stderr
    assert "p: the Mann-Whitney U test" in r.stdout.replace("\n", " ")
    r = sweep(mmsim, tmp_path, name, *GRID, "-q", "--test", "t")
    assert r.returncode == 2
    assert r.stderr.startswith("mmsim: sweep: --test takes welch or mann-whitney, not 't'\n")


def test_failed_runs_are_listed(mmsim, tmp_path):
    name = write(tmp_path, SCN + "expect hugepages.2048kB.nr_hugepages == 4\n")
    r = sweep(mmsim, tmp_path, name, *GRID, "-q")
    assert r.returncode == 1
    assert "runs: 20: 10 ok, 10 failed, 0 bad input, 0 missing" in r.stdout
    assert "  job 10, hvo=reuse-head seed=1 N=8: failed" in r.stdout
    assert "expect failed" in r.stderr


@pytest.mark.parametrize("args,message", [
    (["--seeds", "1..3"], "missing --policy FAMILY=A,B,..."),
    (["--policy", "hvo=reuse-head"], "missing --seeds LIST (e.g. --seeds 1..10)"),
    (["--policy", "hvo=nope", "--seeds", "1"], "unknown hvo policy 'nope'"),
    (["--policy", "hvo=reuse-head", "--seeds", "5..1"], "--seeds '5..1': 5..1 is empty"),
    (["--policy", "hvo=reuse-head", "--seeds", "1,1"], "--seeds '1,1': seed 1 twice"),
    (["--policy", "hvo=reuse-head", "--seeds", "1", "--set", "N=1,1"],
     "--set N: value '1' twice"),
    (["--policy", "hvo=reuse-head", "--seeds", "1", "-j", "0"], "-j takes 1 to 1024, not '0'"),
    (["--policy", "hvo=reuse-head", "--seeds", "1", "--emit", "make"],
     "--emit takes parallel or slurm, not 'make'"),
    (["--policy", "hvo=reuse-head", "--seeds", "1", "--job", "1"],
     "--job: '1' is not a job of this grid (0..0)"),
])
def test_usage_errors(mmsim, tmp_path, args, message):
    name = write(tmp_path)
    r = sweep(mmsim, tmp_path, name, *args)
    assert r.returncode == 2
    assert r.stderr.startswith(f"mmsim: sweep: {message}\nusage: mmsim sweep FILE")
    assert r.stdout == ""


def test_scenario_errors_stop_before_any_run(mmsim, tmp_path):
    name = write(tmp_path)
    r = sweep(mmsim, tmp_path, name, *GRID[:4], "--set", "MEM=256M,8X")
    assert r.returncode == 2
    assert r.stderr == ("mmsim: sweep: with MEM=8X:\nt.scn:2:21: malformed size (expected a "
                        "number with an optional K, M, G or T suffix): '8X' ($MEM is '8X', "
                        "from --set)\n")
    r = sweep(mmsim, tmp_path, name, *GRID[:4], "--set", "M=1")
    assert r.returncode == 2
    assert "t.scn: --set M: the scenario declares no variable 'M'" in r.stderr


# ---------------------------------------------------------------------------
# Results in a directory, collect, and the other engines


def test_dir_keeps_the_results_and_collect_reprints(mmsim, tmp_path):
    name = write(tmp_path)
    r = sweep(mmsim, tmp_path, name, *GRID, "-q", "--dir", "res")
    assert r.returncode == 0, r.stderr
    results = sorted(p.name for p in (tmp_path / "res").glob("*.result"))
    assert results == [f"job-{j:06d}.result" for j in range(20)]
    c = sweep(mmsim, tmp_path, "collect", "res")
    assert c.returncode == 0, c.stderr
    assert c.stdout == r.stdout
    # one job's result is what `--job N` prints
    j = sweep(mmsim, tmp_path, name, *GRID, "--job", "7")
    assert j.returncode == 0
    assert j.stdout == (tmp_path / "res" / "job-000007.result").read_text()
    assert j.stdout.startswith("mmsim-sweep-result 1\n")
    assert "\nrun hvo=new-head seed=3 N=4\nstatus ok\nmachine yes\n" in j.stdout
    assert j.stdout.endswith("\nend\n")


def test_collect_reports_missing_and_ignores_the_rest(mmsim, tmp_path):
    name = write(tmp_path)
    assert sweep(mmsim, tmp_path, name, *GRID, "-q", "--dir", "res").returncode == 0
    res = tmp_path / "res"
    (res / "job-000003.result").unlink()
    # an unfinished result (no "end") is not a result; other files are not read
    text = (res / "job-000004.result").read_text()
    (res / "job-000004.result").write_text(text.replace("end\n", ""))
    (res / "notes.txt").write_text("not a result\n")
    c = sweep(mmsim, tmp_path, "collect", "res")
    assert c.returncode == 1
    assert "runs: 20: 18 ok, 0 failed, 0 bad input, 2 missing" in c.stdout
    assert "  job 3, hvo=reuse-head seed=4 N=4: missing" in c.stdout
    assert c.stderr == "mmsim: sweep: 2 of 20 runs have no result\n"
    # a result of another sweep in the same directory is an error
    other = sweep(mmsim, tmp_path, name, "--policy", "hvo=reuse-head", "--seeds", "1",
                  "--job", "0")
    (res / "zz.result").write_text(other.stdout)
    c = sweep(mmsim, tmp_path, "collect", "res")
    assert c.returncode == 2
    assert "zz.result is a result of another sweep" in c.stderr
    c = sweep(mmsim, tmp_path, "collect", "nothing-here")
    assert c.returncode == 2


def test_gnu_parallel_round_trip(mmsim, tmp_path):
    """The job list run by GNU parallel (local jobs), its --results directory
    collected: the same table as the local sweep of the same file."""
    assert shutil.which("parallel"), "GNU parallel is missing: tools/deps.sh installs it"
    name = str(tmp_path / write(tmp_path))
    e = mmsim("sweep", name, *GRID, "--emit", "parallel", cwd=tmp_path)
    assert e.returncode == 0, e.stderr
    jobs = e.stdout.splitlines()
    assert len(jobs) == 20
    assert jobs[5].endswith(" --job 5")
    assert "parallel --results DIR/{#} < JOBLIST" in e.stderr
    (tmp_path / "jobs.txt").write_text(e.stdout)
    with open(tmp_path / "jobs.txt") as jl:
        p = subprocess.run(["parallel", "-j", "2", "--results", str(tmp_path / "out") + "/{#}"],
                           stdin=jl, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    c = mmsim("sweep", "collect", tmp_path / "out", cwd=tmp_path)
    assert c.returncode == 0, c.stderr
    local = mmsim("sweep", name, *GRID, "-q", cwd=tmp_path)
    assert local.returncode == 0
    assert c.stdout == local.stdout
    cj = mmsim("sweep", "collect", tmp_path / "out", "--format", "json", cwd=tmp_path)
    lj = mmsim("sweep", name, *GRID, "-q", "--format", "json", cwd=tmp_path)
    assert cj.stdout == lj.stdout


def test_slurm_script_without_a_cluster(mmsim, tmp_path):
    """What can be checked without Slurm: the script parses (bash -n), its
    array covers every job, and its command, run here for two array
    indices, leaves the results collect reads (the other runs missing)."""
    name = str(tmp_path / write(tmp_path))
    e = mmsim("sweep", name, *GRID, "--emit", "slurm", "--dir", tmp_path / "res",
              cwd=tmp_path)
    assert e.returncode == 0, e.stderr
    script = tmp_path / "sweep.sbatch"
    script.write_text(e.stdout)
    assert e.stdout.startswith("#!/bin/bash\n")
    assert re.search(r"^#SBATCH --array=0-19$", e.stdout, re.M)
    assert re.search(r"^#SBATCH --output=%s/slurm-%%A_%%a.out$" % re.escape(str(tmp_path / "res")),
                     e.stdout, re.M)
    assert (tmp_path / "res").is_dir()
    assert subprocess.run(["bash", "-n", script]).returncode == 0
    # without an array index it refuses to run
    r = subprocess.run(["bash", script], capture_output=True, text=True,
                       env={k: v for k, v in os.environ.items() if k != "SLURM_ARRAY_TASK_ID"})
    assert r.returncode != 0 and "run me with sbatch" in r.stderr
    for index in (0, 19):
        r = subprocess.run(["bash", script], capture_output=True, text=True, timeout=300,
                           env={**os.environ, "SLURM_ARRAY_TASK_ID": str(index)})
        assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "res").iterdir()) == [
        "job-000000.result", "job-000019.result"]
    for index in (0, 19):
        j = mmsim("sweep", name, *GRID, "--job", index, cwd=tmp_path)
        assert j.stdout == (tmp_path / "res" / f"job-{index:06d}.result").read_text()
    c = mmsim("sweep", "collect", tmp_path / "res", cwd=tmp_path)
    assert c.returncode == 1
    assert "runs: 20: 2 ok, 0 failed, 0 bad input, 18 missing" in c.stdout


def test_help(mmsim):
    r = mmsim("sweep", "--help")
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.startswith("usage: mmsim sweep FILE --policy FAMILY=A,B,...")
    for flag in ("--policy", "--seeds", "--set", "-j", "--quiet", "--format", "--test",
                 "--dir", "--check", "--no-check", "--emit", "--mmsim", "--job", "--out",
                 "collect"):
        assert re.search(r"^  %s\b" % re.escape(flag), r.stdout, re.M) or \
            flag in ("--no-check", "--out"), flag
    assert all(len(l) <= 80 for l in r.stdout.splitlines())
