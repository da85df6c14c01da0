"""Helpers shared by the hostile-environment tests (tests/e2e/test_hostile_*.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from playwright.sync_api import BrowserContext, Frame, Page

from bridge.core.messages import GAME_TO_LOBBY, LOBBY_TO_GAME

from .conftest import LISTENER_COUNTER

# Runs in every frame of the context (attackers' too) before any page script.
# - Counts live "message" listeners on window and on MessagePorts and "load" listeners on
#   iframes (add/removeEventListener wrapped), independently of the bridge's own figures.
# - Records the targetOrigin of every postMessage made from this realm. Same-realm calls go
#   through the window's own postMessage (wrapped); a cross-origin WindowProxy's postMessage
#   belongs to neither realm and cannot be wrapped (measured in Chromium 156), so the ways
#   the bridge gets hold of another window (iframe.contentWindow, parent, opener,
#   MessageEvent.source) hands out one recording Proxy per cross-origin window instead; the
#   bridge compares event.source with its peer, so the same window always gets the same Proxy.
INIT_SCRIPT = (
    r"""
(() => {
"""
    + LISTENER_COUNTER
    + r"""

  const posts = [];
  window.__posts = posts;
  const targetOf = (t) => (typeof t === "string" ? t : (t && t.targetOrigin) || "/");
  const ownPost = window.postMessage;
  window.postMessage = function (message, target) {
    posts.push(["window", targetOf(target)]);
    return ownPost.apply(this, arguments);
  };
  const portPost = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function () {
    posts.push(["port", typeof arguments[0]]);
    return portPost.apply(this, arguments);
  };
  const proxies = new WeakMap();
  const crossOrigin = (w) => { try { void w.document; return false; } catch (e) { return true; } };
  const wrap = (w) => {
    if (!w || w === window || !crossOrigin(w)) return w;
    let p = proxies.get(w);
    if (!p) {
      p = new Proxy(w, {
        get(target, prop) {
          if (prop === "postMessage") {
            return function (message, t, transfer) {
              posts.push(["cross", targetOf(t)]);
              return transfer === undefined ? target.postMessage(message, t)
                : target.postMessage(message, t, transfer);
            };
          }
          return Reflect.get(target, prop);
        },
      });
      proxies.set(w, p);
    }
    return p;
  };
  const rewrap = (obj, name) => {
    const d = Object.getOwnPropertyDescriptor(obj, name);
    if (!d || !d.get || !d.configurable) return; // window.top is unforgeable (unused by us)
    Object.defineProperty(obj, name, { ...d, get() { return wrap(d.get.call(this)); } });
  };
  rewrap(HTMLIFrameElement.prototype, "contentWindow");
  rewrap(MessageEvent.prototype, "source");
  for (const name of ["parent", "opener"]) rewrap(window, name);
})();
"""
)

STATUS_IS = "(s) => document.getElementById('bridge-status').textContent === s"
# Records every message delivered to the page's bridge handlers (JS API pages).
RECORD_DELIVERIES = """() => {
    if (window.__delivered) return;
    window.__delivered = [];
    bridge.onAny((m) => __delivered.push(m));
}"""


def valid_messages(direction: str) -> list[dict[str, Any]]:
    """Catalog examples of one direction: what an attacker replays."""
    classes = GAME_TO_LOBBY if direction == "game_to_lobby" else LOBBY_TO_GAME
    return [dict(c.example) for c in classes]  # type: ignore[attr-defined]


def stats(target: Page | Frame) -> dict[str, Any]:
    return dict(target.evaluate("() => bridge.stats()"))


def delivered(target: Page | Frame) -> list[dict[str, Any]]:
    return list(target.evaluate("() => window.__delivered"))


def wait_until(check: Callable[[], bool], timeout_s: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        time.sleep(0.05)


def frame_by_url(page: Page, part: str, timeout_s: float = 30) -> Frame:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            if frame.parent_frame is not None and part in frame.url:
                return frame
        page.wait_for_timeout(50)
    raise AssertionError(f"no frame with {part!r} in its URL")


def add_iframe(page: Page | Frame, src: str, *, sandbox: str | None = None, name: str = "") -> None:
    page.evaluate(
        """([src, sandbox, name]) => new Promise((resolve) => {
            const f = document.createElement("iframe");
            if (sandbox !== null) f.setAttribute("sandbox", sandbox);
            f.name = name;
            f.onload = () => resolve();
            if (src.startsWith("srcdoc:")) f.srcdoc = src.slice(7); else f.src = src;
            document.body.append(f);
        })""",
        [src, sandbox, name],
    )


def named_frame(page: Page, name: str) -> Frame:
    frame = page.frame(name=name)
    assert frame is not None, name
    return frame


def posts_of(context: BrowserContext) -> list[tuple[str, str, str]]:
    """(frame origin, kind, targetOrigin) of every post recorded in the context's live frames."""
    out: list[tuple[str, str, str]] = []
    for page in context.pages:
        for frame in page.frames:
            try:
                origin, posts = frame.evaluate("() => [origin, window.__posts || []]")
            except Exception:  # a frame that navigated away meanwhile
                continue
            out += [(str(origin), str(k), str(t)) for k, t in posts]
    return out


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
