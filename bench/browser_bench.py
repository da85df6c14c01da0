"""Browser benchmark: hizi-bridge against raw postMessage, a raw MessagePort and Penpal.

Run through ``python build.py bench [--quick] [--runs N] [--out FILE]``: it builds the site,
serves it on two origins (lobby on 127.0.0.1, game on localhost), drives headless Chromium
(/usr/bin/chromium, or $HIZI_CHROMIUM) with Playwright, prints one table and writes
``build/bench/results.json`` (``--out bench/results.json`` records a run in the repository).
The pages are bench/pages/ (served under /bench/).

Each run measures, each in a fresh persistent profile (cold visit, then a repeat visit):

* hizi-bridge with ``runtime: "worker"`` and with ``runtime: "main"`` (which goes first
  alternates between runs): boot, then round trips interleaved in rounds (the bridge's
  ``request("realityCheck")`` answered by the game, a raw ``MessageChannel`` echo, a Penpal 7
  call over a port, and the validated "floor": a raw port echo whose every hop parses,
  validates and dumps the message with pydantic, in a bench-only worker per frame for the
  worker runtime (page -> worker -> port -> worker -> page, as the runtime does) and in the
  page's own Pyodide for the main one), then a burst of game -> lobby ``balance`` events (rate,
  loss, order), then, once both bridges are closed (their window listeners would see the
  traffic), a raw ``window.postMessage`` echo; the same payload everywhere;
* the same two frames with no bridge ("blank": a raw hello / welcome), with Penpal 7, and two
  bare ``loadPyodide()`` boots (the issue #5 baseline).

Per frame and visit, from the lobby's navigation start to both frames connected + 1 s: the
longest main-thread task and the total blocking time (Long Tasks API), the largest gap
between animation frames (a rAF loop from the frame's first script), time to connected, and
memory (``measureUserAgentSpecificMemory``: the window and its workers; CDP
``JSHeapUsedSize``: the main thread's V8 heap). Also the longest main-thread task of either
frame during the burst and during the bridge's round trips, per runtime.

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

# Chromium's path and flags: one list for the inspector, this bench and the e2e tests.
from bridge.inspect.browser import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
# Outside the tracked files: `--out bench/results.json` records a run in the repository.
DEFAULT_OUT = ROOT / "build" / "bench" / "results.json"

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


# The pages of each visit kind: the lobby page (served by the lobby origin) and its game frame.
# "worker" / "main" are hizi-bridge with that runtime; "blank" is the same two frames with no
# bridge (a raw postMessage hello / welcome); "penpal" connects them with Penpal 7; "pyodide"
# is two bare loadPyodide() boots (the issue #5 baseline).
VISITS: dict[str, tuple[str, str]] = {
    "worker": ("/bench/lobby.html", "/bench/game.html"),
    "main": ("/bench/lobby.html", "/bench/game.html"),
    "blank": ("/bench/blank_lobby.html", "/bench/blank_game.html"),
    "penpal": ("/bench/penpal_lobby.html", "/bench/penpal_game.html"),
    "pyodide": ("/bench/bare_lobby.html", "/bench/bare_game.html"),
    # The boot floor (issue #19): a plain Pyodide page's worker per frame, nothing of the
    # bridge; "floor" loads the same wheels, imports pydantic and validates one strict model,
    # "bare_worker" stops after loadPyodide() (the same runtime and standard library).
    "floor": ("/bench/boot_floor_lobby.html", "/bench/boot_floor_game.html"),
    "bare_worker": ("/bench/boot_floor_lobby.html", "/bench/boot_floor_game.html"),
}
VISIT_QUERY = {"floor": "&mode=floor", "bare_worker": "&mode=bare"}
RUNTIMES = ("worker", "main")
FLOOR = {"worker": "floor_worker", "main": "floor_main"}
AFTER_CONNECTED_MS = 1000  # the boot window runs from navigation to connected + this
MEMORY_TIMEOUT_MS = 30_000


# A frame's boot timeline: the bridge's (stats().boot) or the boot floor's worker's.
BOOT_TIMELINE_JS = """async () => {
    if (bench.bootTimeline) return bench.bootTimeline;
    const b = bench.bridge;
    if (!b || typeof b.stats !== "function") return null;
    const stats = await b.stats();
    return (stats && stats.boot) || null;
}"""


def waterfall(timeline: dict[str, Any] | None, origin: float) -> list[dict[str, Any]]:
    """A boot timeline (epoch ms) as rows in ms since ``origin``, in start order."""
    if not timeline:
        return []
    rows: list[dict[str, Any]] = [
        {"what": "worker start", "start_ms": timeline["context_start_ms"] - origin}
    ]
    if "page_start_ms" in timeline:
        rows.append({"what": "runtime asked for", "start_ms": timeline["page_start_ms"] - origin})
    for name, start, end in timeline["phases"]:
        rows.append({"what": name, "start_ms": start - origin, "end_ms": end - origin})
    for f in timeline["fetches"]:
        rows.append(
            {
                "what": "fetch " + urlsplit(f["url"]).path.rsplit("/", 1)[-1],
                "start_ms": f["start_ms"] - origin,
                "end_ms": f["end_ms"] - origin,
                "bytes": f["bytes"],
                "transfer_bytes": f["transfer_bytes"],
            }
        )
    rows.sort(key=lambda r: r["start_ms"])
    return rows


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

    def frames(self) -> dict[str, Any]:
        return {"lobby": self.page, "game": self.game}

    def wait_connected(self) -> dict[str, Any]:
        """Navigation -> both frames connected, then each frame's main thread until + 1 s."""
        page = self.page
        ready = "() => window.bench && (bench.marks.connected || bench.errors.length)"
        page.wait_for_function(ready, timeout=BOOT_TIMEOUT_MS)
        deadline = time.monotonic() + BOOT_TIMEOUT_MS / 1000
        while True:
            try:
                self.game.wait_for_function(ready, timeout=BOOT_TIMEOUT_MS)
                break
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        script = """() => ({ origin: performance.timeOrigin, marks: bench.marks,
            isolated: globalThis.crossOriginIsolated, now: bench.epoch(),
            errors: bench.errors, bytes: bench.bytes(), longTasks: bench.longTasksSupported,
            urls: performance.getEntriesByType('resource').map(e => e.name) })"""
        state = {name: frame.evaluate(script) for name, frame in self.frames().items()}
        errors = state["lobby"]["errors"] + state["game"]["errors"]
        if errors:
            raise RuntimeError(f"page errors: {errors}")
        origin = state["lobby"]["origin"]  # the lobby's navigation start: the user's click
        both = max(state["lobby"]["marks"]["connected"], state["game"]["marks"]["connected"])
        window_end = both + AFTER_CONNECTED_MS
        # Wait out the second after connected in the page's clock, then read the window.
        wait_ms = window_end - state["lobby"]["now"]
        if wait_ms > 0:
            page.wait_for_timeout(wait_ms + 20)
        per_frame: dict[str, Any] = {}
        for name, frame in self.frames().items():
            figures = frame.evaluate("([a, b]) => bench.boot(a, b)", [origin, window_end])
            frame.evaluate("() => bench.stopRaf()")  # the loop would cost the round trips
            per_frame[name] = {
                "connected_ms": state[name]["marks"]["connected"] - origin,
                "longest_task_ms": figures["longest"],
                "blocking_ms": figures["blocking"],
                "long_tasks": figures["tasks"],
                "raf_gap_ms": figures["rafGap"],
                "raf_frames": figures["rafFrames"],
                # The boot's phases and fetches as the frame's worker saw them (issue #19),
                # in ms since the lobby's navigation start.
                "timeline": waterfall(frame.evaluate(BOOT_TIMELINE_JS), origin),
            }
        self.memory(per_frame)
        urls = state["lobby"]["urls"] + state["game"]["urls"]
        non_local = [u for u in urls if urlsplit(u).hostname not in LOCAL_HOSTS]
        lobby_bytes, game_bytes = state["lobby"]["bytes"], state["game"]["bytes"]
        return {
            "connected_ms": both - origin,
            "lobby_ms": per_frame["lobby"]["connected_ms"],
            "game_ms": per_frame["game"]["connected_ms"],
            "longest_task_ms": max(f["longest_task_ms"] for f in per_frame.values()),
            "frames": per_frame,
            "bytes_transferred": lobby_bytes["transfer"] + game_bytes["transfer"],
            "bytes_decoded": lobby_bytes["decoded"] + game_bytes["decoded"],
            "requests": lobby_bytes["requests"] + game_bytes["requests"],
            "non_local_requests": non_local,
            "cross_origin_isolated": [state["lobby"]["isolated"], state["game"]["isolated"]],
        }

    def memory(self, per_frame: dict[str, Any]) -> None:
        """Each frame's memory, two ways (see docs/performance.md, issue #10).

        ``performance.measureUserAgentSpecificMemory()`` (the frame is cross-origin isolated)
        counts the frame's agent cluster: its window *and its dedicated workers*, wasm memory
        included. CDP ``Performance.getMetrics`` ``JSHeapUsedSize`` is the frame's main-thread
        V8 heap only (no worker, no wasm memory).
        """
        for name, frame in self.frames().items():
            ua = frame.evaluate("t => bench.memory(t)", MEMORY_TIMEOUT_MS)
            per_frame[name]["memory_ua"] = ua
            per_frame[name]["memory_bytes"] = ua.get("bytes")
            per_frame[name]["memory_worker_bytes"] = ua.get("workers")
            try:
                cdp = self.page.context.new_cdp_session(frame)
                try:
                    cdp.send("Performance.enable")
                    metrics = cdp.send("Performance.getMetrics")["metrics"]
                finally:
                    cdp.detach()
                heap = {m["name"]: m["value"] for m in metrics}.get("JSHeapUsedSize")
            except Exception:  # an in-process frame has no target of its own
                heap = None
            per_frame[name]["js_heap_used_bytes"] = heap


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


def longest_in(pair: Pair, windows: Sequence[tuple[float, float]]) -> float:
    """The longest main-thread task (>= 50 ms, else 0) of either frame in these windows."""
    worst = 0.0
    for frame in pair.frames().values():
        for start, end in windows:
            worst = max(worst, frame.evaluate("([a, b]) => bench.longest(a, b)", [start, end]))
    return worst


def measure_traffic(pair: Pair, s: Settings, runtime: str) -> dict[str, Any]:
    page = pair.page
    floor = FLOOR[runtime]
    interleaved = ("bridge", floor, "raw_port", "penpal")
    samples: dict[str, list[float]] = {k: [] for k in (*interleaved, "raw_window")}
    windows: dict[str, list[tuple[float, float]]] = {k: [] for k in samples}
    call = "([k, n, w]) => bench.roundTrips(k, n, w)"
    for kind in interleaved:
        page.evaluate(call, [kind, 0, s.warmup])
    per_round = s.calls // s.rounds
    for _ in range(s.rounds):
        for kind in interleaved:
            got = page.evaluate(call, [kind, per_round, 0])
            samples[kind] += got["times"]
            windows[kind].append((got["start"], got["end"]))

    # Burst: game -> lobby events through both bridges.
    game = pair.game
    page.evaluate("n => bench.armBurst(n)", s.burst)
    sent = game.evaluate("([n, c]) => bench.sendBurst(n, c)", [s.burst, s.chunk])
    got = page.evaluate("t => bench.burstResult(t)", 30_000)
    end = got["done"] or page.evaluate("() => bench.epoch()")
    elapsed_s = (end - sent["started"]) / 1000
    burst = {
        "events": s.burst,
        "received": got["received"],
        "lost": s.burst - got["received"],
        "out_of_order": got["outOfOrder"],
        "events_per_s": got["received"] / elapsed_s if elapsed_s > 0 else float("nan"),
        "send_ms": sent["sent"] - sent["started"],
        "elapsed_ms": elapsed_s * 1000,
        "longest_task_ms": longest_in(pair, [(sent["started"], end)]),
    }

    # Raw window echo last: the bridges' window listeners would see (and reject) it.
    game.evaluate("() => bench.bridge.close('bench')")
    page.evaluate("() => bench.bridge.close('bench')")
    page.evaluate(call, ["raw_window", 0, s.warmup])
    got = page.evaluate(call, ["raw_window", per_round * s.rounds, 0])
    samples["raw_window"] = got["times"]
    stats = {
        ("floor" if kind == floor else kind): {
            "median_us": statistics.median(vals) * 1000,
            "p99_us": percentile(vals, 0.99) * 1000,
            "calls": len(vals),
        }
        for kind, vals in samples.items()
    }
    return {
        "round_trip": stats,
        "burst": burst,
        "round_trip_longest_task_ms": longest_in(pair, windows["bridge"]),
    }


SNAPSHOT_STATE_JS = """async () => {
    const s = await bench.bridge.stats();
    return (s.boot && s.boot.snapshot && s.boot.snapshot.state) || null;
}"""
# Complete: an entry may be visible while its body is still being written.
SNAPSHOT_STORED_JS = """async () => {
    const s = await bench.bridge.stats();
    const key = s.boot && s.boot.snapshot && s.boot.snapshot.key;
    if (!key) return true;  // snapshot off or no Cache Storage: nothing to wait for
    const res = await (await caches.open("hizi-bridge-snapshot")).match(key);
    if (!res || res.headers.get("x-hizi-snapshot-bytes") === null) return false;
    const bytes = (await res.arrayBuffer()).byteLength;
    return bytes === Number(res.headers.get("x-hizi-snapshot-bytes"));
}"""


def wait_snapshots(pair: Pair, timeout_s: float = 60) -> float:
    """Until both frames' boot snapshot is stored; ms waited (after connected + 1 s)."""
    t0 = time.monotonic()
    for frame in pair.frames().values():
        while not frame.evaluate(SNAPSHOT_STORED_JS):
            if time.monotonic() - t0 > timeout_s:
                raise RuntimeError("no boot snapshot stored within 60 s")
            time.sleep(0.1)
    return (time.monotonic() - t0) * 1000


def visit_twice(
    open_context: Callable[[], Any],
    base: str,
    game_origin: str,
    kind: str,
    errors: list[str],
    traffic: Callable[[Pair], dict[str, Any]] | None = None,
    repeat: bool = True,
) -> dict[str, Any]:
    """A cold visit (then ``traffic``) and a repeat visit in one fresh persistent profile.

    A persistent profile keeps an on-disk HTTP cache like a user's (an incognito context keeps
    its cache in memory and skips the 9.6 MB wasm).
    """
    lobby_path, game_path = VISITS[kind]
    query = f"?game={game_origin}"
    if kind in RUNTIMES:
        query += f"&runtime={kind}"
    query += VISIT_QUERY.get(kind, "")
    out: dict[str, Any] = {}
    context = open_context()
    try:
        pair = open_pair(context, f"{base}{lobby_path}{query}", game_path, errors)
        out["cold"] = pair.wait_connected()
        log(f"  {kind}: cold, connected in {out['cold']['connected_ms']:.0f} ms")
        if kind == "worker":
            # The boot snapshot (issue #19) is made by a nested worker after the boot: let it
            # finish before the round trips (it would share the cores) and the repeat visit.
            out["snapshot_wait_ms"] = wait_snapshots(pair)
        if traffic is not None:
            out.update(traffic(pair))
            log(f"  {kind}: round trips and burst done")
        if repeat:
            pair = open_pair(context, f"{base}{lobby_path}{query}", game_path, errors)
            out["warm"] = pair.wait_connected()
            log(f"  {kind}: repeat visit, connected in {out['warm']['connected_ms']:.0f} ms")
            if kind in RUNTIMES:
                out["warm"]["snapshot"] = {
                    name: frame.evaluate(SNAPSHOT_STATE_JS) for name, frame in pair.frames().items()
                }
    finally:
        context.close()
    return out


def one_run(
    open_context: Callable[[], Any],
    base: str,
    game_origin: str,
    s: Settings,
    errors: list[str],
    index: int,
) -> dict[str, Any]:
    """Both runtimes (cold visit, traffic, repeat visit), then the pages without a bridge."""
    out: dict[str, Any] = {}
    # The boot floor right before the bridge's boots, so that the ratio compares neighbours.
    for kind in ("floor", "bare_worker"):
        repeat = not (s.quick and kind == "bare_worker")
        out[kind] = visit_twice(open_context, base, game_origin, kind, errors, repeat=repeat)
    # Alternate which runtime goes first: the machine's load drifts within a run.
    order = RUNTIMES if index % 2 == 0 else tuple(reversed(RUNTIMES))
    for runtime in order:

        def traffic(pair: Pair, runtime: str = runtime) -> dict[str, Any]:
            return measure_traffic(pair, s, runtime)

        out[runtime] = visit_twice(
            open_context, base, game_origin, runtime, errors, traffic=traffic
        )
    for kind in ("blank", "penpal", "pyodide"):
        repeat = not (s.quick and kind == "pyodide")  # the quick mode's one bare visit
        out[kind] = visit_twice(open_context, base, game_origin, kind, errors, repeat=repeat)
    return out


# ------------------------------------------------------------------------------------------
# Summary
# ------------------------------------------------------------------------------------------

FRAME_FIGURES = (
    "connected_ms",
    "longest_task_ms",
    "blocking_ms",
    "raf_gap_ms",
    "memory_bytes",
    "memory_worker_bytes",
    "js_heap_used_bytes",
)


def summarise(runs: list[dict[str, Any]], s: Settings, machine: dict[str, Any]) -> dict[str, Any]:
    def med(path: Callable[[dict[str, Any]], Any]) -> float:
        vals = []
        for r in runs:
            try:
                vals.append(path(r))
            except KeyError:
                continue
        return median(vals)

    runtimes: dict[str, Any] = {}
    for rt in RUNTIMES:
        kinds = ("bridge", "floor", "raw_port", "penpal", "raw_window")
        trip = {k: med(lambda r, k=k, t=rt: r[t]["round_trip"][k]["median_us"]) for k in kinds}
        p99 = {k: med(lambda r, k=k, t=rt: r[t]["round_trip"][k]["p99_us"]) for k in kinds}

        # Ratios within each page load, then the median: the load drifts between loads.
        def ratio(a: str, b: str, rt: str = rt) -> float:
            def one(run: dict[str, Any]) -> float:
                trips = run[rt]["round_trip"]
                return float(trips[a]["median_us"] / trips[b]["median_us"])

            return med(one)

        bursts = [r[rt]["burst"] for r in runs]
        runtimes[rt] = {
            "round_trip_us": trip,
            "round_trip_p99_us": p99,
            "round_trip_ratio": {
                "bridge_vs_raw_window": ratio("bridge", "raw_window"),
                "bridge_vs_floor": ratio("bridge", "floor"),
                "bridge_vs_raw_port": ratio("bridge", "raw_port"),
                "bridge_vs_penpal": ratio("bridge", "penpal"),
                "floor_vs_raw_port": ratio("floor", "raw_port"),
            },
            "burst": {
                "events": s.burst,
                "events_per_s": median([b["events_per_s"] for b in bursts]),
                "lost": max(b["lost"] for b in bursts),
                "out_of_order": max(b["out_of_order"] for b in bursts),
                "send_ms": median([b["send_ms"] for b in bursts]),
                "elapsed_ms": median([b["elapsed_ms"] for b in bursts]),
            },
            "longest_task_ms": {
                "burst": max(b["longest_task_ms"] for b in bursts),
                "round_trips": max(r[rt]["round_trip_longest_task_ms"] for r in runs),
            },
        }

    # Per frame, per visit kind, cold and repeat: medians over runs.
    frames: dict[str, Any] = {}
    for kind in VISITS:
        for visit in ("cold", "warm"):
            if not any(visit in r[kind] for r in runs):
                continue
            entry: dict[str, Any] = {
                "connected_ms": med(lambda r, k=kind, v=visit: r[k][v]["connected_ms"]),
                "bytes_transferred": med(lambda r, k=kind, v=visit: r[k][v]["bytes_transferred"]),
            }
            for frame in ("lobby", "game"):
                entry[frame] = {
                    f: med(lambda r, k=kind, v=visit, fr=frame, f=f: r[k][v]["frames"][fr][f])
                    for f in FRAME_FIGURES
                }
            frames[f"{kind}_{visit}"] = entry

    def boot(key: str) -> float:
        return frames[key]["connected_ms"] if key in frames else float("nan")

    worker, main = runtimes["worker"], runtimes["main"]
    result = {
        # Top-level figures are the default runtime's ("worker"), as before the runtimes.
        "round_trip_us": {
            **worker["round_trip_us"],
            "bridge_main": main["round_trip_us"]["bridge"],
            "floor_main": main["round_trip_us"]["floor"],
        },
        "round_trip_p99_us": worker["round_trip_p99_us"],
        "round_trip_ratio": worker["round_trip_ratio"],
        "burst": worker["burst"],
        "runtimes": runtimes,
        "frames": frames,
        # The last run's waterfall per frame (issue #19): the bridge's and the floor's boots.
        "boot_timeline": {
            f"{kind}_{visit}": {
                frame: runs[-1][kind][visit]["frames"][frame]["timeline"]
                for frame in ("lobby", "game")
            }
            for kind in ("worker", "floor")
            for visit in ("cold", "warm")
            if visit in runs[-1][kind]
        },
        "boot_ms": {
            "connected_cold": boot("worker_cold"),
            "connected_warm": boot("worker_warm"),
            "connected_main_cold": boot("main_cold"),
            "connected_main_warm": boot("main_warm"),
            "blank_cold": boot("blank_cold"),
            "penpal_cold": boot("penpal_cold"),
            "bare_pyodide_cold": boot("pyodide_cold"),
            "bare_pyodide_warm": boot("pyodide_warm"),
            "floor_cold": boot("floor_cold"),
            "floor_warm": boot("floor_warm"),
            "bare_worker_cold": boot("bare_worker_cold"),
            "bare_worker_warm": boot("bare_worker_warm"),
        },
        "boot_ratio": {
            # Within each run, then the median.
            "worker_vs_main_cold": med(
                lambda r: r["worker"]["cold"]["connected_ms"] / r["main"]["cold"]["connected_ms"]
            ),
            "worker_vs_main_warm": med(
                lambda r: r["worker"]["warm"]["connected_ms"] / r["main"]["warm"]["connected_ms"]
            ),
            "connected_vs_bare_cold": med(
                lambda r: r["worker"]["cold"]["connected_ms"] / r["pyodide"]["cold"]["connected_ms"]
            ),
            # Issue #19's targets: <= 1.1x cold, <= 1.0x warm (ratios within each run).
            "connected_vs_floor_cold": med(
                lambda r: r["worker"]["cold"]["connected_ms"] / r["floor"]["cold"]["connected_ms"]
            ),
            # The repeat visit boots from the snapshot the cold visit left (issue #19).
            "connected_warm_vs_bare_worker_warm": med(
                lambda r: (
                    r["worker"]["warm"]["connected_ms"] / r["bare_worker"]["warm"]["connected_ms"]
                )
            ),
            "connected_vs_floor_warm": med(
                lambda r: r["worker"]["warm"]["connected_ms"] / r["floor"]["warm"]["connected_ms"]
            ),
            "warm_vs_cold": med(
                lambda r: r["worker"]["warm"]["connected_ms"] / r["worker"]["cold"]["connected_ms"]
            ),
        },
        "bytes": {
            "connected_cold": frames["worker_cold"]["bytes_transferred"],
            "connected_warm": frames["worker_warm"]["bytes_transferred"],
            "bare_pyodide_cold": frames["pyodide_cold"]["bytes_transferred"],
        },
        "longest_task_ms": {
            "boot": med(lambda r: r["worker"]["cold"]["longest_task_ms"]),
            "boot_main": med(lambda r: r["main"]["cold"]["longest_task_ms"]),
            "boot_bare": med(lambda r: r["pyodide"]["cold"]["longest_task_ms"]),
            "burst": worker["longest_task_ms"]["burst"],
            "burst_main": main["longest_task_ms"]["burst"],
            "round_trips": worker["longest_task_ms"]["round_trips"],
            "round_trips_main": main["longest_task_ms"]["round_trips"],
        },
        "settings": {
            "runs": s.runs,
            "calls": s.calls,
            "warmup": s.warmup,
            "burst": s.burst,
            "burst_chunk": s.chunk,
            "after_connected_ms": AFTER_CONNECTED_MS,
            "quick": s.quick,
        },
        "machine": machine,
        "runs": runs,
    }
    result["targets"] = targets(result)
    result["non_local_requests"] = sorted(
        {
            u
            for r in runs
            for kind in VISITS
            for visit in ("cold", "warm")
            if visit in r[kind]
            for u in r[kind][visit]["non_local_requests"]
        }
    )
    machine["cross_origin_isolated"] = runs[0]["worker"]["cold"]["cross_origin_isolated"]
    return result


def targets(res: dict[str, Any]) -> list[dict[str, Any]]:
    """The open targets beside the figures, for the worker runtime (the default): issue #10's
    main-thread ones, issue #18's round trip and burst (raised from #10's)."""
    out: list[dict[str, Any]] = []

    def add(what: str, figure: float, target: str, met: bool) -> None:
        out.append({"what": what, "figure": figure, "target": target, "met": bool(met)})

    for visit in ("cold", "warm"):
        key = f"worker_{visit}"
        if key not in res["frames"]:
            continue
        for frame in ("lobby", "game"):
            f = res["frames"][key][frame]
            where = f"{frame}, {visit} boot"
            longest, tbt, gap = f["longest_task_ms"], f["blocking_ms"], f["raf_gap_ms"]
            add(f"{where}: longest task ms", longest, "<= 50", longest <= 50)
            add(f"{where}: total blocking ms", tbt, "<= 50", tbt <= 50)
            add(f"{where}: rAF gap ms", gap, "<= 100", gap <= 100)
    for visit in ("cold", "warm"):
        r = res["boot_ratio"][f"worker_vs_main_{visit}"]
        add(f"connected, worker / main ({visit})", r, "<= 1.1x", r <= 1.1)
    w = res["runtimes"]["worker"]
    b = w["burst"]
    add("burst events/s", b["events_per_s"], ">= 50,000", b["events_per_s"] >= 50_000)
    add("burst lost", b["lost"], "0", b["lost"] == 0)
    add("burst out of order", b["out_of_order"], "0", b["out_of_order"] == 0)
    lt = w["longest_task_ms"]
    add("longest task during the burst ms", lt["burst"], "< 50", lt["burst"] < 50)
    add("longest task during the round trips ms", lt["round_trips"], "< 50", lt["round_trips"] < 50)
    ratio = w["round_trip_ratio"]
    add(
        "round trip / raw window.postMessage (stretch)",
        ratio["bridge_vs_raw_window"],
        "<= 1.2x",
        ratio["bridge_vs_raw_window"] <= 1.2,
    )
    add(
        "round trip / floor (worker)",
        ratio["bridge_vs_floor"],
        "<= 1.1x",
        ratio["bridge_vs_floor"] <= 1.1,
    )
    return out


def _ms(v: float) -> str:
    return "-" if v != v else f"{v:,.0f}"  # NaN: not measured


def _mb(v: float | None) -> str:
    return "-" if v is None or v != v else f"{v / 1e6:.1f}"


def table(res: dict[str, Any]) -> str:
    m = res["machine"]
    lines = [
        f"hizi-bridge browser bench ({m['browser']}, {m['cores']} cores, load average "
        f"{m.get('load_average', '?')}, {res['settings']['runs']} run(s), "
        f"{res['settings']['calls']} calls each)",
        "",
        "| round trip (lobby -> game -> lobby), median µs | runtime worker | runtime main |",
        "|---|---:|---:|",
    ]
    names = {
        "bridge": "hizi-bridge request (validated both ends)",
        "floor": "floor: port echo, pydantic in Pyodide per hop (worker / main thread)",
        "raw_port": "raw MessageChannel echo",
        "penpal": "Penpal 7 method call",
        "raw_window": "raw window.postMessage echo",
    }
    w, mn = res["runtimes"]["worker"], res["runtimes"]["main"]
    for kind, name in names.items():
        lines.append(
            f"| {name} | {w['round_trip_us'][kind]:.0f} | {mn['round_trip_us'][kind]:.0f} |"
        )
    for key, name, target in (
        ("bridge_vs_raw_window", "hizi-bridge / raw window.postMessage", "<= 1.2x, stretch"),
        ("bridge_vs_floor", "hizi-bridge / floor", "<= 1.1x"),
        ("bridge_vs_raw_port", "hizi-bridge / raw MessageChannel", ""),
        ("bridge_vs_penpal", "hizi-bridge / Penpal", ""),
        ("floor_vs_raw_port", "floor / raw MessageChannel", ""),
    ):
        suffix = f" (target {target})" if target else ""
        lines.append(
            f"| {name}{suffix} | {w['round_trip_ratio'][key]:.2f}x | "
            f"{mn['round_trip_ratio'][key]:.2f}x |"
        )
    lines += [
        "",
        "| burst (game -> lobby events) | runtime worker | runtime main | target |",
        "|---|---:|---:|---|",
        f"| events | {w['burst']['events']} | {mn['burst']['events']} | |",
        f"| events/s | {w['burst']['events_per_s']:,.0f} | {mn['burst']['events_per_s']:,.0f} "
        "| >= 50,000 |",
        f"| lost | {w['burst']['lost']} | {mn['burst']['lost']} | 0 |",
        f"| out of order | {w['burst']['out_of_order']} | {mn['burst']['out_of_order']} | 0 |",
        f"| longest main-thread task during the burst, ms | {w['longest_task_ms']['burst']:.0f} "
        f"| {mn['longest_task_ms']['burst']:.0f} | < 50 |",
        "| longest main-thread task during the round trips, ms | "
        f"{w['longest_task_ms']['round_trips']:.0f} | {mn['longest_task_ms']['round_trips']:.0f}"
        " | < 50 |",
        "",
        f"Per frame, navigation -> both connected + {AFTER_CONNECTED_MS} ms (longest task and "
        "TBT: Long Tasks API; rAF gap: a requestAnimationFrame loop from the frame's first "
        "script; memory: measureUserAgentSpecificMemory, window + its workers; heap: CDP "
        "JSHeapUsedSize, main thread only):",
        "",
        "| visit | frame | connected ms | longest task ms | TBT ms | rAF gap ms | memory MB "
        "(workers) | JS heap MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {
        "worker": "hizi-bridge, worker",
        "main": "hizi-bridge, main",
        "blank": "no bridge",
        "penpal": "Penpal 7",
        "pyodide": "bare loadPyodide()",
        "floor": "floor: plain Pyodide worker + wheels + pydantic",
        "bare_worker": "bare Pyodide worker, no wheels",
    }
    for kind, label in labels.items():
        for visit in ("cold", "warm"):
            entry = res["frames"].get(f"{kind}_{visit}")
            if entry is None:
                continue
            for frame in ("lobby", "game"):
                f = entry[frame]
                lines.append(
                    f"| {label}, {'cold' if visit == 'cold' else 'repeat'} | {frame} | "
                    f"{_ms(f['connected_ms'])} | {_ms(f['longest_task_ms'])} | "
                    f"{_ms(f['blocking_ms'])} | {_ms(f['raf_gap_ms'])} | "
                    f"{_mb(f['memory_bytes'])} ({_mb(f['memory_worker_bytes'])}) | "
                    f"{_mb(f['js_heap_used_bytes'])} |"
                )
    br, by = res["boot_ratio"], res["bytes"]
    lines += [
        "",
        "| boot (navigation -> both frames connected) | figure |",
        "|---|---:|",
        f"| connected, worker / main, cold (target <= 1.1x) | {br['worker_vs_main_cold']:.2f}x |",
        f"| connected, worker / main, repeat (target <= 1.1x) | {br['worker_vs_main_warm']:.2f}x |",
        "| connected (worker) / two bare loadPyodide(), cold | "
        f"{br['connected_vs_bare_cold']:.2f}x |",
        "| connected (worker) / floor, cold (issue #19 target <= 1.1x) | "
        f"{br['connected_vs_floor_cold']:.2f}x |",
        "| connected (worker) / floor, repeat (issue #19 target <= 1.0x) | "
        f"{br['connected_vs_floor_warm']:.2f}x |",
        f"| repeat / cold (worker) | {br['warm_vs_cold']:.2f}x |",
        "| connected (worker, repeat: from the boot snapshot) / bare worker, repeat (issue #19 "
        f"target < 1.0x) | {br['connected_warm_vs_bare_worker_warm']:.2f}x |",
        f"| bytes transferred, cold / repeat (worker) | {by['connected_cold'] / 1e6:.2f} MB / "
        f"{by['connected_warm'] / 1e6:.2f} MB |",
        "",
        "| issue #10 target (runtime worker) | figure | target | |",
        "|---|---:|---|---|",
    ]
    for t in res["targets"]:
        fig = t["figure"]
        shown = f"{fig:.2f}x" if t["target"].endswith("x") else f"{fig:,.0f}"
        lines.append(
            f"| {t['what']} | {shown} | {t['target']} | {'met' if t['met'] else 'MISSED'} |"
        )
    lines += waterfall_tables(res.get("boot_timeline", {}))
    return "\n".join(lines)


def waterfall_tables(timelines: dict[str, Any]) -> list[str]:
    """The lobby frame's boot waterfall per visit (ms since the lobby's navigation start)."""
    lines: list[str] = []
    for key, frames in timelines.items():
        rows = frames.get("lobby") or []
        if not rows:
            continue
        lines += ["", f"| boot waterfall, {key}, lobby frame | start ms | end ms | bytes |"]
        lines.append("|---|---:|---:|---:|")
        for r in rows:
            end = f"{r['end_ms']:.0f}" if "end_ms" in r else ""
            size = f"{r['bytes']:,}" if "bytes" in r else ""
            lines.append(f"| {r['what']} | {r['start_ms']:.0f} | {end} | {size} |")
    return lines


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
            # Eager memory measurement: without it Chromium answers
            # measureUserAgentSpecificMemory() only at its next scheduled GC (up to 20 s).
            launch: dict[str, Any] = {
                "args": [*CHROMIUM_ARGS, "--enable-blink-features=ForceEagerMeasureMemory"]
            }
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

                loads = [os.getloadavg()[0]]
                for i in range(s.runs):
                    t0 = time.perf_counter()
                    one = one_run(open_context, lobby.origin, game.origin, s, errors, i)
                    all_runs.append(one)
                    loads.append(os.getloadavg()[0])
                    w, mn = one["worker"], one["main"]
                    progress(
                        f"run {i + 1}/{s.runs} ({time.perf_counter() - t0:.1f} s, load "
                        f"{loads[-1]:.1f}): bridge worker / main "
                        f"{w['round_trip']['bridge']['median_us']:.0f} / "
                        f"{mn['round_trip']['bridge']['median_us']:.0f} µs, "
                        f"window {w['round_trip']['raw_window']['median_us']:.0f} µs, "
                        f"burst {w['burst']['events_per_s']:,.0f}/s, "
                        f"boot worker / main {w['cold']['connected_ms']:.0f} / "
                        f"{mn['cold']['connected_ms']:.0f} ms, longest task "
                        f"{w['cold']['longest_task_ms']:.0f} / "
                        f"{mn['cold']['longest_task_ms']:.0f} ms"
                    )
                # 1-minute load average at the start and after each run: the machine is shared.
                machine["load_average"] = "-".join(f"{x:.1f}" for x in (min(loads), max(loads)))
                machine["load_averages"] = loads
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
