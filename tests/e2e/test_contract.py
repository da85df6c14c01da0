"""The JS API's contract suite in Chromium, Firefox ESR and WebKitGTK, both runtimes.

Each engine loads tests/e2e/pages/contract/lobby.html once per runtime (worker, main); the page
runs every numbered case against the game page on the other origin and publishes its verdict
(tests/e2e/contract.py). One test per case, engine and runtime reads it:
``test_case[chromium-worker-C01]``, ``test_case[webkit-main-C10]``, ... Firefox and WebKit are
skipped, with the reason, only where the browser (or its driver) is not installed; .ci/run
installs them.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from . import contract
from .conftest import BrowserLog

pytestmark = pytest.mark.e2e

ENGINES = ("chromium", "firefox", "webkit")
# One wait inside the page (boot, handshake); WebKit boots two runtimes 2-4x slower here.
TIMEOUT_MS = int(os.environ.get("HIZI_CONTRACT_TIMEOUT_MS", "90000"))


@pytest.fixture(scope="session")
def contract_site(
    build_module: Any, built_site: Any, start_site_servers: Callable[[Iterable[Any]], list[Any]]
) -> Generator[contract.ContractSite, None, None]:
    """The site plus the contract pages, on two fresh local origins with a strict CSP and a
    request log."""
    shutil.copytree(contract.PAGES, Path(built_site.site_dir) / "contract", dirs_exist_ok=True)
    lobby_port, game_port = contract.free_port(), contract.free_port()
    site = contract.ContractSite(f"http://127.0.0.1:{lobby_port}", f"http://localhost:{game_port}")
    header = {"Content-Security-Policy": contract.csp(site.game_origin)}

    def on_request(origin: str, path: str, status: int) -> None:
        site.requests.append((origin, path, status))

    servers = build_module.start_servers(
        built_site.site_dir,
        [("127.0.0.1", lobby_port, header), ("localhost", game_port, header)],
        on_request=on_request,
    )
    yield site
    build_module.stop_servers(servers)


@dataclass
class EngineRuns:
    runs: dict[str, contract.Run]  # runtime -> its run
    since: int  # the first entry of the servers' request log that is this engine's


_RUNS: dict[str, EngineRuns] = {}


def _chromium(browser: Browser, site: contract.ContractSite) -> list[contract.Run]:
    runs = []
    for runtime in contract.PAGES_RUN:
        log = BrowserLog()
        context = browser.new_context()
        log.guard(context)
        page = context.new_page()
        page.goto(site.url(runtime, TIMEOUT_MS))

        def evaluate(js: str, page: Page = page) -> Any:
            return page.evaluate(f"() => {{ {js} }}")

        verdict, error = contract.read_verdict(evaluate, TIMEOUT_MS * 4 / 1000)
        runs.append(contract.Run("chromium", runtime, verdict, log.blocked, browser.version, error))
        context.close()
    return runs


@pytest.fixture(scope="module", params=ENGINES)
def engine_runs(request: pytest.FixtureRequest, contract_site: contract.ContractSite) -> EngineRuns:
    """The engine's two runs (worker, main), each page driven once for all its cases."""
    engine: str = request.param
    if engine not in _RUNS:
        since = len(contract_site.requests)
        if engine == "chromium":
            runs = _chromium(request.getfixturevalue("browser"), contract_site)
        elif engine == "firefox":
            if reason := contract.firefox_missing():
                pytest.skip(reason)
            runs = contract.run_firefox(contract_site, TIMEOUT_MS)
        else:
            if reason := contract.webkit_missing():
                pytest.skip(reason)
            runs = contract.run_webkit(contract_site, TIMEOUT_MS)
        for run in runs:
            if run.runtime == contract.PROBE:
                continue
            contract.record(run)
            timings = (run.verdict or {}).get("timings")
            print(f"\n[contract] {engine} {run.version} {run.runtime}: {timings}")
        _RUNS[engine] = EngineRuns({run.runtime: run for run in runs}, since)
    return _RUNS[engine]


@pytest.mark.parametrize("case_id", [case_id for case_id, _ in contract.CASES])
@pytest.mark.parametrize("runtime", contract.RUNTIMES)
def test_case(engine_runs: EngineRuns, runtime: str, case_id: str) -> None:
    failure = contract.case_failure(engine_runs.runs[runtime], case_id)
    assert failure is None, failure


@pytest.mark.parametrize("runtime", contract.RUNTIMES)
def test_nothing_leaves_the_two_local_origins(
    engine_runs: EngineRuns, runtime: str, contract_site: contract.ContractSite
) -> None:
    run = engine_runs.runs[runtime]
    assert run.verdict is not None, run.error
    assert contract.off_origin(run, contract_site) == []
    since = engine_runs.since
    assert contract.server_errors(contract_site, since) == []
    # The servers saw both pages and the runtime they boot (the log is not empty by accident).
    paths = {(origin, path.split("?")[0]) for origin, path, _ in contract_site.requests[since:]}
    assert (contract_site.lobby_origin, "/contract/lobby.html") in paths
    assert (contract_site.game_origin, "/contract/game.html") in paths
    assert any(path.endswith(".wasm") for _, path in paths)


@pytest.mark.parametrize("runtime", contract.RUNTIMES)
def test_no_errors_on_the_lobby_page(engine_runs: EngineRuns, runtime: str) -> None:
    run = engine_runs.runs[runtime]
    assert run.verdict is not None, run.error
    assert [e for e in run.verdict["log"] if e["kind"] != "console.warn"] == []


def test_the_guard_reports_a_page_that_tries_to_leave(
    engine_runs: EngineRuns, contract_site: contract.ContractSite
) -> None:
    """The negative check: leak_probe.html asks two non-local hosts; the engine's guard
    (interception, the CSP the servers send and the page records) must say so."""
    found = contract.off_origin(engine_runs.runs[contract.PROBE], contract_site)
    assert any("192.0.2.1" in line for line in found), found
    assert any("example.invalid" in line for line in found), found


def test_the_pages_reference_only_their_own_origins() -> None:
    """What WebKit cannot intercept, the pages cannot ask for: no absolute URL in them
    (the game's origin comes from the query string). leak_probe.* exists to name others."""
    absolute = re.compile(r"""(?:https?:)?//[\w.-]+""")
    for path in sorted(contract.PAGES.iterdir()):
        if path.name.startswith("leak_probe."):
            continue
        text = path.read_text()
        found = [m.group(0) for m in absolute.finditer(text)]
        assert found == [], f"{path.name}: {found}"


def test_every_case_has_an_id_and_a_name() -> None:
    ids = [case_id for case_id, _ in contract.CASES]
    assert len(ids) >= 12 and ids == sorted(set(ids))
    assert ids == [f"C{i:02d}" for i in range(1, len(ids) + 1)]
