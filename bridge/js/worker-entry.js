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
            if (engine === null) { // the first message: where the runtime's files are
              engine = makeEngine(post);
              if (data.version !== undefined && data.version !== VERSION) {
                // A bundled page side (npm) against hosted runtime files of another release.
                post(engineOps.bootFailed(`the page's hizi-bridge is ${data.version} but the ` +
                  `runtime at ${data.assetsUrl} is ${VERSION}: host dist/ of the same version`), null);
                return;
              }
              engine.boot(String(data.assetsUrl));
              return;
            }
            engine.receive(data, ev.ports);
          });
        },
      }),
    });
    return;
  }
