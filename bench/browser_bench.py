"""Browser benchmark: hizi-bridge against raw postMessage, a raw MessagePort and Penpal.

Run through ``python build.py bench [--quick] [--runs N] [--out FILE]``: it builds the site,
serves it on two origins (lobby on 127.0.0.1, game on localhost), drives headless Chromium
(/usr/bin/chromium, or $HIZI_CHROMIUM) with Playwright, prints one table and writes
``bench/results.json``. The pages are bench/pages/ (served under /bench/).

Each run opens a fresh browser context (empty HTTP cache) and measures, in the same two frames:

* boot: navigation start -> both bridges connected (cold), then again after a reload (warm
  HTTP cache), and two bare ``loadPyodide()`` boots in the same frames (cold and warm);
* round trips, interleaved in rounds: the bridge's ``request("realityCheck")`` answered by the
  game (validated on both sides), a raw ``MessageChannel`` echo, a Penpal 7 method call and
  the "floor" (a raw port echo whose every hop parses, validates and dumps the message with
  pydantic in the page's Pyodide: what validating in Python at both ends costs before any
  protocol), then, once both bridges are closed (their window listeners would see the
  traffic), a raw ``window.postMessage`` echo; the same payload everywhere;
* a burst of game -> lobby ``balance`` events: rate, loss, order;
* the longest main-thread task (Long Tasks API, >= 50 ms) during boot and during the burst.

Figures are medians over runs; the machine is shared and noisy, so the ratios matter more
than the absolute numbers. Nothing here asserts a speed target.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "results.json"
CHROMIUM = Path(os.environ.get("HIZI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Cross-origin isolation, so that performance.now() has 5 µs resolution instead of 100 µs
# (the round trips are a few hundred µs). The game frame is embedded with
# allow="cross-origin-isolated". Turn off with HIZI_BENCH_ISOLATED=0.
ISOLATION_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "cross-origin",
}
ISOLATED = os.environ.get("HIZI_BENCH_ISOLATED", "1") != "0"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
TRANSPORTS = ("bridge", "floor", "raw_window", "raw_port", "penpal")
BOOT_TIMEOUT_MS = 120_000


@dataclass(frozen=True)
class Settings:
    runs: int
    calls: int  # timed round trips per transport per run
    warmup: int
    rounds: int  # the timed calls are split into this many interleaved rounds
    burst: int
    chunk: int  # burst events the game sends per task
    quick: bool = False

    @classmethod
    def make(cls, quick: bool, runs: int | None) -> Settings:
        if quick:
            return cls(
                runs=runs or 1, calls=200, warmup=50, rounds=2, burst=1000, chunk=250, quick=True
            )
        return cls(runs=runs or 5, calls=2000, warmup=300, rounds=4, burst=10_000, chunk=250)


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def median(values: Sequence[float | None]) -> float:
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else float("nan")


# ------------------------------------------------------------------------------------------
# One page load
# ------------------------------------------------------------------------------------------


class Pair:
    """The lobby page and its game frame, both exposing ``window.bench``."""

    def __init__(self, page: Any, game_path: str) -> None:
        self.page = page
        self.game_path = game_path

    @property
    def game(self) -> Any:
        for frame in self.page.frames:
            if self.game_path in frame.url:
                return frame
        raise RuntimeError(f"no frame {self.game_path}")

    def wait_connected(self) -> dict[str, Any]:
        page = self.page
        page.wait_for_function(
            "() => window.bench && (bench.marks.connected || bench.errors.length)",
            timeout=BOOT_TIMEOUT_MS,
        )
        deadline = time.monotonic() + BOOT_TIMEOUT_MS / 1000
        while True:
            try:
                game = self.game
                game.wait_for_function(
                    "() => window.bench && (bench.marks.connected || bench.errors.length)",
                    timeout=BOOT_TIMEOUT_MS,
                )
                break
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        script = """() => ({ origin: performance.timeOrigin, marks: bench.marks,
            isolated: globalThis.crossOriginIsolated,
            errors: bench.errors, bytes: bench.bytes(), longTasks: bench.longTasksSupported,
            urls: performance.getEntriesByType('resource').map(e => e.name) })"""
        lobby_state = page.evaluate(script)
        game_state = self.game.evaluate(script)
        errors = lobby_state["errors"] + game_state["errors"]
        if errors:
            raise RuntimeError(f"page errors: {errors}")
        origin = lobby_state["origin"]
        both = max(lobby_state["marks"]["connected"], game_state["marks"]["connected"])
        boot_end = both
        longest = max(
            page.evaluate("([a, b]) => bench.longest(a, b)", [origin, boot_end]),
            self.game.evaluate("([a, b]) => bench.longest(a, b)", [origin, boot_end]),
        )
        urls = lobby_state["urls"] + game_state["urls"]
        non_local = [u for u in urls if urlsplit(u).hostname not in LOCAL_HOSTS]
        return {
            "connected_ms": both - origin,
            "lobby_ms": lobby_state["marks"]["connected"] - origin,
            "game_ms": game_state["marks"]["connected"] - origin,
            "longest_task_ms": longest,
            "bytes_transferred": lobby_state["bytes"]["transfer"] + game_state["bytes"]["transfer"],
            "bytes_decoded": lobby_state["bytes"]["decoded"] + game_state["bytes"]["decoded"],
            "requests": lobby_state["bytes"]["requests"] + game_state["bytes"]["requests"],
            "non_local_requests": non_local,
            "cross_origin_isolated": [lobby_state["isolated"], game_state["isolated"]],
        }


def open_pair(context: Any, url: str, game_path: str, errors: list[str]) -> Pair:
    page = context.new_page() if not context.pages else context.pages[0]
    if not getattr(page, "_hizi_bench_hooked", False):
        page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))

        def on_console(msg: Any) -> None:
            if msg.type == "error":
                errors.append(f"console.error: {msg.text}")

        page.on("console", on_console)
        page._hizi_bench_hooked = True
    page.goto(url, wait_until="commit")
    return Pair(page, game_path)


def measure_traffic(pair: Pair, s: Settings) -> dict[str, Any]:
    page = pair.page
    samples: dict[str, list[float]] = {t: [] for t in TRANSPORTS}
    interleaved = ("bridge", "floor", "raw_port", "penpal")
    for kind in interleaved:
        page.evaluate("([k, w]) => bench.roundTrips(k, 0, w)", [kind, s.warmup])
    per_round = s.calls // s.rounds
    for _ in range(s.rounds):
        for kind in interleaved:
            samples[kind] += page.evaluate(
                "([k, n]) => bench.roundTrips(k, n, 0)", [kind, per_round]
            )

    # Burst: game -> lobby events through both bridges.
    game = pair.game
    page.evaluate("n => bench.armBurst(n)", s.burst)
    sent = game.evaluate("([n, c]) => bench.sendBurst(n, c)", [s.burst, s.chunk])
    got = page.evaluate("t => bench.burstResult(t)", 30_000)
    end = got["done"] or page.evaluate("() => bench.epoch()")
    burst_longest = max(
        page.evaluate("([a, b]) => bench.longest(a, b)", [sent["started"], end]),
        game.evaluate("([a, b]) => bench.longest(a, b)", [sent["started"], end]),
    )
    elapsed_s = (end - sent["started"]) / 1000
    burst = {
        "events": s.burst,
        "received": got["received"],
        "lost": s.burst - got["received"],
        "out_of_order": got["outOfOrder"],
        "events_per_s": got["received"] / elapsed_s if elapsed_s > 0 else float("nan"),
        "send_ms": sent["sent"] - sent["started"],
        "elapsed_ms": elapsed_s * 1000,
        "longest_task_ms": burst_longest,
    }

    # Raw window echo last: the bridges' window listeners would see (and reject) it.
    game.evaluate("() => bench.bridge.close('bench')")
    page.evaluate("() => bench.bridge.close('bench')")
    page.evaluate("([k, w]) => bench.roundTrips(k, 0, w)", ["raw_window", s.warmup])
    samples["raw_window"] = page.evaluate(
        "([k, n]) => bench.roundTrips(k, n, 0)", ["raw_window", per_round * s.rounds]
    )
    stats = {
        kind: {
            "median_us": statistics.median(vals) * 1000,
            "p99_us": percentile(vals, 0.99) * 1000,
            "calls": len(vals),
        }
        for kind, vals in samples.items()
    }
    return {"round_trip": stats, "burst": burst}


def one_run(
    open_context: Callable[[], Any], base: str, game_origin: str, s: Settings, errors: list[str]
) -> dict[str, Any]:
    """One cold and one repeat visit of the bridge pages, then of the bare Pyodide pages.

    Each pair of visits gets a fresh persistent profile: an on-disk HTTP cache like a
    user's (an incognito context keeps its cache in memory and skips the 9.6 MB wasm).
    """
    out: dict[str, Any] = {}
    q = f"?game={game_origin}"
    context = open_context()
    try:
        pair = open_pair(context, f"{base}/bench/lobby.html{q}", "/bench/game.html", errors)
        out["bridge_cold"] = pair.wait_connected()
        out.update(measure_traffic(pair, s))
        pair = open_pair(context, f"{base}/bench/lobby.html{q}", "/bench/game.html", errors)
        out["bridge_warm"] = pair.wait_connected()
    finally:
        context.close()
    context = open_context()
    try:
        pair = open_pair(
            context, f"{base}/bench/bare_lobby.html{q}", "/bench/bare_game.html", errors
        )
        out["bare_cold"] = pair.wait_connected()
        if not s.quick:
            pair = open_pair(
                context, f"{base}/bench/bare_lobby.html{q}", "/bench/bare_game.html", errors
            )
            out["bare_warm"] = pair.wait_connected()
    finally:
        context.close()
    return out


# ------------------------------------------------------------------------------------------
# Summary
# ------------------------------------------------------------------------------------------


def summarise(runs: list[dict[str, Any]], s: Settings, machine: dict[str, Any]) -> dict[str, Any]:
    def rt(kind: str, key: str) -> float:
        return median([r["round_trip"][kind][key] for r in runs])

    round_trip = {kind: rt(kind, "median_us") for kind in TRANSPORTS}
    p99 = {kind: rt(kind, "p99_us") for kind in TRANSPORTS}
    bursts = [r["burst"] for r in runs]

    def boot(key: str, field: str = "connected_ms") -> float:
        return median([r[key][field] for r in runs if key in r])

    result = {
        "round_trip_us": round_trip,
        "round_trip_p99_us": p99,
        "round_trip_ratio": {
            "bridge_vs_raw_port": round_trip["bridge"] / round_trip["raw_port"],
            "bridge_vs_penpal": round_trip["bridge"] / round_trip["penpal"],
            "bridge_vs_floor": round_trip["bridge"] / round_trip["floor"],
            "floor_vs_raw_port": round_trip["floor"] / round_trip["raw_port"],
            "raw_window_vs_raw_port": round_trip["raw_window"] / round_trip["raw_port"],
            "penpal_vs_raw_port": round_trip["penpal"] / round_trip["raw_port"],
        },
        "burst": {
            "events": s.burst,
            "events_per_s": median([b["events_per_s"] for b in bursts]),
            "lost": max(b["lost"] for b in bursts),
            "out_of_order": max(b["out_of_order"] for b in bursts),
            "send_ms": median([b["send_ms"] for b in bursts]),
            "elapsed_ms": median([b["elapsed_ms"] for b in bursts]),
        },
        "boot_ms": {
            "connected_cold": boot("bridge_cold"),
            "bare_pyodide_cold": boot("bare_cold"),
            "connected_warm": boot("bridge_warm"),
            "bare_pyodide_warm": boot("bare_warm"),
            "lobby_cold": boot("bridge_cold", "lobby_ms"),
            "game_cold": boot("bridge_cold", "game_ms"),
        },
        "boot_ratio": {
            "connected_vs_bare_cold": boot("bridge_cold") / boot("bare_cold"),
            "warm_vs_cold": boot("bridge_warm") / boot("bridge_cold"),
        },
        "bytes": {
            "connected_cold": median([r["bridge_cold"]["bytes_transferred"] for r in runs]),
            "connected_warm": median([r["bridge_warm"]["bytes_transferred"] for r in runs]),
            "bare_pyodide_cold": median([r["bare_cold"]["bytes_transferred"] for r in runs]),
            "decoded_connected": median([r["bridge_cold"]["bytes_decoded"] for r in runs]),
        },
        "longest_task_ms": {
            "boot": median([r["bridge_cold"]["longest_task_ms"] for r in runs]),
            "boot_bare": median([r["bare_cold"]["longest_task_ms"] for r in runs]),
            "burst": max(b["longest_task_ms"] for b in bursts),
        },
        "settings": {
            "runs": s.runs,
            "calls": s.calls,
            "warmup": s.warmup,
            "burst": s.burst,
            "burst_chunk": s.chunk,
            "quick": s.quick,
        },
        "machine": machine,
        "runs": runs,
    }
    non_local = sorted(
        {u for r in runs for k in ("bridge_cold", "bare_cold") for u in r[k]["non_local_requests"]}
    )
    result["non_local_requests"] = non_local
    machine["cross_origin_isolated"] = runs[0]["bridge_cold"]["cross_origin_isolated"]
    return result


def table(res: dict[str, Any]) -> str:
    rt, p99 = res["round_trip_us"], res["round_trip_p99_us"]
    lines = [
        f"hizi-bridge browser bench ({res['machine']['browser']}, {res['machine']['cores']} cores,"
        f" {res['settings']['runs']} run(s), {res['settings']['calls']} calls each)",
        "",
        "| round trip (lobby -> game -> lobby) | median µs | p99 µs | x raw port | x Penpal |",
        "|---|---:|---:|---:|---:|",
    ]
    names = {
        "bridge": "hizi-bridge request (validated both ends)",
        "floor": "floor: port echo, pydantic in Pyodide per hop",
        "raw_window": "raw window.postMessage echo",
        "raw_port": "raw MessageChannel echo",
        "penpal": "Penpal 7 method call",
    }
    for kind in ("bridge", "floor", "raw_port", "penpal", "raw_window"):
        lines.append(
            f"| {names[kind]} | {rt[kind]:.0f} | {p99[kind]:.0f} | "
            f"{rt[kind] / rt['raw_port']:.2f} | {rt[kind] / rt['penpal']:.2f} |"
        )
    b, boot, lt, by = res["burst"], res["boot_ms"], res["longest_task_ms"], res["bytes"]
    lines += [
        "",
        "| burst (game -> lobby events) | value |",
        "|---|---:|",
        f"| events | {b['events']} |",
        f"| events/s | {b['events_per_s']:,.0f} |",
        f"| lost | {b['lost']} |",
        f"| out of order | {b['out_of_order']} |",
        "",
        "| boot (navigation -> both frames ready) | ms |",
        "|---|---:|",
        f"| hizi-bridge connected, cold | {boot['connected_cold']:.0f} |",
        f"| two bare loadPyodide(), cold | {boot['bare_pyodide_cold']:.0f} |",
        f"| hizi-bridge connected, repeat visit | {boot['connected_warm']:.0f} |",
        f"| two bare loadPyodide(), repeat visit | {boot['bare_pyodide_warm']:.0f} |",
        f"| ratio connected / bare (cold) | {res['boot_ratio']['connected_vs_bare_cold']:.2f} |",
        f"| ratio repeat / cold | {res['boot_ratio']['warm_vs_cold']:.2f} |",
        f"| bytes transferred, cold / repeat | {by['connected_cold'] / 1e6:.2f} MB / "
        f"{by['connected_warm'] / 1e6:.2f} MB |",
        "",
        "| longest main-thread task (Long Tasks API, >= 50 ms) | ms |",
        "|---|---:|",
        f"| during boot (hizi-bridge) | {lt['boot']:.0f} |",
        f"| during boot (bare Pyodide) | {lt['boot_bare']:.0f} |",
        f"| during the burst | {lt['burst']:.0f} |",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------
# Entry point
# ------------------------------------------------------------------------------------------


def run(
    build_module: ModuleType,
    *,
    quick: bool = False,
    runs: int | None = None,
    out: Path = DEFAULT_OUT,
    site_dir: Path | None = None,
    offline: bool = False,
    progress: Callable[[str], None] = log,
) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    s = Settings.make(quick, runs)
    result = build_module.build(ROOT, site_dir=site_dir, offline=offline)
    headers = ISOLATION_HEADERS if ISOLATED else {}
    servers = build_module.start_servers(
        result.site_dir,
        [
            build_module.ServerSpec("127.0.0.1", 0, headers),
            build_module.ServerSpec("localhost", 0, headers),
        ],
    )
    lobby, game = servers
    errors: list[str] = []
    try:
        with sync_playwright() as pw:
            launch: dict[str, Any] = {"args": CHROMIUM_ARGS}
            if CHROMIUM.exists():
                launch["executable_path"] = str(CHROMIUM)
            browser = pw.chromium.launch(**launch)
            profiles = tempfile.TemporaryDirectory(prefix="hizi-bench-")
            try:
                machine = {
                    "browser": f"Chromium {browser.version}",
                    "cores": os.cpu_count(),
                    "platform": platform.platform(),
                    "python": platform.python_version(),
                    "pyodide": result.manifest["pyodide"]["version"],
                    "date": time.strftime("%Y-%m-%d %H:%M"),
                }
                browser.close()  # only asked for its version; each run launches a profile
                all_runs = []
                counter = iter(range(1_000_000))

                def open_context() -> Any:
                    profile = Path(profiles.name) / f"p{next(counter)}"
                    return pw.chromium.launch_persistent_context(str(profile), **launch)

                for i in range(s.runs):
                    t0 = time.perf_counter()
                    one = one_run(open_context, lobby.origin, game.origin, s, errors)
                    all_runs.append(one)
                    progress(
                        f"run {i + 1}/{s.runs} ({time.perf_counter() - t0:.1f} s): "
                        f"bridge {one['round_trip']['bridge']['median_us']:.0f} µs, "
                        f"port {one['round_trip']['raw_port']['median_us']:.0f} µs, "
                        f"penpal {one['round_trip']['penpal']['median_us']:.0f} µs, "
                        f"window {one['round_trip']['raw_window']['median_us']:.0f} µs, "
                        f"burst {one['burst']['events_per_s']:,.0f}/s, "
                        f"boot {one['bridge_cold']['connected_ms']:.0f} / "
                        f"bare {one['bare_cold']['connected_ms']:.0f} ms"
                    )
            finally:
                browser.close()
                profiles.cleanup()
    finally:
        build_module.stop_servers(servers)
    summary = summarise(all_runs, s, machine)
    summary["browser_errors"] = errors
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(table(summary), flush=True)
    progress(f"wrote {out}")
    return summary
