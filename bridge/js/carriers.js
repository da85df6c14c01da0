  // ---------------------------------------------------------------- carriers
  // The worker carrier: one dedicated worker per page, shared by its bridges.
  // The direct carrier (runtime "main"): the engine on this thread, the same messages as calls.
  // Loaded by a <script> tag: the runtime's files default to this script's folder. Imported
  // as a module or from a bundle (document.currentScript is null): no guess, the app passes
  // assetsUrl (see makeRuntime).
  const script = document.currentScript;
  const scriptUrl = script && script.src ? script.src : null;
  const scriptAssets = script && script.dataset ? script.dataset.assetsUrl : undefined;
  const bootInfo = { runtime: null, startedMs: null, readyMs: null, error: null, timeline: null };
  const runtimes = {};
  const BOOT_TIMEOUT_MS = 60000;

  const bootFailed = (message) => new HiziBridgeError({ code: "boot_failed", message: `hizi-bridge: ${message}` });

  // What the vendored runtime needs and some browsers lack (README, "Supported browsers"),
  // checked before anything is fetched: a boot that cannot work says why at once.
  // A function with one try / catch_all block in the exception-handling form pydantic-core's
  // and Pyodide's wasm use (the legacy one; wasm-feature-detect's "exceptions" probe).
  const WASM_EH_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 8, 1, 6, 0, 6, 64, 25, 11, 11];
  function missingFeature() {
    const wasm = typeof WebAssembly === "object" && WebAssembly !== null ? WebAssembly : null;
    if (!wasm || typeof wasm.validate !== "function" || typeof wasm.instantiate !== "function") {
      return "this browser has WebAssembly turned off or missing (iOS and macOS Lockdown Mode " +
        "and some enterprise policies turn it off); the bridge's Python runtime (Pyodide) needs " +
        "it: allow WebAssembly for this site";
    }
    let eh = false;
    try { eh = wasm.validate(new Uint8Array(WASM_EH_PROBE)); } catch (err) { eh = false; }
    if (!eh) {
      return "this browser's WebAssembly has no exception handling (Chrome 95, Firefox 100, " +
        "Safari 15.2 or later have it); the vendored Pyodide needs it";
    }
    return null;
  }

  function makeRuntime(kind, options) {
    if (!options.assetsUrl && !scriptAssets && scriptUrl === null) {
      throw new HiziBridgeError({ code: "invalid_config", message: "hizi-bridge: option " +
        "assetsUrl is required when hizi-bridge.js is not loaded by a <script src> tag (an ES " +
        "module import or a bundle): pass the URL of the folder where this origin hosts " +
        "dist/'s runtime files (hizi-bridge-worker.mjs, vendor/)" });
    }
    const assetsUrl = new URL(options.assetsUrl || scriptAssets || "./", scriptUrl || location.href).href;
    const bridges = new Map(); // bridge id -> the page's Bridge
    let pending = null; // carrier messages of this task after the first (one post for all)
    let post = null;
    let settle;
    const ready = new Promise((resolve, reject) => { settle = { resolve, reject }; });
    ready.catch(() => {});
    let bootState = "booting";
    bootInfo.runtime = kind;
    bootInfo.startedMs = performance.now();

    function fromEngine(msg, transfer) {
      const op = readEngineOp(msg);
      if (op === null) return;
      if (op.op === "booted") {
        bootState = "up";
        bootInfo.readyMs = performance.now() - bootInfo.startedMs;
        bootInfo.timeline = op.timeline || null;
        settle.resolve();
      } else if (op.op === "bootFailed") {
        fail(String(op.message));
      } else {
        const bridge = bridges.get(op.bridge);
        if (bridge) bridge._fromEngine(op, transfer);
      }
    }
    function fail(message) {
      if (bootState !== "booting") return;
      bootState = "failed";
      bootInfo.error = message;
      const err = bootFailed(message);
      settle.reject(err);
      for (const bridge of bridges.values()) bridge._bootFailed(err);
    }
    function flush() {
      const batch = pending;
      pending = null;
      if (batch && batch.length) post(batch.length === 1 ? batch[0] : batch, null);
    }
    function send(msg, transfer) {
      if (transfer || pending === null) {
        // The first message of a task goes at once (the engine starts on it); a port needs
        // its own post. Later ones in the same task are collected and sent as one array.
        if (pending !== null) flush();
        post(msg, transfer || null);
        if (!transfer) { pending = []; queueMicrotask(flush); }
        return;
      }
      pending.push(msg);
      if (pending.length >= 512) { const batch = pending; pending = []; post(batch, null); }
    }

    const missing = missingFeature();
    if (missing !== null) {
      fail(missing);
      post = () => {};
    } else if (kind === "worker") {
      // The worker sits next to this script (which a page serves from its own origin); an
      // explicit workerUrl is relative to the page, like any URL a page passes.
      const workerUrl = options.workerUrl
        ? new URL(options.workerUrl, location.href)
        : new URL("hizi-bridge-worker.mjs", scriptUrl || assetsUrl);
      let worker;
      const onViolation = (ev) => {
        if (ev.effectiveDirective === "worker-src" || ev.effectiveDirective === "script-src" ||
            ev.effectiveDirective === "default-src") {
          if (String(ev.blockedURI).startsWith(workerUrl.origin) || ev.blockedURI === "blob") {
            fail(`the page's Content-Security-Policy does not allow the worker ${workerUrl.href} ` +
              `(${ev.effectiveDirective}); add worker-src ${workerUrl.origin} (or 'self') ` +
              `to it, or pass runtime: "main"`);
          }
        }
      };
      document.addEventListener("securitypolicyviolation", onViolation);
      ready.then(() => document.removeEventListener("securitypolicyviolation", onViolation), () => {});
      if (workerUrl.origin !== location.origin) {
        fail(`the worker script must come from this page's origin (${location.origin}), ` +
          `not ${workerUrl.origin}: host hizi-bridge-worker.mjs and hizi-bridge.js on ` +
          `${location.origin} and pass workerUrl (assetsUrl may stay on the other origin ` +
          `if it sends CORS headers), or pass runtime: "main"`);
        post = () => {};
      } else {
        try {
          // A browser without module workers never reads `type` (and would run the module
          // as a classic script, failing on its first import): the getter tells.
          let moduleRead = false;
          const workerOptions = { get type() { moduleRead = true; return "module"; }, name: "hizi-bridge" };
          worker = new Worker(trustedWorkerUrl(workerUrl), workerOptions);
          if (!moduleRead) {
            worker.terminate();
            throw new Error("this browser has no module workers (Chrome 80, Firefox 114, " +
              "Safari 15 or later have them); pass runtime: \"main\" to run the bridge on the page");
          }
          let unanswered = 0;
          worker.addEventListener("message", (ev) => {
            if (ev.data === HEARTBEAT) unanswered = 0;
            else fromEngine(ev.data, ev.ports);
          });
          ready.then(() => {
            const beat = setInterval(() => {
              if (bootState !== "up") { clearInterval(beat); return; }
              if (unanswered < HEARTBEAT_MISSES) { unanswered += 1; worker.postMessage(HEARTBEAT); return; }
              clearInterval(beat);
              bootState = "dead";
              const message = `the worker ${workerUrl.href} stopped answering (it crashed, ran out ` +
                `of memory or was closed); open the bridges again to start a new one`;
              bootInfo.error = message;
              worker.terminate();
              const err = new HiziBridgeError({ code: "worker_died", message: `hizi-bridge: ${message}` });
              for (const bridge of [...bridges.values()]) bridge._bootFailed(err);
            }, HEARTBEAT_MS);
          }, () => {});
          worker.addEventListener("error", (ev) => {
            fail(`the worker ${workerUrl.href} failed to start` +
              (ev && ev.message ? `: ${ev.message}` : " (blocked by a Content-Security-Policy " +
                "worker-src, or the file is missing or not served as JavaScript)"));
          });
          post = (msg, transfer) => worker.postMessage(msg, transfer || []);
          post({ assetsUrl, version: VERSION, snapshot: options.snapshot === true }); // opt-in (issue #19)
        } catch (err) {
          const policy = trustedTypesPolicy === null ? ` (Trusted Types: add ${TRUSTED_TYPES_POLICY} ` +
            "to the page's Content-Security-Policy trusted-types directive)" : "";
          fail(`cannot start the worker ${workerUrl.href}: ${err && err.message ? err.message : err}` +
            policy);
          post = () => {};
        }
      }
    } else {
      const engine = makeEngine((msg, transfer) => fromEngine(msg, transfer));
      post = (msg, transfer) => engine.receive(msg, transfer);
      engine.boot(assetsUrl);
      runtimes.mainEngine = engine;
    }
    // A CSP that blocks the wasm makes loadPyodide hang without an error: a watchdog.
    const bootTimeoutMs = options.bootTimeoutMs || BOOT_TIMEOUT_MS;
    const watchdog = setTimeout(() => fail(
      `the runtime did not start within ${bootTimeoutMs} ms; if a Content-Security-Policy ` +
      `applies (the page's for runtime "main", the worker script's own response for "worker"), ` +
      `its script-src must allow 'wasm-unsafe-eval'`), bootTimeoutMs);
    ready.then(() => clearTimeout(watchdog), () => clearTimeout(watchdog));
    return {
      kind,
      ready,
      get state() { return bootState; },
      add(bridge) { bridges.set(bridge._id, bridge); },
      remove(bridge) { bridges.delete(bridge._id); },
      send,
    };
  }

  function runtimeFor(options) {
    const kind = options.runtime === undefined ? "worker" : options.runtime;
    if (kind !== "worker" && kind !== "main") {
      throw new HiziBridgeError({ code: "invalid_config", message: `hizi-bridge: runtime must be "worker" or "main", not ${JSON.stringify(kind)}` });
    }
    if (options.snapshot !== undefined && typeof options.snapshot !== "boolean") {
      throw new HiziBridgeError({ code: "invalid_config", message: `hizi-bridge: snapshot must be true or false, not ${JSON.stringify(options.snapshot)}` });
    }
    // One runtime per page: every bridge of the page shares the first one's kind.
    let existing = runtimes.worker || runtimes.main;
    if (existing && existing.state === "dead") {
      // A worker that died: the next bridge starts a new one.
      delete runtimes[existing.kind];
      existing = null;
    }
    if (existing && existing.state === "failed" && existing.kind !== kind) {
      // A runtime that could not start (say, a CSP without worker-src) may be replaced by the
      // other kind, as its boot_failed message suggests.
      delete runtimes[existing.kind];
      existing = null;
    }
    if (existing) {
      if (existing.kind !== kind) {
        throw new HiziBridgeError({ code: "invalid_config", message: `hizi-bridge: this page's bridges already run in the ${existing.kind} runtime; one page uses one` });
      }
      return existing;
    }
    runtimes[kind] = makeRuntime(kind, options);
    return runtimes[kind];
  }
