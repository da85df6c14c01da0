// The contract suite's verdict harness, loaded first by every contract page (no inline script:
// the pages run under a strict Content-Security-Policy, see tests/e2e/contract.py).
//
// Records what a driver without a console stream (WebKitWebDriver has no BiDi) cannot see:
// console errors and warnings, uncaught errors, unhandled rejections and CSP violations, into
// window.__pageLog. The lobby runner publishes window.__verdict:
//   { done, ok, runtime, userAgent, cases: [{ id, name, ok, ms, checks: [{ name, ok, detail }] }],
//     log, resources, timings }
// and the same JSON in <pre id="verdict" data-done data-ok>, so any driver reads one place.
(() => {
  const log = [];
  window.__pageLog = log;
  const text = (v) => {
    if (v instanceof Error) return `${v.name}: ${v.message}`;
    if (typeof v === "string") return v;
    try { return JSON.stringify(v); } catch (e) { return String(v); }
  };
  for (const level of ["error", "warn"]) {
    const original = console[level];
    console[level] = function (...args) {
      log.push({ kind: `console.${level}`, text: args.map(text).join(" ") });
      return original.apply(this, args);
    };
  }
  window.addEventListener("error", (ev) => {
    log.push({ kind: "error", text: ev.message || String(ev.error || ev.type) });
  });
  window.addEventListener("unhandledrejection", (ev) => {
    log.push({ kind: "unhandledrejection", text: text(ev.reason) });
  });
  document.addEventListener("securitypolicyviolation", (ev) => {
    log.push({ kind: "csp", text: `${ev.effectiveDirective} blocked ${ev.blockedURI}` });
  });
})();
