# SPDX-License-Identifier: GPL-2.0-only
"""Reading `mmsim compare`'s text table back, for the tests.

The table is printed in groups of columns that fit 80 columns: after a
blank line, a header line with the run names right-aligned to each
column's end, then one line per figure, its label left-aligned and each
cell right-aligned to its column's end.  rows() merges the groups into
{label: [cell of run 0, cell of run 1, ...]}; value() drops a cell's
"(  x.xx%)" difference.
"""
import re

_FIRST = re.compile(r"^(.*?)\s{2,}(\S+(?: \(\s*[^)]*\))?)$")


def _groups(stdout):
    """(header line, [row lines]) of each group of columns"""
    blocks = stdout.split("\n\n")
    for block in blocks[2:]:
        lines = block.splitlines()
        if not lines or not lines[0].startswith("  "):
            continue
        yield lines[0], lines[1:]


def rows(stdout):
    table = {}
    for header, lines in _groups(stdout):
        ends = [m.end() for m in re.finditer(r"run \d+|\S+", header)]
        for line in lines:
            m = _FIRST.match(line[:ends[0]])
            assert m, f"not a table row: {line!r}"
            label = m.group(1)
            cells = [m.group(2)] + [line[a:b].strip() for a, b in zip(ends, ends[1:])]
            table.setdefault(label, []).extend(cells)
    return table


def headers(stdout):
    """The column names, over every group"""
    names = []
    for header, _ in _groups(stdout):
        names += re.findall(r"run \d+|\S+", header)
    return names


def value(cell):
    return cell.split(" (")[0]
