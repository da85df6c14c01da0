// The bench's validated floor off the main thread (bench/pages/bench.js, "floor_worker"): a
// worker that boots the same Pyodide, wheels and bridge package as the bridge's own worker
// (through hizi-bridge.js's engine, so the boot is identical), runs the floor's two Python
// functions and nothing else. Page -> worker: {assetsUrl, code}, then {port} (the frame pair's
// MessageChannel end), then ["o", type, dataJson, id, re] to validate and post on the port.
// Worker -> page: {ready}, then [validatedText, id, re] for each port message.
import "/hizi-bridge.js";

const { makeEngine, ENGINE } = globalThis.__hiziBridgeEngine._internals;
let inbound = null;
let outbound = null;
let port = null;

self.onmessage = async (ev) => {
  const d = ev.data;
  if (Array.isArray(d)) {
    const [, type, dataJson, id, re] = d;
    const text = outbound(type, dataJson, id);
    port.postMessage(re ? `${text.slice(0, -1)},"re":${re}}` : text);
  } else if (d.port) {
    port = d.port;
    port.onmessage = (e) => {
      if (e.data === "ready") { self.postMessage("ready"); return; }
      const wire = JSON.parse(e.data); // the ids, as the page-side floor reads them
      self.postMessage([inbound(e.data), wire.id, wire.re]);
    };
    port.postMessage("ready");
  } else if (d.assetsUrl) {
    let failed = null;
    const engine = makeEngine((msg) => { if (msg[0] === ENGINE.BOOT_FAILED) failed = String(msg[2]); });
    await engine.boot(d.assetsUrl);
    if (failed !== null || !engine.python) {
      self.postMessage({ failed: failed || "no Python" });
      return;
    }
    const pair = engine.python.pyodide.runPython(d.code);
    inbound = pair.get(0);
    outbound = pair.get(1);
    pair.destroy();
    self.postMessage({ ready: true });
  }
};
