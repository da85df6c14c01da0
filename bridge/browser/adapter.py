"""The browser adapter: window / MessagePort events in, posts and timers out.

All DOM work happens in one small JavaScript "kit" per bridge (built once per
page with ``run_js``), so Python never touches an ``Event``: the kit turns each
event into primitives (JSON text, origin, "is it the paired window", "did it
carry a port") and calls back into Python through a single long-lived proxy.
That proxy is the only one this adapter creates; ``close()`` destroys it.

Inbound values are handed over as JSON text (``JSON.stringify`` in the kit),
never converted with ``to_py``: that is cheaper, avoids ``jsnull``, and a value
that cannot be stringified (BigInt, cycles) arrives as text that is not JSON,
which the channel rejects as malformed.

Cheap rejection: a flood from a wrong origin or a wrong window must not cost a
trip into Python per event. The kit asks Python once per ``event.origin`` for the
policy's verdict (cached), and forwards the first event of each (reason, origin)
to Python, which counts and journals it. Later events with the same reason and
origin are counted in the kit only (``rejected_fast`` in ``stats()``), without
reading ``event.data``; the totals per reason stay exact.

One crossing per event: while Python handles a call from JavaScript (an event from the
kit, or a send / request from the JS API), port posts and emits are collected into an
"outbox" string that the call returns and the kit runs, in order. A crossing into JS
costs about as much as validating a small message, so a round trip that crossed some
eight times now crosses four. Anything else that must reach the DOM during such a call
(a window post, a port change) first runs what was collected, keeping the order. Timers
travel in the outbox too, after the posts: a request's setTimeout then follows its post.
"""

from __future__ import annotations

import json
from typing import Any

from pyodide.code import run_js
from pyodide.ffi import create_proxy

from ..core.effects import Inbound, Transport
from ..hub import Driver
from .kit import kit_source

BATCH_VERSION = 2  # the protocol version from which a port frame may be an array of texts


_make_kit: Any = None


def _kit_factory() -> Any:
    """The kit constructor: hizi-bridge.js defines it, so a page under a strict CSP needs
    no ``'unsafe-eval'``; only a page without that script tag compiles ``kit_source()``
    here, which needs eval."""
    global _make_kit
    if _make_kit is None:  # looked up (or compiled) once per page, shared by every bridge
        import js

        _make_kit = getattr(js.globalThis, "__hiziBridgeMakeKit", None) or run_js(kit_source())
    return _make_kit


class BrowserAdapter:
    """Implements ``hub.IO`` in the browser and feeds DOM events to a ``Driver``.

    ``iframe`` is the game's ``<iframe>`` for a lobby, ``None`` for a game (peer:
    ``window.parent``).
    """

    def __init__(self, iframe: Any | None) -> None:
        self._driver: Driver | None = None
        self._proxy: Any = create_proxy(self._on_event)
        self._kit: Any = _kit_factory()(iframe, self._proxy)
        # Looked up once: each attribute access on a JsProxy makes a new proxy (hot path).
        self._post_port: Any = self._kit.postPort
        self._run: Any = self._kit.run
        self._schedule: Any = self._kit.schedule
        self._out: list[str] | None = None  # the outbox, while collecting (see begin)
        self._in_event = 0
        self._closed = False

    @property
    def kit(self) -> Any:
        """The kit (JavaScript): the JS API runs the outboxes of its calls with ``run``."""
        return self._kit

    def set_sink(self, sink: Any) -> None:
        """Where the kit hands emit pieces (``sink(code, text)``)."""
        self._kit.setSink(sink)

    # ------------------------------------------------------------------ outbox

    def begin(self) -> bool:
        """Start collecting posts and emits; False if an outer call collects already."""
        if self._out is not None:
            return False
        self._out = []
        return True

    def end(self, began: bool) -> str:
        """Stop collecting (if ``begin`` returned True): the outbox for the kit's ``run``."""
        if not began:
            return ""
        out, self._out = self._out, None
        return "\x00".join(out) if out else ""

    def emit(self, piece: str) -> None:
        """An emit piece (kind code + JSON) for the JS API's handlers."""
        if self._out is not None:
            self._out.append(piece)
        elif not self._closed:
            self._run(piece)

    def _flush(self) -> None:
        # Before a direct call into the DOM: what was collected goes first.
        out = self._out
        if out:
            pieces = "\x00".join(out)
            out.clear()
            self._run(pieces)

    def peer_loaded(self) -> bool:
        """False while a lobby's iframe still shows its initial about:blank."""
        return bool(self._kit.peerLoaded())

    def start(self, driver: Driver) -> None:
        self._driver = driver
        self._kit.start()

    # ------------------------------------------------------------------ IO

    def post_window(self, text: str, target_origin: str, transfer_port: bool) -> None:
        self._flush()
        self._kit.postWindow(text, target_origin, transfer_port)

    def post_port(self, text: str) -> None:
        # Coalesced per task only when the peer reads batches (protocol version 2).
        driver = self._driver
        batch = driver is not None and (driver.channel.version or 0) >= BATCH_VERSION
        out = self._out
        if out is not None:
            out.append(("P" if batch else "p") + text)
        else:
            self._post_port(text, batch)

    def adopt_port(self) -> bool:
        self._flush()
        return bool(self._kit.adoptPort())

    def close_port(self) -> None:
        self._flush()
        self._kit.closePort()

    def schedule(self, delay_ms: float | None) -> None:
        if self._closed:
            return
        ms = -1 if delay_ms is None else delay_ms
        out = self._out
        if out is not None:
            out.append(f"T{ms}")  # after the posts collected so far: off a reply's path
        else:
            self._schedule(ms)

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Remove every listener and timer; destroy the proxy (later, if we are inside it)."""
        if self._closed:
            return
        self._flush()  # e.g. the bye collected during this call
        self._closed = True
        self._kit.close()
        if self._in_event == 0:
            self._destroy_proxy()

    def live_resources(self) -> dict[str, int]:
        counts: dict[str, int] = json.loads(self._kit.live())
        counts["proxies"] = 0 if self._proxy is None else 1
        return counts

    def counters(self) -> dict[str, int]:
        """Early-buffer figures: events replayed after boot, events dropped when it was full."""
        return dict(json.loads(self._kit.counters()))

    def target_origins(self) -> list[str]:
        return list(json.loads(self._kit.targets()))

    def fast_rejections(self) -> dict[str, int]:
        """Rejections counted in the kit only (repeats of a reported reason and origin)."""
        return dict(json.loads(self._kit.fastRejected()))

    def _destroy_proxy(self) -> None:
        if self._proxy is not None:
            self._proxy.destroy()
            self._proxy = None

    def _on_event(
        self, kind: str, text: str, encoded: bool, origin: str, from_peer: bool, has_port: bool
    ) -> bool | str | None:
        """An event from the kit; returns the outbox for the kit to run."""
        driver = self._driver
        if driver is None or self._closed:
            return None
        if kind == "o":  # the kit asks for the policy's verdict on an origin, once
            return driver.channel.policy.check(origin).allowed
        self._in_event += 1
        began = self.begin()
        try:
            if kind == "t":
                driver.poll()
            elif kind == "l":
                driver.peer_loaded()
            elif kind == "b":  # a batch of port texts, framed by U+0000 (see the kit)
                driver.receive_batch(
                    [Inbound(t, origin, False, Transport.PORT) for t in text.split("\x00")]
                )
            elif kind == "p":
                driver.receive_port(text)
            else:
                driver.receive(
                    Inbound(text, origin, from_peer, Transport.WINDOW, encoded, has_port)
                )
        except Exception as exc:  # never let an exception escape into the DOM listener
            driver.counters["internal_errors"] += 1
            console_error(f"hizi-bridge: internal error: {type(exc).__name__}: {exc}")
        finally:
            out = self.end(began)
            self._in_event -= 1
            if self._closed and self._in_event == 0:
                self._destroy_proxy()
        return out


def console_error(text: str) -> None:
    import js

    js.console.error(text)
