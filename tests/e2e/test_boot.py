"""Boot probes: vendored Pyodide (trimmed lock) and vendored PyScript load pydantic and bridge."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from .conftest import ROOT, BrowserLog, E2ESite

pytestmark = pytest.mark.e2e

BOOT_TIMEOUT_MS = int(os.environ.get("HIZI_BOOT_TIMEOUT_MS", "120000"))
REPORT = ROOT / "build" / "reports" / "boot.json"

PROBES = {
    "pyodide": "examples/boot_probe.html",
    "pyscript": "examples/boot_probe_pyscript.html",
}


def _served_bytes(site_dir: Path, urls: list[str]) -> int:
    total = 0
    for url in set(urls):
        path = site_dir / urlsplit(url).path.lstrip("/")
        if path.is_file():
            total += path.stat().st_size
    return total


def _record(variant: str, data: dict[str, Any]) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report[variant] = data
    REPORT.write_text(json.dumps(report, indent=2) + "\n")


@pytest.mark.parametrize("variant", sorted(PROBES))
def test_boot_probe(variant: str, page: Page, e2e_site: E2ESite, browser_log: BrowserLog) -> None:
    t0 = time.perf_counter()
    page.goto(e2e_site.lobby_url(PROBES[variant]))
    page.wait_for_function(
        "document.getElementById('status').textContent !== 'booting'", timeout=BOOT_TIMEOUT_MS
    )
    wall_s = time.perf_counter() - t0
    status = page.text_content("#status")
    text = page.text_content("#result") or ""
    assert status == "ok", f"{variant} probe failed: {text}"
    result = json.loads(text)

    assert result["python"].startswith("3.14")
    assert result["pydantic"] == "2.14.4"
    if e2e_site.manifest.get("bridge_wheel"):
        assert result["bridge"].endswith("site-packages/bridge/__init__.py"), result["bridge"]
        if variant == "pyodide":
            assert result["engine"] == "bridge.browser.engine", result
    if variant == "pyodide":
        assert result["bytecode"] is True, "the wheels should carry pycs for this Python"
        assert e2e_site.manifest["pyodide"]["stdlib"], "the build should compile the stdlib"
        from_pyc, code_file = result["stdlib_bytecode"]
        assert from_pyc is True, result
        assert code_file == "/lib/python314.zip/typing.py", result

    wheel_files = {Path(w["file"]).name for w in e2e_site.manifest["wheels"]}
    fetched = {Path(urlsplit(u).path).name for u in browser_log.requests}
    assert wheel_files <= fetched, f"wheels not fetched: {sorted(wheel_files - fetched)}"
    micropip = [u for u in browser_log.requests if "micropip" in u.lower()]
    assert not micropip, f"micropip was fetched: {micropip}"
    assert not result.get("micropip_importable", False)
    assert not browser_log.blocked, browser_log.blocked
    browser_log.assert_no_errors()

    data = {
        "wall_s": round(wall_s, 3),
        "page_total_ms": result.get("total_ms"),
        "page_boot_ms": result.get("boot_ms"),
        "requests": len(browser_log.requests),
        "bytes": _served_bytes(e2e_site.site_dir, browser_log.requests),
        "micropip_requests": len(micropip),
    }
    _record(variant, data)
    print(f"\n[boot] {variant}: {data}")
