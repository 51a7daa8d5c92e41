#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# tools/junit_count.py - count passed, failed and skipped tests in a JUnit
# XML file written by `ctest --output-junit` or `pytest --junitxml`.
#
# Usage: junit_count.py ctest|pytest FILE
# Prints "PASSED FAILED SKIPPED" on one line.  Only the standard library is
# used, so any python3 works.
#
# The two writers disagree on one point: ctest marks a test whose
# executable is missing (it did not build) as status="notrun" with a
# <skipped> child, yet ctest itself counts it as failed.  Here a ctest
# "notrun" is a skip only when the test asked for it (SKIP_RETURN_CODE or
# SKIP_REGULAR_EXPRESSION) and a failure otherwise; disabled tests are skips.
import sys
import xml.etree.ElementTree as ET


def count(kind, path):
    passed = failed = skipped = 0
    root = ET.parse(path).getroot()
    for tc in root.iter("testcase"):
        tags = {child.tag for child in tc}
        status = tc.get("status", "")
        if "failure" in tags or "error" in tags:
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
