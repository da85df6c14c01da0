"""A lobby open for an evening while the player switches games: nothing may grow.

One lobby page (tests/e2e/pages/life_lobby.html, the public JS API) keeps its game iframe for
``SWITCHES`` game loads: plain Appendix A games (strict and loose forms), reloads of the frame,
and every tenth a hizi-bridge game (a handshake, a MessagePort, bridge mode). Half way the lobby
closes its bridge and opens another (the page keeps one runtime). Each load is spun once; the
lobby must get that game's ``gameReady`` and its ``roundEnded`` exactly once.

After a warm-up cycle and again at the end, both right after a hizi-bridge game connected:
``liveResources()``, the page's own count of "message" / "load" listeners, the early buffer,
``stats()`` (pending requests, queued, rejections, io / internal errors), the page's workers,
and the JavaScript heap after a full GC (CDP, tests/e2e/heap.py) of the page and of the lobby's
worker (Python's own heap, in WebAssembly memory, is not seen: tests/e2e/heap.py). The heap guard
(``PAGE_HEAP_TOLERANCE``) is far below what keeping one bridge per switch costs (measured, see
there); the figures
(per-switch heap delta, time per switch) go to docs/performance.md, they are not thresholds.
Then the evening's idle part: with nothing to do, the lobby holds no timer but the page's
heartbeat to its worker, which counts page ticks (a throttled tab cannot fake a dead worker:
test_worker_death.py stalls one), and the last game still answers.
"""

from __future__ import annotations

import os
import time
from collections.abc import Generator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from .conftest import FIGURES, LISTENER_COUNTER, BrowserLog, HostileSite
from .heap import HeapProbe

pytestmark = pytest.mark.e2e

BOOT_TIMEOUT_MS = int(os.environ.get("HIZI_BOOT_TIMEOUT_MS", "120000"))
SWITCH_TIMEOUT_S = 60.0
SWITCHES = 40  # after WARM_UP; 4 of them hizi-bridge games
WARM_UP = 10
# Growth allowed between the warm-up sample and the end (30 switches later), bytes. Measured:
# about 1 KB per switch on the page, 0.6 KB in the worker (docs/performance.md). A deliberate
# leak, one more lobby bridge kept per switch (tried once, not committed), cost 360 KB per
# switch on the page (the listener counts caught it too) but only 2.2 KB in the worker's JS
# heap: Python's objects are in WebAssembly memory, so the worker's guard catches JS-side
# leaks (ports, messages, closures), and the Python side shows in stats() / liveResources().
PAGE_HEAP_TOLERANCE = 512 * 1024
WORKER_HEAP_TOLERANCE = 256 * 1024
IDLE_S = 12  # more than two heartbeats (5 s each)


def _kinds(total: int) -> list[str]:
    """What each switch loads: every tenth a hizi-bridge game, every third a reload."""
    out = []
    for i in range(total):
        if i % 10 == 9:
            out.append("bridge")
        elif i % 3 == 2 and out and out[-1] != "bridge":
            out.append("reload")
        else:
            out.append("plain" if i % 2 else "loose")
    return out


# roundEnded per spin: the loose game plays two rounds for one spin.
ROUNDS = {"plain": 1, "loose": 2, "bridge": 1}
PATHS = {
    "plain": "/examples/plain_game.html",
    "loose": "/examples/plain_loose_game.html",
    "bridge": "/examples/js_game.html",
}


@pytest.fixture
def lobby(browser: Browser, hostile_site: HostileSite) -> Generator[tuple[Page, BrowserLog]]:
    log = BrowserLog()
    context: BrowserContext = browser.new_context()
    log.guard(context)
    context.add_init_script("(() => {" + LISTENER_COUNTER + "})();")
    page = context.new_page()
    page.set_default_timeout(BOOT_TIMEOUT_MS)
    page.goto(hostile_site.site.lobby_url("hostile/life_lobby.html"))
    yield page, log
    context.close()
    assert not log.blocked


def _snapshot(page: Page, name: str, probe: HeapProbe) -> dict[str, Any]:
    stats = page.evaluate(f"bridges.{name}.stats()")
    return {
        "live": page.evaluate(f"bridges.{name}.liveResources()"),
        "listeners": page.evaluate("({ ...__messageListeners })"),
        "early": page.evaluate("[__hiziBridgeEarly.events.length, __hiziBridgeEarly.overflow]"),
        "stats": {
            k: stats[k]
            # Not rejected_total: a late message of the document just replaced is rightly
            # refused (another window) and counted; that is a count, not a leak (CI saw one).
            for k in ("pending_requests", "queued", "io_errors", "early_overflow")
        }
        | {"internal_errors": stats.get("internal_errors", 0)},
        "own_workers": len(probe.workers),
        "all_workers": len(page.workers),
        "page_heap": probe.page_heap(),
        "worker_heap": sum(probe.worker_heaps()),
    }


@pytest.mark.parametrize("runtime", ["worker", "main"], ids=["chromium-worker", "chromium-main"])
def test_an_evening_of_game_switches_grows_nothing(
    lobby: tuple[Page, BrowserLog], hostile_site: HostileSite, runtime: str
) -> None:
    page, log = lobby
    site = hostile_site.site
    probe = HeapProbe(page)
    name = "a"
    page.evaluate(
        "([name, options]) => openBridge(name, options)",
        [name, {"gameOrigin": site.game_origin, "runtime": runtime}],
    )
    times: dict[str, list[float]] = {"plain": [], "loose": [], "reload": [], "bridge": []}
    samples: list[dict[str, Any]] = []
    current = ""
    for i, kind in enumerate(_kinds(SWITCHES)):
        if i == SWITCHES // 2:  # close the bridge, open another on the same iframe
            page.evaluate(f"bridges.{name}.close()")
            name = "b"
            page.evaluate(
                "([name, options]) => openBridge(name, options)",
                [name, {"gameOrigin": site.game_origin, "runtime": runtime}],
            )
        page.evaluate(f"delivered.{name}.length = 0")
        t0 = time.perf_counter()
        if kind == "reload":
            game = next(f for f in page.frames if "plain" in f.url)
            game.evaluate("() => location.reload()")
        else:
            current = kind
            url = f"{site.game_origin}{PATHS[kind]}?lobby={site.lobby_origin}&switch={i}"
            page.evaluate("(url) => { document.getElementById('game').src = url; }", url)
        ready = f"delivered.{name}.some((m) => m.type === 'gameReady')"
        if kind == "bridge":
            ready += f" && bridges.{name}.mode === 'bridge'"
        page.wait_for_function(ready, timeout=SWITCH_TIMEOUT_S * 1000)
        times[kind].append((time.perf_counter() - t0) * 1000)
        page.evaluate(f"bridges.{name}.spin()")
        rounds = ROUNDS[current]
        page.wait_for_function(
            f"delivered.{name}.filter((m) => m.type === 'roundEnded').length >= {rounds}"
        )
        page.wait_for_timeout(50)  # a duplicate would arrive by now
        types = page.evaluate(f"delivered.{name}.map((m) => m.type)")
        assert types.count("gameReady") == 1, (i, kind, types)
        assert types.count("roundEnded") == rounds, (i, kind, types)
        if kind == "bridge" and i + 1 in (WARM_UP, SWITCHES):
            samples.append(_snapshot(page, name, probe))

    first, last = samples
    FIGURES[f"long session ({runtime}): warm-up / end"] = {
        k: (first[k], last[k]) for k in ("page_heap", "worker_heap")
    }
    switched = SWITCHES - WARM_UP
    FIGURES[f"long session ({runtime}): per switch, bytes"] = {
        k: round((last[k] - first[k]) / switched) for k in ("page_heap", "worker_heap")
    }
    FIGURES[f"long session ({runtime}): ms per switch (median)"] = {
        k: round(sorted(v)[len(v) // 2]) for k, v in times.items() if v
    }
    for key in ("live", "listeners", "early", "stats", "own_workers", "all_workers"):
        assert last[key] == first[key], (key, first[key], last[key])
    assert last["stats"] == {
        "pending_requests": 0,
        "queued": 0,
        "io_errors": 0,
        "early_overflow": 0,
        "internal_errors": 0,
    }
    assert last["early"] == [0, 0]
    assert last["own_workers"] == (1 if runtime == "worker" else 0)
    assert last["all_workers"] == last["own_workers"] + 1  # and the hizi-bridge game's own
    assert last["page_heap"] - first["page_heap"] < PAGE_HEAP_TOLERANCE, FIGURES
    assert last["worker_heap"] - first["worker_heap"] < WORKER_HEAP_TOLERANCE, FIGURES

    # The evening's idle part: nothing to do, no timer held, no false worker_died, still answers.
    page.evaluate(
        "(n) => { window.idleStatuses = []; bridges[n].onStatus((s) => idleStatuses.push(s)); }",
        name,
    )
    page.wait_for_timeout(IDLE_S * 1000)
    assert page.evaluate(f"bridges.{name}.liveResources()")["timers"] == 0
    assert page.evaluate("idleStatuses") == []
    reply = page.evaluate(f"bridges.{name}.pause().then((m) => m.type, (e) => e.code)")
    assert reply == "gamePaused"
    assert page.evaluate(f"bridges.{name}.status") == "connected"
    log.assert_no_errors()
