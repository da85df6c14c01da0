"""The worker's boot from a memory snapshot kept in Cache Storage (issue #19).

With ``snapshot: true`` (opt-in), a first visit boots normally and, once up, a nested worker
stores a snapshot of a fresh interpreter under a key naming the runtime; the repeat visit
restores it (stats().boot.snapshot says "restored"). A corrupt entry or a truncated one ends
in a normal boot that connects; nothing is fatal. Without the option none is read or made.
One browser context is one player's machine.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from .conftest import BrowserLog, HostileSite

pytestmark = pytest.mark.e2e

PAGE = "hostile/runtime.html"
BOOT_MS = 120_000
CACHE = "hizi-bridge-snapshot"
ON = {"snapshot": True}  # opt-in: the default boots without one

OPEN_JS = """async (options) => {
    const bridge = await openLobby(0, options);
    await bridge.connected();
    const stats = await bridge.stats();
    return { mode: bridge.mode, snapshot: stats.boot.snapshot,
             phases: stats.boot.phases.map((p) => p[0]),
             accepted: stats.accepted_by_type };
}"""
STORED_JS = """async (key) => {
    // Complete: an entry may be visible while its body is still being written.
    const res = await (await caches.open("hizi-bridge-snapshot")).match(key);
    if (!res || res.headers.get("x-hizi-snapshot-bytes") === null) return false;
    const bytes = (await res.arrayBuffer()).byteLength;
    return bytes === Number(res.headers.get("x-hizi-snapshot-bytes"));
}"""


def _visit(context: BrowserContext, url: str, options: dict[str, Any] | None = None) -> Any:
    page = context.new_page()
    page.goto(url)
    result = page.evaluate(OPEN_JS, options or {})
    assert result["mode"] == "compat", result
    assert result["accepted"] == {"onAppFrameReady": 1, "gameReady": 1}, result
    return page, result


def _wait_stored(page: Page, key: str) -> None:
    # Polled here: wait_for_function would take the async predicate's promise as truthy.
    deadline = time.monotonic() + BOOT_MS / 1000
    while not page.evaluate(STORED_JS, key):
        assert time.monotonic() < deadline, "no snapshot stored"
        page.wait_for_timeout(250)


@pytest.fixture
def machine(browser: Browser, browser_log: BrowserLog) -> Any:
    context = browser.new_context()
    browser_log.guard(context)
    yield context
    context.close()


def test_a_repeat_visit_boots_from_the_snapshot_a_corrupt_one_falls_back(
    machine: BrowserContext, hostile_site: HostileSite, browser_log: BrowserLog
) -> None:
    site = hostile_site.site
    url = site.lobby_url(f"{PAGE}?games=1&game={site.game_origin}")
    first, cold = _visit(machine, url, ON)
    snap = cold["snapshot"]
    assert snap["state"] == "missing", snap
    assert snap["key"].startswith(site.lobby_origin + "/vendor/snapshot/314.0.7/"), snap
    # Looked up, nothing to read: the cold boot does not wait for a read.
    assert "snapshot_lookup" in cold["phases"] and "snapshot_read" not in cold["phases"], cold
    _wait_stored(first, snap["key"])
    first.close()

    page, warm = _visit(machine, url, ON)
    assert warm["snapshot"]["state"] == "restored", warm
    assert warm["snapshot"]["key"] == snap["key"]
    assert warm["snapshot"]["bytes"] > 20_000_000, warm
    assert warm["snapshot"]["error"] is None
    assert "snapshot_lookup" in warm["phases"] and "snapshot_read" in warm["phases"], warm
    # Corrupt in place, at the declared length: the restore throws, the boot starts again.
    page.evaluate(
        """async (key) => {
            const cache = await caches.open("hizi-bridge-snapshot");
            const bytes = new Uint8Array(await (await cache.match(key)).arrayBuffer());
            bytes.fill(7, 0, 4096);
            await cache.put(key, new Response(bytes, { headers: {
                "x-hizi-snapshot-bytes": String(bytes.length) } }));
        }""",
        snap["key"],
    )
    page.close()
    page, fallback = _visit(machine, url, ON)
    assert fallback["snapshot"]["state"] == "fallback", fallback
    assert "magic" in fallback["snapshot"]["error"], fallback
    page.close()
    # Refused for this runtime from then on: a normal boot, no remake, no retry.
    page, refused = _visit(machine, url, ON)
    assert refused["snapshot"]["state"] == "refused", refused
    browser_log.assert_no_errors()


def test_a_truncated_entry_is_dropped_and_made_again(
    machine: BrowserContext, hostile_site: HostileSite
) -> None:
    site = hostile_site.site
    url = site.lobby_url(f"{PAGE}?games=1&game={site.game_origin}")
    page, cold = _visit(machine, url, ON)
    key = cold["snapshot"]["key"]
    _wait_stored(page, key)
    page.evaluate(
        """async (key) => {
            const cache = await caches.open("hizi-bridge-snapshot");
            await cache.put(key, new Response(new Uint8Array(1000), { headers: {
                "x-hizi-snapshot-bytes": "31457408" } }));
        }""",
        key,
    )
    page.close()
    page, second = _visit(machine, url, ON)
    assert second["snapshot"]["state"] == "fallback", second
    assert "1000 bytes" in second["snapshot"]["error"], second
    page.close()
    page, third = _visit(machine, url, ON)
    assert third["snapshot"]["state"] == "missing", third  # dropped: made again after this boot


def test_by_default_no_snapshot_is_read_or_made(
    machine: BrowserContext, hostile_site: HostileSite
) -> None:
    site = hostile_site.site
    url = site.lobby_url(f"{PAGE}?games=1&game={site.game_origin}")
    page, result = _visit(machine, url)
    assert result["snapshot"]["state"] == "off", result
    assert "snapshot_lookup" not in result["phases"]
    assert "snapshot_read" not in result["phases"]
    page.wait_for_timeout(7000)  # past the delay (5 s) after which a snapshot would be made
    keys = page.evaluate(f"async () => (await (await caches.open('{CACHE}')).keys()).length")
    assert keys == 0
    refused = page.evaluate(
        """() => outcome(HiziBridge.lobby({ iframe: document.createElement("iframe"),
            gameOrigin: "http://localhost:1", snapshot: "yes" }))"""
    )
    assert refused[1] == "invalid_config" and "snapshot must be" in refused[2], refused


def test_a_wheel_that_fails_on_a_restored_visit_leaves_the_snapshot_alone(
    machine: BrowserContext, hostile_site: HostileSite
) -> None:
    """A missing pydantic-core (a blip, a half-copied deploy) fails that boot with
    boot_failed; the snapshot is not to blame, so the next visit restores it again (it was
    marked refused, for good, before: found by a red-team pass)."""
    site = hostile_site.site
    url = site.lobby_url(f"{PAGE}?games=1&game={site.game_origin}")
    page, cold = _visit(machine, url, ON)
    _wait_stored(page, cold["snapshot"]["key"])
    page.close()
    page, warm = _visit(machine, url, ON)
    assert warm["snapshot"]["state"] == "restored", warm
    page.close()

    def gone(route: Any) -> None:
        route.fulfill(status=404, body="gone", headers={"content-type": "text/plain"})

    machine.route("**/pydantic_core-*.whl", gone)
    page = machine.new_page()
    page.goto(url)
    name, code, message = page.evaluate("() => outcome(openLobby(0, { snapshot: true }))")
    assert (name, code) == ("HiziBridgeError", "boot_failed")
    assert "pydantic-core did not load" in message and "HTTP 404" in message, message
    page.close()
    machine.unroute("**/pydantic_core-*.whl")
    page, again = _visit(machine, url, ON)
    assert again["snapshot"]["state"] == "restored", again
