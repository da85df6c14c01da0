"""What the vendored runtime needs from a browser, and a clear ``boot_failed`` without it.

README's "Supported browsers": WebAssembly (iOS / macOS Lockdown Mode turns it off), its
exception handling, and (the default worker runtime) module workers. A browser lacking one
gets ``lobby()`` / ``game()`` rejected at once with ``boot_failed`` naming what is missing,
before anything of the runtime is fetched.

WebAssembly off is real: Chromium started with V8's ``--jitless`` has no ``WebAssembly``
global, as Lockdown Mode does (it turns off the JIT and WebAssembly with it). The other two
are emulated in Chromium with an init script (every engine tested here has them):
``WebAssembly.validate`` refusing the probe, and a ``Worker`` that ignores its options as one
without module workers does.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserType, Page

from .conftest import CHROMIUM_ARGS, SYSTEM_CHROMIUM, BrowserLog, HostileSite

pytestmark = pytest.mark.e2e

PAGE = "hostile/runtime.html"
OPEN = """(runtime) => outcome(HiziBridge.lobby({ iframe: document.createElement("iframe"),
    gameOrigin: "http://localhost:1", runtime, bootTimeoutMs: 30000 }))"""
NO_EH = """(() => {
  const validate = WebAssembly.validate;
  // The probe is the only module of 28 bytes the page validates: refuse it, as an engine
  // without exception handling does.
  WebAssembly.validate = (bytes) => (bytes.length === 28 ? false : validate(bytes));
})();"""
NO_MODULE_WORKERS = """(() => {
  const Classic = Worker;
  window.Worker = function (url) { return new Classic(url); }; // options never read
})();"""


def _open(browser: Browser, log: BrowserLog, url: str, init: str, runtime: str) -> list[str]:
    context = browser.new_context()
    log.guard(context)
    if init:
        context.add_init_script(init)
    page: Page = context.new_page()
    page.goto(url)
    result = list(page.evaluate(OPEN, runtime))
    context.close()
    return result


@pytest.fixture(scope="module")
def no_wasm_browser(browser_type: BrowserType) -> Generator[Browser, None, None]:
    args: dict[str, Any] = {"args": [*CHROMIUM_ARGS, "--js-flags=--jitless"]}
    if SYSTEM_CHROMIUM.exists():
        args["executable_path"] = str(SYSTEM_CHROMIUM)
    browser = browser_type.launch(**args)
    yield browser
    browser.close()


def _runtime_requests(log: BrowserLog) -> list[str]:
    return [u for u in log.requests if "hizi-bridge-worker" in u or "/vendor/" in u]


@pytest.mark.parametrize("runtime", ["worker", "main"])
def test_webassembly_turned_off_is_named(
    no_wasm_browser: Browser, hostile_site: HostileSite, browser_log: BrowserLog, runtime: str
) -> None:
    url = hostile_site.site.lobby_url(f"{PAGE}?games=0")
    name, code, message = _open(no_wasm_browser, browser_log, url, "", runtime)
    assert (name, code) == ("HiziBridgeError", "boot_failed")
    assert "WebAssembly turned off or missing" in message and "Lockdown Mode" in message
    assert _runtime_requests(browser_log) == []  # refused before anything was fetched


@pytest.mark.parametrize("runtime", ["worker", "main"])
def test_webassembly_without_exception_handling_is_named(
    browser: Browser, hostile_site: HostileSite, browser_log: BrowserLog, runtime: str
) -> None:
    url = hostile_site.site.lobby_url(f"{PAGE}?games=0")
    name, code, message = _open(browser, browser_log, url, NO_EH, runtime)
    assert (name, code) == ("HiziBridgeError", "boot_failed")
    assert "no exception handling" in message and "Safari 15.2" in message, message
    assert _runtime_requests(browser_log) == []


def test_a_browser_without_module_workers_is_told_to_use_the_main_runtime(
    browser: Browser, hostile_site: HostileSite, browser_log: BrowserLog
) -> None:
    url = hostile_site.site.lobby_url(f"{PAGE}?games=0")
    name, code, message = _open(browser, browser_log, url, NO_MODULE_WORKERS, "worker")
    assert (name, code) == ("HiziBridgeError", "boot_failed")
    assert "no module workers" in message and 'runtime: "main"' in message, message
    assert [u for u in browser_log.requests if "/vendor/" in u] == []
