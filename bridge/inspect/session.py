"""What one inspection shares, whatever its mode: the browser context, the named pages, the
capture, the waiting loop, and the outcome of loading the target."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .browser import new_context
from .capture import Capture, Event
from .cases import Outcome
from .serve import Harness

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Request, Response


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def with_query(url: str, **params: str) -> str:
    """``url`` with ``params`` set in its query (replacing any of the same name)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query += list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


@dataclass
class Report:
    """Everything the report writers need."""

    target: str
    mode: str
    outcomes: list[Outcome]
    events: list[Event]
    loaded: bool = True
    load_error: str = ""
    duration_s: float = 0.0
    ready_s: float | None = None  # when the target was up (first message / frame loaded)
    notes: list[str] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)  # player actions (record)

    @property
    def failed(self) -> bool:
        return any(o.result.value == "fail" for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        if not self.loaded:
            return 2
        return 1 if self.failed else 0


class Session:
    """One browser context with named pages; events are routed by ``route`` as they arrive."""

    def __init__(self, browser: Browser, harness: Harness, target: str) -> None:
        self.harness = harness
        self.target = target
        self.target_origin = origin_of(target)
        self.capture = Capture()
        self.names: dict[Any, str] = {}
        self.load_error = ""
        self.main: Page | None = None
        self.context: BrowserContext = new_context(browser, self.capture, self.name_of)
        self.context.on("requestfailed", self._on_failed)
        self.context.on("response", self._on_response)

    def name_of(self, page: Page) -> str:
        return self.names.get(page, "other")

    def open(self, name: str, url: str) -> Page:
        page = self.context.new_page()
        self.names[page] = name
        if self.main is None:
            self.main = page
        page.goto(url, wait_until="domcontentloaded")
        return page

    def close(self) -> None:
        with contextlib.suppress(Exception):  # the browser may be gone already (Ctrl-C)
            self.context.close()

    # ---- target load failures (exit code 2)

    def _is_target_document(self, request: Request) -> bool:
        try:
            page = request.frame.page
        except Exception:
            return False
        return (
            page is self.main
            and request.resource_type == "document"
            and origin_of(request.url) == self.target_origin
            and (request.frame.parent_frame is not None or self.target_is_top)
        )

    target_is_top = False

    def _on_failed(self, request: Request) -> None:
        if self._is_target_document(request) and not self.load_error:
            self.load_error = f"{request.url}: {request.failure or 'request failed'}"

    def _on_response(self, response: Response) -> None:
        if self._is_target_document(response.request) and response.status >= 400:
            self.load_error = self.load_error or f"{response.url}: HTTP {response.status}"

    # ---- waiting: Playwright delivers binding calls while a sync call blocks

    def pump(self, seconds: float) -> None:
        assert self.main is not None
        self.main.wait_for_timeout(max(1.0, seconds * 1000))

    def wait_for(self, check: Callable[[], object], timeout: float, step: float = 0.05) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            if check():
                return True
            if time.monotonic() >= deadline:
                return False
            self.pump(step)
