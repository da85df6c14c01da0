"""The page side under a Trusted Types CSP (``require-trusted-types-for 'script'``), where a
Worker's URL must be a TrustedScriptURL: with the bridge's named policy allowed
(``trusted-types hizi-bridge``, as README and docs/security.md give it) the lobby connects; with
the policy not allowed, lobby() rejects with boot_failed naming the directive to change."""

from __future__ import annotations

import os
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import HostileSite, free_port

pytestmark = pytest.mark.e2e

BOOT_TIMEOUT_MS = int(os.environ.get("HIZI_BOOT_TIMEOUT_MS", "120000"))
REQUIRE = "require-trusted-types-for 'script'"


def _on_pages(csp: str) -> Callable[[Any], Any]:
    """The CSP on HTML pages only: a worker's CSP is its own script's response (README)."""

    def wrap(static: Any) -> Any:
        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            path = environ.get("PATH_INFO", "")
            page = path.endswith((".html", "/"))

            def start(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
                extra = [("Content-Security-Policy", csp)] if page else []
                return start_response(status, [*headers, *extra], *exc)

            return static(environ, start)

        return app

    return wrap


def _csp_origin(start: Any, build_module: ModuleType, csp: str) -> str:
    port = free_port()
    start([build_module.ServerSpec("127.0.0.1", port, wrap=_on_pages(csp))])
    return f"http://127.0.0.1:{port}"


def test_with_the_named_policy_allowed_the_lobby_connects(
    page: Page, hostile_site: HostileSite, start_site_servers: Any, build_module: ModuleType
) -> None:
    origin = _csp_origin(start_site_servers, build_module, f"{REQUIRE}; trusted-types hizi-bridge")
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Trusted" in m.text else None)
    game = hostile_site.site.game_origin
    page.goto(f"{origin}/examples/js_lobby.html?game={game}")
    expect(page.locator("#bridge-status")).to_have_text("connected", timeout=BOOT_TIMEOUT_MS)
    assert violations == []  # the worker started through the policy: nothing was refused
    assert page.evaluate("HiziBridge.bootInfo.runtime") == "worker"
    # And Trusted Types were in force: the same worker from a plain string URL is refused.
    refused = page.evaluate(
        """() => { try { new Worker("/hizi-bridge-worker.mjs"); return false; }
                   catch (e) { return e instanceof TypeError; } }"""
    )
    assert refused is True


def test_without_the_policy_allowed_the_start_fails_naming_the_directive(
    page: Page, hostile_site: HostileSite, start_site_servers: Any, build_module: ModuleType
) -> None:
    origin = _csp_origin(start_site_servers, build_module, f"{REQUIRE}; trusted-types 'none'")
    page.goto(f"{origin}/hostile/runtime.html?games=0")
    name, code, message = page.evaluate(
        """() => outcome(HiziBridge.lobby({ iframe: document.createElement("iframe"),
                                              gameOrigin: "http://localhost:1" }))"""
    )
    assert (name, code) == ("HiziBridgeError", "boot_failed")
    assert "add hizi-bridge to the page's Content-Security-Policy trusted-types" in message
