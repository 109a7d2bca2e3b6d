"""The handout benchmark runs and reports every figure (run with: make test ARGS="-m perf")."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.perf

KEYS = {
    "render_ms_5",
    "render_ms_10",
    "render_ms_30",
    "baseline_ms_10",
    "download_ms",
    "queries_3",
    "queries_30",
    "pages_10",
    "pages_10_large",
    "pages_10_summary",
    "peak_mib_10",
    "illustrations_ms",
}


def test_bench_handouts_prints_a_table_and_a_json_line():
    # As `make bench` runs it: its own process, its own throw-away database.
    out = subprocess.run(
        [sys.executable, "manage.py", "bench_handouts", "--repeat", "1", "--downloads", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    lines = out.strip().splitlines()
    figures = json.loads(lines[-1])
    assert figures.keys() >= KEYS
    assert figures["queries_3"] == figures["queries_30"]
    assert figures["pages_10"] >= 2
    assert f"Illustrations: {figures['illustrations']} drawn in " in out
    print(out)
