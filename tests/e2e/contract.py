"""The JS API's contract suite: self-checking pages, and one thin driver per engine.

The pages (tests/e2e/pages/contract/) hold the whole suite: lobby.js runs the numbered cases
(C01, C02, ...) against game.js on the other origin and publishes ``window.__verdict``
(and the same JSON in ``<pre id="verdict">``). A driver only loads
``/contract/lobby.html?runtime=...&game=...`` and reads the verdict, so the same cases run in
every engine and both runtimes:

- Chromium: Playwright (tests/e2e/test_contract.py), with the usual request guard;
- Firefox ESR: Puppeteer over WebDriver BiDi (tests/e2e/drivers/firefox.cjs, run by Node),
  with BiDi request interception as the guard;
- WebKitGTK: Selenium + WebKitWebDriver under Xvfb. It cannot intercept requests, so the pages
  are served with a Content-Security-Policy that allows only the two local origins (a
  violation is recorded by the page and fails the run), the pages reference nothing else
  (a test reads their sources), and the servers' own request logs are checked.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .conftest import ROOT

PAGES = Path(__file__).resolve().parent / "pages" / "contract"
DRIVERS = Path(__file__).resolve().parent / "drivers"
# Where .ci/run installs the Node drivers (npm ci of drivers/package-lock.json): untracked.
DRIVER_MODULES = ROOT / "build" / "cache" / "engine-drivers"
FIREFOX = Path(os.environ.get("FIREFOX", "/usr/bin/firefox-esr"))
WEBKIT_DRIVER = Path(os.environ.get("WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver"))
RUNTIMES = ("worker", "main")
# The pages one engine run loads: the suite in each runtime, then the guard's negative check.
PROBE = "probe"
PAGES_RUN = (*RUNTIMES, PROBE)
REPORT = ROOT / "build" / "reports" / "contract.json"

_CASE = re.compile(r'\{ id: "(C\d\d)", name: "([^"]+)"')
CASES: list[tuple[str, str]] = _CASE.findall((PAGES / "lobby.js").read_text())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def csp(game_origin: str) -> str:
    """Only the page's own origin, the game's frame, and the wasm compile Pyodide needs."""
    return (
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
        f"frame-src 'self' {game_origin}; object-src 'none'; base-uri 'none'"
    )


@dataclass
class ContractSite:
    lobby_origin: str
    game_origin: str
    requests: list[tuple[str, str, int]] = field(default_factory=list)  # origin, path, status

    def url(self, runtime: str, timeout_ms: int = 60000) -> str:
        """The suite in ``runtime``, or (``PROBE``) the page that tries to leave."""
        if runtime == PROBE:
            return f"{self.lobby_origin}/contract/leak_probe.html"
        return (
            f"{self.lobby_origin}/contract/lobby.html?runtime={runtime}"
            f"&game={self.game_origin}&timeoutMs={timeout_ms}"
        )


@dataclass
class Run:
    """One contract page's verdict in one engine and runtime, and what the driver saw."""

    engine: str
    runtime: str
    verdict: dict[str, Any] | None
    blocked: list[str]
    version: str
    error: str = ""

    def case(self, case_id: str) -> dict[str, Any] | None:
        for case in (self.verdict or {}).get("cases", []):
            if case["id"] == case_id:
                return dict(case)
        return None


def case_failure(run: Run, case_id: str) -> str | None:
    """None when the case passed; else what failed, for the assertion message."""
    if run.verdict is None:
        why = run.error or "the page never published one"
        return f"{run.engine}/{run.runtime}: no verdict ({why})"
    case = run.case(case_id)
    if case is None:
        v = run.verdict
        return (
            f"{run.engine}/{run.runtime}: case {case_id} has no result ({run.error}); the page "
            f"was running {v.get('running')}, waiting for {v.get('waiting')!r}; log: {v.get('log')}"
        )
    if case["ok"]:
        return None
    failed = [f"  {c['name']}: {c['detail']}" for c in case["checks"] if not c["ok"]]
    return f"{run.engine}/{run.runtime} {case_id} {case['name']} failed:\n" + "\n".join(failed)


def off_origin(run: Run, site: ContractSite) -> list[str]:
    """Everything that shows a request to somewhere other than the two local origins."""
    origins = {site.lobby_origin, site.game_origin}
    out = [f"aborted by the driver: {url}" for url in run.blocked]
    verdict = run.verdict or {}
    for entry in verdict.get("log", []):
        if entry["kind"] == "csp":
            out.append(f"CSP violation on the lobby page: {entry['text']}")
    for url in verdict.get("resources", []):
        parts = urlsplit(url)
        local = f"{parts.scheme}://{parts.netloc}" in origins
        if not local and parts.scheme not in ("data", "blob"):
            out.append(f"resource from elsewhere: {url}")
    return out


def server_errors(site: ContractSite, since: int = 0) -> list[str]:
    """Requests the two servers answered with an error (a missing file is looked for
    elsewhere, or it breaks the boot)."""
    return [
        f"{status} {origin}{path}"
        for origin, path, status in site.requests[since:]
        if status >= 400
    ]


def record(run: Run) -> None:
    """Keep the run's timings and verdict in build/reports/contract.json."""
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report[f"{run.engine}-{run.runtime}"] = {
        "version": run.version,
        "ok": (run.verdict or {}).get("ok"),
        "timings": (run.verdict or {}).get("timings"),
        "cases": {c["id"]: c["ok"] for c in (run.verdict or {}).get("cases", [])},
    }
    REPORT.write_text(json.dumps(report, indent=2) + "\n")


# ------------------------------------------------------------------------------ Firefox


def firefox_missing() -> str | None:
    """Why the Firefox driver cannot run here, or None."""
    if not FIREFOX.exists():
        return f"Firefox ESR is not installed ({FIREFOX}; .ci/run installs firefox-esr)"
    if shutil.which("node") is None:
        return "node is not installed"
    if not (DRIVER_MODULES / "node_modules" / "puppeteer-core").is_dir():
        return f"puppeteer-core is not installed in {DRIVER_MODULES} (.ci/run installs it)"
    return None


def run_firefox(site: ContractSite, timeout_ms: int) -> list[Run]:
    urls = [site.url(runtime, timeout_ms) for runtime in PAGES_RUN]
    proc = subprocess.run(
        ["node", str(DRIVERS / "firefox.cjs"), str(DRIVER_MODULES), str(timeout_ms * 4), *urls],
        capture_output=True,
        text=True,
        timeout=timeout_ms * 4 * len(urls) / 1000 + 120,
        check=False,
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    runs = []
    for runtime, url in zip(PAGES_RUN, urls, strict=True):
        out = next((x for x in lines if x["url"] == url), None)
        if out is None:
            runs.append(Run("firefox", runtime, None, [], "", proc.stderr[-2000:]))
        else:
            runs.append(Run("firefox", runtime, out["verdict"], out["blocked"], out["version"]))
    return runs


# ------------------------------------------------------------------------------ WebKitGTK


def webkit_missing() -> str | None:
    if not WEBKIT_DRIVER.exists():
        return (
            f"WebKitWebDriver is not installed ({WEBKIT_DRIVER}; "
            ".ci/run installs webkit2gtk-driver)"
        )
    if shutil.which("Xvfb") is None:
        return "Xvfb is not installed (.ci/run installs xvfb)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pyproject's test extra)"
    return None


@contextmanager
def xvfb() -> Iterator[str]:
    """An X display for WebKit (MiniBrowser has no working headless mode): ":<n>"."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as f:
            number = f.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _webkit_version() -> str:
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", "libwebkit2gtk-4.1-0"],
        capture_output=True,
        text=True,
        check=False,
    )
    return f"WebKitGTK {out.stdout.strip()}" if out.returncode == 0 else "WebKitGTK"


# WebKitGTK's accelerated compositing paints with GL; under Xvfb that is Mesa's software
# rasterizer, and its ThreadedCompositor thread has crashed the page process in CI
# ("general protection fault ... in swrast_dri.so", the session then reads "page crash or
# hang"). Nothing the contract checks needs GPU compositing, so WebKit paints on the CPU.
# Both variables reach WebKitWebProcess through WebKitWebDriver and MiniBrowser.
WEBKIT_ENV = {"WEBKIT_DISABLE_COMPOSITING_MODE": "1", "WEBKIT_SKIA_ENABLE_CPU_RENDERING": "1"}
# What a crashed or killed page process looks like to Selenium.
_PAGE_CRASH = "page crash or hang"


@contextmanager
def webkit_session() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.service import Service

    with xvfb() as display:
        # Giving the driver's path makes Selenium skip its driver download.
        service = Service(
            executable_path=str(WEBKIT_DRIVER),
            env={**os.environ, **WEBKIT_ENV, "DISPLAY": display},
        )
        driver = webdriver.WebKitGTK(service=service, options=webdriver.WebKitGTKOptions())
        try:
            yield driver
        finally:
            # A crashed session may refuse to quit; Xvfb is stopped all the same.
            with suppress(Exception):
                driver.quit()


def kernel_traps() -> list[str]:
    """The kernel log's ``traps:`` lines (a crashed process's last words), if readable."""
    out = subprocess.run(["dmesg"], capture_output=True, text=True, check=False)
    return [line for line in out.stdout.splitlines() if "traps:" in line]


def read_verdict(evaluate: Any, timeout_s: float) -> tuple[dict[str, Any] | None, str]:
    """Poll ``evaluate(js)`` for a done verdict; (verdict or what was there, error)."""
    deadline = time.monotonic() + timeout_s
    js = "return window.__verdict ? JSON.stringify(window.__verdict) : null"
    verdict = None
    while time.monotonic() < deadline:
        text = evaluate(js)
        verdict = json.loads(text) if text else None
        if verdict and verdict.get("done"):
            return verdict, ""
        time.sleep(0.5)
    return verdict, f"no complete verdict after {timeout_s:.0f} s"


def _webkit_page(url: str, timeout_ms: int) -> tuple[dict[str, Any] | None, str]:
    """One contract page in a session of its own, so a crash costs only that page."""
    from selenium.common.exceptions import WebDriverException

    with webkit_session() as driver:
        driver.get(url)
        try:
            return read_verdict(driver.execute_script, timeout_ms * 4 / 1000)
        except WebDriverException as exc:
            if _PAGE_CRASH not in str(exc):
                raise
            return None, f"WebKit's page process died ({(exc.msg or '').split(';')[0]})"


def run_webkit(site: ContractSite, timeout_ms: int) -> list[Run]:
    """Each page once; a page whose WebKit process dies is loaded once more, and said so.

    A page-process crash is the engine's own defect (see WEBKIT_ENV and
    ../shared/notes/cross-engine.md), not a verdict on the bridge: the page gets one more
    fresh session, the crash and the kernel's trap line are printed, and a second crash fails
    the run with both.
    """
    runs = []
    version = _webkit_version()
    for runtime in PAGES_RUN:
        url = site.url(runtime, timeout_ms)
        traps = len(kernel_traps())
        verdict, error = _webkit_page(url, timeout_ms)
        if verdict is None and error.startswith("WebKit's page process died"):
            crash = "; ".join([error, *kernel_traps()[traps:]])
            print(f"\n[contract] webkit {runtime}: {crash}; loading the page once more")
            verdict, error = _webkit_page(url, timeout_ms)
            if error:
                error = f"{error} (after a first crash: {crash})"
        runs.append(Run("webkit", runtime, verdict, [], version, error))
    return runs
