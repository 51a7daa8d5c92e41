# SPDX-License-Identifier: GPL-2.0-only
"""Progress lines on stderr: `run` after its boot, snapshots, big steps and
end, `compare` after each run, `sweep` after each job.

Shown when stderr is a terminal (checked under a pseudo-terminal from
python's pty module), forced on a pipe with --progress, silenced with
--quiet; without either, a pipe gets exactly what it got before progress
lines existed (tools/same-output.sh checks every scenario that way).  The
lines carry times: only their shape and their count are asserted here;
the exact text, times included, is unit-tested with a fake clock
(tests/unit/test_progress.c).
"""
import os
import pty
import re
import subprocess

import pytest

from conftest import TIMEOUT

# boot (implicit), snapshot, fill, echo > FILE, snapshot, end: 6 steps;
# cat, alloc, expect and echo TEXT are not steps
SCN = """machine nodes=1 mem=512M cpus=1
cmdline hugetlb_free_vmemmap=on
cat /proc/buddyinfo
snapshot start
alloc a order=0 gfp=GFP_KERNEL
fill g order=0 gfp=GFP_KERNEL count=100
echo 4 > /proc/sys/vm/nr_hugepages
echo done
snapshot end
expect hugepages.2048kB.nr_hugepages == 4
"""
RUN_STEPS = ["boot", "line 4: snapshot start",
             "line 6: fill g order=0 gfp=GFP_KERNEL count=100",
             "line 7: echo 4 > /proc/sys/vm/nr_hugepages", "line 9: snapshot end",
             "end: ok"]

LINE = re.compile(r"\[ *(\d+)/(\d+)\] (.*), \d+\.\d s \(\d+ s\)")


def progress_lines(stderr, total):
    """The progress lines of stderr, checked for shape and numbering: the
    text of each, in order."""
    lines = [l for l in stderr.splitlines() if l.startswith("[")]
    texts = []
    width = len(str(total))
    for k, l in enumerate(lines, 1):
        m = LINE.fullmatch(l)
        assert m, f"not a progress line: {l!r}"
        assert (int(m.group(1)), int(m.group(2))) == (k, total), l
        assert l.startswith(f"[{k:>{width}}/{total}] "), l
        texts.append(m.group(3))
    return texts


def with_pty_stderr(argv, cwd):
    """Run argv with stderr on a pseudo-terminal and stdout on a pipe:
    (exit status, stdout, what the terminal received)."""
    master, slave = pty.openpty()
    try:
        p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=slave)
    finally:
        os.close(slave)
    received = b""
    try:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:         # EIO: every holder of the slave closed it
                break
            if not chunk:
                break
            received += chunk
    finally:
        os.close(master)
    out = p.stdout.read()
    p.stdout.close()
    rc = p.wait(timeout=TIMEOUT)
    # the terminal's line discipline writes each "\n" as "\r\n"
    return rc, out.decode(), received.decode().replace("\r\n", "\n")


@pytest.fixture
def scn(tmp_path):
    (tmp_path / "t.scn").write_text(SCN)
    return tmp_path


def test_run_progress_on_a_pipe(mmsim, scn):
    plain = mmsim("run", "t.scn", cwd=scn)
    assert plain.returncode == 0, plain.stderr
    assert plain.stderr == ""       # a pipe: no progress unless asked for
    r = mmsim("run", "t.scn", "--progress", cwd=scn)
    assert r.returncode == 0, r.stderr
    assert r.stdout == plain.stdout
    assert progress_lines(r.stderr, len(RUN_STEPS)) == RUN_STEPS
    assert len(r.stderr.splitlines()) == len(RUN_STEPS)


def test_run_quiet(mmsim, scn):
    r = mmsim("run", "t.scn", "--quiet", cwd=scn)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    # --progress wins over --quiet: progress lines and nothing else
    r = mmsim("run", "--progress", "t.scn", "-q", cwd=scn)
    assert r.returncode == 0 and r.stdout == ""
    assert progress_lines(r.stderr, len(RUN_STEPS)) == RUN_STEPS


def test_run_progress_stops_with_the_run(mmsim, scn):
    """A failed expect ends the run; the end line is numbered last and says so."""
    (scn / "t.scn").write_text(SCN.replace("== 4", "== 5"))
    r = mmsim("run", "t.scn", "--progress", cwd=scn)
    assert r.returncode == 1
    lines = [l for l in r.stderr.splitlines() if l.startswith("[")]
    assert [LINE.fullmatch(l).group(3) for l in lines] == RUN_STEPS[:-1] + ["end: failed"]
    assert "t.scn:10: expect failed" in r.stderr


def test_run_under_a_terminal(mmsim_bin, scn):
    rc, out, tty = with_pty_stderr([str(mmsim_bin), "run", "t.scn"], scn)
    assert rc == 0
    assert out.startswith("Node 0, zone")
    assert progress_lines(tty, len(RUN_STEPS)) == RUN_STEPS
    rc, out, tty = with_pty_stderr([str(mmsim_bin), "run", "t.scn", "--quiet"], scn)
    assert (rc, out, tty) == (0, "", "")


COMPARE = ["compare", "t.scn", "--policy", "hvo=reuse-head,new-head", "--version", "6.1,6.12",
           "--no-check"]
COMPARE_RUNS = ["hvo=reuse-head version=6.1: ok", "hvo=reuse-head version=6.12: ok",
                "hvo=new-head version=6.1: ok", "hvo=new-head version=6.12: ok"]


def test_compare_progress(mmsim, mmsim_bin, scn):
    plain = mmsim(*COMPARE, cwd=scn)
    assert plain.returncode == 0, plain.stderr
    assert not re.search(r"^\[", plain.stderr, re.M)
    r = mmsim(*COMPARE, "--progress", cwd=scn)
    assert r.returncode == 0, r.stderr
    assert r.stdout == plain.stdout
    assert progress_lines(r.stderr, 4) == COMPARE_RUNS
    # the other lines of stderr are the plain run's
    assert [l for l in r.stderr.splitlines() if not l.startswith("[")] == \
        plain.stderr.splitlines()
    q = mmsim(*COMPARE, "--quiet", cwd=scn)
    assert q.stdout == plain.stdout and q.stderr == plain.stderr
    rc, out, tty = with_pty_stderr([str(mmsim_bin), *COMPARE], scn)
    assert rc == 0 and out == plain.stdout
    assert progress_lines(tty, 4) == COMPARE_RUNS
    rc, out, tty = with_pty_stderr([str(mmsim_bin), *COMPARE, "--quiet"], scn)
    assert rc == 0 and tty == plain.stderr


def test_sweep_progress(mmsim, scn):
    """sweep's lines were always on (a sweep is long): --quiet silences
    them and the "N runs" line, --progress brings the lines back."""
    grid = ["sweep", "t.scn", "--policy", "hvo=reuse-head,new-head", "--seeds", "1..2",
            "-j", "2", "--no-check"]
    r = mmsim(*grid, cwd=scn)
    assert r.returncode == 0, r.stderr
    assert "mmsim: sweep: 4 runs, 2 at a time\n" in r.stderr
    texts = progress_lines(r.stderr, 4)
    assert sorted(texts) == sorted(f"hvo={p} seed={s}: ok" for p in ("reuse-head", "new-head")
                                   for s in (1, 2))
    q = mmsim(*grid, "--quiet", cwd=scn)
    assert q.returncode == 0 and q.stderr == "" and q.stdout == r.stdout
    qp = mmsim(*grid, "--quiet", "--progress", cwd=scn)
    assert qp.returncode == 0 and qp.stdout == r.stdout
    assert "runs, 2 at a time" not in qp.stderr
    assert len(progress_lines(qp.stderr, 4)) == 4
