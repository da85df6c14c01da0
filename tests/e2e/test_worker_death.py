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
