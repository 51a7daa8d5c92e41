"""mmsim-bench's seed-000 rows run what they say they run.

The driver lives beside the mmsim binary under test; its figures are
times, which no test asserts, but which scenario each row ran is a
result: the "hvo off" row must boot with hugetlb_free_vmemmap off.
"""
import os
import re
import subprocess

import pytest


def _bench(mmsim_bin):
    path = mmsim_bin.parent / "mmsim-bench"
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.skip("mmsim-bench is not built beside " + str(mmsim_bin))
    return path


def test_seed000_off_row_runs_without_hvo(mmsim_bin):
    # Before the fix the row turned off the first "hugetlb_free_vmemmap=on"
    # in the file, the header comment's, and so ran reuse-head again.
    r = subprocess.run([str(_bench(mmsim_bin)), "--quick", "--only", "seed000",
                        "--no-jemalloc"], capture_output=True, text=True,
                       timeout=900, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    pages = dict(re.findall(r"hvo (\S+):\s+RSS\s+\d+ MiB, (-?\d+) pages", r.stdout))
    assert set(pages) == {"reuse-head", "new-head", "off"}, r.stdout
    # HVO off frees no vmemmap, so the second write finds less memory
    assert int(pages["off"]) < int(pages["reuse-head"]) < int(pages["new-head"])
