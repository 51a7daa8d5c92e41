# SPDX-License-Identifier: GPL-2.0-only
"""Linux 6.12 as a machine property (issue 14): `machine ... version=`,
the warning a 6.12 run gives for each rule the model still runs as 6.1
does, 6.12's per-cpu list auto-tuning seen through zoneinfo on
scenarios/v612/pool-drain-2node.scn (a 2-node 2 GiB machine growing its
pool on node 0 to the limit, HVO on and off, the per-cpu lists before and
after a drain), and `mmsim compare --version`.
"""
import re

import pytest

from conftest import SCENARIOS

POOL = (SCENARIOS / "v612" / "pool-drain-2node.scn").read_text()
WARN = re.compile(r"^mmsim: version=6\.12: .+ is modelled as 6\.1 does it$")


def variant(version, hvo):
    text = POOL.replace("machine nodes=2 mem=1G cpus=2",
                        "machine nodes=2 mem=1G cpus=2 version=" + version)
    if not hvo:
        text = text.replace("cmdline hugetlb_free_vmemmap=on\n", "")
    return text


def run(mmsim, tmp_path, text):
    (tmp_path / "t.scn").write_text(text)
    return mmsim("run", "t.scn", "--check", cwd=tmp_path)


def prints(stdout):
    """The run's output as blocks: the counter lines of each print, the
    pool sizes the cats print, in order"""
    blocks, cur = [], None
    for line in stdout.splitlines():
        if line.startswith("zoneinfo."):
            name, value = line.split()
            if cur is None or name in cur:
                cur = {}
                blocks.append(cur)
            cur[name] = int(value)
        elif line.isdigit():
            cur = None
            blocks.append(int(line))
        else:
            cur = None
    return blocks


CPU0 = "zoneinfo.0.DMA32.cpu.0."


@pytest.mark.parametrize("hvo", [True, False])
def test_pool_drain_both_versions(mmsim, tmp_path, hvo):
    out = {}
    for version in ("6.1", "6.12"):
        r = run(mmsim, tmp_path, variant(version, hvo))
        assert r.returncode == 0, r.stderr
        boot, first, before, after, second = [
            b for b in prints(r.stdout) if isinstance(b, int) or CPU0 + "high" in b][:5]
        out[version] = (boot, first, before, after, second, r.stderr)
        # the drain empties the lists either way
        assert after[CPU0 + "count"] == 0
        if hvo:
            # HVO's freed vmemmap pages wait on CPU 0's lists until the drain
            assert before[CPU0 + "count"] > 0
            assert after["zoneinfo.0.DMA32.free"] == (before["zoneinfo.0.DMA32.free"]
                                                       + before[CPU0 + "count"])
            assert second > first
        if version == "6.1":
            assert r.stderr == ""
            # 6.1's high never moves
            assert boot[CPU0 + "high"] == before[CPU0 + "high"] == after[CPU0 + "high"]
        else:
            lines = r.stderr.splitlines()
            assert lines and all(WARN.match(line) for line in lines), r.stderr
            assert len(set(lines)) == len(lines)
            # pcp auto-tuning is modelled: it does not warn
            assert "per-cpu" not in r.stderr
    b61, b612 = out["6.1"][0], out["6.12"][0]
    # 6.12's high_min is 6.1's high; refills raise it while the pool fills
    # and the decay between steps (an eighth each) brings it back down
    assert b612[CPU0 + "high"] == b61[CPU0 + "high"]
    before612, after612 = out["6.12"][2], out["6.12"][3]
    assert before612[CPU0 + "high"] > b612[CPU0 + "high"]
    assert b612[CPU0 + "high"] <= after612[CPU0 + "high"] < before612[CPU0 + "high"]
    assert "zoneinfo.0.DMA32.cpu.1.high" in before612


def test_version_errors(mmsim, tmp_path):
    r = run(mmsim, tmp_path, "machine nodes=1 mem=1G version=5.10\n")
    assert r.returncode == 2
    assert r.stderr.startswith("t.scn:1:32: version= takes 6.1 or 6.12, not '5.10'")


def test_compare_version_axis(mmsim, tmp_path):
    (tmp_path / "t.scn").write_text(POOL)
    r = mmsim("compare", "t.scn", "--version", "6.1,6.12", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("mmsim compare t.scn, version=6.1,6.12\n\n")
    head = r.stdout.split("\n\n")[1].splitlines()[0].split()
    assert head == ["6.1", "6.12"]
    assert "difference against 6.1" in r.stdout
    # the 6.12 run says which rules ran as 6.1's, once each
    assert r.stderr and all(WARN.match(line) for line in r.stderr.splitlines())
    # with a policy axis: every combination, the version innermost
    r = mmsim("compare", "t.scn", "--policy", "hvo=reuse-head,new-head",
              "--version=6.1,6.12", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    head = r.stdout.split("\n\n")[1].splitlines()[0].split()
    assert head == ["reuse-head/6.1", "reuse-head/6.12", "new-head/6.1", "new-head/6.12"]


@pytest.mark.parametrize("args,message", [
    (["--version", "6.1,6.2"], "mmsim: compare: --version: unknown version '6.2' (6.1 or 6.12)"),
    (["--version", "6.1", "--version", "6.12"],
     "mmsim: compare: --version given twice: name every version in one --version V,..."),
    (["--version"], "mmsim: compare: --version needs a value"),
])
def test_compare_version_errors(mmsim, tmp_path, args, message):
    (tmp_path / "t.scn").write_text("machine nodes=1 mem=64M\n")
    r = mmsim("compare", "t.scn", *args, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.splitlines()[0] == message
