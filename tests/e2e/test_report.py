# SPDX-License-Identifier: GPL-2.0-only
"""`mmsim report`: the 80-column text and the HTML page, from a scenario
run under the policies (one seed, and several with statistics), from a
compare JSON and from a sweep's JSON and result directory; the figures it
prints checked against compare's and sweep's own output, the raw
pagetypeinfo rows against the scenario's own `cat /proc/pagetypeinfo`, the
HTML's charts against compare's figures (parsed here, and as Chromium
renders it: the DOM Chromium dumps and a screenshot that is not blank),
and the errors.

The scenario fragments a 512 MiB machine (movable data, half freed at
random, then unmovable allocations that fall back into Movable blocks), so
the free blocks depend on the seed and there are mixed pageblocks, and
takes two snapshots around 32 hugepages with HVO, whose freed vmemmap
pages depend on the policy.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser

import pytest

SCN = """machine nodes=1 mem=512M cpus=2
cmdline hugetlb_free_vmemmap=on
boot
snapshot before
echo 32 > /proc/sys/vm/nr_hugepages
fill m order=0 gfp=GFP_HIGHUSER_MOVABLE count=90000
free m random=50%
drain
snapshot after
fill g order=0 gfp=GFP_KERNEL count=30000
drain
"""

POL = "hvo=reuse-head,new-head,new-head-6.7"
TYPES = ["Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate"]


def write(tmp_path, text=SCN, name="t.scn"):
    (tmp_path / name).write_text(text)
    return name


def fits(text):
    long = [line for line in text.splitlines() if len(line) > 80]
    assert not long, long


def section(text, head):
    """The lines of a report's section, from its '--- head' line to the next"""
    start = text.index("\n--- " + head)
    end = text.find("\n--- ", start + 1)
    return text[start:end if end >= 0 else len(text)]


def compare_json(mmsim, tmp_path, name, *args):
    r = mmsim("compare", name, "--policy", POL, "--format", "json", *args, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


# ---------------------------------------------------------------------------
# Text


def test_text_from_scenario(mmsim, tmp_path):
    """80 columns; the figures are compare's, with compare's deltas; the
    pagetypeinfo rows are the kernel file's own; vmstat moved as it must."""
    name = write(tmp_path)
    r = mmsim("report", name, "--policy", POL, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    fits(r.stdout)
    assert r.stdout.startswith("mmsim report: t.scn\npolicies: hvo=reuse-head, new-head, "
                               "new-head-6.7\nfrom its runs; seed 1, ")
    # figures: compare's values and its "(  x.xx%)" difference against run 0
    c = compare_json(mmsim, tmp_path, name)
    fig = section(r.stdout, "figures")
    freed = [run["figures"]["hvo.vmemmap_pages_freed"] for run in c["runs"]]
    assert freed[0] != freed[1]
    pct = (freed[1] - freed[0]) * 100.0 / freed[0]
    line = next(x for x in fig.splitlines() if x.startswith("machine: vmemmap pages freed"))
    assert line.split()[4] == str(freed[0])
    assert f" {freed[1]} ({pct:7.2f}%)" in line
    assert "figures the same in every run not shown" in fig
    # pagetypeinfo: the rows `cat /proc/pagetypeinfo` prints at the end, split at 80 columns
    (tmp_path / "cat.scn").write_text(SCN + "cat /proc/pagetypeinfo\n")
    run = mmsim("run", "cat.scn", "--policy", "hvo=reuse-head", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    kernel = {}
    for line in run.stdout.splitlines():
        if line.startswith("Node") and ", type " in line:
            kernel[line[:43].rstrip()] = line[43:].split()
    pti = section(r.stdout, "/proc/pagetypeinfo")
    after = pti[pti.index("* After (the end), reuse-head:"):]
    after = after[:after.index("\n* ", 1)]
    lines = after.splitlines()[1:]
    assert lines, after
    checked = 0
    for head, counts in zip(lines[0::2], lines[1::2]):
        if ", type " in head:
            assert kernel[head.rstrip()] == counts.split(), head
            checked += 1
    assert checked >= 1
    assert "* Before (snapshot 'before', line 4), every policy:" in pti
    # vmstat: 32 hugepages came from the buddy allocator between before and the end
    vm = section(r.stdout, "/proc/vmstat")
    assert "after - before" in vm
    row = next(line for line in vm.splitlines() if line.startswith("htlb_buddy_alloc_success"))
    assert row.split()[1] == "32"


def test_text_with_seeds_has_sweeps_statistics(mmsim, tmp_path):
    """With --seeds: Min/Median/Amean/Stddev per run and Welch's p, the
    numbers `mmsim sweep` computes for the same grid; from the sweep's JSON
    with --test mann-whitney, the Mann-Whitney p the sweep computed."""
    name = write(tmp_path)
    r = mmsim("report", name, "--policy", POL, "--seeds", "1..3", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    fits(r.stdout)
    assert "seeds 1..3 (3 per policy)" in r.stdout
    assert "p: Welch's t-test" in " ".join(r.stdout.split())
    s = mmsim("sweep", name, "--policy", POL, "--seeds", "1..3", "-q", "--format", "json",
              cwd=tmp_path)
    assert s.returncode == 0, s.stderr
    cells = json.loads(s.stdout)["cells"]
    f0 = [c["figures"]["machine.free_blocks.order0"] for c in cells]
    assert f0[0]["stddev"] > 0     # the seeds do spread it

    def stats(text, label="machine: free blocks order 0"):
        lines = section(text, "figures").splitlines()
        i = lines.index(label)
        return {lines[k].split()[0]: lines[k].split() for k in range(i + 1, i + 6)}

    stat = stats(r.stdout)
    assert stat["Amean"][1] == f"{f0[0]['mean']:.2f}"
    assert stat["Amean"][2] == f"{f0[1]['mean']:.2f}"
    assert stat["Stddev"][1] == f"{f0[0]['stddev']:.2f}"
    assert stat["Min"][1] == f"{f0[0]['min']:.0f}.00"
    assert stat["Median"][1] == f"{f0[0]['median']:.2f}"
    assert stat["Welch"][-1] == f"{f0[2]['difference']['welch']['p']:.4f}"
    (tmp_path / "s.json").write_text(s.stdout)
    m = mmsim("report", "s.json", "--test", "mann-whitney", cwd=tmp_path)
    assert m.returncode == 0, m.stderr
    assert "p: the Mann-Whitney U test" in " ".join(m.stdout.split())
    stat = stats(m.stdout, "machine.free_blocks.order0")    # a sweep has keys, no labels
    assert stat["MannW"][-1] == f"{f0[2]['difference']['mann_whitney']['p']:.4f}"
    assert stat["Amean"][1] == f"{f0[0]['mean']:.2f}"


def test_text_from_compare_json(mmsim, tmp_path):
    """A compare JSON gives the figures table the scenario gives (same
    labels, values and deltas), and says what it cannot show."""
    name = write(tmp_path)
    (tmp_path / "c.json").write_text(json.dumps(compare_json(mmsim, tmp_path, name)))
    r = mmsim("report", "c.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    fits(r.stdout)
    assert "from a compare result (c.json)" in r.stdout
    assert "(no pagetypeinfo rows, pageblock maps or vmstat" in r.stdout
    direct = mmsim("report", name, "--policy", POL, cwd=tmp_path)
    assert section(r.stdout, "figures") == section(direct.stdout, "figures")


def test_text_from_sweep_dir_and_json(mmsim, tmp_path):
    """A sweep's result directory (read through `sweep collect`) and its JSON
    give the same report, with the statistics."""
    name = write(tmp_path)
    s = mmsim("sweep", name, "--policy", POL, "--seeds", "1..3", "-q", "--dir", "res",
              "--format", "json", cwd=tmp_path)
    assert s.returncode == 0, s.stderr
    (tmp_path / "s.json").write_text(s.stdout)
    d = mmsim("report", "res", cwd=tmp_path)
    j = mmsim("report", "s.json", cwd=tmp_path)
    assert d.returncode == j.returncode == 0, d.stderr + j.stderr
    fits(d.stdout)
    assert "from a sweep's results (res)" in d.stdout
    assert "from a sweep (s.json)" in j.stdout
    assert section(d.stdout, "figures") == section(j.stdout, "figures")
    assert "  Amean" in d.stdout and "  Welch p" in d.stdout


# ---------------------------------------------------------------------------
# HTML


class Dom(HTMLParser):
    """The elements of a page with their attributes, and its text"""

    def __init__(self):
        super().__init__()
        self.el = []
        self.stack = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        a["_tag"] = tag
        a["_svg"] = next((s for s in reversed(self.stack) if s["_tag"] == "svg"), None)
        self.el.append(a)
        if tag not in ("meta", "br", "rect", "line"):
            self.stack.append(a)

    def handle_startendtag(self, tag, attrs):
        a = dict(attrs)
        a["_tag"] = tag
        a["_svg"] = next((s for s in reversed(self.stack) if s["_tag"] == "svg"), None)
        self.el.append(a)

    def handle_endtag(self, tag):
        for k in range(len(self.stack) - 1, -1, -1):
            if self.stack[k]["_tag"] == tag:
                del self.stack[k:]
                break

    def cls(self, c):
        return [e for e in self.el if e.get("class") == c]


def parse(html):
    d = Dom()
    d.feed(html)
    return d


def check_dom(dom, c, npoints):
    """The page's charts hold compare's figures for the same runs"""
    runs = c["runs"]
    maps = dom.cls("pbmap")
    zones = sorted({m["data-zone"] for m in maps})
    assert zones == ["node0.dma", "node0.dma32"]
    assert len(maps) == len(runs) * len(zones)
    mixed_seen = 0
    for m in maps:
        figs = runs[int(m["data-run"])]["figures"]
        rects = [e for e in dom.cls("pb") if e["_svg"] is m]
        assert rects
        covered = sorted((int(e["data-start"]), int(e["data-n"])) for e in rects)
        # the rects tile the map: every block once
        pos = 0
        for start, n in covered:
            assert start == pos
            pos += n
        assert pos == int(m["data-blocks"])
        for t in TYPES:
            key = f"{m['data-zone']}.pageblocks.{t.lower()}"
            got = sum(int(e["data-n"]) for e in rects if e["data-type"] == t)
            assert got == figs[key], (m["data-zone"], t)
            key = f"{m['data-zone']}.mixed_pageblocks.{t.lower()}"
            got = sum(int(e["data-n"]) for e in rects
                      if e["data-type"] == t and e["data-mixed"] == "1")
            assert got == figs[key], (m["data-zone"], t)
            mixed_seen += got
    assert mixed_seen > 0
    # the caption of each run's map counts the blocks that differ from the baseline's
    def blocks(m):
        out = {}
        for e in dom.cls("pb"):
            if e["_svg"] is m:
                for k in range(int(e["data-start"]), int(e["data-start"]) + int(e["data-n"])):
                    out[k] = (e["data-type"], e["data-mixed"])
        return out
    differ = dom.cls("differ")
    assert len(differ) == (len(runs) - 1) * len(zones)
    base = {m["data-zone"]: blocks(m) for m in maps if m["data-run"] == "0"}
    want = []
    for m in maps:
        if m["data-run"] != "0":
            mine = blocks(m)
            want.append(sum(mine[k] != base[m["data-zone"]][k] for k in mine))
    assert sorted(int(e["data-differ"]) for e in differ) == sorted(want)
    assert any(want)
    # free blocks per order: every point, every order; the end is compare's figure
    fb = dom.cls("fb")
    assert len(fb) == len(runs) * npoints * 11     # DMA32 changed, DMA did not
    for e in fb:
        if e["data-point"] == "end":
            figs = runs[int(e["data-run"])]["figures"]
            assert int(e["data-count"]) == figs[f"{e['data-zone']}.free_blocks.order"
                                                f"{e['data-order']}"]
    # A/B: each run but the baseline against it, per order
    ab = dom.cls("abbar")
    assert len(ab) == (len(runs) - 1) * 11
    # the figures table: the rows that differ, by key, with compare's values
    rows = [e for e in dom.el if e["_tag"] == "tr" and "data-key" in e]
    keys = {e["data-key"] for e in rows}
    assert "hvo.vmemmap_pages_freed" in keys
    assert "machine.hugepages" not in keys      # the same in every run


def test_html_dom(mmsim, tmp_path):
    """Self-contained (no script, no external resource), and its charts and
    tables hold the figures compare reports for the same runs."""
    name = write(tmp_path)
    r = mmsim("report", name, "--policy", POL, "--format", "html", "-o", "r.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    html = (tmp_path / "r.html").read_text()
    assert html.startswith("<!DOCTYPE html>")
    for bad in ("<script", "<link", "src=", "url(", "@import"):
        assert bad not in html
    check_dom(parse(html), compare_json(mmsim, tmp_path, name), npoints=3)


def png_pixels(path):
    """(width, height, set of RGB colours) of an 8-bit RGB/RGBA PNG"""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    colours = set()
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        if y % 4 == 0:
            for x in range(0, stride, bpp * 2):
                colours.add(bytes(line[x:x + 3]))
        prev = line
    return w, h, colours


def test_html_in_chromium(mmsim, tmp_path):
    """The page as a real browser renders it: Chromium (headless; as root
    it needs --no-sandbox) dumps the DOM it built, which holds the same
    figures, and takes a screenshot that is not blank and shows the
    pageblock map's colours.  No timing: --dump-dom and --screenshot
    return when the page has loaded, and it loads nothing."""
    browser = shutil.which("chromium")
    if not browser:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: tools/deps.sh installs it")
        pytest.skip("chromium is not installed (tools/deps.sh installs it)")
    name = write(tmp_path)
    r = mmsim("report", name, "--policy", POL, "--format", "html", "-o", "r.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    shot = tmp_path / "shot.png"
    b = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", "--no-first-run", "--disable-extensions",
                        f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,1600",
                        "--virtual-time-budget=5000", f"--screenshot={shot}", "--dump-dom",
                        (tmp_path / "r.html").as_uri()],
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                       env={**os.environ, "HOME": str(tmp_path)})
    assert b.returncode == 0, b.stderr
    dom = parse(b.stdout)
    check_dom(dom, compare_json(mmsim, tmp_path, name), npoints=3)
    assert shot.is_file() and shot.stat().st_size > 1000
    w, h, colours = png_pixels(shot)
    assert (w, h) == (1200, 1600)
    assert len(colours) > 20, "the screenshot is (nearly) uniform"
    # the map's Movable green and a mixed block's dark green are on screen
    assert bytes.fromhex("2ca02c") in colours
    assert bytes.fromhex("0b3d0b") in colours


# ---------------------------------------------------------------------------
# Errors


def test_errors(mmsim, tmp_path):
    name = write(tmp_path)
    (tmp_path / "bad.json").write_text('{\n  "schema": "mmsim-compare/2",\n  "runs": [1 2]\n}\n')
    r = mmsim("report", "bad.json", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == "mmsim: report: bad.json:3:14: expected ',' or ']'\n"
    (tmp_path / "other.json").write_text('{"x": 1}')
    r = mmsim("report", "other.json", cwd=tmp_path)
    assert r.returncode == 2
    assert "other.json:1:1: neither a compare JSON" in r.stderr
    r = mmsim("report", name, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("mmsim: report: a scenario needs --policy FAMILY=A,B,...\n"
                               "usage: mmsim report")
    r = mmsim("report", name, "--policy", "hvo=nope", cwd=tmp_path)
    assert r.returncode == 2
    assert "unknown hvo policy 'nope'" in r.stderr
    r = mmsim("report", name, "--policy", POL, "--at", "middle", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == "mmsim: report: --at 'middle': t.scn takes no snapshot of that name\n"
    r = mmsim("report", name, "--policy", POL, "--figures", "nothing.like.this",
              cwd=tmp_path)
    assert r.returncode == 2
    assert "--figures 'nothing.like.this': no figure" in r.stderr
    r = mmsim("report", name, "--policy", POL, "--format", "pdf", cwd=tmp_path)
    assert r.returncode == 2
    assert "--format takes text or html, not 'pdf'" in r.stderr
    r = mmsim("report", "missing.json", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == "mmsim: report: missing.json: No such file or directory\n"
    r = mmsim("report", "bad.json", "--seeds", "1..3", cwd=tmp_path)
    assert r.returncode == 2
    assert "a JSON result has its runs already" in r.stderr
    # a scenario with a parse error: the file:line:col message run prints
    (tmp_path / "p.scn").write_text("machine nodes=1 mem=zz\n")
    r = mmsim("report", "p.scn", "--policy", POL, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("p.scn:1:")


def test_at_and_figures(mmsim, tmp_path):
    """--at reads the figures at a snapshot, as compare --at does; --figures
    keeps the rows asked for, the same ones in every run too."""
    name = write(tmp_path)
    r = mmsim("report", name, "--policy", POL, "--at", "after", "--format", "html", "-o",
              "a.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    c = compare_json(mmsim, tmp_path, name, "--at", "after")
    dom = parse((tmp_path / "a.html").read_text())
    # the map is the state at 'after' now, compare's figures at 'after'
    for m in dom.cls("pbmap"):
        figs = c["runs"][int(m["data-run"])]["figures"]
        rects = [e for e in dom.cls("pb") if e["_svg"] is m]
        got = sum(int(e["data-n"]) for e in rects if e["data-type"] == "Movable")
        assert got == figs[f"{m['data-zone']}.pageblocks.movable"]
    r = mmsim("report", name, "--policy", POL, "--figures", "machine.hugepages", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    fig = section(r.stdout, "figures")
    assert "machine: hugepages, all sizes" in fig
    assert "vmemmap" not in fig


def test_progress_lines_per_run_and_quiet(mmsim, tmp_path):
    # From a scenario, report runs each policy once per seed: with
    # --progress one "[i/n] hvo=...: ok" line per run reaches stderr, in
    # the order of the grid; --quiet alone prints none (stderr is a pipe).
    scn = tmp_path / "small.scn"
    scn.write_text("machine nodes=1 mem=256M\nsnapshot before\n"
                   "echo 4 > /proc/sys/vm/nr_hugepages\n")
    args = ("report", scn, "--policy", "hvo=reuse-head,new-head", "--seeds", "1,2")
    r = mmsim(*args, "--progress")
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert [re.sub(r", [0-9.]+ s.*$", "", l) for l in lines] == [
        "[1/4] hvo=reuse-head seed 1: ok", "[2/4] hvo=new-head seed 1: ok",
        "[3/4] hvo=reuse-head seed 2: ok", "[4/4] hvo=new-head seed 2: ok"], lines
    q = mmsim(*args, "--quiet")
    assert q.returncode == 0 and q.stderr == ""
    assert q.stdout == r.stdout


def test_too_many_figures_prefixes_is_an_error(mmsim, tmp_path):
    # the 65th prefix used to be dropped without a word
    scn = tmp_path / "small.scn"
    scn.write_text("machine nodes=1 mem=256M\n")
    prefixes = ",".join(f"p{i}" for i in range(65))
    r = mmsim("report", scn, "--policy", "hvo=reuse-head", "--figures", prefixes)
    assert r.returncode == 2
    assert r.stderr.startswith("mmsim: report: at most 64 --figures prefixes\n")
