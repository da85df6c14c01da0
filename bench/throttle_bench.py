"""Slow devices: boot, handshake and a request round trip on a CPU 4x and 6x slower.

Run through ``python build.py bench --cpu-throttle 4,6`` (this section only; it prints one
table and writes ``build/bench/throttle.json``). The JS example pair (examples/js_lobby.html
on the lobby origin embedding examples/js_game.html from the game origin, both in the worker
runtime), one cold page per rate and way of slowing, rate 1 first as the reference:

* ``cdp``: Chromium's ``Emulation.setCPUThrottlingRate`` on the lobby page. It slows a
  page's main thread only: Chromium 156 refuses it for a worker target ("Operation is only
  supported for pages"), and a cross-site iframe has its own renderer process, so the
  browser runs without site isolation here (``NO_SITE_ISOLATION``, as Chrome on a low-memory
  Android phone does) and the game frame shares the throttled main thread. The bridges'
  Python runs in workers, which this does not slow: ``worker_slowdown`` measures it.
* ``cgroup``: the whole browser (every process and thread, workers included) in a cgroup v1
  CPU quota of 1/rate of the machine's cores (``/sys/fs/cgroup/cpu`` must be writable: root;
  skipped otherwise, and said so). This is the slowdown that reaches the workers.

Per run: ``connected_ms`` (navigation start to both bridges connected), each side's
``boot_ms`` (the runtime up, ``stats().boot_ms``), ``handshake_ms`` (the later boot to
connected), ``pause_ms`` (a request answered by the game), the mode reached, and every error:
timed-out or cancelled requests, rejections, status events other than the normal ones, console
errors. Then each default timeout of the bridge against what it had to cover. Figures, not
targets: the machine is shared, so the load average is printed with them.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from bridge.inspect.browser import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "build" / "bench" / "throttle.json"
CGROUP_CPU = Path("/sys/fs/cgroup/cpu")
# Site isolation off: a cross-site iframe shares the page's renderer (and so its throttle).
NO_SITE_ISOLATION = [
    "--disable-site-isolation-trials",
    "--disable-features=IsolateOrigins,site-per-process",
]
BOOT_TIMEOUT_MS = 180_000
# The bridge's default timeouts (bridge/core/config.py, bridge/js/carriers.js, worker-entry.js).
TIMEOUTS_MS = {
    "boot (page: runtime up)": 60_000,
    "handshake (lobby: any game)": 30_000,
    "welcome wait (game, then plain mode)": 1_000,
    "confirm (game confirms the port)": 3_000,
    "request (pause)": 10_000,
    "heartbeat (3 x 5 s unanswered)": 15_000,
}
# A fixed amount of JavaScript work, run in the lobby's worker: how much the worker slowed.
BUSY_LOOP = """() => { const t = performance.now(); let x = 0;
    for (let i = 0; i < 1e8; i++) x += i % 7; return performance.now() - t; }"""
RECORD_STATUS = """() => { window.__statuses = [];
    bridge.onStatus((s) => __statuses.push([s.status, s.code || null])); }"""
NORMAL_STATUSES = {"booting", "handshaking", "connected"}


def log(msg: str) -> None:
    print(f"[bench] {msg}", flush=True)


def measure_pair(page: Any, lobby_origin: str, game_origin: str) -> dict[str, Any]:
    """Open the JS example pair on ``page`` (throttled or not) and measure it; see the module."""
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    t0 = time.perf_counter()
    page.goto(f"{lobby_origin}/examples/js_lobby.html?game={game_origin}")
    page.wait_for_function(
        "window.bridge && bridge.status === 'connected'", timeout=BOOT_TIMEOUT_MS, polling=100
    )
    game = next(f for f in page.frames if "js_game.html" in f.url)
    game.wait_for_function(
        "window.bridge && bridge.status === 'connected'", timeout=BOOT_TIMEOUT_MS, polling=100
    )
    connected_ms = (time.perf_counter() - t0) * 1000
    page.evaluate(RECORD_STATUS)
    t1 = time.perf_counter()
    pause = page.evaluate("bridge.pause().then((m) => m.type, (e) => e.code)")
    pause_ms = (time.perf_counter() - t1) * 1000
    resume = page.evaluate("bridge.resume().then((m) => m.type, (e) => e.code)")
    page.wait_for_timeout(1000)  # a late error or status would show by now
    lobby_stats = page.evaluate("bridge.stats()")
    game_stats = game.evaluate("bridge.stats()")
    # Both boot_ms are from each page's own time origin; the game's page starts later.
    nav = page.evaluate("performance.timeOrigin")
    game_nav = game.evaluate("performance.timeOrigin")
    lobby_boot = float(lobby_stats["boot_ms"])
    game_boot = float(game_stats["boot_ms"]) + (game_nav - nav)
    statuses = page.evaluate("__statuses") + game.evaluate("window.__statuses || []")
    errors = [f"console: {t}" for t in console]
    for side, st in (("lobby", lobby_stats), ("game", game_stats)):
        req = st["requests"]
        if req["timed_out"] or req["cancelled"]:
            errors.append(f"{side}: requests {req}")
        if st["rejected_total"]:
            errors.append(f"{side}: rejected {st['rejected']}")
        if st["mode"] != "bridge":
            errors.append(f"{side}: mode {st['mode']}")
    errors += [f"status {s}" for s in statuses if s[0] not in NORMAL_STATUSES]
    if pause != "gamePaused" or resume != "gameResumed":
        errors.append(f"pause / resume answered {pause} / {resume}")
    worker = next(w for w in page.workers if w.url.startswith(lobby_origin))
    return {
        "connected_ms": round(connected_ms),
        "lobby_boot_ms": round(lobby_boot),
        "game_boot_ms": round(game_boot),
        "handshake_ms": round(connected_ms - max(lobby_boot, game_boot)),
        "pause_ms": round(pause_ms),
        "mode": lobby_stats["mode"],
        "busy_loop_worker_ms": round(worker.evaluate(BUSY_LOOP)),
        "busy_loop_page_ms": round(page.evaluate(BUSY_LOOP)),
        "errors": errors,
    }


def throttle_page(page: Any, rate: float) -> None:
    """CDP CPU throttling of the page's renderer main thread (1: off)."""
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})


def cgroup_available() -> bool:
    return (CGROUP_CPU / "cpu.cfs_quota_us").exists() and os.access(CGROUP_CPU, os.W_OK)


@contextmanager
def cgroup_chromium(rate: float) -> Iterator[Path]:
    """A Chromium launcher whose process tree runs in a CPU quota of 1/rate of the machine."""
    group = CGROUP_CPU / f"hizi-bench-{os.getpid()}-{rate:g}"
    group.mkdir()
    try:
        period = int((group / "cpu.cfs_period_us").read_text())
        quota = max(1000, int(period * (os.cpu_count() or 1) / rate))
        (group / "cpu.cfs_quota_us").write_text(str(quota))
        with tempfile.TemporaryDirectory(prefix="hizi-cgroup-") as tmp:
            launcher = Path(tmp) / "chromium"
            launcher.write_text(
                f'#!/bin/sh\necho $$ > {group}/cgroup.procs\nexec {CHROMIUM} "$@"\n'
            )
            launcher.chmod(0o755)
            yield launcher
    finally:
        for _ in range(50):  # the browser's processes are gone a moment after close()
            try:
                group.rmdir()
                break
            except OSError:
                time.sleep(0.1)


def one(pw: Any, way: str, rate: float, lobby: str, game: str) -> dict[str, Any]:
    args = [*CHROMIUM_ARGS, *NO_SITE_ISOLATION]
    load = os.getloadavg()[0]
    if way == "cgroup" and rate != 1:
        with cgroup_chromium(rate) as launcher:
            browser = pw.chromium.launch(executable_path=str(launcher), args=args)
            try:
                page = browser.new_page()
                result = measure_pair(page, lobby, game)
            finally:
                browser.close()
    else:
        launch: dict[str, Any] = {"args": args}
        if CHROMIUM.exists():
            launch["executable_path"] = str(CHROMIUM)
        browser = pw.chromium.launch(**launch)
        try:
            page = browser.new_page()
            if rate != 1:
                throttle_page(page, rate)
            result = measure_pair(page, lobby, game)
        finally:
            browser.close()
    return {"way": way, "rate": rate, "load_average": round(load, 1), **result}


def margins(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each default timeout against the longest span it had to cover in any run."""
    covered = {
        "boot (page: runtime up)": max(max(r["lobby_boot_ms"], r["game_boot_ms"]) for r in rows),
        "handshake (lobby: any game)": max(r["connected_ms"] for r in rows),
        "welcome wait (game, then plain mode)": None,  # the game upgrades when the lobby says hello
        "confirm (game confirms the port)": max(max(r["handshake_ms"], 0) for r in rows),
        "request (pause)": max(r["pause_ms"] for r in rows),
        "heartbeat (3 x 5 s unanswered)": None,  # counted in page ticks; see docs/performance.md
    }
    out = []
    for name, limit in TIMEOUTS_MS.items():
        worst = covered[name]
        out.append(
            {
                "timeout": name,
                "default_ms": limit,
                "worst_ms": worst,
                "margin": None if not worst else round(limit / worst, 1),
            }
        )
    return out


def table(res: dict[str, Any]) -> str:
    lines = [
        "| way | rate | load | connected ms | boot lobby / game ms | handshake ms | pause ms "
        "| busy loop page / worker ms | mode | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in res["runs"]:
        lines.append(
            f"| {r['way']} | {r['rate']:g}x | {r['load_average']} | {r['connected_ms']} | "
            f"{r['lobby_boot_ms']} / {r['game_boot_ms']} | {r['handshake_ms']} | {r['pause_ms']} "
            f"| {r['busy_loop_page_ms']} / {r['busy_loop_worker_ms']} | {r['mode']} | "
            f"{len(r['errors'])} |"
        )
    lines += ["", "| default timeout | ms | worst covered ms | margin |", "|---|---:|---:|---:|"]
    for m in res["margins"]:
        worst = "-" if m["worst_ms"] is None else m["worst_ms"]
        margin = "-" if m["margin"] is None else f"{m['margin']}x"
        lines.append(f"| {m['timeout']} | {m['default_ms']} | {worst} | {margin} |")
    if res["skipped"]:
        lines.append(f"\nskipped: {res['skipped']}")
    return "\n".join(lines)


def run(
    build_module: ModuleType,
    *,
    rates: Sequence[float],
    out: Path = DEFAULT_OUT,
    site_dir: Path | None = None,
    offline: bool = False,
    progress: Callable[[str], None] = log,
) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    result = build_module.build(ROOT, site_dir=site_dir, offline=offline)
    servers = build_module.start_servers(
        result.site_dir,
        [build_module.ServerSpec("127.0.0.1", 0), build_module.ServerSpec("localhost", 0)],
    )
    lobby, game = servers
    ways = ["cdp", "cgroup"] if cgroup_available() else ["cdp"]
    skipped = "" if "cgroup" in ways else f"cgroup ({CGROUP_CPU} is not writable: not root?)"
    rows = []
    try:
        with sync_playwright() as pw:
            rows.append(one(pw, "none", 1, lobby.origin, game.origin))
            progress(f"1x: {rows[-1]}")
            for way in ways:
                for rate in rates:
                    rows.append(one(pw, way, rate, lobby.origin, game.origin))
                    progress(f"{way} {rate:g}x: {rows[-1]}")
    finally:
        build_module.stop_servers(servers)
    summary = {
        "cores": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "runs": rows,
        "margins": margins(rows),
        "skipped": skipped,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(table(summary), flush=True)
    progress(f"wrote {out}")
    return summary
