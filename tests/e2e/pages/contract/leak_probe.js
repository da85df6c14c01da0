// The negative check of the "nothing leaves the two local origins" guard (tests/e2e/contract.py):
// this page asks for an image and a fetch from hosts that are not local (TEST-NET-1 and a
// reserved name: nothing answers). A driver whose guard does not report them is broken.
// The only page that names another host; the pages' static check skips it by name.
const img = new Image();
img.src = "http://192.0.2.1/leak.png";
document.body.append(img);
fetch("http://example.invalid/leak.json").catch(() => {});
setTimeout(() => {
  window.__verdict = {
    done: true, ok: null, cases: [], log: window.__pageLog,
    resources: performance.getEntriesByType("resource").map((e) => e.name),
  };
}, 1500);
