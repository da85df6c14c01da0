"""`python build.py bench --quick` end to end: the JSON has its keys, no event lost, order kept.

Both runtimes ("worker" and "main") and the pages without a bridge are measured (issue #10).

Speed is not asserted here (the machine is shared and noisy); the figures live in
bench/results.json and docs/performance.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

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
        timeout=600,  # 13 page loads (both runtimes, five baselines), cold and repeat
        check=False,
    )
    elapsed = time.monotonic() - t0
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    res = json.loads(out.read_text(encoding="utf-8"))
    for runtime in ("worker", "main"):  # issue #10: both runtimes, each beside the baselines
        block = res["runtimes"][runtime]
        for kind in ("bridge", "floor", "raw_window", "raw_port", "penpal"):
            assert block["round_trip_us"][kind] > 0, (runtime, kind)
        assert set(block["round_trip_ratio"]) >= {"bridge_vs_raw_window", "bridge_vs_floor"}
        burst = block["burst"]
        assert set(burst) >= {"events", "events_per_s", "lost", "out_of_order"}
        assert burst["lost"] == 0, runtime
        assert burst["out_of_order"] == 0, runtime
        assert set(block["longest_task_ms"]) >= {"burst", "round_trips"}
    for kind in ("bridge", "bridge_main", "floor", "floor_main", "raw_window", "raw_port"):
        assert res["round_trip_us"][kind] > 0
    assert res["burst"]["lost"] == 0
    assert res["burst"]["out_of_order"] == 0
    for visit in ("worker_cold", "worker_warm", "main_cold", "main_warm", "blank_cold",
                  "penpal_cold", "pyodide_cold"):  # fmt: skip
        for frame in ("lobby", "game"):
            figures = res["frames"][visit][frame]
            assert set(figures) >= {"connected_ms", "longest_task_ms", "blocking_ms",
                                    "raf_gap_ms", "memory_bytes"}, visit  # fmt: skip
            assert figures["connected_ms"] > 0
            assert figures["raf_gap_ms"] > 0  # the rAF loop ran
    assert set(res["boot_ms"]) >= {"connected_cold", "connected_main_cold", "bare_pyodide_cold"}
    assert set(res["boot_ratio"]) >= {"worker_vs_main_cold", "worker_vs_main_warm"}
    assert set(res["longest_task_ms"]) >= {"boot", "boot_main", "burst", "round_trips"}
    assert res["targets"] and all(
        {"what", "figure", "target", "met"} <= set(t) for t in res["targets"]
    )
    assert res["machine"]["browser"].startswith("Chromium")
    assert res["machine"]["cores"]
    assert res["non_local_requests"] == []
    assert res["browser_errors"] == []
    assert "| hizi-bridge request" in proc.stdout  # the table
    assert "| floor: port echo" in proc.stdout
    assert "| issue #10 target" in proc.stdout
    # Issue #19: the boot floor beside connected, and a waterfall per frame.
    for key in ("floor_cold", "floor_warm", "bare_worker_cold"):
        assert res["boot_ms"][key] > 0, key
    assert res["boot_ratio"]["connected_vs_floor_cold"] > 0
    for key in ("worker_cold", "floor_cold"):
        for frame in ("lobby", "game"):
            rows = res["boot_timeline"][key][frame]
            fetched = {r["what"] for r in rows if r["what"].startswith("fetch ")}
            assert "fetch pyodide.asm.wasm" in fetched, (key, frame, fetched)
    phases = {r["what"] for r in res["boot_timeline"]["worker_cold"]["lobby"]}
    assert {"manifest", "zips_fetched", "load_pyodide", "mount_zips", "imports"} <= phases
    # The floor's load in its two parts, named as the bridge's.
    floor = {r["what"] for r in res["boot_timeline"]["floor_cold"]["lobby"]}
    assert {"load_pyodide", "import_and_validate"} <= floor, floor
    assert "| boot waterfall, worker_cold, lobby frame" in proc.stdout
    print(f"bench --quick took {elapsed:.1f} s")


def test_engine_round_trip_runs_on_a_site_and_on_a_checkout(built_site: Any) -> None:
    """`bench/engine_round_trip.py`: the four calls of a round trip under Pyodide in Node, on
    the built site's wheel and on this checkout's source (``--source``), small N."""
    site = str(built_site.site_dir)
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "engine_round_trip.py"),
            site,
            site,
            "--source",
            str(ROOT / "no-such-checkout"),
            "--source",
            str(ROOT),
            "--n",
            "20",
            "--blocks",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # A checkout that does not exist fails, saying which tree, before the second runs.
    assert proc.returncode == 1 and "no-such-checkout" in proc.stderr, proc.stderr[-2000:]
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "engine_round_trip.py"), site, site,
         "--source", str(ROOT), "--source", str(ROOT), "--n", "20", "--blocks", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [row["source"] for row in rows] == [str(ROOT), str(ROOT)]
    for row in rows:
        assert row["bridge_us"] > 0 and row["floor_us"] > 0
        assert abs(row["ratio"] - row["bridge_us"] / row["floor_us"]) < 0.05
