"""`python build.py bench --quick` end to end: the JSON has its keys, no event lost, order kept.

Speed is not asserted here (the machine is shared and noisy); the figures live in
bench/results.json and docs/performance.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.e2e


def test_bench_quick(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    t0 = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "bench",
            "--quick",
            "--out",
            str(out),
            "--site-dir",
            str(tmp_path / "site"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    elapsed = time.monotonic() - t0
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    res = json.loads(out.read_text(encoding="utf-8"))
    for kind in ("bridge", "floor", "raw_window", "raw_port", "penpal"):
        assert res["round_trip_us"][kind] > 0
    burst = res["burst"]
    assert set(burst) >= {"events", "events_per_s", "lost", "out_of_order"}
    assert burst["lost"] == 0
    assert burst["out_of_order"] == 0
    assert set(res["boot_ms"]) >= {"connected_cold", "bare_pyodide_cold", "connected_warm"}
    assert set(res["longest_task_ms"]) >= {"boot", "burst"}
    assert res["machine"]["browser"].startswith("Chromium")
    assert res["machine"]["cores"]
    assert res["non_local_requests"] == []
    assert res["browser_errors"] == []
    assert "| hizi-bridge request" in proc.stdout  # the table
    assert "| floor: port echo" in proc.stdout
    print(f"bench --quick took {elapsed:.1f} s")
