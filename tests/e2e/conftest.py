"""End-to-end fixtures: the built site on two origins, system Chromium, and a network guard.

- ``e2e_site`` (session): runs ``buildtool.build()`` once into a private site directory and
  serves it on a lobby origin (``http://127.0.0.1:<port>``) and a game origin (``http://localhost:<port>``),
  free ports.
- ``start_site_servers`` (session): factory for more servers on the same site, e.g. with a CSP
  header: ``start_site_servers([("127.0.0.1", 0, {"Content-Security-Policy": "..."})])``.
- ``browser_type_launch_args``: uses /usr/bin/chromium when it exists (no Playwright download).
- ``new_context`` / ``context`` / ``page``: pytest-playwright's, plus a guard that aborts every
  request to a host other than 127.0.0.1/localhost, records it, and fails the test at teardown.
- ``browser_log``: requests, blocked requests, console messages and page errors of the test's
  contexts (all pages and frames); ``browser_log.errors()`` / ``assert_no_errors()``.
- ``hostile_site`` (session): the site plus attacker origins (``evil.localhost``, ``127.0.0.2``,
  the game host on another port) and the test pages of tests/e2e/pages under /hostile/.
- ``FIGURES``: what the hostile-environment tests measured, printed at the end of the run.
"""

from __future__ import annotations

import importlib
import importlib.util
import ipaddress
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, Route

ROOT = Path(__file__).resolve().parents[2]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
_HERE = Path(__file__).resolve().parent

# Part of the e2e init scripts (runs before any page script): counts live "message" listeners
# on window and on MessagePorts and "load" listeners on iframes, by wrapping
# add/removeEventListener, independently of the bridge's own figures (__messageListeners).
LISTENER_COUNTER = r"""
  const counts = { window: 0, port: 0, load: 0 };
  const live = new Map();
  const kind = (t, type) =>
    type === "message" ? (t === window ? "window" : t instanceof MessagePort ? "port" : null)
    : type === "load" && t instanceof HTMLIFrameElement ? "load" : null;
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, fn, opts) {
    const k = fn ? kind(this, type) : null;
    if (k) {
      let set = live.get(this);
      if (!set) live.set(this, (set = new Set()));
      if (!set.has(fn)) { set.add(fn); counts[k] += 1; }
    }
    return add.call(this, type, fn, opts);
  };
  EventTarget.prototype.removeEventListener = function (type, fn, opts) {
    const k = fn ? kind(this, type) : null;
    const set = k && live.get(this);
    if (set && set.delete(fn)) counts[k] -= 1;
    return remove.call(this, type, fn, opts);
  };
  window.__messageListeners = counts;
"""


def is_local_host(host: str | None) -> bool:
    """Loopback only: localhost, *.localhost (Chromium resolves it to loopback), 127.0.0.0/8."""
    if not host:
        return False
    if host in LOCAL_HOSTS or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _load_by_path(name: str, path: Path) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_build_module() -> ModuleType:
    """The build package (``buildtool``; build.py is only its command-line entry)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("buildtool")


# One Chromium and one set of launch flags for the tests and the benchmark (bench/).
_bench = _load_by_path("hizi_browser_bench", ROOT / "bench" / "browser_bench.py")
SYSTEM_CHROMIUM: Path = _bench.CHROMIUM
CHROMIUM_ARGS: list[str] = _bench.CHROMIUM_ARGS


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests here ``e2e`` and run them after all others.

    pytest-playwright's sync API keeps an event loop running in the main thread for the rest of
    the session once the browser starts, so a later test calling ``asyncio.run()`` would fail.
    """
    e2e: list[pytest.Item] = []
    others: list[pytest.Item] = []
    for item in items:
        if _HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            e2e.append(item)
        else:
            others.append(item)
    items[:] = others + e2e


# ------------------------------------------------------------------------------------------
# Site and servers
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class E2ESite:
    lobby_origin: str
    game_origin: str
    site_dir: Path
    manifest: Mapping[str, Any]

    def lobby_url(self, path: str) -> str:
        return f"{self.lobby_origin}/{path.lstrip('/')}"

    def game_url(self, path: str) -> str:
        return f"{self.game_origin}/{path.lstrip('/')}"


@pytest.fixture(scope="session")
def build_module() -> ModuleType:
    return load_build_module()


@pytest.fixture(scope="session")
def built_site(build_module: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The ``BuildResult`` of one build for the whole session.

    The site goes to a private directory (``HIZI_E2E_SITE_DIR`` overrides it), so a concurrent
    ``python build.py`` or ``serve`` in the work tree cannot change files under a running test;
    downloads still come from the shared build/cache.
    """
    override = os.environ.get("HIZI_E2E_SITE_DIR")
    site_dir = Path(override) if override else tmp_path_factory.mktemp("site")
    return build_module.build(ROOT, site_dir=site_dir)


ServerSpecLike = tuple[str, int] | tuple[str, int, Mapping[str, str]]


@pytest.fixture(scope="session")
def start_site_servers(
    build_module: ModuleType, built_site: Any
) -> Generator[Callable[[Iterable[ServerSpecLike]], list[Any]], None, None]:
    """Start servers of the built site; all are stopped at the end of the session."""
    started: list[Any] = []

    def _start(specs: Iterable[ServerSpecLike]) -> list[Any]:
        servers = build_module.start_servers(built_site.site_dir, specs)
        started.extend(servers)
        return list(servers)

    yield _start
    build_module.stop_servers(started)


@pytest.fixture(scope="session")
def e2e_site(
    built_site: Any, start_site_servers: Callable[[Iterable[ServerSpecLike]], list[Any]]
) -> E2ESite:
    lobby, game = start_site_servers([("127.0.0.1", 0), ("localhost", 0)])
    return E2ESite(
        lobby_origin=lobby.origin,
        game_origin=game.origin,
        site_dir=built_site.site_dir,
        manifest=built_site.manifest,
    )


def free_port() -> int:
    """A port free on 127.0.0.1 now (for a server whose origin must be known before it starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class NpmPackage:
    """dist/, the npm package folder made from it and its packed tarball (one per session)."""

    dist: Path
    folder: Path
    tarball: Path
    version: str


NPM_CACHE = ROOT / "build" / "npm-cache"


def run_npm(
    args: list[str], cwd: Path, timeout: float = 240, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """npm with the project's cache (build/npm-cache: a rerun installs from it), no notifier."""
    npm = shutil.which("npm", path=(env or os.environ).get("PATH")) or "npm"
    full = {
        **(env or os.environ),
        "npm_config_cache": str(NPM_CACHE),
        "npm_config_update_notifier": "false",
    }
    return subprocess.run(
        [npm, *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=timeout
    )


def npm_ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"{done.args}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="session")
def npm_package(
    build_module: ModuleType, built_site: Any, tmp_path_factory: pytest.TempPathFactory
) -> NpmPackage:
    """What the project's build makes for npm (``build.py dist``), packed by ``npm pack``."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed: the npm package cannot be packed")
    root = tmp_path_factory.mktemp("npm-package")
    dist = build_module.make_dist(ROOT, dist_dir=root / "dist", built=built_site).dist_dir
    folder = build_module.make_npm(ROOT, dist_dir=dist, out_dir=root / "package")
    version = json.loads((folder / "package.json").read_text())["version"]
    packed = json.loads(
        npm_ok(run_npm(["pack", "--json", "--pack-destination", str(root)], folder))
    )
    return NpmPackage(dist, folder, root / packed[0]["filename"], version)


# ------------------------------------------------------------------------------------------
# Browser
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def base_url() -> str | None:
    """No base URL (every test names full URLs). Defined here because pytest-playwright's
    own fallback, used when pytest-base-url is not installed, is an instance-method fixture,
    which pytest 9 deprecates with a PytestRemovedIn10Warning on the first test using it."""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], browser_name: str | None
) -> dict[str, Any]:
    args = dict(browser_type_launch_args)
    if browser_name in (None, "chromium") and SYSTEM_CHROMIUM.exists():
        args.setdefault("executable_path", str(SYSTEM_CHROMIUM))
        args["args"] = [*args.get("args", []), *CHROMIUM_ARGS]
    return args


@dataclass
class BrowserLog:
    """What the browser did during one test (all contexts, pages and frames)."""

    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console: list[tuple[str, str, str]] = field(default_factory=list)  # (page url, type, text)
    page_errors: list[tuple[str, str]] = field(default_factory=list)  # (page url, error)

    def errors(self, page_url_contains: str = "") -> list[str]:
        out = [
            f"console.{kind} on {url}: {text}"
            for url, kind, text in self.console
            if kind == "error" and page_url_contains in url
        ]
        out += [f"page error on {url}: {err}" for url, err in self.page_errors]
        return out

    def assert_no_errors(self, page_url_contains: str = "") -> None:
        errors = self.errors(page_url_contains)
        assert not errors, "errors in the browser:\n" + "\n".join(errors)

    def attach(self, page: Page) -> None:
        def on_console(msg: ConsoleMessage) -> None:
            self.console.append((page.url, msg.type, msg.text))

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.page_errors.append((page.url, str(exc))))

    def guard(self, context: BrowserContext) -> None:
        def on_route(route: Route) -> None:
            url = route.request.url
            if urlsplit(url).hostname in LOCAL_HOSTS or is_local_host(urlsplit(url).hostname):
                route.fallback()
            else:
                self.blocked.append(url)
                route.abort("blockedbyclient")

        def on_request(request: Request) -> None:
            self.requests.append(request.url)

        context.route("**/*", on_route)
        context.on("request", on_request)
        context.on("page", self.attach)
        for page in context.pages:
            self.attach(page)


@pytest.fixture
def browser_log() -> Generator[BrowserLog, None, None]:
    log = BrowserLog()
    yield log
    if log.blocked:
        pytest.fail(
            "the page tried to reach non-local hosts (aborted):\n" + "\n".join(log.blocked),
            pytrace=False,
        )


@pytest.fixture
def new_context(
    new_context: Callable[..., BrowserContext], browser_log: BrowserLog
) -> Callable[..., BrowserContext]:
    """pytest-playwright's ``new_context``, with every context guarded and logged."""

    def _new_context(**kwargs: Any) -> BrowserContext:
        context = new_context(**kwargs)
        browser_log.guard(context)
        return context

    return _new_context


# ------------------------------------------------------------------------------------------
# Hostile environment: attacker origins, figures
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HostileSite:
    site: E2ESite
    evil_origin: str  # http://evil.localhost:<port>: a look-alike of the game host
    ip2_origin: str  # http://127.0.0.2:<port>: a look-alike of the lobby host
    other_port_origin: str  # http://localhost:<other port>: the game host, another port


@pytest.fixture(scope="session")
def hostile_site(
    build_module: ModuleType,
    built_site: Any,
    e2e_site: E2ESite,
    start_site_servers: Callable[[Iterable[Any]], list[Any]],
) -> HostileSite:
    shutil.copytree(_HERE / "pages", Path(built_site.site_dir) / "hostile", dirs_exist_ok=True)
    spec = build_module.ServerSpec
    evil, ip2, other = start_site_servers(
        [spec("evil.localhost", 0), spec("127.0.0.2", 0, {}, "127.0.0.2"), spec("localhost", 0)]
    )
    return HostileSite(e2e_site, evil.origin, ip2.origin, other.origin)


# Filled by tests/e2e/test_hostile_*.py; printed by pytest_terminal_summary.
FIGURES: dict[str, Any] = {}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    terminalreporter.section("hostile environment: figures")
    for key, value in FIGURES.items():
        terminalreporter.write_line(f"{key}: {value}")


def instrumented_context(
    browser: Browser, init_script: str
) -> Generator[tuple[BrowserContext, BrowserLog], None, None]:
    """A module-scoped context for a suite's own fixture: network guard plus an init script
    in every frame; fails if anything tried to leave the local origins."""
    log = BrowserLog()
    context = browser.new_context()
    log.guard(context)
    context.add_init_script(init_script)
    yield context, log
    context.close()
    assert not log.blocked, f"non-local requests: {log.blocked}"
