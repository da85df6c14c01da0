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
"""

from __future__ import annotations

import json
from typing import Any

from pyodide.code import run_js
from pyodide.ffi import create_proxy

from ..core.effects import Inbound, Transport
from ..hub import Driver

BATCH_VERSION = 2  # the protocol version from which a port frame may be an array of texts

_KIT_SOURCE = r"""
(function makeKit(iframe, py) {
  "use strict";
  // Not JSON: a value JSON.stringify cannot handle becomes a "malformed" rejection.
  const UNSERIALISABLE = "\u0000unserialisable";
  const paired = iframe ? () => iframe.contentWindow : () => window.parent;
  let port = null;          // the active MessagePort (bridge mode)
  // Port texts posted in this task after its first (protocol version 2): flushed as ONE
  // postMessage of an array at the next microtask, so a burst of sends costs one structured
  // clone and one event (and one call into Python) on the other side, not one per message.
  let outbox = null;
  const BATCH = 512; // texts per port post, at most; a longer array is refused as malformed
  let eventPorts = null;    // ports of the window event being handled (for AdoptPort)
  let timer = null;
  let listening = false;
  let loadListening = false;
  let closed = false;
  // Cheap rejection (see the module docstring). Both maps are bounded: an attacker
  // cannot grow them, past the bound every event simply takes the full Python path.
  const LIMIT = 256;
  const verdicts = new Map();  // event.origin -> the Python policy's verdict
  const reported = new Set();  // "reason origin" already counted and journaled in Python
  const fast = { origin: 0, source: 0 };
  let earlyReplayed = 0, earlyOverflow = 0;
  const targets = new Set(); // every targetOrigin used, for stats and tests

  // JSON.stringify silently turns NaN and Infinity into null, a Date into a string, a Map,
  // Set, Blob or typed array into {}, undefined in an array into null: a value that would
  // change on the way is refused (as malformed) instead of being "repaired" into a valid one.
  const CHANGED = new Error("not plain JSON data");
  function strictJson(key, value) {
    const raw = this[key];
    if (typeof raw === "number") {
      if (!Number.isFinite(raw)) throw CHANGED;
    } else if (raw === undefined) {
      if (Array.isArray(this)) throw CHANGED;
    } else if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
      const proto = Object.getPrototypeOf(raw);
      if (proto !== Object.prototype && proto !== null) throw CHANGED;
    }
    return value;
  }
  function encode(data) {
    if (typeof data === "string") return [data, false];
    try {
      const text = JSON.stringify(data, strictJson);
      return [text === undefined ? UNSERIALISABLE : text, true];
    } catch (err) {
      return [UNSERIALISABLE, true];
    }
  }
  function originAllowed(origin) {
    let verdict = verdicts.get(origin);
    if (verdict === undefined) {
      verdict = py("o", "", false, origin, false, false) === true;
      if (verdicts.size < LIMIT) verdicts.set(origin, verdict);
    }
    return verdict;
  }
  function windowEvent(data, origin, source, ports) {
    if (closed) return;
    origin = String(origin);
    // Compared here, in JS: a WindowProxy never crosses into Python.
    const fromPeer = source != null && source === paired();
    const reason = !originAllowed(origin) ? "origin" : !fromPeer ? "source" : null;
    if (reason !== null) {
      const key = reason + " " + origin;
      if (reported.has(key) || reported.size >= LIMIT) {
        fast[reason] += 1; // counted, never read: event.data is not even serialised
        return;
      }
      reported.add(key);
      py("w", "", false, origin, fromPeer, false); // Python rejects it before the data
      return;
    }
    const [text, encoded] = encode(data);
    eventPorts = ports || null;
    try {
      py("w", text, encoded, origin, fromPeer, !!(ports && ports.length));
    } finally {
      eventPorts = null;
    }
  }
  const onLoad = () => {
    if (!closed) py("l", "", false, "", false, false);
  };
  const onWindow = (ev) => windowEvent(ev.data, ev.origin, ev.source, ev.ports);
  const onPort = (ev) => {
    if (closed) return;
    const data = ev.data;
    if (Array.isArray(data) && data.length > 0 && data.length <= BATCH &&
        data.every((t) => typeof t === "string")) {
      // A batch: JSON text never holds a raw U+0000, so it frames the texts; Python
      // splits them and checks, validates and counts each one on its own, in order.
      py("b", data.join("\u0000"), false, "", false, false);
      return;
    }
    const [text, encoded] = encode(data);
    py("p", text, encoded, "", false, false);
  };
  function flushPort() {
    const texts = outbox;
    outbox = null;
    if (texts !== null && texts.length && port) {
      port.postMessage(texts.length === 1 ? texts[0] : texts);
    }
  }
  function dropPort() {
    flushPort(); // what was posted before the close goes out first (e.g. a bye)
    if (port) {
      port.removeEventListener("message", onPort);
      port.close();
      port = null;
    }
  }
  function usePort(p) {
    dropPort();
    port = p;
    port.addEventListener("message", onPort);
    port.start();
  }
  return {
    peerLoaded() {
      // A lobby's iframe first shows an about:blank of the lobby's own origin; a post to
      // the game's origin would be dropped (with a console error). Cross-origin: loaded.
      if (!iframe) return true;
      const w = iframe.contentWindow;
      if (!w) return false;
      try {
        return w.location.href !== "about:blank";
      } catch (err) {
        return true;
      }
    },
    start() {
      window.addEventListener("message", onWindow);
      listening = true;
      if (iframe) {
        iframe.addEventListener("load", onLoad);
        loadListening = true;
      }
      // Replay what the page's early listener (hizi-bridge.js) caught while Python booted.
      // The early listener stops in this same JS task, so nothing slips between the two;
      // the replay waits for a microtask so that handlers registered right after the
      // constructor see it, and still runs before any newer event (those are tasks).
      const early = globalThis.__hiziBridgeEarly;
      if (early && !early.taken) {
        early.taken = true;
        early.stop();
        earlyOverflow = early.overflow;
        const events = early.events.splice(0);
        if (events.length) {
          queueMicrotask(() => {
            for (const e of events) {
              if (closed) break;
              windowEvent(e.data, e.origin, e.source, e.ports);
              earlyReplayed += 1;
            }
          });
        }
      }
    },
    postWindow(text, targetOrigin, transfer) {
      if (!targetOrigin || targetOrigin === "*") {
        throw new Error("refusing a wildcard targetOrigin");
      }
      const target = paired();
      if (!target) throw new Error("the peer window is gone");
      targets.add(targetOrigin);
      const value = JSON.parse(text);
      if (transfer) {
        const mc = new MessageChannel();
        usePort(mc.port1);
        target.postMessage(value, targetOrigin, [mc.port2]);
      } else {
        target.postMessage(value, targetOrigin);
      }
    },
    postPort(text, batch) {
      if (!port) throw new Error("no MessagePort to post on");
      if (!batch) {
        flushPort();
        port.postMessage(text);
        return;
      }
      if (outbox === null) {
        // The first post of a task goes out at once (the peer starts on it while we go on);
        // the ones after it in the same task are collected and flushed as one array.
        port.postMessage(text);
        outbox = [];
        queueMicrotask(flushPort);
        return;
      }
      if (outbox.length >= BATCH) port.postMessage(outbox.splice(0));
      outbox.push(text);
    },
    adoptPort() {
      const p = eventPorts && eventPorts[0];
      if (!p) return false;
      usePort(p);
      return true;
    },
    closePort: dropPort,
    schedule(ms) {
      if (timer !== null) { clearTimeout(timer); timer = null; }
      if (ms >= 0 && !closed) {
        timer = setTimeout(() => {
          timer = null;
          if (!closed) py("t", "", false, "", false, false);
        }, ms);
      }
    },
    close() {
      closed = true;
      if (timer !== null) { clearTimeout(timer); timer = null; }
      dropPort();
      if (listening) window.removeEventListener("message", onWindow);
      listening = false;
      if (loadListening) iframe.removeEventListener("load", onLoad);
      loadListening = false;
      py = null;
    },
    live() {
      return JSON.stringify({
        window_listeners: listening ? 1 : 0,
        port_listeners: port ? 1 : 0,
        load_listeners: loadListening ? 1 : 0,
        timers: timer !== null ? 1 : 0,
      });
    },
    counters() {
      return JSON.stringify({ early_replayed: earlyReplayed, early_overflow: earlyOverflow });
    },
    targets() { return JSON.stringify([...targets]); },
    fastRejected() { return JSON.stringify(fast); },
  };
})
"""

_make_kit: Any = None


def _kit_factory() -> Any:
    """The kit constructor: hizi-bridge.js defines it (the same source, kept identical by a
    unit test), so a page under a strict CSP needs no ``'unsafe-eval'``; only a page without
    that script tag compiles ``_KIT_SOURCE`` here, which needs eval."""
    global _make_kit
    if _make_kit is None:  # looked up (or compiled) once per page, shared by every bridge
        import js

        _make_kit = getattr(js.globalThis, "__hiziBridgeMakeKit", None) or run_js(_KIT_SOURCE)
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
        self._schedule: Any = self._kit.schedule
        self._in_event = 0
        self._closed = False

    def peer_loaded(self) -> bool:
        """False while a lobby's iframe still shows its initial about:blank."""
        return bool(self._kit.peerLoaded())

    def start(self, driver: Driver) -> None:
        self._driver = driver
        self._kit.start()

    # ------------------------------------------------------------------ IO

    def post_window(self, text: str, target_origin: str, transfer_port: bool) -> None:
        self._kit.postWindow(text, target_origin, transfer_port)

    def post_port(self, text: str) -> None:
        # Coalesced per task only when the peer reads batches (protocol version 2).
        driver = self._driver
        self._post_port(text, driver is not None and (driver.channel.version or 0) >= BATCH_VERSION)

    def adopt_port(self) -> bool:
        return bool(self._kit.adoptPort())

    def close_port(self) -> None:
        self._kit.closePort()

    def schedule(self, delay_ms: float | None) -> None:
        if not self._closed:
            self._schedule(-1 if delay_ms is None else delay_ms)

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Remove every listener and timer; destroy the proxy (later, if we are inside it)."""
        if self._closed:
            return
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
    ) -> bool | None:
        driver = self._driver
        if driver is None or self._closed:
            return None
        if kind == "o":  # the kit asks for the policy's verdict on an origin, once
            return driver.channel.policy.check(origin).allowed
        self._in_event += 1
        try:
            if kind == "t":
                driver.poll()
            elif kind == "l":
                driver.peer_loaded()
            elif kind == "b":  # a batch of port texts, framed by U+0000 (see the kit)
                driver.receive_batch(
                    [Inbound(t, origin, False, Transport.PORT) for t in text.split("\x00")]
                )
            else:
                via = Transport.PORT if kind == "p" else Transport.WINDOW
                driver.receive(Inbound(text, origin, from_peer, via, encoded, has_port))
        except Exception as exc:  # never let an exception escape into the DOM listener
            driver.counters["internal_errors"] += 1
            console_error(f"hizi-bridge: internal error: {type(exc).__name__}: {exc}")
        finally:
            self._in_event -= 1
            if self._closed and self._in_event == 0:
                self._destroy_proxy()
        return None


def console_error(text: str) -> None:
    import js

    js.console.error(text)
