/*! hizi-bridge.js: typed, origin-checked post messages between a hizi game and its lobby.
 *
 *   <script src="/hizi-bridge/hizi-bridge.js"></script>
 *   const lobby = await HiziBridge.lobby({ iframe, gameOrigin: "https://games.example" });
 *   const game  = await HiziBridge.game({ lobbyOrigin: "https://casino.example" });
 *
 * The protocol runs in Python (Pyodide), by default in a dedicated Web Worker started from
 * hizi-bridge-worker.mjs next to this file, so the page's main thread never runs it; the
 * page keeps the window listener (origin allow-list, event.source check), the early buffer,
 * window posts, handlers and promises. The contract between the two halves is
 * bridge/boundary.py; its codecs are generated into the module after this one. Nothing is
 * fetched from another host: the runtime is under vendor/ next to this file (or `assetsUrl`).
 *
 * This one file holds both halves. On a page it defines `HiziBridge`; imported by the worker
 * (a module worker: `import "./hizi-bridge.js"`) it defines only the engine.
 */
(function () {
  "use strict";
  const G = globalThis;
  const onPage = typeof window !== "undefined" && typeof document !== "undefined";
  if (onPage ? G.HiziBridge : G.__hiziBridgeEngine) return; // included twice
