# SPDX-License-Identifier: GPL-2.0-only
"""The documentation lists what the binary knows, no more and no less.

docs/scenario-language.md keeps three lists between marker comments,
    <!-- verbs: ... -->          ... <!-- end verbs -->
    <!-- policies: ... -->       ... <!-- end policies -->
    <!-- kernel-files: ... -->   ... <!-- end kernel-files -->
and each is compared with what the built mmsim prints (`mmsim verbs`,
`mmsim policies`, `mmsim files`).  A difference fails with the names that
are missing and where.  Beyond the lists: every verb is described in a
statement of its own, every FAMILY=ENTRY that README.md or docs/ spell
names a real entry, and every kernel file they spell in backticks is one
of the listed files.
"""
import pathlib
import re

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
LANG = REPO / "docs" / "scenario-language.md"
README = REPO / "README.md"
DOCS = sorted((REPO / "docs").glob("*.md"))


def rel(path):
    return str(path.relative_to(REPO))


def marked_block(path, name):
    """The text between <!-- NAME: ... --> and <!-- end NAME --> in path."""
    text = path.read_text()
    m = re.search(r"<!-- %s:[^>]*-->\n(.*?)<!-- end %s -->" % (name, name), text, re.S)
    assert m, (f"{rel(path)} has no list delimited by '<!-- {name}: ... -->' and "
               f"'<!-- end {name} -->'")
    return m.group(1)


def table_rows(block):
    """The cells of each row of a markdown table, without header and rule."""
    rows = []
    for line in block.splitlines():
        line = line.strip()
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if all(re.fullmatch(r":?-+:?", c) for c in cells):
            continue
        rows.append(cells)
    assert rows, "the table is empty"
    return rows[1:]     # the header


def unquote(cell, what):
    m = re.fullmatch(r"`([^`]+)`(.*)", cell)
    assert m, f"{what} '{cell}' is not in backticks"
    return m.group(1), m.group(2).strip()


def differences(what, cmd, from_cmd, where, from_docs):
    """Failure lines for two sets that should be equal."""
    out = []
    missing = sorted(from_cmd - from_docs)
    extra = sorted(from_docs - from_cmd)
    if missing:
        out.append(f"{what} that `{cmd}` prints but {where} does not list: "
                   + ", ".join(map(str, missing)))
    if extra:
        out.append(f"{what} that {where} lists but `{cmd}` does not print: "
                   + ", ".join(map(str, extra)))
    return out


def check(problems):
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------
# Verbs


def docs_verbs():
    words = re.findall(r"`([^`]+)`", marked_block(LANG, "verbs"))
    assert words, f"the verbs list of {rel(LANG)} names no verb"
    return words


def test_verbs_match_the_parser(mmsim):
    r = mmsim("verbs")
    assert r.returncode == 0, r.stderr
    cmd = r.stdout.split()
    docs = docs_verbs()
    problems = differences("verbs", "mmsim verbs", set(cmd), f"{rel(LANG)} (verbs list)",
                           set(docs))
    dups = sorted({v for v in docs if docs.count(v) > 1})
    if dups:
        problems.append(f"verbs listed twice in {rel(LANG)}: " + ", ".join(dups))
    check(problems)


def test_every_verb_is_described():
    """Each listed verb starts a statement in a table (`VERB ...`) or a line
    of a code block, outside the list itself."""
    body = LANG.read_text().replace(marked_block(LANG, "verbs"), "")
    code_lines = set()
    for block in re.findall(r"```[a-z]*\n(.*?)```", body, re.S):
        code_lines.update(line.split()[0] for line in block.splitlines() if line.split())
    undescribed = [v for v in docs_verbs()
                   if not re.search(r"`%s[ `]" % re.escape(v), body) and v not in code_lines]
    check([f"verbs listed in {rel(LANG)} but described by no statement there: "
           + ", ".join(undescribed)] if undescribed else [])


# ---------------------------------------------------------------------------
# Policies


def parse_policies(stdout):
    """(family, entry) pairs and each family's default from `mmsim policies`."""
    pairs, defaults, family = set(), {}, None
    for line in stdout.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            family = line.split(":", 1)[0]
            continue
        assert family, f"an entry before any family in `mmsim policies`: {line!r}"
        entry = line.split()[0]
        pairs.add((family, entry))
        if line.endswith("(default)"):
            defaults[family] = entry
    return pairs, defaults


def docs_policies():
    pairs, defaults = set(), {}
    for cells in table_rows(marked_block(LANG, "policies")):
        family, _ = unquote(cells[0], "family")
        entry, rest = unquote(cells[1], "entry")
        pairs.add((family, entry))
        if rest == "(default)":
            defaults[family] = entry
    return pairs, defaults


def fmt_pairs(pairs):
    return {f"{f}={e}" for f, e in pairs}


def test_policies_match_the_registry(mmsim):
    r = mmsim("policies")
    assert r.returncode == 0, r.stderr
    cmd_pairs, cmd_defaults = parse_policies(r.stdout)
    doc_pairs, doc_defaults = docs_policies()
    where = f"{rel(LANG)} (policies list)"
    problems = differences("policies", "mmsim policies", fmt_pairs(cmd_pairs), where,
                           fmt_pairs(doc_pairs))
    problems += differences("default policies", "mmsim policies", fmt_pairs(cmd_defaults.items()),
                            where, fmt_pairs(doc_defaults.items()))
    check(problems)


def test_policies_spelled_anywhere_exist(mmsim):
    """FAMILY=A,B,... in README.md or docs/ names real families' entries."""
    pairs, _ = parse_policies(mmsim("policies").stdout)
    families = {f for f, _ in pairs}
    problems = []
    for path in [README, *DOCS]:
        for n, line in enumerate(path.read_text().splitlines(), 1):
            for fam, names in re.findall(r"(?<![\w-])([a-z][a-z0-9_-]*)=([A-Za-z0-9][\w.,-]*)",
                                         line):
                if fam not in families:
                    continue
                for name in names.rstrip(".,").split(","):
                    if (fam, name) not in pairs:
                        problems.append(f"{rel(path)}:{n}: '{fam}={name}' is not a policy "
                                        f"`mmsim policies` prints")
    check(problems)


# ---------------------------------------------------------------------------
# Kernel files


def docs_files():
    files = {}
    for cells in table_rows(marked_block(LANG, "kernel-files")):
        path, _ = unquote(cells[0], "file")
        assert path not in files, f"{path} listed twice in {rel(LANG)}"
        files[path] = (cells[1], cells[2])
    return files


def test_files_match_the_modules(mmsim):
    r = mmsim("files")
    assert r.returncode == 0, r.stderr
    cmd = {}
    for line in r.stdout.splitlines():
        fields = line.split()
        assert len(fields) == 3, f"`mmsim files` line is not 'PATH MODE MODULE': {line!r}"
        cmd[fields[0]] = (fields[1], fields[2])
    docs = docs_files()
    where = f"{rel(LANG)} (kernel-files list)"
    problems = differences("kernel files", "mmsim files", set(cmd), where, set(docs))
    for path in sorted(set(cmd) & set(docs)):
        if cmd[path] != docs[path]:
            problems.append(f"{path}: `mmsim files` says access {cmd[path][0]}, module "
                            f"{cmd[path][1]}; {where} says access {docs[path][0]}, "
                            f"module {docs[path][1]}")
    check(problems)


PLACEHOLDER = {"<nid>": r"(?:\d+|<nid>)", "<kB>": r"(?:\d+|<kB>)",
               "<pid>": r"(?:\d+|<pid>|[A-Za-z_]\w*)", "<block>": r"(?:\d+|<block>)",
               "<name>": r"[^/]+"}


def pattern_regex(path):
    parts = re.split(r"(<nid>|<kB>|<pid>|<block>|<name>)", path)
    return "".join(PLACEHOLDER.get(p, re.escape(p)) for p in parts)


def listed(kpath, files):
    """kpath is a listed file, or (ending in '/') the directory of one."""
    for f in files:
        if kpath.endswith("/"):
            cands = [f[:i + 1] for i, c in enumerate(f) if c == "/"]
        else:
            cands = [f]
        if any(re.fullmatch(pattern_regex(c), kpath) for c in cands):
            return True
    return False


def test_files_spelled_anywhere_are_listed():
    """A kernel path that README.md or the language page spells in
    backticks (alone or in a cat/echo line) is one of the listed files or
    the directory of some; node0 and hugepages-2048kB match the
    placeholders <nid> and <kB>, a pid or a process name <pid>, memory9
    <block>."""
    files = docs_files()
    problems = []
    for path in (README, LANG):
        text = path.read_text()
        if path == LANG:    # the list itself, blanked with its line count kept
            block = marked_block(LANG, "kernel-files")
            text = text.replace(block, "\n" * block.count("\n"))
        for n, line in enumerate(text.splitlines(), 1):
            for code in re.findall(r"`([^`]+)`", line):
                for kpath in re.findall(r"/(?:proc|sys)/[^\s`'\"]*", code):
                    if "..." not in kpath and not listed(kpath, files):
                        problems.append(f"{rel(path)}:{n}: `{kpath}` is not a file (or the "
                                        f"directory of one) that {rel(LANG)} lists")
    check(problems)
