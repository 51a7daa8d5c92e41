# SPDX-License-Identifier: GPL-2.0-only
"""`cmake --install`: the program, the man page, the model as libmmsim.a
with its headers under include/mmsim/, and mmsim.pc.

Installs the build the tests run (the directory of MMSIM_BIN) into a
temporary prefix, then builds the example program of docs/library.md with
nothing but the installed headers and `pkg-config --cflags --libs mmsim`,
runs it, and checks that it prints byte for byte what `mmsim run` prints
for the scenario docs/library.md gives as its equivalent.
"""
import os
import pathlib
import re
import shutil
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
LIBDOC = REPO / "docs" / "library.md"


def cache_of(build):
    """The build's CMakeCache.txt entries: {NAME: value}."""
    entries = {}
    for line in (build / "CMakeCache.txt").read_text().splitlines():
        m = re.match(r"([A-Za-z_0-9]+):[A-Z_]+=(.*)", line)
        if m:
            entries[m.group(1)] = m.group(2)
    return entries


def fenced(text, lang):
    """The first fenced block of a markdown text whose opening fence names
    LANG ("" for a bare fence)."""
    block, body = None, []
    for line in text.splitlines(keepends=True):
        if block is None and line.startswith("```"):
            block = line[3:].strip()
            body = []
        elif block is not None and line.rstrip() == "```":
            if block == lang:
                return "".join(body)
            block = None
        elif block is not None:
            body.append(line)
    raise AssertionError(f"docs/library.md has no ```{lang} block")


@pytest.fixture(scope="module")
def installed(mmsim_bin, tmp_path_factory):
    build = pathlib.Path(mmsim_bin).resolve().parent
    if not (build / "CMakeCache.txt").is_file():
        pytest.skip(f"{mmsim_bin} is not in a CMake build directory")
    for tool in ("cmake", "pkg-config"):
        assert shutil.which(tool), f"{tool} not found (tools/deps.sh installs it)"
    prefix = tmp_path_factory.mktemp("prefix")
    r = subprocess.run(["cmake", "--install", str(build), "--prefix", str(prefix)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return build, prefix


def test_install_tree(installed, mmsim):
    build, prefix = installed
    binary = prefix / "bin" / "mmsim"
    r = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout == mmsim("--version").stdout
    page = prefix / "share" / "man" / "man1" / "mmsim.1"
    assert page.read_bytes() == (REPO / "docs" / "mmsim.1").read_bytes()
    assert (prefix / "lib" / "libmmsim.a").is_file()
    headers = {p.name for p in (prefix / "include" / "mmsim").iterdir()}
    assert headers == {p.name for p in (REPO / "model").glob("*.h")}
    assert (prefix / "lib" / "pkgconfig" / "mmsim.pc").is_file()


def test_pkg_config(installed):
    _, prefix = installed
    env = dict(os.environ, PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))
    r = subprocess.run(["pkg-config", "--cflags", "--libs", "mmsim"], capture_output=True,
                       text=True, env=env)
    assert r.returncode == 0, r.stderr
    flags = r.stdout.split()
    inc = [f[2:] for f in flags if f.startswith("-I")]
    libdirs = [f[2:] for f in flags if f.startswith("-L")]
    # the prefix is found from the .pc file's own place: the temporary one
    assert [os.path.realpath(p) for p in inc] == [os.path.realpath(prefix / "include")]
    assert [os.path.realpath(p) for p in libdirs] == [os.path.realpath(prefix / "lib")]
    assert "-lmmsim" in flags and "-lm" in flags


def test_example_program_links_and_runs(installed, mmsim, tmp_path):
    build, prefix = installed
    cache = cache_of(build)
    doc = LIBDOC.read_text()
    src = tmp_path / "boot.c"
    src.write_text(fenced(doc, "c"))
    env = dict(os.environ, PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "mmsim"], capture_output=True,
                           text=True, env=env, check=True).stdout.split()
    # a library built with sanitizers or coverage needs them in the program too
    extra = []
    if cache.get("MMSIM_SANITIZE") == "ON":
        extra += ["-fsanitize=address,undefined"]
    if cache.get("MMSIM_COVERAGE") == "ON":
        extra += ["--coverage"]
    cc = cache.get("CMAKE_C_COMPILER") or "cc"
    exe = tmp_path / "boot"
    r = subprocess.run([cc, "-Wall", "-Wextra", "-Werror", *extra, str(src), *flags, "-o",
                        str(exe)], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    run = subprocess.run([str(exe)], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    # what mmsim run prints for the scenario docs/library.md gives
    (tmp_path / "boot.scn").write_text(fenced(doc, ""))
    want = mmsim("run", "boot.scn", "--policy", "hvo=new-head", cwd=tmp_path)
    assert want.returncode == 0, want.stderr
    assert run.stdout == want.stdout
    assert run.stdout.startswith("16\nNode 0, zone      DMA")
