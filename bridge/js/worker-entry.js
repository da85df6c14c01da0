  // A worker that dies (a crash, out of memory, closed) sends no event: the page asks it
  // "alive?" every HEARTBEAT_MS and calls it dead after HEARTBEAT_MISSES unanswered asks in a
  // row. Counted in the page's own timer ticks, not in wall time: a frozen or sleeping tab,
  // whose timers (and workers) stop, wakes to one tick, not to a burst of misses.
  const HEARTBEAT = "hizi-bridge:heartbeat";
  const HEARTBEAT_MS = 5000;
  const HEARTBEAT_MISSES = 3;

  if (!onPage) {
    // In the worker: hizi-bridge-worker.mjs calls serve(self) after importing this file.
    Object.defineProperty(G, "__hiziBridgeEngine", {
      value: Object.freeze({
        /** For the unit tests (Node): the engine's parts, not an API. */
        _internals: Object.freeze({ OP, ENGINE, PIECE, pageOps, engineOps, readOp, readEngineOp,
          readPiece, makeEngineKit, makeEngine, encodeInbound, toPlainJson, Launch }),
        serve(scope) {
          let engine = null;
          const post = (msg, transfer) => scope.postMessage(msg, transfer || []);
          scope.addEventListener("securitypolicyviolation", (ev) => {
            post(engineOps.bootFailed(`the worker's Content-Security-Policy blocked ` +
              `${ev.blockedURI || "a resource"} (directive ${ev.effectiveDirective}); ` +
              `the worker script's response needs script-src 'wasm-unsafe-eval' and a ` +
              `connect-src allowing the vendor files`), null);
          });
          scope.addEventListener("message", (ev) => {
            const data = ev.data;
            if (data === HEARTBEAT) { post(HEARTBEAT, null); return; } // the page's "alive?"
            if (engine === null && data && data.snapshotOnly === true) {
              // A nested worker started by the engine's worker (snapshot.js): make, store, done.
              engine = false;
              makeSnapshot(String(data.assetsUrl)).then(
                (made) => post(Object.assign({ ok: true }, made), null),
                (err) => post({ ok: false, error: errorText(err) }, null));
              return;
            }
            if (engine === false) return;
            if (engine === null) { // the first message: where the runtime's files are
              engine = makeEngine(post);
              if (data.version !== undefined && data.version !== VERSION) {
                // A bundled page side (npm) against hosted runtime files of another release.
                post(engineOps.bootFailed(`the page's hizi-bridge is ${data.version} but the ` +
                  `runtime at ${data.assetsUrl} is ${VERSION}: host dist/ of the same version`), null);
                return;
              }
              // The memory snapshot is on unless the page's options said snapshot: false.
              engine.boot(String(data.assetsUrl), data.snapshot !== false);
              return;
            }
            engine.receive(data, ev.ports);
          });
        },
      }),
    });
    return;
  }
