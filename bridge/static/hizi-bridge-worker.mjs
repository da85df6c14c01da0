// The worker in which hizi-bridge.js runs the bridge's Python (Pyodide, pydantic, the protocol)
// off the page's main thread. Started by hizi-bridge.js as a module worker; it must be served
// from the page's own origin (a browser rule for workers), next to hizi-bridge.js.
// Its response needs a Content-Security-Policy, if any, with script-src 'wasm-unsafe-eval'
// and a connect-src that allows the vendor files (see docs/security.md).
import "./hizi-bridge.js";

globalThis.__hiziBridgeEngine.serve(self);
