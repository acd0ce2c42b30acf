#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""Count test cases over both layers and print 'N passed, N failed'.

Unit: meson's testlog.json, one record per cmocka program; the cases are
counted from cmocka's own [ RUN ] / [ OK ] / [ SKIPPED ] lines (a program that
is no cmocka test, such as the README check, is one case), and a program that
died without reporting counts as one failure. Integration: pytest's
JUnit XML, and any further JUnit XML files named after it (the fuzz
smoke's). A missing file means that layer did not run. Exit status 1 when
anything failed or no test ran at all.
"""

import json
import os
import re
import sys
import xml.etree.ElementTree as ET


def unit_counts(path):
    passed = failed = skipped = 0
    if not os.path.exists(path):
        return passed, failed, skipped
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            out = (rec.get("stdout") or "") + (rec.get("stderr") or "")
            runs = len(re.findall(r"^\[ RUN      \]", out, re.M))
            oks = len(re.findall(r"^\[       OK \]", out, re.M))
            skips = len(re.findall(r"^\[  SKIPPED \]", out, re.M))
            bad = runs - oks - skips
            if runs == 0 and rec.get("result") == "OK":
                oks = 1  # a check that is no cmocka program passed
            if rec.get("result") != "OK" and bad == 0:
                bad = 1  # crashed, timed out, or never started its cases
                print(f"unit program {rec.get('name')}: {rec.get('result')}")
            passed += oks
            failed += bad
            skipped += skips
    return passed, failed, skipped


def junit_counts(path):
    if not os.path.exists(path):
        return 0, 0, 0
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = failed = skipped = 0
    for s in suites:
        total += int(s.get("tests", 0))
        failed += int(s.get("failures", 0)) + int(s.get("errors", 0))
        skipped += int(s.get("skipped", 0))
    return total - failed - skipped, failed, skipped


def main():
    up, uf, us = unit_counts(sys.argv[1])
    ip, if_, is_ = junit_counts(sys.argv[2])
    print(f"unit: {up} passed, {uf} failed, {us} skipped; "
          f"integration: {ip} passed, {if_} failed, {is_} skipped")
    passed, failed, skipped = up + ip, uf + if_, us + is_
    # More JUnit files after those two (the fuzz smoke: one case a target).
    for extra in sys.argv[3:]:
        ep, ef, es = junit_counts(extra)
        if ep + ef + es:
            print(f"{os.path.basename(extra)}: {ep} passed, {ef} failed, "
                  f"{es} skipped")
        passed, failed, skipped = passed + ep, failed + ef, skipped + es
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
