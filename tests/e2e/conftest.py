# SPDX-License-Identifier: GPL-2.0-only
"""Shared fixtures for the end-to-end tests: they run the built mmsim.

The binary comes from the environment variable MMSIM_BIN (tools/test.sh
sets it for each build); without it the usual build directories of the
repository are tried, and the session stops with a clear message when none
has an mmsim.
"""
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
E2E = pathlib.Path(__file__).resolve().parent

# Generous: the ASan build runs the bigger scenarios several times slower.
TIMEOUT = 300


def _find_mmsim():
    env = os.environ.get("MMSIM_BIN")
    if env:
        path = pathlib.Path(env)
        if not (path.is_file() and os.access(path, os.X_OK)):
            pytest.exit(f"MMSIM_BIN={env} is not an executable file", returncode=4)
        return path
    for cand in ("build/release/mmsim", "build/mmsim", "build/asan/mmsim"):
        path = REPO / cand
        if path.is_file() and os.access(path, os.X_OK):
            return path
    pytest.exit("mmsim binary not found: set MMSIM_BIN=/path/to/mmsim or build into "
                f"{REPO}/build/release (cmake -S . -B build/release && "
                "cmake --build build/release)", returncode=4)
    return None


@pytest.fixture(scope="session")
def mmsim_bin():
    """Path of the mmsim program under test."""
    return _find_mmsim()


class Mmsim:
    """Runs mmsim; results are subprocess.CompletedProcess with text output."""

    def __init__(self, binary):
        self.binary = binary

    def __call__(self, *args, cwd=None, timeout=TIMEOUT):
        return subprocess.run([str(self.binary), *map(str, args)], cwd=cwd,
                              capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)

    def run_file(self, path, *args, cwd=None):
        """`mmsim run PATH ARGS...`"""
        return self("run", path, *args, cwd=cwd)


@pytest.fixture(scope="session")
def mmsim(mmsim_bin):
    """Call as mmsim("run", file, "--check") -> CompletedProcess."""
    return Mmsim(mmsim_bin)


@pytest.fixture(scope="session")
def unknown_verb(mmsim):
    """The parser's message for a word that is no verb and close to none:
    unknown_verb("t.scn:2:1", "foo") -> "t.scn:2:1: unknown verb 'foo' (verbs: ...)\\n"."""
    verbs = " ".join(mmsim("verbs").stdout.split())
    return lambda where, word: f"{where}: unknown verb '{word}' (verbs: {verbs})\n"


@pytest.fixture
def run_scenario(mmsim, tmp_path):
    """Write scenario text to tmp_path/NAME and run it from tmp_path.

    Messages then name the file as NAME, so tests can compare them exactly:
        r = run_scenario("machine nodes=1 mem=1G\\nfoo\\n")
        assert r.stderr == unknown_verb("t.scn:2:1", "foo")
    """
    def run(text, *args, name="t.scn", files=None):
        (tmp_path / name).write_text(text)
        for fname, content in (files or {}).items():
            path = tmp_path / fname
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
        return mmsim.run_file(name, *args, cwd=tmp_path)
    return run
