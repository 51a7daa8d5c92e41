# SPDX-License-Identifier: GPL-2.0-only
"""Bad input gets file:line:col and exit 2; a failed expect gets file:line
and exit 1.  Each case is a file in tests/e2e/malformed/ that states what
it expects in its header:

    # expect-exit: 2
    # expect-stderr: NAME.scn:LINE:COL: message        (the exact line)
    # expect-stderr-start: NAME.scn:LINE:COL: prefix   (for messages the
    #                                                  model words itself)
"""
import pathlib
import re

import pytest

MALFORMED = pathlib.Path(__file__).resolve().parent / "malformed"
CASES = sorted(p.name for p in MALFORMED.glob("*.scn"))


def header(path):
    want = {}
    for line in path.read_text().splitlines():
        m = re.match(r"# (expect-exit|expect-stderr|expect-stderr-start): (.*)$", line)
        if m:
            want[m.group(1)] = m.group(2)
    return want


def test_there_are_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize("name", CASES)
def test_malformed(mmsim, name):
    want = header(MALFORMED / name)
    assert "expect-exit" in want, f"{name}: no '# expect-exit:' header"
    assert "expect-stderr" in want or "expect-stderr-start" in want, name
    r = mmsim.run_file(name, "--check", cwd=MALFORMED)
    assert r.returncode == int(want["expect-exit"]), r.stderr
    # one diagnostic line, no crash report, nothing else
    assert r.stderr.count("\n") == 1, r.stderr
    line = r.stderr.rstrip("\n")
    if "expect-stderr" in want:
        assert line == want["expect-stderr"]
    else:
        assert line.startswith(want["expect-stderr-start"])
        assert len(line) > len(want["expect-stderr-start"]), "no reason given"


@pytest.mark.parametrize("name", [n for n in CASES if header(MALFORMED / n)["expect-exit"] == "2"])
def test_parse_errors_stop_before_output(mmsim, name):
    """Errors the parser finds print nothing on stdout: nothing ran."""
    r = mmsim.run_file(name, cwd=MALFORMED)
    text = (MALFORMED / name).read_text()
    runtime = ("cannot boot", "unknown counter", "has no member", "'g[1]'",
               "not a readable file", "not a file the model provides")
    if not any(k in r.stderr for k in runtime):
        assert r.stdout == "", name
    assert "echo no boot needed" not in text or r.stdout == "no boot needed for this line\n"
