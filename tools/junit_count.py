#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# tools/junit_count.py - count passed, failed and skipped tests in a JUnit
# XML file written by `ctest --output-junit` or `pytest --junitxml`.
#
# Usage: junit_count.py ctest|pytest FILE
# Prints "PASSED FAILED SKIPPED" on one line.  For ctest, the CMocka test
# cases inside each test program are counted, from the program's output
# (test.sh keeps it whole with --test-output-size-passed/failed).  Only the standard library is
# used, so any python3 works.
#
# The two writers disagree on one point: ctest marks a test whose
# executable is missing (it did not build) as status="notrun" with a
# <skipped> child, yet ctest itself counts it as failed.  Here a ctest
# "notrun" is a skip only when the test asked for it (SKIP_RETURN_CODE or
# SKIP_REGULAR_EXPRESSION) and a failure otherwise; disabled tests are skips.
import re
import sys
import xml.etree.ElementTree as ET

# CMocka's closing lines inside a ctest test's output: one ctest test is a
# CMocka program holding many test cases, and those are what we count.
CMOCKA_PASSED = re.compile(r"^\[  PASSED  \] (\d+) test", re.M)
CMOCKA_FAILED = re.compile(r"^\[  FAILED  \] (\d+) test", re.M)


def cmocka_counts(tc):
    """(passed, failed) from a ctest testcase's output, or None."""
    out = "".join(child.text or "" for child in tc if child.tag == "system-out")
    p = CMOCKA_PASSED.findall(out)
    f = CMOCKA_FAILED.findall(out)
    if not p and not f:
        return None
    return sum(map(int, p)), sum(map(int, f))


def count(kind, path):
    passed = failed = skipped = 0
    root = ET.parse(path).getroot()
    for tc in root.iter("testcase"):
        tags = {child.tag for child in tc}
        status = tc.get("status", "")
        bad = "failure" in tags or "error" in tags
        cm = cmocka_counts(tc) if kind == "ctest" else None
        if cm is not None:
            passed += cm[0]
            # a program that failed after reporting no failed case (a
            # crash, a sanitizer report at exit) still counts as one
            failed += cm[1] if (cm[1] or not bad) else 1
            continue
        if bad:
            failed += 1
        elif kind == "ctest" and status == "disabled":
            skipped += 1
        elif kind == "ctest" and status == "notrun":
            msg = ""
            for child in tc:
                if child.tag == "skipped":
                    msg = child.get("message", "")
            if msg.startswith("SKIP_"):
                skipped += 1
            else:
                failed += 1
        elif "skipped" in tags:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("ctest", "pytest"):
        sys.stderr.write("usage: junit_count.py ctest|pytest FILE\n")
        return 2
    try:
        p, f, s = count(sys.argv[1], sys.argv[2])
    except (OSError, ET.ParseError) as e:
        sys.stderr.write("junit_count.py: %s: %s\n" % (sys.argv[2], e))
        return 1
    print(p, f, s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
