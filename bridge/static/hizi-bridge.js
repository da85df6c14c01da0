/*! hizi-bridge.js: typed, origin-checked post messages between a hizi game and its lobby.
 *
 *   <script src="/hizi-bridge.js"></script>
 *   const lobby = await HiziBridge.lobby({ iframe, gameOrigin: "https://games.example" });
 *   const game  = await HiziBridge.game({ lobbyOrigin: "https://casino.example" });
 *
 * The protocol runs in Python (Pyodide) from vendor/ next to this file; nothing is fetched
 * from another host. Bridge objects are handed out at once: calls made while Python boots
 * are queued and run, in order, when it is up.
 */
(function () {
  "use strict";
  if (globalThis.HiziBridge) return; // the script tag was included twice

  // ---------------------------------------------------------------- early buffer
  // Installed at load: a peer may talk while Python boots. The first bridge's adapter
  // replays these events through the normal origin/source checks, then stops this listener.
  const EARLY_LIMIT = 10000;
  // Per sending window, so one flooding frame cannot push the peer's first messages out.
  const EARLY_PER_SENDER = 1000;
  const earlyBySender = new WeakMap();
  const early = {
    events: [],
    overflow: 0,
    taken: false,
    stopped: false,
    stop() {
      window.removeEventListener("message", onEarly);
      early.stopped = true;
    },
  };
  function onEarly(ev) {
    const sender = ev.source || early; // no source (e.g. a closed window): one shared budget
    const sent = earlyBySender.get(sender) || 0;
    if (early.events.length >= EARLY_LIMIT || sent >= EARLY_PER_SENDER) {
      early.overflow += 1;
      return;
    }
    earlyBySender.set(sender, sent + 1);
    early.events.push({ data: ev.data, origin: ev.origin, source: ev.source, ports: ev.ports });
  }
  window.addEventListener("message", onEarly);
  globalThis.__hiziBridgeEarly = early;

  // ---------------------------------------------------------------- adapter kit
  // The DOM half of the Python adapter: listeners, posts, ports, timers. This is its only
  // copy: bridge/browser/kit.py cuts it out between the markers for a page that runs the
  // bridge without this script tag. Defined here, in a static script, so a page under a
  // strict CSP needs no 'unsafe-eval'.
  const makeKit =
/* kit:begin */
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
  // Where run() hands the emit pieces of an outbox (the JS API's Bridge; none for Python).
  let sink = null;
  let ioErrors = 0;
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
      const out = py("w", "", false, origin, fromPeer, false); // rejected before the data
      if (out) run(out); // its journal entry
      return;
    }
    const [text, encoded] = encode(data);
    eventPorts = ports || null;
    let out;
    try {
      out = py("w", text, encoded, origin, fromPeer, !!(ports && ports.length));
    } finally {
      eventPorts = null;
    }
    if (out) run(out);
  }
  // Python answers each event with an "outbox": what to post and emit, in order, as one
  // string (pieces framed by U+0000, which JSON text never holds raw, each led by a
  // one-letter code). One crossing per event instead of one per post and per emit.
  //   P<text>  post on the port (coalesced per task, protocol v2)  p<text>  post alone
  //   T<ms>  (re)arm the timer, -1 cancels   m/r/s/j<json>  message / reply / status /
  //   journal, for the sink
  function run(out) {
    const pieces = out.indexOf("\u0000") < 0 ? [out] : out.split("\u0000");
    for (const piece of pieces) {
      if (closed) break; // a handler closed the bridge: nothing after that
      const code = piece[0];
      if (code === "P" || code === "p") {
        try {
          postPortText(piece.slice(1), code === "P");
        } catch (err) {
          ioErrors += 1;
          console.error("hizi-bridge: post failed:", err);
        }
      } else if (code === "T") {
        schedule(Number(piece.slice(1)));
      } else if (sink) {
        sink(code, piece.slice(1));
      }
    }
  }
  const onLoad = () => {
    if (closed) return;
    const out = py("l", "", false, "", false, false);
    if (out) run(out);
  };
  const onWindow = (ev) => windowEvent(ev.data, ev.origin, ev.source, ev.ports);
  const onPort = (ev) => {
    if (closed) return;
    const data = ev.data;
    if (Array.isArray(data) && data.length > 0 && data.length <= BATCH &&
        data.every((t) => typeof t === "string")) {
      // A batch: JSON text never holds a raw U+0000, so it frames the texts; Python
      // splits them and checks, validates and counts each one on its own, in order.
      const out = py("b", data.join("\u0000"), false, "", false, false);
      if (out) run(out);
      return;
    }
    const [text, encoded] = encode(data);
    const out = py("p", text, encoded, "", false, false);
    if (out) run(out);
  };
  function postPortText(text, batch) {
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
  }
  function schedule(ms) {
    if (timer !== null) { clearTimeout(timer); timer = null; }
    if (ms >= 0 && !closed) {
      timer = setTimeout(() => {
        timer = null;
        if (closed) return;
        const out = py("t", "", false, "", false, false);
        if (out) run(out);
      }, ms);
    }
  }
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
    postPort: postPortText,
    run,
    setSink(fn) { sink = fn || null; },
    adoptPort() {
      const p = eventPorts && eventPorts[0];
      if (!p) return false;
      usePort(p);
      return true;
    },
    closePort: dropPort,
    schedule,
    close() {
      closed = true;
      if (timer !== null) { clearTimeout(timer); timer = null; }
      dropPort();
      if (listening) window.removeEventListener("message", onWindow);
      listening = false;
      if (loadListening) iframe.removeEventListener("load", onLoad);
      loadListening = false;
      py = null;
      sink = null;
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
      return JSON.stringify({ early_replayed: earlyReplayed, early_overflow: earlyOverflow, io_errors: ioErrors });
    },
    targets() { return JSON.stringify([...targets]); },
    fastRejected() { return JSON.stringify(fast); },
  };
})
/* kit:end */
  ;
  Object.defineProperty(globalThis, "__hiziBridgeMakeKit", { value: makeKit });

  // ---------------------------------------------------------------- boot (once per page)
  const script = document.currentScript;
  const scriptUrl = script && script.src ? script.src : new URL("/hizi-bridge.js", location.href).href;
  const canon = (name) => String(name).toLowerCase().replace(/[-_.]+/g, "-");
  const bootInfo = { startedMs: null, readyMs: null, error: null };
  const DEFAULT_PYODIDE_MODULE = "pyodide/pyodide.mjs"; // build.py's manifest.pyodide.module
  let booting = null;

  function boot() {
    if (booting) return booting;
    booting = (async () => {
      const t0 = performance.now();
      bootInfo.startedMs = t0;
      const vendor = new URL("vendor/", scriptUrl);
      // The manifest and the Pyodide module load in parallel (the module path is the build's
      // default; a manifest naming another one is followed, at the cost of a second import).
      const guess = new URL(DEFAULT_PYODIDE_MODULE, vendor).href;
      const early = import(guess);
      early.catch(() => {}); // judged below, once the manifest says which module to use
      const res = await fetch(new URL("manifest.json", vendor));
      if (!res.ok) throw new Error(`hizi-bridge: ${res.url}: HTTP ${res.status}`);
      const manifest = await res.json();
      const moduleUrl = new URL(manifest.pyodide.module, vendor).href;
      const { loadPyodide } = await (moduleUrl === guess ? early : import(moduleUrl));
      const failures = [];
      const options = {
        indexURL: new URL(manifest.pyodide.index, vendor).href,
        lockFileURL: new URL(manifest.pyodide.lock, vendor).href, // must be absolute
        packages: manifest.packages, // fetched while the interpreter boots
        errorCallback: (msg) => failures.push(String(msg)),
        messageCallback: () => {},
        // pydantic looks for plugins (importlib.metadata entry points: a scan of every
        // dist-info and of the stdlib zip, ≈0.1 s) when it builds the first validator. This
        // interpreter is private to the bridge and holds only the vendored wheels, none a plugin.
        env: { PYDANTIC_DISABLE_PLUGINS: "__all__" },
      };
      // The standard library with bytecode compiled at build time (build.py, PYC_RECIPE).
      if (manifest.pyodide.stdlib) options.stdLibURL = new URL(manifest.pyodide.stdlib, vendor).href;
      const pyodide = await loadPyodide(options);
      // loadPackage logs and resolves when a wheel fails: check every one explicitly.
      const loaded = new Set(Object.keys(pyodide.loadedPackages).map(canon));
      for (const wheel of manifest.wheels) {
        if (!loaded.has(canon(wheel.name))) failures.push(`package ${wheel.name} did not load`);
      }
      if (failures.length) throw new Error("hizi-bridge: boot failed:\n" + failures.join("\n"));
      // One owned proxy for the page's lifetime (an attribute of a pyimport'ed module would be
      // a borrowed proxy, destroyed with the module proxy).
      const open = pyodide.runPython("from bridge.browser.jsapi import open_bridge\nopen_bridge");
      bootInfo.readyMs = performance.now() - t0;
      return { pyodide, open };
    })();
    booting.catch((err) => {
      bootInfo.error = String(err && err.message ? err.message : err);
      console.error(err);
    });
    return booting;
  }

  // ---------------------------------------------------------------- catalog
  const LOBBY_TO_GAME = [
    "spin", "stop", "clearCookies", "stopAutoplay", "reload", "pause", "resume", "stakeUp",
    "stakeDown", "turbo", "setAudio", "updateBalance", "showHelp", "realityCheck", "close",
    "toggleAudio", "toggleTurbo", "setStake", "hideHelp", "showAutoplay", "showError", "continue",
    "freeRounds", "promoInfo",
  ];
  const GAME_TO_LOBBY = [
    "onAppFrameReady", "gameDataLoaded", "gameReady", "roundStarted", "roundEnded", "balance",
    "audioToggle", "cashier", "loadProgress", "error", "realityCheckAnswer", "playerActivity",
    "closeRequest", "historyRequest", "autoplayStarted", "autoplayStopped", "gamePaused",
    "gameResumed", "gameClosed", "stakeChanged", "freeRoundsFinished",
  ];
  const MESSAGE_TYPES = new Set([...LOBBY_TO_GAME, ...GAME_TO_LOBBY]);

  const EMIT_KINDS = { m: "message", j: "journal", s: "status", r: "reply" };

  class HiziBridgeError extends Error {
    constructor(info) {
      super(info.message || info.code || "hizi-bridge error");
      this.name = info.name || "HiziBridgeError";
      this.code = info.code || "error";
    }
  }

  // ---------------------------------------------------------------- bridge object
  class Bridge {
    constructor(role, options) {
      this.role = role;
      this._options = options;
      this._byType = new Map();
      this._any = [];
      this._journal = [];
      this._status = [];
      this._queue = []; // calls made before Python was up
      this._handle = null; // PyProxy of bridge.browser.jsapi.JsHandle
      this._kit = null; // the adapter's kit: runs the outboxes Python returns
      this._closed = false;
      this._requests = new Map();
      this._nextKey = 1;
      this._handlerErrors = 0;
      this._earlyCallErrors = 0;
      this._state = { status: "booting", mode: null, reason: "" };
      this._connected = [];
      this._lastLive = null;
      this._bootError = null;
      this.ready = boot().then(({ open }) => this._open(open));
      this.ready.catch((err) => this._bootFailed(err));
    }

    // ---- handlers (kept here, in JS: Python emits every event once)
    on(type, handler) {
      if (!MESSAGE_TYPES.has(type)) throw new TypeError(`hizi-bridge: unknown message type ${type}`);
      if (!this._byType.has(type)) this._byType.set(type, []);
      return this._add(this._byType.get(type), handler);
    }
    onAny(handler) { return this._add(this._any, handler); }
    onJournal(handler) {
      // Python builds journal entries only while someone listens (they cost a crossing each).
      const off = this._add(this._journal, handler);
      if (this._journal.length === 1 && this._handle) this._call("journal", true);
      return () => {
        off();
        if (this._journal.length === 0 && this._handle && !this._closed) this._call("journal", false);
      };
    }
    onStatus(handler) { return this._add(this._status, handler); }

    _add(list, handler) {
      if (typeof handler !== "function") throw new TypeError("hizi-bridge: handler must be a function");
      list.push(handler);
      return () => {
        const i = list.indexOf(handler);
        if (i >= 0) list.splice(i, 1);
      };
    }

    // ---- commands
    send(type, data) {
      this._whenUp(() => this._send(type, data), (err) => {
        this._earlyCallErrors += 1;
        console.error("hizi-bridge: a send queued during boot failed:", err);
      });
    }

    request(type, data, { timeoutMs } = {}) {
      return new Promise((resolve, reject) => {
        const key = this._nextKey++;
        this._whenUp(() => {
          this._requests.set(key, { resolve, reject });
          try {
            this._hot("q", type, data, key, timeoutMs);
          } catch (err) {
            this._requests.delete(key);
            throw err;
          }
        }, reject);
      });
    }

    connected() {
      if (this._state.status === "connected") return Promise.resolve();
      return new Promise((resolve, reject) => this._connected.push({ resolve, reject }));
    }

    get status() { return this._state.status; }
    get mode() { return this._state.mode; }

    stats() {
      const base = this._handle ? this._call("stats") : { status: this._state.status, mode: null };
      base.handler_errors = (base.handler_errors || 0) + this._handlerErrors;
      base.early_call_errors = this._earlyCallErrors;
      base.boot_ms = bootInfo.readyMs;
      return base;
    }

    /** Listeners, timers and proxies this bridge still holds (all zero after close). */
    liveResources() {
      if (this._handle) return Object.assign(this._call("live"), { handle_proxies: 1 });
      return Object.assign({}, this._lastLive || {}, { handle_proxies: 0 });
    }

    close(reason = "closed") {
      if (this._closed) return;
      this._closed = true;
      const finish = () => {
        if (!this._handle) return;
        try {
          this._call("close", reason); // pending requests are rejected ("cancelled") in here
          this._lastLive = this._call("live");
        } finally {
          this._handle.destroy();
          this._handle = null;
          this._kit = null;
          this._setState({ status: "closed", mode: this._state.mode, reason });
          for (const { reject } of this._requests.values()) {
            reject(new HiziBridgeError({ code: "cancelled", message: "bridge closed" }));
          }
          this._requests.clear();
        }
      };
      if (this._handle) finish();
      else this._queue.push(finish); // after the queued calls, once Python is up
    }

    // ---- plumbing
    _whenUp(fn, onError) {
      if (this._handle) {
        fn(); // errors reach the caller at once (e.g. code "invalid_outbound")
        return;
      }
      if (this._closed || this._bootError) {
        // Thrown to the caller (a request's Promise executor turns it into a rejection).
        throw this._bootError || new HiziBridgeError({ code: "closed", message: "the bridge is closed" });
      }
      this._queue.push(() => {
        try { fn(); } catch (err) { onError(err); }
      });
    }

    _send(type, data) {
      this._hot("s", type, data);
    }

    _hot(op, type, data, key, timeoutMs) {
      // The hot path (send "s", request "q"): the data alone as JSON; back comes the
      // outbox to run (posts, emits), or "\u0001" + an error (see JsHandle.__call__).
      if (this._bootError) throw this._bootError;
      if (!this._handle) throw new HiziBridgeError({ code: "closed", message: "the bridge is closed" });
      const json = JSON.stringify(data === undefined ? null : data);
      const out = this._handle(op, json, String(type), key, timeoutMs);
      if (!out) return;
      if (out.charCodeAt(0) === 1) throw new HiziBridgeError(JSON.parse(out.slice(1)).error);
      this._kit.run(out);
    }

    _call(op, arg) {
      if (this._bootError) throw this._bootError;
      if (!this._handle) throw new HiziBridgeError({ code: "closed", message: "the bridge is closed" });
      const out = JSON.parse(this._handle(op, JSON.stringify(arg === undefined ? null : arg)));
      if (out.error) throw new HiziBridgeError(out.error);
      return out.ok;
    }

    _open(open) {
      const o = this._options;
      const config = this.role === "lobby"
        ? { gameOrigin: o.gameOrigin, allowedOrigins: o.allowedOrigins, requestTimeoutMs: o.requestTimeoutMs, dialect: o.dialect }
        : { lobbyOrigin: o.lobbyOrigin, allowedOrigins: o.allowedOrigins, handshakeTimeoutMs: o.handshakeTimeoutMs, requestTimeoutMs: o.requestTimeoutMs, dialect: o.dialect };
      config.journal = this._journal.length > 0; // handlers added before boot
      const emit = (code, text) => this._onEmit(EMIT_KINDS[code], text);
      try {
        this._handle = open(this.role, JSON.stringify(config), emit, this.role === "lobby" ? o.iframe : undefined);
        this._kit = this._handle.kit;
      } catch (err) {
        throw new HiziBridgeError({ code: "invalid_config", message: String(err && err.message || err) });
      }
      const queued = this._queue.splice(0);
      for (const fn of queued) fn();
      return this;
    }

    _bootFailed(err) {
      this._bootError = err instanceof HiziBridgeError ? err
        : new HiziBridgeError({ code: "boot_failed", message: String(err && err.message || err) });
      this._setState({ status: "error", mode: null, reason: String(err && err.message || err) });
      for (const fn of this._queue.splice(0)) {
        try { fn(); } catch (e) { /* each queued call reports through its own onError */ }
      }
      for (const { reject } of this._connected.splice(0)) reject(err);
    }

    _onEmit(kind, text) {
      const value = JSON.parse(text);
      if (kind === "message") {
        this._dispatch(this._byType.get(value.type) || [], value);
        this._dispatch(this._any, value);
      } else if (kind === "journal") {
        this._dispatch(this._journal, value);
      } else if (kind === "status") {
        this._setState(value);
      } else if (kind === "reply") {
        const pending = this._requests.get(value.key);
        if (!pending) return;
        this._requests.delete(value.key);
        if (value.error) pending.reject(new HiziBridgeError(value.error));
        else pending.resolve(value.ok);
      }
    }

    _setState(state) {
      if (state.status === this._state.status && state.mode === this._state.mode) return;
      this._state = state;
      if (state.status === "connected") {
        for (const { resolve } of this._connected.splice(0)) resolve();
      } else if (state.status === "closed") {
        for (const { reject } of this._connected.splice(0)) {
          reject(new HiziBridgeError({ code: "closed", message: "the bridge is closed" }));
        }
      }
      this._dispatch(this._status, Object.assign({}, state));
    }

    _dispatch(handlers, arg) {
      for (const handler of handlers.slice()) {
        try {
          const result = handler(arg);
          if (result && typeof result.then === "function") {
            result.then(undefined, (err) => this._handlerError(err));
          }
        } catch (err) {
          this._handlerError(err);
        }
      }
    }

    _handlerError(err) {
      this._handlerErrors += 1;
      console.error("hizi-bridge: a handler threw:", err);
    }
  }

  // ---------------------------------------------------------------- named helpers
  const plain = (type) => function () { return this.send(type); };
  const withData = (type, shape) => function (...args) { return this.send(type, shape(...args)); };
  const optional = (key) => (value) => (value === undefined || value === null ? {} : { [key]: value });

  class LobbyBridge extends Bridge {
    realityCheck(data, options) { return this.request("realityCheck", data, options); }
    closeGame(reason, options) { return this.request("close", optional("reason")(reason), options); }
  }
  for (const name of ["spin", "stop", "pause", "resume", "stopAutoplay", "reload", "clearCookies",
    "stakeUp", "stakeDown", "updateBalance", "showHelp"]) {
    LobbyBridge.prototype[name] = plain(name);
  }
  LobbyBridge.prototype.turbo = withData("turbo", (on) => on);
  LobbyBridge.prototype.setAudio = withData("setAudio", (on) => on);

  class GameBridge extends Bridge {}
  const gameHelpers = {
    appFrameReady: plain("onAppFrameReady"),
    gameDataLoaded: plain("gameDataLoaded"),
    gameReady: plain("gameReady"),
    loadProgress: withData("loadProgress", (percent) => ({ percent })),
    roundStarted: withData("roundStarted", (balance) => balance),
    roundEnded: plain("roundEnded"),
    balance: withData("balance", (balance) => balance),
    audioToggle: withData("audioToggle", (muted) => muted),
    cashier: plain("cashier"),
    error: withData("error", (err) => err),
    playerActivity: withData("playerActivity", optional("action")),
    closeRequest: plain("closeRequest"),
    historyRequest: plain("historyRequest"),
    autoplayStarted: withData("autoplayStarted", optional("rounds")),
    autoplayStopped: withData("autoplayStopped", optional("reason")),
    paused: plain("gamePaused"),
    resumed: plain("gameResumed"),
    closed: plain("gameClosed"),
    realityCheckAnswer: withData("realityCheckAnswer", (choice) => ({ choice })),
  };
  Object.assign(GameBridge.prototype, gameHelpers);

  // ---------------------------------------------------------------- entry points
  function required(options, key) {
    if (!options || options[key] === undefined || options[key] === null) {
      throw new TypeError(`hizi-bridge: option ${key} is required`);
    }
  }

  globalThis.HiziBridge = Object.freeze({
    version: "0.1.0",
    messageTypes: Object.freeze({ lobbyToGame: LOBBY_TO_GAME.slice(), gameToLobby: GAME_TO_LOBBY.slice() }),
    HiziBridgeError,
    bootInfo,
    /** Diagnostics and benchmarks (not a stable API): the page's Pyodide, once booted. */
    _runtime: () => boot().then(({ pyodide }) => pyodide),
    /** Start Python early (optional: lobby() / game() do it too). */
    boot: () => boot().then(() => undefined),
    lobby(options) {
      try {
        required(options, "iframe");
        required(options, "gameOrigin");
      } catch (err) {
        return Promise.reject(err);
      }
      return Promise.resolve(new LobbyBridge("lobby", options));
    },
    game(options) {
      try {
        required(options, "lobbyOrigin");
      } catch (err) {
        return Promise.reject(err);
      }
      return Promise.resolve(new GameBridge("game", options));
    },
  });
})();
