// hizi-bridge inspect: runs in every frame of the inspector's browser before any page script.
// Reports to the inspector (a Playwright binding, window.__hiziInspect) every message this
// frame receives and every postMessage it makes, with its targetOrigin, so that CPython can
// validate them with bridge.core. Nothing here changes what the page sends or receives.
(() => {
  const report = window.__hiziInspect;
  if (typeof report !== "function") return;
  const MAX_TEXT = 200000;
  // The wire value as JSON text when it is plain JSON data, else null plus a short repr:
  // CPython decides what it is, not this script.
  const encode = (value) => {
    let json = null;
    try {
      json = JSON.stringify(value, (k, v) => {
        if (typeof v === "number" && !Number.isFinite(v)) throw new TypeError("non-finite");
        if (typeof v === "bigint" || typeof v === "function" || typeof v === "symbol") {
          throw new TypeError(typeof v);
        }
        return v;
      });
      if (json === undefined) json = null;
    } catch (e) {
      json = null;
    }
    let repr = "";
    try { repr = String(value).slice(0, 200); } catch (e) { repr = "?"; }
    const truncated = json !== null && json.length > MAX_TEXT;
    return { json: truncated ? json.slice(0, MAX_TEXT) : json, repr, truncated };
  };
  const send = (entry) => {
    entry.at = Date.now();
    entry.frameOrigin = location.origin;
    entry.frameUrl = location.href;
    entry.top = window === window.top;
    try { report(entry); } catch (e) { /* the inspector went away */ }
  };
  const targetOf = (t) => (typeof t === "string" ? t : (t && t.targetOrigin) || "/");

  addEventListener("message", (ev) => {
    const fromParent = ev.source !== null && ev.source === window.parent;
    send({ kind: "in", origin: ev.origin, transport: "window", fromParent, ...encode(ev.data) });
  }, true);

  // Same-realm window posts go through this window's own postMessage.
  const ownPost = window.postMessage;
  window.postMessage = function (message, target) {
    send({ kind: "post", transport: "window", target: targetOf(target), to: "self", ...encode(message) });
    return ownPost.apply(this, arguments);
  };
  const portPost = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (message) {
    send({ kind: "post", transport: "port", target: "", to: "port", ...encode(message) });
    return portPost.apply(this, arguments);
  };
  // A cross-origin WindowProxy's postMessage belongs to neither realm and cannot be wrapped
  // (Chromium), so the ways a page gets hold of another window (parent, opener,
  // iframe.contentWindow, MessageEvent.source) hand out one recording Proxy per window.
  // One Proxy per window (pages compare event.source with iframe.contentWindow), so where a
  // post goes is worked out at call time, not from the getter that made the Proxy.
  const proxies = new WeakMap();
  const realParent = window.parent;
  const whereTo = (w) => {
    if (w === realParent && realParent !== window) return "parent";
    try { if (w.parent === window) return "child"; } catch (e) { /* closed */ }
    return "other";
  };
  const crossOrigin = (w) => { try { void w.document; return false; } catch (e) { return true; } };
  const wrap = (w) => {
    if (!w || w === window || !crossOrigin(w)) return w;
    let p = proxies.get(w);
    if (!p) {
      p = new Proxy(w, {
        get(target, prop) {
          if (prop === "postMessage") {
            return function (message, t, transfer) {
              send({ kind: "post", transport: "window", target: targetOf(t), to: whereTo(target), ...encode(message) });
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
    if (!d || !d.get || !d.configurable) return; // window.top is unforgeable
    Object.defineProperty(obj, name, { ...d, get() { return wrap(d.get.call(this)); } });
  };
  rewrap(HTMLIFrameElement.prototype, "contentWindow");
  rewrap(MessageEvent.prototype, "source");
  rewrap(window, "parent");
  rewrap(window, "opener");
})();
