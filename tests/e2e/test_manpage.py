# SPDX-License-Identifier: GPL-2.0-only
"""The man page, docs/mmsim.1: it documents every command and every flag
the built mmsim's help prints, names the binary's version, and renders
without a warning (groff -ww, and man -l as a user would read it).
Debian's groff-base and man-db provide groff and man (tools/deps.sh)."""
import os
import pathlib
import re
import shutil
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "mmsim.1"


def page_text():
    """The page's source without comments, with \\- as -, fonts dropped."""
    lines = [l for l in PAGE.read_text().splitlines() if not l.startswith('.\\"')]
    text = "\n".join(lines)
    text = re.sub(r"\\f[BIRP]", "", text)
    return text.replace("\\-", "-").replace("\\%", "").replace("\\&", "")


def flags_of(help_text):
    """Every flag a help text names: --long ones and -x short ones."""
    long_flags = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", help_text))
    short = set(re.findall(r"(?<![\w-])-[a-zA-Z](?=[\s,\]|])", help_text))
    return long_flags | short


def test_every_flag_of_the_help_is_documented(mmsim):
    helps = {"mmsim --help": mmsim("--help").stdout,
             "mmsim sweep --help": mmsim("sweep", "--help").stdout}
    text = page_text()
    documented = flags_of(text)
    missing = {}
    for cmd, h in helps.items():
        assert h, cmd
        lost = sorted(flags_of(h) - documented)
        if lost:
            missing[cmd] = lost
    assert not missing, ("flags the help prints but docs/mmsim.1 does not document: "
                         + "; ".join(f"{c}: {', '.join(f)}" for c, f in missing.items()))
    # each documented as an option of its own (a .TP tag), not only mentioned
    tagged = set()
    for tag in re.findall(r"^\.TP\n(.*)$", text, re.M):
        tagged |= flags_of(tag)
    assert flags_of(helps["mmsim --help"]) - {"--help", "--version"} <= tagged, \
        sorted(flags_of(helps["mmsim --help"]) - tagged)


def test_every_command_has_a_section(mmsim):
    h = mmsim("--help").stdout
    block = h[h.index("Commands:"):h.index("\n\n", h.index("Commands:"))]
    commands = re.findall(r"^  ([a-z][a-z-]*(?: collect)?) ", block, re.M)
    assert {"run", "compare", "sweep", "explore"} <= set(commands)
    sections = re.findall(r"^\.SS (.*)$", page_text(), re.M)
    names = {re.sub(r" [A-Z]+.*$", "", s).strip() for s in sections}
    assert set(commands) <= names, sorted(set(commands) - names)


def test_version_matches_the_binary(mmsim):
    version = mmsim("--version").stdout.split()[1]
    th = re.search(r'^\.TH MMSIM 1 "[^"]*" "mmsim ([^"]+)"', PAGE.read_text(), re.M)
    assert th and th.group(1) == version


def test_groff_renders_without_warnings():
    groff = shutil.which("groff")
    assert groff, "groff not found: tools/deps.sh installs groff-base"
    r = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", str(PAGE)],
                       capture_output=True, text=True)
    assert r.returncode == 0 and r.stderr == "", r.stderr


def test_man_renders_it():
    man = shutil.which("man")
    assert man, "man not found: tools/deps.sh installs man-db"
    env = dict(os.environ, MANWIDTH="80", MANPAGER="cat", PAGER="cat", LC_ALL="C.UTF-8")
    r = subprocess.run([man, "--warnings", "-l", str(PAGE)], capture_output=True, text=True,
                       env=env, stdin=subprocess.DEVNULL)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert r.stdout.startswith("MMSIM(1)")
    for heading in ("NAME", "SYNOPSIS", "COMMANDS", "PROGRESS", "EXIT STATUS", "FILES"):
        assert re.search(rf"^{heading}$", r.stdout, re.M), heading
    # 80 columns, as MANWIDTH asked
    assert max(len(l) for l in r.stdout.splitlines()) <= 80
