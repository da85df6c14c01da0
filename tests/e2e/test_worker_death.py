"""A worker that dies makes every bridge of the page report it, with a code: never silence.

A dead dedicated worker sends no event (a crash, out of memory, ``close()``), so the page side
asks it "alive?" every 5 s and calls it dead after three unanswered asks (counted in timer
ticks: a frozen tab wakes to one tick, not a burst). Then every bridge on the page goes to
status ``error`` with code ``worker_died``, its pending requests and later sends reject with
that code, and the next ``HiziBridge.lobby()`` starts a new worker.

Chromium, two bridges on one lobby (two plain Appendix A games); the worker is killed from
the test (Playwright's handle on it): closed (``self.close()``, a silent death) or hung (a
busy loop: a wedged engine). Out of memory was tried too (an allocation loop in the worker):
in one run the page survived and both bridges reported ``worker_died``; in another Chromium's
renderer process died with the worker, page and all, which leaves nothing to report to (so
it is not a test here). See docs/security.md, known limits.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from .conftest import BrowserLog, HostileSite

pytestmark = pytest.mark.e2e

PAGE = "hostile/runtime.html"
BOOT_MS = 120_000
KILL = {
    "closed": "close()",
    "hung": "setTimeout(() => { for (;;) {} }, 0)",
}
OPEN_TWO = """async () => {
    window.events = [];
    window.pending = {};
    for (const i of [0, 1]) {
        const bridge = await openLobby(i, { requestTimeoutMs: 120000 });
        await bridge.connected();
        bridge.onStatus((e) => events.push([i, e.status, e.code]));
        window["bridge" + i] = bridge;
    }
    outcome(bridge0.pause()).then((r) => { pending.pause = r; });
    return [bridge0.status, bridge1.status];
}"""


def _lobby(browser: Browser, log: BrowserLog, site: HostileSite) -> Page:
    context = browser.new_context()
    log.guard(context)
    page = context.new_page()
    page.goto(site.site.lobby_url(f"{PAGE}?games=2&game={site.site.game_origin}"))
    return page


@pytest.mark.parametrize("death", list(KILL))
def test_every_bridge_reports_a_dead_worker(
    browser: Browser, hostile_site: HostileSite, browser_log: BrowserLog, death: str
) -> None:
    page = _lobby(browser, browser_log, hostile_site)
    page.set_default_timeout(BOOT_MS)
    assert page.evaluate(OPEN_TWO) == ["connected", "connected"]
    [worker] = page.workers
    worker.evaluate(KILL[death])
    page.wait_for_function("events.length >= 2", timeout=60_000)
    events: list[Any] = page.evaluate("events")
    assert sorted(events) == [[0, "error", "worker_died"], [1, "error", "worker_died"]]
    page.wait_for_function("pending.pause !== undefined", timeout=10_000)
    assert page.evaluate("pending.pause")[:2] == ["HiziBridgeError", "worker_died"]
    after = page.evaluate("outcome(bridge1.spin())")
    assert after[:2] == ["HiziBridgeError", "worker_died"] and "stopped answering" in after[2]
    # The next bridge starts a new worker and connects (to the game page, loaded again: the
    # plain game greets once per page load).
    reopened = page.evaluate(
        """async () => {
            const b = await openLobby(0);
            gameFrames[0].src = gameFrames[0].src;
            await b.connected();
            return b.status;
        }"""
    )
    assert reopened == "connected"
    page.context.close()


def test_a_stalled_tab_wakes_without_false_deaths_or_timeouts(
    browser: Browser, hostile_site: HostileSite, browser_log: BrowserLog
) -> None:
    """The page's thread stopped for 22 s (longer than the heartbeat's three misses and than a
    request's timeout), as a frozen or background tab's timers stop; then it runs again.

    No bridge reports a dead worker (the heartbeat counts the page's own ticks, not wall time)
    and the request in flight times out once, as a timeout. (CDP Page.setWebLifecycleState
    "frozen" was tried first: in headless Chromium 156 the page's timers kept ticking, so it
    froze nothing; a busy main thread stops them for real.)
    """
    page = _lobby(browser, browser_log, hostile_site)
    page.set_default_timeout(BOOT_MS)
    assert page.evaluate(OPEN_TWO) == ["connected", "connected"]
    # The plain game never answers a pause: this one times out 20 s after it was sent.
    page.evaluate(
        """() => { window.t0 = performance.now(); window.ticks = 0;
            setInterval(() => { ticks += 1; }, 1000);
            outcome(bridge1.request("pause", undefined, { timeoutMs: 20000 }))
              .then((r) => { pending.late = [r[1], performance.now() - t0]; }); }"""
    )
    page.evaluate("() => { const end = Date.now() + 22000; while (Date.now() < end) {} }")
    page.wait_for_timeout(3_000)
    # The page really stopped: its own 1 s timer ticked about 3 times in these 25 s, not 25.
    assert page.evaluate("ticks") <= 8
    assert page.evaluate("events") == []  # no status change: no worker_died, no error
    assert page.evaluate("[bridge0.status, bridge1.status]") == ["connected", "connected"]
    assert page.evaluate("outcome(bridge0.spin())") == ["ok"]
    page.wait_for_function("pending.late !== undefined", timeout=30_000)
    code, _ms = page.evaluate("pending.late")
    assert code == "timeout"
    page.context.close()
