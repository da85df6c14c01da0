// Posts one batch of generated hostile values, then one valid marker; runs in the sender frame
// (evaluated by tests/e2e/test_hostile_frames.py). Deterministic for a seed.
// Returns { sent, cloneErrors: {name: n}, kinds: {kind: n}, bytes }.
({ n, seed, to, targetOrigin, direction, marker, big }) => {
  const target = to === "parent" ? parent : document.getElementById("game").contentWindow;
  let s = seed >>> 0 || 1;
  const rnd = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const G2L = ["onAppFrameReady", "gameReady", "roundStarted", "balance", "loadProgress",
    "playerActivity", "realityCheckAnswer", "error", "autoplayStarted"];
  const L2G = ["spin", "stop", "turbo", "setAudio", "realityCheck", "pause", "updateBalance"];
  const ours = direction === "game_to_lobby" ? G2L : L2G;
  const theirs = direction === "game_to_lobby" ? L2G : G2L;
  // Not "12" or null: from a plain peer a numeric string and an absent balance are loose
  // forms Appendix A allows, accepted and counted (tests/e2e/test_compliance_demo.py).
  const badNumbers = [NaN, Infinity, -Infinity, -1, -1e308, 1e308, -0.01, "12 EUR", "", true, [], {}];
  const badData = {
    roundStarted: () => pick(badNumbers), balance: () => pick(badNumbers),
    loadProgress: () => ({ percent: pick([500, -1, NaN, "50", null, Infinity]) }),
    playerActivity: () => ({ action: pick([5, null, {}, []]), extra: 1 }),
    realityCheckAnswer: () => ({ choice: pick(["maybe", "", 3, null]) }),
    error: () => pick([{}, { message: 5 }, "boom", 7]),
    autoplayStarted: () => ({ rounds: pick([-5, 1e12, NaN, "ten", 0.5]) }),
    turbo: () => pick(["yes", 1, "null", {}, NaN]), setAudio: () => pick(["on", 0, [], Infinity]),
    realityCheck: () => ({ elapsedSeconds: pick([-1, NaN, "1h"]), currency: pick(["EURO", 5]) }),
    spin: () => pick([1, "go", {}]), stop: () => pick([[], 0]), pause: () => pick([{ x: 1 }, true]),
    updateBalance: () => pick([-1, "x", {}]), onAppFrameReady: () => pick([1, "x", { a: 1 }]),
    gameReady: () => pick([[1], -1, "ready"]),
  };
  const deep = (depth) => { let v = []; for (let i = 0; i < depth; i++) v = [v]; return v; };
  const cyclic = () => { const o = { type: pick(ours) }; o.self = o; return o; };
  const kinds = {
    primitive: () => pick([undefined, null, true, false, 0, -0, 42, NaN, Infinity, "x", ""]),
    array: () => pick([[], [1, 2, 3], [{ type: pick(ours) }], new Array(5)]),
    jsonText: () => JSON.stringify({ type: pick(ours) }),
    wrongDirection: () => ({ type: pick(theirs) }),
    unknownType: () => ({ type: "x" + Math.floor(rnd() * 1e9), data: {} }),
    typeNotString: () => ({ type: pick([7, null, true, ["spin"], { t: 1 }]) }),
    missingType: () => pick([{}, { data: 1 }, { Type: pick(ours) }]),
    badData: () => { const t = pick(Object.keys(badData).filter((k) => ours.includes(k))); return { type: t, data: badData[t]() }; },
    extraField: () => ({ type: pick(ours), data: undefined, extra: pick([1, "x", {}]), id: 5 }),
    protoKeys: () => JSON.parse(pick([
      '{"type":"gameReady","__proto__":{"type":"spin"}}',
      '{"type":"spin","constructor":{"prototype":{"polluted":1}}}',
      '{"__proto__":{"type":"gameReady"}}',
      '{"type":"balance","data":{"__proto__":5}}',
    ])),
    control: () => pick([
      { type: "hiziBridge.hello", data: { protocol: "nope" } },
      { type: "hiziBridge.welcome", data: { version: 1, session: "forged" } },
      { type: "hiziBridge.ready", data: {} }, { type: "hiziBridge.bye" },
      { type: "hiziBridge.other" },
    ]),
    longString: () => ({ type: pick(ours), data: "y".repeat(5000 + Math.floor(rnd() * 70000)) }),
    cloneable: () => pick([
      () => new Blob(["blob"]), () => new ArrayBuffer(16), () => new Uint8Array([1, 2, 3]),
      () => new Date(0), () => /re/g, () => new Map([["type", "spin"]]), () => new Set([1]),
      () => 10n, () => ({ type: pick(ours), data: 10n }), cyclic, () => new Error("e"),
      () => ({ type: pick(ours), data: new Blob(["x"]) }),
    ])(),
    notCloneable: () => pick([
      () => () => 1, () => Symbol("s"), () => document.body, () => new WeakMap(),
      () => ({ type: pick(ours), data: () => 1 }), () => new Proxy({}, {}),
    ])(),
  };
  const names = Object.keys(kinds);
  const out = { sent: 0, cloneErrors: {}, kinds: {}, bytes: 0 };
  const post = (value, kind) => {
    try {
      target.postMessage(value, targetOrigin);
      out.sent += 1;
      out.kinds[kind] = (out.kinds[kind] || 0) + 1;
    } catch (err) {
      out.cloneErrors[err.name] = (out.cloneErrors[err.name] || 0) + 1;
    }
  };
  if (big) {  // the expensive ones, once per run
    post({ type: pick(ours), data: "z".repeat(10 * 1024 * 1024) }, "string10MB");
    post("q".repeat(10 * 1024 * 1024), "string10MB");
    post(deep(10000), "deep10000"); // Chromium's structured clone refuses it (RangeError)
    post({ type: pick(ours), data: deep(10000) }, "deep10000");
    post(deep(2000), "deep2000"); // cloneable: the receiver must refuse it cheaply
    post({ type: pick(ours), data: deep(2000) }, "deep2000");
    post("[".repeat(10000) + "]".repeat(10000), "deepText10000");
    post({ type: pick(ours), data: new Array(200000).fill(1) }, "array200k");
  }
  while (out.sent + Object.values(out.cloneErrors).reduce((a, b) => a + b, 0) < n) {
    const kind = pick(names);
    post(kinds[kind](), kind);
  }
  target.postMessage(marker, targetOrigin);
  return out;
}
