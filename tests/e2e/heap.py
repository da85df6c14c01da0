"""JavaScript heap figures over Chromium's DevTools protocol, for the long-session tests.

``HeapProbe(page)`` reads the page's heap and the heaps of the page's own dedicated workers
(the bridge's runtime), each after a full garbage collection: CDP ``HeapProfiler.collectGarbage``
then ``Runtime.getHeapUsage`` (``usedSize``, bytes). A worker is reached through a second CDP
session on the page that auto-attaches to its children without flattening (Playwright's own
session keeps the flat ones), so its commands go through ``Target.sendMessageToTarget``. A
worker's figure is its JavaScript heap only: Python's objects live in Pyodide's WebAssembly
memory, which this does not see (``Runtime.queryObjects`` for ``WebAssembly.Memory`` in the
worker crashed Chromium 156's renderer, page and all; the page is not cross-origin isolated,
so ``measureUserAgentSpecificMemory`` is not there either). The Python side's tables show in
``stats()`` and ``liveResources()`` instead.
"""

from __future__ import annotations

import json
import time
from typing import Any

from playwright.sync_api import CDPSession, Page


class HeapProbe:
    def __init__(self, page: Page) -> None:
        self._page = page
        self._session: CDPSession = page.context.new_cdp_session(page)
        self._workers: dict[str, str] = {}  # CDP session id -> worker URL
        self._replies: dict[int, dict[str, Any]] = {}
        self._next = 1
        self._session.on("Target.attachedToTarget", self._attached)
        self._session.on("Target.detachedFromTarget", self._detached)
        self._session.on("Target.receivedMessageFromTarget", self._received)
        self._session.send(
            "Target.setAutoAttach",
            {"autoAttach": True, "waitForDebuggerOnStart": False, "flatten": False},
        )

    def _attached(self, event: dict[str, Any]) -> None:
        info = event["targetInfo"]
        if info["type"] == "worker":
            self._workers[event["sessionId"]] = info["url"]

    def _detached(self, event: dict[str, Any]) -> None:
        self._workers.pop(event["sessionId"], None)

    def _received(self, event: dict[str, Any]) -> None:
        message = json.loads(event["message"])
        if "id" in message:
            self._replies[message["id"]] = message

    def _worker_call(self, session_id: str, method: str, params: dict[str, Any]) -> Any:
        key = self._next
        self._next += 1
        message = json.dumps({"id": key, "method": method, "params": params})
        self._session.send(
            "Target.sendMessageToTarget", {"sessionId": session_id, "message": message}
        )
        deadline = time.monotonic() + 30
        while key not in self._replies:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no answer to {method} from the worker")
            self._page.wait_for_timeout(20)
        reply = self._replies.pop(key)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    @property
    def workers(self) -> list[str]:
        """The URLs of the page's own dedicated workers now (not those of its iframes)."""
        return list(self._workers.values())

    def page_heap(self) -> int:
        """The page's used JS heap after a full GC, bytes."""
        self._session.send("HeapProfiler.collectGarbage")
        return int(self._session.send("Runtime.getHeapUsage")["usedSize"])

    def worker_heaps(self) -> list[int]:
        """Each own worker's used JS heap after a full GC, bytes."""
        out = []
        for sid in list(self._workers):
            self._worker_call(sid, "HeapProfiler.collectGarbage", {})
            out.append(int(self._worker_call(sid, "Runtime.getHeapUsage", {})["usedSize"]))
        return out
