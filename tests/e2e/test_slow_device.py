"""A phone-class CPU: the JS example pair at Chromium's CPU throttling rate 6 connects in bridge
mode, a request (pause) round trip succeeds, and no error event, timeout or rejection shows.

CDP throttling slows page main threads only (the game frame shares the lobby's renderer: site
isolation off, bench/throttle_bench.py says why); the workers are not slowed. The whole-browser
cgroup quota, which slows them too, is in ``build.py bench --cpu-throttle 4,6``. Chromium
throttled is not a phone."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ROOT, BrowserLog, E2ESite, _load_by_path

pytestmark = pytest.mark.e2e

throttle = _load_by_path("hizi_throttle_bench", ROOT / "bench" / "throttle_bench.py")


def test_connect_and_request_at_cpu_rate_6(playwright: Any, e2e_site: E2ESite) -> None:
    launch: dict[str, Any] = {"args": [*throttle.CHROMIUM_ARGS, *throttle.NO_SITE_ISOLATION]}
    if throttle.CHROMIUM.exists():
        launch["executable_path"] = str(throttle.CHROMIUM)
    browser = playwright.chromium.launch(**launch)
    log = BrowserLog()
    try:
        context = browser.new_context()
        log.guard(context)
        page = context.new_page()
        throttle.throttle_page(page, 6)
        result = throttle.measure_pair(page, e2e_site.lobby_origin, e2e_site.game_origin)
    finally:
        browser.close()
    assert result["errors"] == []
    assert result["mode"] == "bridge"
    # the throttle is on: the page's busy loop is slower than the (unthrottled) worker's
    assert result["busy_loop_page_ms"] > 2 * result["busy_loop_worker_ms"], result
    assert not log.blocked
