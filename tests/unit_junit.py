#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""unit_junit.py TESTLOG_JSON OUT_XML: a meson testlog.json of the cmocka
unit programs as one JUnit test suite, counted case by case as
summarize.py counts the unit layer, so that another build's unit run (the
sanitizer stage of scripts/test) counts in the final 'N passed, N failed'
line as one more JUnit file. A missing testlog writes nothing: that run did
not happen."""

import json
import os
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summarize import unit_counts  # noqa: E402


def main():
    src, dst = sys.argv[1], sys.argv[2]
    if not os.path.exists(src):
        return 0
    passed, failed, skipped = unit_counts(src)
    suite = ET.Element("testsuite", name=os.path.basename(dst),
                       tests=str(passed + failed + skipped),
                       failures=str(failed), errors="0", skipped=str(skipped))
    # The programs that failed, by name, for whoever reads the file.
    with open(src) as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("result") != "OK":
                case = ET.SubElement(suite, "testcase", name=rec.get("name", "?"))
                ET.SubElement(case, "failure", message=str(rec.get("result")))
    ET.ElementTree(suite).write(dst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
