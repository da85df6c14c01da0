  // ---------------------------------------------------------------- bridge object
  const MESSAGE_TYPES = new Set([...LOBBY_TO_GAME, ...GAME_TO_LOBBY]);
  let nextBridgeId = 1;
  let nextKey = 1;
  const CLOSED = () => new HiziBridgeError({ code: "closed", message: "the bridge is closed" });

  class Bridge {
    constructor(role, options, runtime) {
      this.role = role;
      this._id = nextBridgeId++;
      this._runtime = runtime;
      this._byType = new Map();
      this._any = [];
      this._journal = [];
      this._status = [];
      this._compliance = [];
      // key -> {resolve, reject, send}: every promise the engine settles, in key order. The
      // engine decides each (Python's Channel holds the requests in flight, their deadlines
      // and replies): a reply piece with the key settles it; a send (send: true) also
      // resolves when an ack covers its key. Only when no engine can answer any more (the
      // close done, the runtime failed or died) does _teardown reject what is left.
      this._waiting = new Map();
      // "open", then "closing" (close() called, the engine has not answered yet), then
      // "closed" (torn down: no promise of this bridge settles any more).
      this._phase = "open";
      this._handlerErrors = 0;
      this._state = { status: "booting", mode: null, reason: "", code: null };
      this._connected = [];
      this._journalOn = false;
      this._page = makePageSide(this._id, role === "lobby" ? options.iframe : null,
        (msg, ports) => runtime.send(msg, ports), (code, text) => this._onPiece(code, text));
      runtime.add(this);
      const config = role === "lobby"
        ? { gameOrigin: options.gameOrigin, allowedOrigins: options.allowedOrigins,
            requestTimeoutMs: options.requestTimeoutMs, handshakeTimeoutMs: options.handshakeTimeoutMs,
            dialect: options.dialect, currency: options.currency, compliance: options.compliance }
        : { lobbyOrigin: options.lobbyOrigin, allowedOrigins: options.allowedOrigins,
            handshakeTimeoutMs: options.handshakeTimeoutMs, requestTimeoutMs: options.requestTimeoutMs,
            dialect: options.dialect, currency: options.currency, compliance: options.compliance };
      this.ready = new Promise((resolve, reject) => {
        const key = nextKey++;
        this._waiting.set(key, {
          resolve: (policy) => {
            resolve(this);
            // One task later: journal handlers added in the caller's then() count already.
            setTimeout(() => {
              this._subscribe();
              this._page.start(policy);
            }, 0);
          },
          reject: (err) => {
            this._teardown(err.code === "boot_failed" ? "error" : "closed", err);
            reject(err);
          },
        });
        runtime.send(pageOps.open(this._id, key, role, JSON.stringify(config)));
      });
      this.ready.catch(() => {});
    }

    // ---- handlers (here, in JS: Python emits only the types someone listens to)
    on(type, handler) {
      if (!MESSAGE_TYPES.has(type)) throw new TypeError(`hizi-bridge: unknown message type ${type}`);
      if (!this._byType.has(type)) this._byType.set(type, []);
      return this._add(this._byType.get(type), handler);
    }
    onAny(handler) { return this._add(this._any, handler); }
    onJournal(handler) { return this._add(this._journal, handler); }
    onStatus(handler) { return this._add(this._status, handler); }
    /** Lobby: `handler(action)` for each action of the compliance supervisor (Python's). */
    onCompliance(handler) { return this._add(this._compliance, handler); }

    _add(list, handler) {
      if (typeof handler !== "function") throw new TypeError("hizi-bridge: handler must be a function");
      list.push(handler);
      this._subscribe();
      return () => {
        const i = list.indexOf(handler);
        if (i >= 0) list.splice(i, 1);
        this._subscribe();
      };
    }

    _subscribe() {
      // Python emits every delivered message (the handlers are ours alone); journal entries,
      // which cost about as much as the message, only while someone here listens.
      const wanted = this._journal.length > 0;
      if (this._phase !== "open" || wanted === this._journalOn) return;
      this._journalOn = wanted;
      this._runtime.send(pageOps.journal(this._id, wanted));
    }

    // ---- commands
    /** Resolves once the engine took the message (queued or posted); rejects with a HiziBridgeError. */
    send(type, data) {
      return new Promise((resolve, reject) => {
        const json = this._encode(type, data, reject);
        if (json === null) return;
        const key = nextKey++;
        this._waiting.set(key, { resolve, reject, send: true });
        this._runtime.send(pageOps.send(this._id, key, String(type), json));
      });
    }

    request(type, data, { timeoutMs } = {}) {
      return new Promise((resolve, reject) => {
        const json = this._encode(type, data, reject);
        if (json === null) return;
        const key = nextKey++;
        this._waiting.set(key, { resolve, reject });
        // -1: the default for this request (a number: JS null would not reach Python as None).
        this._runtime.send(pageOps.request(this._id, key, String(type), json,
          timeoutMs === undefined || timeoutMs === null ? -1 : Number(timeoutMs)));
      });
    }

    _encode(type, data, reject) {
      if (this._phase !== "open") { reject(this._closedError || CLOSED()); return null; }
      try {
        return data === undefined ? "" : toPlainJson(data, "data");
      } catch (err) {
        if (!err || !err[NOT_PLAIN]) throw err;
        reject(new HiziBridgeError({ code: "invalid_outbound", field: err.path,
          message: `${type}: ${err.path} ${err.why}; nothing was sent` }));
        return null;
      }
    }

    /** Settles at once when already connected (resolves), closed or failed (rejects). */
    connected() {
      const s = this._state;
      if (s.status === "connected") return Promise.resolve();
      if (this._phase !== "open" || s.status === "closed") return Promise.reject(this._closedError || CLOSED());
      if (s.status === "error") {
        return Promise.reject(new HiziBridgeError({ code: s.code || "error", message: s.reason || "the bridge failed" }));
      }
      return new Promise((resolve, reject) => this._connected.push({ resolve, reject }));
    }

    get status() { return this._state.status; }
    get mode() { return this._state.mode; }

    /** Counters (Python's, with the page's folded in); a Promise. */
    stats() {
      // The page's own tallies, handed over; Python assembles stats() (bridge/counters.py).
      const counters = Object.assign(this._page.counters(), { handler_errors: this._handlerErrors,
        boot_ms: bootInfo.readyMs, runtime: this._runtime.kind });
      return this._query("stats", JSON.stringify(counters)).then((stats) => {
        // The page's start of the runtime and the engine's phases and fetches (epoch ms).
        stats.boot = bootInfo.timeline && Object.assign({
          page_start_ms: performance.timeOrigin + bootInfo.startedMs,
        }, bootInfo.timeline);
        return stats;
      });
    }

    /** Listeners, timers and proxies this bridge still holds (all zero after close); a Promise. */
    liveResources() {
      const page = this._page.live();
      if (this._phase !== "open" && this._lastLive) return Promise.resolve(Object.assign({}, this._lastLive, page));
      return this._query("live", "").then((engine) => Object.assign(engine, page));
    }

    _query(what, arg) {
      return this._call((key) => pageOps.query(this._id, key, what, arg));
    }

    /** A carrier message (`make(key)`) answered by one reply piece with that key. */
    _call(make) {
      return new Promise((resolve, reject) => {
        // After the close (or before it finished sending its own request) nothing answers.
        if (this._phase === "closed") {
          reject(this._closedError || CLOSED());
          return;
        }
        const key = nextKey++;
        this._waiting.set(key, { resolve, reject });
        this._runtime.send(make(key));
      });
    }

    /** Lobby: run compliance (Python's Supervisor) with these options from now, a new
     * session; null stops it. Rejects with "invalid_config" naming the option or setting. */
    supervise(compliance) {
      return new Promise((resolve, reject) => {
        let json = "";
        if (compliance !== null && compliance !== undefined) {
          try {
            json = toPlainJson(compliance, "compliance");
          } catch (err) {
            if (!err || !err[NOT_PLAIN]) throw err;
            reject(new HiziBridgeError({ code: "invalid_config", field: err.path,
              message: `hizi-bridge: ${err.path} ${err.why}` }));
            return;
          }
        }
        this._call((key) => pageOps.supervise(this._id, key, json)).then(resolve, reject);
      });
    }

    /** Says bye (bridge mode), cancels pending requests, removes every listener. */
    close(reason = "closed") {
      if (this._phase !== "open") return this._closing || Promise.resolve();
      const text = String(reason);
      try {
        toPlainJson(text, "reason");
      } catch (err) {
        return Promise.reject(new HiziBridgeError({ code: "invalid_outbound", field: "reason",
          message: `close: the reason ${err.why}; the bridge stays open` }));
      }
      this._phase = "closing";
      this._page.close();
      this._closing = new Promise((resolve) => {
        const key = nextKey++;
        this._waiting.set(key, {
          resolve: (live) => { this._lastLive = live; this._teardown("closed", null, text); resolve(); },
          reject: () => { this._teardown("closed", null, text); resolve(); },
        });
        this._runtime.send(pageOps.close(this._id, key, text));
      });
      return this._closing;
    }

    // ---- from the engine
    /** An engine -> page message for this bridge (readEngineOp's form). */
    _fromEngine(op, transfer) {
      if (op.op === "out") {
        this._page.run(op.pieces, transfer);
      } else if (op.op === "ack") {
        for (const [key, waiting] of this._waiting) {
          if (key > op.key) break; // (keys grow: the rest came later)
          if (!waiting.send) continue; // a request, a query: its reply piece settles it
          this._waiting.delete(key);
          waiting.resolve();
        }
      }
    }

    _onPiece(code, value) {
      if (code === PIECE.MESSAGE) {
        this._dispatch(this._byType.get(value.type) || [], value);
        this._dispatch(this._any, value);
      } else if (code === PIECE.REPLY) {
        const waiting = this._waiting.get(value.key);
        if (!waiting) return;
        this._waiting.delete(value.key);
        if (value.error) waiting.reject(new HiziBridgeError(value.error));
        else waiting.resolve(value.ok);
      } else if (code === PIECE.STATUS) {
        this._setState(value);
      } else if (code === PIECE.JOURNAL) {
        this._dispatch(this._journal, value);
      } else if (code === PIECE.COMPLIANCE) {
        this._dispatch(this._compliance, value);
      }
    }

    _bootFailed(err) {
      this._closedError = err;
      this._teardown("error", err);
    }

    _teardown(status, err, reason) {
      if (this._phase === "closed") return;
      this._phase = "closed";
      this._page.close();
      this._runtime.remove(this);
      const fail = err || new HiziBridgeError({ code: "cancelled", message: "bridge closed" });
      const left = [...this._waiting.values()];
      this._waiting.clear();
      for (const { reject } of left) reject(fail);
      this._setState({ status, mode: this._state.mode, reason: err ? err.message : (reason || "closed"),
        code: err ? err.code : null });
    }

    _setState(state) {
      const old = this._state;
      if (state.status === old.status && state.mode === old.mode && state.code === old.code) return;
      this._state = { status: state.status, mode: state.mode, reason: state.reason || "", code: state.code || null };
      if (state.status === "connected") {
        for (const { resolve } of this._connected.splice(0)) resolve();
      } else if (state.status === "closed" || state.status === "error") {
        const err = state.status === "closed" ? (this._closedError || CLOSED())
          : new HiziBridgeError({ code: state.code || "error", message: state.reason || "the bridge failed" });
        for (const { reject } of this._connected.splice(0)) reject(err);
      }
      this._dispatch(this._status, Object.assign({}, this._state));
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
