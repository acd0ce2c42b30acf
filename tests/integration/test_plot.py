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
# Hand-made, following the resist JSON format: a ramp to 60k pps, a hold, a stop.
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


# scripts/bench resist's driver: its table and chart from saved results,
# and what it would run (no root, no namespace).
RESIST = os.path.join(ROOT, "tests", "bench", "resist.py")


def resist(*args):
    return subprocess.run(["/usr/bin/python3", RESIST, *args], capture_output=True,
                          text=True, timeout=120)


def test_bench_resist_table(tmp_path):
    with open(SAMPLE) as f:
        other = json.load(f)
    # No hold phase: the top rate's success is the last attacked second's.
    other["label"] = "woshou-always"
    other["phases"] = [p for p in other["phases"] if p["type"] != "hold"]
    other["breaking_points"] = {"below_99_pps": None, "below_50_pps": None,
                                "recovery_s": 0.0}
    b = tmp_path / "b.json"
    b.write_text(json.dumps(other))
    svg_path, out = tmp_path / "resist.svg", tmp_path / "resist.json"
    res = resist("--table", SAMPLE, str(b), "--svg", str(svg_path), "--json", str(out))
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].split() == ["server", "<99%", "at", "<50%", "at", "at", "top",
                                "rate", "overall", "recovery", "top", "sent/s"]
    # hand: 35k and 50k; the hold: 173 ok of 600; 73.21% overall; 50k sent.
    assert lines[1].split() == ["resist-hand", "35k", "50k", "28.8%", "73.2%", "2",
                                "s", "50k"], lines[1]
    # b: the last attacked second, t=9: 58 of 200.
    assert lines[2].split() == ["woshou-always", "-", "-", "29.0%", "73.2%", "0", "s",
                                "50k"], lines[2]
    rows = json.load(open(out))["servers"]
    assert [r["below_99_pps"] for r in rows] == [35000, None]
    root, text = svg(svg_path)
    assert "resist-hand (<99% at 35k, <50% at 50k pps)" in text
    assert "woshou-always (<99% at none, <50% at none pps)" in text


def test_bench_resist_dry_run(tmp_path):
    res = resist("--dry-run", "--json", str(tmp_path / "resist.json"),
                 "--svg", str(tmp_path / "resist.svg"))
    assert res.returncode == 0, res.stderr
    out = res.stdout
    for server in ("linux-cookies1", "linux-cookies2", "woshou-auto", "woshou-always"):
        assert f"# {server}: a fresh wire" in out
        assert f"--json={tmp_path}/resist-{server}.json" in out
    assert "net.ipv4.tcp_syncookies=1" in out and "net.ipv4.tcp_syncookies=2" in out
    assert "tcp.syncookies=auto" in out and "tcp.syncookies=always" in out
    gen = [l for l in out.splitlines() if " resist --target 198.18.1.2 " in l]
    assert len(gen) == 4
    for l in gen:
        assert ("--sources 198.19.0.0/16 --phase ramp:0-200000:12 --phase "
                "hold:200000:3 --phase stop:3 --legit http --path / "
                "--legit-rate 200") in l
    assert out.rstrip().endswith(f"--curve -o {tmp_path}/resist.svg")
    # Bounds.
    for args in (["--max-pps", "2000001"], ["--ramp", "15", "--hold", "5", "--stop", "1"],
                 ["--servers", "nginx"], ["--hold", "0", "--ramp", "0"]):
        r = resist("--dry-run", *args)
        assert r.returncode == 2, (args, r.stdout)
