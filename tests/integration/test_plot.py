# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
"""scripts/woshou-plot on saved resist results (no namespace, no root):
the time chart and the curve chart are SVG documents with the title, the
axes and the labels asked for; bad inputs exit 2 with a message and write
nothing."""

import copy
import json
import os
import subprocess
import xml.etree.ElementTree as ET

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLOT = os.path.join(ROOT, "scripts", "woshou-plot")
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
# Hand-made, following /work/notes' schema: a ramp to 60k pps, a hold, a stop.
SAMPLE = os.path.join(DATA, "resist-hand.json")
SVG_NS = "{http://www.w3.org/2000/svg}"

pytest.importorskip("matplotlib", reason="python3-matplotlib (WS_PACKAGES) is missing")


def plot(*args):
    return subprocess.run(["/usr/bin/python3", PLOT, *args], capture_output=True,
                          text=True, timeout=120)


def svg(path):
    """The SVG's root and all its text, whitespace collapsed."""
    root = ET.parse(path).getroot()
    text = " ".join(" ".join(t.itertext()) for t in root.iter(SVG_NS + "text"))
    return root, " ".join(text.split())


def axes_ids(root):
    return sorted(g.get("id") for g in root.iter(SVG_NS + "g")
                  if (g.get("id") or "").startswith("axes_"))


def test_time_chart(tmp_path):
    out = tmp_path / "chart.svg"
    res = plot(SAMPLE, "-o", str(out))
    assert res.returncode == 0, res.stderr
    root, text = svg(out)
    assert root.tag == SVG_NS + "svg"
    # Title: target, attack, overall success, breaking points, recovery.
    assert "198.18.0.1:8080 under a syn (linux options) flood" in text
    assert "legit success 73.21%" in text
    assert "below 99% at 35k pps, below 50% at 50k pps; recovery 2 s" in text
    # Three shared time axes (and the attempts' twin of the middle one).
    for title in ("attack and the target's replies",
                  "legitimate clients: success per second",
                  "handshake latency"):
        assert title in text
    assert len(axes_ids(root)) == 4
    # The plan's phases are labelled.
    for phase in ("ramp 0-60k", "hold 60k", "stop"):
        assert phase in text
    # p99 from 0.9 to 60 ms and p50 from 0.12: over two decades, log scale.
    assert "10 1" in text and "10 0" in text


def test_curve_chart(tmp_path):
    with open(SAMPLE) as f:
        other = json.load(f)
    other["label"] = "woshou always"
    other["breaking_points"]["below_99_pps"] = None
    b = tmp_path / "b.json"
    b.write_text(json.dumps(other))
    out = tmp_path / "curves.svg"
    res = plot(SAMPLE, str(b), "--curve", "-o", str(out))
    assert res.returncode == 0, res.stderr
    root, text = svg(out)
    assert root.tag == SVG_NS + "svg"
    assert "legitimate success against attack rate" in text
    # One curve per result: the file name, else the label.
    assert "resist-hand (<99% at 35k, <50% at 50k pps)" in text
    assert "woshou always (<99% at none, <50% at 50k pps)" in text


def test_png(tmp_path):
    out = tmp_path / "chart.png"
    res = plot(SAMPLE, "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def bad_inputs(tmp_path):
    with open(SAMPLE) as f:
        good = json.load(f)
    not_resist = copy.deepcopy(good)
    not_resist["mode"] = "http"
    no_series = copy.deepcopy(good)
    del no_series["series"]
    bad_second = copy.deepcopy(good)
    del bad_second["series"][3]["legit_ok"]
    cases = {
        "missing": (None, "no such file"),
        "not_json": ("{not json", "not JSON"),
        "not_resist": (json.dumps(not_resist), "not a woshou-gen resist result"),
        "no_series": (json.dumps(no_series), "no \"series\" list"),
        "bad_second": (json.dumps(bad_second), "series[3] has no number \"legit_ok\""),
    }
    for name, (content, msg) in cases.items():
        p = tmp_path / f"{name}.json"
        if content is not None:
            p.write_text(content)
        yield name, str(p), msg


def test_bad_input_exits_2(tmp_path):
    out = tmp_path / "chart.svg"
    for name, path, msg in bad_inputs(tmp_path):
        res = plot(path, "-o", str(out))
        assert res.returncode == 2, (name, res.returncode, res.stderr)
        assert msg in res.stderr, (name, res.stderr)
        assert not out.exists(), name
    # Arguments: a format matplotlib would write but we do not promise,
    # several results without --curve, and no -o at all.
    for args, msg in (([SAMPLE, "-o", str(tmp_path / "x.pdf")], ".svg or .png"),
                      ([SAMPLE, SAMPLE, "-o", str(out)], "only with --curve"),
                      ([SAMPLE], "-o")):
        res = plot(*args)
        assert res.returncode == 2, (args, res.stderr)
        assert msg in res.stderr, (args, res.stderr)
    assert not out.exists()
