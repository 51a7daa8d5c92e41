# SPDX-License-Identifier: GPL-2.0-only
"""End-to-end tests of the real-kernel comparison: `mmsim guest-plan`,
`mmsim diff-real` on recorded guest output (tests/data/realkernel), and,
when qemu and a cached Debian kernel are on the machine, one real guest
through tools/realkernel/run.  CI has neither, so that last test is
skipped there (counted as skipped, with the reason)."""
import json
import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import REPO

DATA = REPO / "tests" / "data" / "realkernel"
CACHE = pathlib.Path(os.environ.get(
    "MMSIM_REALKERNEL_CACHE",
    pathlib.Path(os.environ.get("XDG_CACHE_HOME", pathlib.Path.home() / ".cache"))
    / "mmsim-realkernel"))


def test_guest_plan_writes_the_guest(mmsim, tmp_path):
    scn = tmp_path / "t.scn"
    scn.write_text("machine nodes=2 mem=1G cpus=2\nseed 4\ncat /proc/buddyinfo\n"
                   "snapshot a\ndrain\n")
    out = tmp_path / "out"
    r = mmsim("guest-plan", scn, out)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "line 2: seed: a guest has no seed\n"
    init = (out / "init").read_text()
    assert init.startswith("#!/bin/busybox sh\n")
    assert "rk_cat 3 '/proc/buddyinfo'\nrk_snapshot 4 a\nrk_drain 5\n" in init
    args = (out / "qemu-args").read_text().split("\n")
    assert args[:6] == ["-machine", "q35,max-ram-below-4g=2G", "-smp",
                         "3,sockets=3,cores=1,threads=1", "-m", "2048M"]
    assert (out / "cmdline").read_text() == "console=ttyS0 panic=-1 init_on_alloc=0 no5lvl nokaslr"
    assert (out / "scenario.scn").read_text() == scn.read_text()


def _guest_helpers(mmsim, tmp_path):
    """The shell functions of a guest's /init, without its set-up lines"""
    scn = tmp_path / "t.scn"
    scn.write_text("machine nodes=1 mem=1G\ncat /proc/meminfo\n")
    r = mmsim("guest-plan", scn, tmp_path / "plan")
    assert r.returncode == 0, r.stderr
    init = (tmp_path / "plan" / "init").read_text()
    return init[init.index("# rk_cat LINE FILE"):init.index("# rk_cpu GUEST_CPU")]


def _busybox():
    bb = shutil.which("busybox")
    assert bb, "tools/deps.sh installs busybox-static (or busybox)"
    return bb


def test_guest_cat_reads_a_sysctl_whole(mmsim, tmp_path):
    # A /proc/sys file answers only a read at offset 0: the shell's `read`
    # takes one byte per read() and got "5" of "50" (936 hugepages read 9)
    want = pathlib.Path("/proc/sys/vm/overcommit_ratio").read_text()
    assert len(want.strip()) > 1
    sh = tmp_path / "t.sh"
    sh.write_text(_guest_helpers(mmsim, tmp_path) +
                  "exec 3>" + str(tmp_path / "out") + "\n"
                  "rk_cat 7 /proc/sys/vm/overcommit_ratio\n")
    r = subprocess.run([_busybox(), "sh", str(sh)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out").read_text() == (
        "@@mmsim cat 7 /proc/sys/vm/overcommit_ratio\n" + want + "\n@@mmsim end 0\n")


def test_guest_cat_runs_no_process(mmsim, tmp_path):
    # Outside /proc/sys, rk_cat reads with the shell's own read and rk_path
    # takes no subshell: /proc/self/stat read by rk_cat is the shell's own,
    # and the scenario process's name resolves to its pid
    (tmp_path / "rk").mkdir()
    (tmp_path / "rk" / "p.pid").write_text("1\n")
    helpers = _guest_helpers(mmsim, tmp_path).replace("/run/rk/", str(tmp_path / "rk") + "/")
    sh = tmp_path / "t.sh"
    sh.write_text(helpers + "exec 3>" + str(tmp_path / "out") + "\n"
                  "echo $$ > " + str(tmp_path / "pid") + "\n"
                  "rk_cat 3 /proc/self/stat\nrk_path /proc/p/status\necho $rk_f >&3\n")
    r = subprocess.run([_busybox(), "sh", str(sh)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = (tmp_path / "out").read_text().split("\n")
    shell = (tmp_path / "pid").read_text().strip()
    assert out[0] == "@@mmsim cat 3 /proc/self/stat"
    assert out[1].split()[0] == shell
    assert out[-2] == "/proc/1/status"


def test_guest_calls_run_no_process(mmsim, tmp_path):
    # A call's helpers are the shell's own: a `$(cat ...)` and a grep per
    # call forked two processes on the scenario's CPU, 4000 calls of
    # fragmented-pool.scn freed 470 thousand pages on a guest
    helpers = _guest_helpers(mmsim, tmp_path)
    body = helpers[helpers.index("rk_dead() {"):]
    assert "$(" not in body and "grep" not in body and "cat " not in body
    sh = tmp_path / "t.sh"
    sh.write_text(helpers + "rk_dead $$ && echo self-dead\n"
                  "rk_dead 999999999 && echo gone-dead\n"
                  "sleep 0 & z=$!\n"      # exits: a zombie until reaped, then gone
                  "while ! rk_dead $z; do :; done\n"
                  "echo child-dead\n")
    r = subprocess.run([_busybox(), "sh", str(sh)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "gone-dead\nchild-dead\n"


@pytest.mark.parametrize("line, col, why", [
    ("fill g order=0 gfp=GFP_KERNEL count=1", 2, "allocations from inside the kernel"),
    ("alloc a order=0 gfp=GFP_KERNEL", 2, "allocations from inside the kernel"),
    ("drain zone=DMA32", 2, "every zone at once"),
])
def test_guest_plan_refuses_before_booting(mmsim, tmp_path, line, col, why):
    scn = tmp_path / "t.scn"
    scn.write_text("machine nodes=1 mem=1G\n" + line + "\n")
    r = mmsim("guest-plan", scn, tmp_path / "out")
    assert r.returncode == 2
    assert r.stderr.startswith(f"{scn}:{col}:1: not runnable on a real kernel: ")
    assert why in r.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("rec", ["tiny-6.1", "tiny-6.12"])
def test_diff_real_on_recorded_guest(mmsim, tmp_path, rec):
    d = tmp_path / rec
    shutil.copytree(DATA / rec, d)
    r = mmsim("diff-real", d)
    assert r.returncode == 1, r.stderr    # a real kernel is not the model
    release = (d / "kernel.txt").read_text().split()[0].replace("linux-image-", "")
    assert f"kernel:   Linux {release}\n" in r.stdout
    # the scenario names no version: the model runs the guest's
    assert ("version:  6.12, the guest's" in r.stdout) == (rec == "tiny-6.12")
    assert "== line 8: snapshot after (changes since boot) ==" in r.stdout
    assert "are not files of the model" in r.stdout
    j = mmsim("diff-real", d, "--format", "json", "--figures", "hugepages.", "--all")
    assert j.returncode == 0, j.stderr    # the pool sizes agree exactly
    doc = json.loads(j.stdout)
    assert doc.get("model_version") == ("6.12" if rec == "tiny-6.12" else None)
    after = [g for g in doc["groups"] if g["snapshot"] == "after"][0]
    total = {f["name"]: f for f in after["figures"]}["hugepages.2048kB.nr_hugepages"]
    assert (total["kernel"], total["model"]) == (16, 16)
    assert (total["kernel_change"], total["model_change"]) == (16, 16)
    assert doc["summary"]["differ"] == 0


def test_diff_real_bad_input(mmsim, tmp_path):
    r = mmsim("diff-real", tmp_path)
    assert r.returncode == 2
    assert "scenario.scn" in r.stderr
    shutil.copy(DATA / "tiny.scn", tmp_path / "scenario.scn")
    (tmp_path / "data.txt").write_text("@@mmsim begin x\n@@mmsim cat 5 /proc/buddyinfo\n")
    r = mmsim("diff-real", tmp_path)
    assert r.returncode == 2
    assert r.stderr == f"{tmp_path}/data.txt:2: record without its end (guest stopped?)\n"
    r = mmsim("diff-real", tmp_path, "--tolerance", "x")
    assert r.returncode == 2 and "--tolerance" in r.stderr


def _cached_kernel():
    kernels = CACHE / "kernels"
    return kernels.is_dir() and any(
        (k / ".done").exists() for k in kernels.glob("linux-image-6.1.*"))


@pytest.mark.skipif(shutil.which("qemu-system-x86_64") is None or not _cached_kernel(),
                    reason="needs qemu-system-x86_64 and a Debian 6.1 kernel in the cache "
                           "(run tools/realkernel/run once)")
def test_real_guest(mmsim_bin, tmp_path):
    out = tmp_path / "out"
    env = dict(os.environ, MMSIM_BIN=str(mmsim_bin))
    r = subprocess.run([str(REPO / "tools/realkernel/run"), str(DATA / "tiny.scn"),
                        "--out", str(out)], capture_output=True, text=True, env=env, timeout=900,
                       stdin=subprocess.DEVNULL)
    assert r.returncode in (0, 1), r.stderr
    data = (out / "data.txt").read_text()
    assert data.rstrip().endswith("@@mmsim done")
    assert "hugepages.2048kB.nr_hugepages" not in r.stdout  # equal: no row
    assert (out / "diff.txt").read_text() == r.stdout


def _guest_program(tmp_path):
    """The guest program, built static as tools/realkernel/run builds it."""
    cc = shutil.which("cc")
    if cc is None:
        pytest.skip("no cc to build tools/realkernel/guest.c")
    exe = tmp_path / "mmsim-guest"
    subprocess.run([cc, "-static", "-O2", "-Wall", "-o", str(exe),
                    str(REPO / "tools/realkernel/guest.c")], check=True)
    return exe


def test_guest_program_on_the_host(mmsim_bin, tmp_path):
    """tools/realkernel/guest.c, run here: one command per open of NAME.cmd,
    one answer on NAME.ack, the results the kernel gives."""
    exe = _guest_program(tmp_path)
    run = tmp_path / "run"
    run.mkdir()
    # an fd the program inherits (the init shell's data port, in a guest)
    # is closed: the process's first open() returns 3, as in the model
    inherited = os.open(os.devnull, os.O_RDONLY)
    os.dup2(inherited, 3) if inherited != 3 else None
    proc = subprocess.Popen([str(exe), "serve", "p", str(run)], pass_fds=(3,))

    def call(name, cmd):
        with open(run / f"{name}.cmd", "w") as f:
            f.write(cmd + "\n")
        with open(run / f"{name}.ack") as f:
            return f.read().split()

    try:
        for _ in range(100000):
            if (run / "p.pid").exists():
                break
        assert int((run / "p.pid").read_text()) == proc.pid
        r = call("p", "mmap 0 8192 3 34 -1 0")      # PROT_READ|WRITE, PRIVATE|ANONYMOUS
        assert r[0] == "R" and int(r[1]) > 0 and r[2] == "0"
        addr = int(r[1])
        # no vdso or vvar left, no randomisation: where the model maps it
        # (mmap_base 0x7ffff7fff000 with a stack limit up to 128 MiB)
        maps = pathlib.Path(f"/proc/{proc.pid}/maps").read_text()
        assert "[vdso]" not in maps and "[vvar" not in maps
        assert addr == 0x7ffff7fff000 - 8192, maps
        assert call("p", f"munmap {addr + 1} 4096") == ["R", "-1", "22"]     # EINVAL
        assert call("p", f"touch {addr} 8192 1") == ["R", "0", "0"]
        r = call("p", "fork q")
        child = int(r[1])
        assert int((run / "q.pid").read_text()) == child
        assert call("q", f"munmap {addr} 8192") == ["R", "0", "0"]
        assert call("q", f"touch {addr} 4096 0") == ["S", "11"]       # then it dies
        assert call("p", "open " + "/nonexistent".encode().hex() + " 0 0") == ["R", "-1", "2"]
        assert call("p", "open " + os.devnull.encode().hex() + " 0") == ["R", "3", "0"]
        assert call("p", "exit 0") == ["X"]
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.skipif(shutil.which("qemu-system-x86_64") is None or not _cached_kernel(),
                    reason="needs qemu-system-x86_64 and a Debian 6.1 kernel in the cache "
                           "(run tools/realkernel/run once)")
def test_real_guest_that_does_not_finish(mmsim_bin, tmp_path):
    """A guest stopped before the end of its scenario: exit 3, the console's tail."""
    env = dict(os.environ, MMSIM_BIN=str(mmsim_bin))
    r = subprocess.run([str(REPO / "tools/realkernel/run"), str(DATA / "tiny.scn"),
                        "--out", str(tmp_path / "out"), "--timeout", "1"],
                       capture_output=True, text=True, env=env, timeout=300,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 3, r.stderr
    assert "did not reach the end of the scenario" in r.stderr
