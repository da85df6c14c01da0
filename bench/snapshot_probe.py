"""Probe: the worker's boot from a memory snapshot kept in Cache Storage (issue #19).

Run from the repository root: ``python bench/snapshot_probe.py [--runs N]``. It builds the
site, serves it on the bench's two origins and, per run and each in a fresh persistent
profile, visits twice (cold, then repeat): the bench's "bare worker" and "floor" pages, the
bridge with ``snapshot: false``, and the bridge with the snapshot (default), whose repeat
visit waits until both origins have stored their snapshot. Prints time to connected (the
lobby's navigation start to both frames connected) and each frame's stats().boot.snapshot,
and writes build/bench/snapshot-probe.json. Not shipped; figures in docs/performance.md.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import buildtool as build_module  # noqa: E402
from bench import browser_bench as bb  # noqa: E402

SNAPSHOT_JS = """async () => {
    const s = await bench.bridge.stats();
    return (s.boot && s.boot.snapshot) || null;
}"""
STORED_JS = """async (key) => {
    // Complete: an entry may be visible while its body is still being written.
    const res = await (await caches.open("hizi-bridge-snapshot")).match(key);
    if (!res || res.headers.get("x-hizi-snapshot-bytes") === null) return false;
    const bytes = (await res.arrayBuffer()).byteLength;
    return bytes === Number(res.headers.get("x-hizi-snapshot-bytes"));
}"""


def main() -> None:
    from playwright.sync_api import sync_playwright

    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 1
    result = build_module.build(ROOT)
    headers = bb.ISOLATION_HEADERS if bb.ISOLATED else {}
    servers = build_module.start_servers(
        result.site_dir,
        [
            build_module.ServerSpec("127.0.0.1", 0, headers),
            build_module.ServerSpec("localhost", 0, headers),
        ],
    )
    lobby, game = servers
    errors: list[str] = []
    rows: dict[str, list[float]] = {}
    details: list[dict[str, Any]] = []
    loads = [os.getloadavg()[0]]
    launch: dict[str, Any] = {"args": list(bb.CHROMIUM_ARGS)}
    if bb.CHROMIUM.exists():
        launch["executable_path"] = str(bb.CHROMIUM)
    try:
        with sync_playwright() as pw, tempfile.TemporaryDirectory() as profiles:
            counter = iter(range(1_000_000))

            def visit(kind: str, label: str, query: str, wait_snapshot: bool = False) -> None:
                lobby_path, game_path = bb.VISITS[kind]
                url = f"{lobby.origin}{lobby_path}?game={game.origin}{query}"
                ctx = pw.chromium.launch_persistent_context(
                    str(Path(profiles) / f"p{next(counter)}"), **launch
                )
                try:
                    for visit_name in ("cold", "warm"):
                        pair = bb.open_pair(ctx, url, game_path, errors)
                        got = pair.wait_connected()
                        rows.setdefault(f"{label} {visit_name}", []).append(got["connected_ms"])
                        info: dict[str, Any] = {
                            "row": f"{label} {visit_name}",
                            "connected_ms": got["connected_ms"],
                        }
                        if kind == "worker":
                            info["snapshot"] = {
                                n: f.evaluate(SNAPSHOT_JS) for n, f in pair.frames().items()
                            }
                            info["phases"] = {
                                n: [
                                    [p[0], round(p[2] - p[1])]
                                    for p in (f.evaluate(bb.BOOT_TIMELINE_JS) or {}).get(
                                        "phases", []
                                    )
                                ]
                                for n, f in pair.frames().items()
                            }
                        details.append(info)
                        print(json.dumps(info), flush=True)
                        if visit_name == "cold" and wait_snapshot:
                            t0 = time.monotonic()
                            for n, f in pair.frames().items():
                                key = info["snapshot"][n]["key"]
                                while not f.evaluate(STORED_JS, key):
                                    assert time.monotonic() - t0 < 120, "no snapshot"
                                    time.sleep(0.1)
                            print(
                                f"  snapshots stored {time.monotonic() - t0:.1f} s after "
                                "connected was read",
                                flush=True,
                            )
                finally:
                    ctx.close()

            for _ in range(runs):
                visit("bare_worker", "bare worker", "&mode=bare")
                visit("floor", "floor", "&mode=floor")
                visit("worker", "bridge, snapshot off", "&runtime=worker&snapshot=0")
                visit("worker", "bridge, snapshot", "&runtime=worker", wait_snapshot=True)
                loads.append(os.getloadavg()[0])
    finally:
        build_module.stop_servers(servers)
    print(f"\nload average {min(loads):.1f}-{max(loads):.1f}; errors: {errors}")
    for row, vals in rows.items():
        print(f"{row:32} {statistics.median(vals):7.0f} ms  {[round(v) for v in vals]}")
    out = ROOT / "build" / "bench" / "snapshot-probe.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"rows": rows, "details": details, "loads": loads, "errors": errors}, indent=2)
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
