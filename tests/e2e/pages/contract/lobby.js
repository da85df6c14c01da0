// The JS API's contract suite, run in one lobby page on the lobby origin against
// contract/game.html on the game origin (the same pages in every engine and both runtimes).
// ?game=<game origin> &runtime=worker|main &timeoutMs=<per wait, default 60000>
// &cases=C01,C03 (a subset; the cases a subset needs first, as C01, still run: each case
// builds on the previous one's bridge, as a lobby does during one session).
//
// Public API only: HiziBridge.lobby, on / onAny / onStatus, send / request and the named
// helpers, status / mode, connected(), stats(), liveResources(), close().
const params = new URLSearchParams(location.search);
const runtime = params.get("runtime") || "worker";
const gameOrigin = params.get("game");
const T = Number(params.get("timeoutMs")) || 60000;
const RC = { elapsedSeconds: 3600, totalStaked: 120, totalWon: 95.5, netResult: -24.5, currency: "EUR" };
const t0 = performance.now();

const verdict = {
  done: false, ok: null, runtime, userAgent: navigator.userAgent,
  running: null, waiting: null, cases: [], log: window.__pageLog, resources: [], timings: {},
};
window.__verdict = verdict;

// ------------------------------------------------------------------ helpers
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(pred, what, ms = T) {
  verdict.waiting = what; // what a case hangs on, for a driver that gives up first
  const end = performance.now() + ms;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (performance.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}
function within(promise, what, ms = T) {
  verdict.waiting = what;
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
const outcome = (p) => p.then(() => "ok", (e) => (e && e.code) || String(e));
const sorted = (v) => (v && typeof v === "object" && !Array.isArray(v)
  ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sorted(x)]))
  : v);
const same = (a, b) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b)); // key order aside
const gameUrl = (variant) => {
  const url = new URL("/contract/game.html", gameOrigin);
  url.searchParams.set("lobby", location.origin);
  url.searchParams.set("runtime", runtime);
  url.searchParams.set("variant", variant);
  return url.href;
};

// The session the cases share: one iframe, one bridge, what its handlers got.
const s = { iframe: null, bridge: null, delivered: [], statuses: [], hello: false };
const types = (from = 0) => s.delivered.slice(from).map((m) => m.type);
const echoes = (from = 0) => s.delivered.slice(from)
  .filter((m) => m.type === "playerActivity").map((m) => m.data.action.slice(4));
const waitEcho = (type, from) => until(() => echoes(from).includes(type), `the game's echo of ${type}`);
const greeted = (from) => until(() => types(from).includes("gameReady"), "the game's greeting");
// The game's own hello, seen by a listener of this page (the wire protocol is public).
window.addEventListener("message", (ev) => {
  if (ev.origin === gameOrigin && ev.data && ev.data.type === "hiziBridge.hello") s.hello = true;
});

// Holds the game's requests (showHelp makes the game stop answering), then starts a reality
// check that stays pending: what a lifecycle change must settle with "cancelled". Returned in
// an object: an async function returning the promise itself would wait for it to settle.
async function pendingRealityCheck() {
  const from = s.delivered.length;
  verdict.waiting = "showHelp()";
  await s.bridge.showHelp();
  await waitEcho("showHelp", from);
  const pending = outcome(s.bridge.realityCheck(RC));
  await waitEcho("realityCheck", from);
  return { pending };
}

// ------------------------------------------------------------------ cases
// Each case: (check) => Promise; check(name, ok, detail) records one assertion.
const CASES = [
  { id: "C01", name: "connect on two origins (the game talks first)", async run(check) {
    s.iframe = document.createElement("iframe");
    s.iframe.title = "game";
    s.iframe.src = gameUrl("A");
    document.getElementById("frames").append(s.iframe);
    await until(() => s.hello, "the game's hello, before the lobby's bridge exists");
    verdict.timings.game_hello_ms = Math.round(performance.now() - t0);
    s.bridge = await within(HiziBridge.lobby({
      iframe: s.iframe, gameOrigin, runtime, handshakeTimeoutMs: T, requestTimeoutMs: 10000,
    }), "HiziBridge.lobby()");
    s.bridge.onAny((m) => s.delivered.push(m));
    s.bridge.onStatus((e) => s.statuses.push(e.status));
    await within(s.bridge.connected(), "connected()");
    verdict.timings.connected_ms = Math.round(performance.now() - t0);
    const st = await s.bridge.stats();
    check("status connected", s.bridge.status === "connected", s.bridge.status);
    check("mode bridge (handshake, MessagePort)", s.bridge.mode === "bridge", s.bridge.mode);
    check(`runtime ${runtime}`, st.runtime === runtime, st.runtime);
    check("one handshake", st.handshakes === 1, st.handshakes);
    check("a protocol version chosen", typeof st.protocol_version === "number", st.protocol_version);
    check("target origin is exactly the game's", same(st.target_origins, [gameOrigin]), st.target_origins);
    check("nothing rejected", st.rejected_total === 0, st.rejected);
  } },
  { id: "C02", name: "early buffer: what the game sent first arrives, in order", async run(check) {
    await greeted(0);
    const st = await s.bridge.stats();
    check("the hello was replayed from the early buffer", st.early_replayed >= 1, st.early_replayed);
    check("no early overflow", st.early_overflow === 0, st.early_overflow);
    check("greeting in order", same(types().slice(0, 3), ["onAppFrameReady", "loadProgress", "gameReady"]), types());
    check("greeting of game A", same(s.delivered[1], { type: "loadProgress", data: { percent: 10 } }), s.delivered[1]);
  } },
  { id: "C03", name: "lobby -> game: sends arrive in order", async run(check) {
    const from = s.delivered.length;
    await s.bridge.turbo(true);
    await s.bridge.setStake(2);
    await s.bridge.spin();
    await waitEcho("spin", from);
    await until(() => types(from).includes("roundEnded"), "roundEnded");
    check("the game got turbo, setStake, spin in order", same(echoes(from), ["turbo", "setStake", "spin"]), echoes(from));
    const round = s.delivered.slice(from).filter((m) => m.type.startsWith("round"));
    check("spin answered by a round", same(round.map((m) => m.type), ["roundStarted", "roundEnded"]), round);
    check("roundStarted carries the balance", same(round[0], { type: "roundStarted", data: 99 }), round[0]);
  } },
  { id: "C04", name: "game -> lobby: a handler gets the wire object", async run(check) {
    const balances = [];
    const off = s.bridge.on("balance", (m) => balances.push(m));
    const from = s.delivered.length;
    await s.bridge.updateBalance();
    await s.bridge.setAudio(false);
    await until(() => balances.length >= 1 && types(from).includes("audioToggle"), "balance and audioToggle");
    off();
    check("balance handler got {type, data}", same(balances, [{ type: "balance", data: 99 }]), balances);
    const audio = s.delivered.slice(from).find((m) => m.type === "audioToggle");
    check("audioToggle true (muted) after setAudio(false)", same(audio, { type: "audioToggle", data: true }), audio);
  } },
  { id: "C05", name: "pause and resume are requests answered by the game", async run(check) {
    const paused = await within(s.bridge.pause(), "pause()");
    check("pause() resolves with gamePaused", paused && paused.type === "gamePaused", paused);
    const resumed = await within(s.bridge.resume(), "resume()");
    check("resume() resolves with gameResumed", resumed && resumed.type === "gameResumed", resumed);
    const st = await s.bridge.stats();
    check("two requests ok, none pending", st.requests.ok >= 2 && st.pending_requests === 0, st.requests);
  } },
  { id: "C06", name: "reality check is a request answered by the game", async run(check) {
    const answer = await within(s.bridge.realityCheck(RC), "realityCheck()");
    check("answer is realityCheckAnswer continue",
      same(answer, { type: "realityCheckAnswer", data: { choice: "continue" } }), answer);
    const timed = await within(s.bridge.request("realityCheck", RC, { timeoutMs: 20000 }), "request(realityCheck)");
    check("request() with a timeout answered too", timed && timed.type === "realityCheckAnswer", timed);
  } },
  { id: "C07", name: "a message from a wrong origin is refused and counted", async run(check) {
    const before = await s.bridge.stats();
    const from = s.delivered.length;
    // This page posts to itself: the right shape, the lobby's origin instead of the game's.
    window.postMessage({ type: "gameReady" }, location.origin);
    const after = await until(async () => {
      const st = await s.bridge.stats();
      return st.rejected_total > before.rejected_total ? st : null;
    }, "the origin rejection");
    check("counted as origin", (after.rejected.origin || 0) === (before.rejected.origin || 0) + 1, after.rejected);
    await s.bridge.spin(); // a round trip: anything the refused post caused would be here by now
    await until(() => types(from).includes("roundEnded"), "roundEnded");
    check("no handler saw it", !types(from).includes("gameReady"), types(from));
    check("still connected", s.bridge.status === "connected", s.bridge.status);
  } },
  { id: "C08", name: "a message from a wrong window (the game's origin) is refused", async run(check) {
    const before = await s.bridge.stats();
    const from = s.delivered.length;
    const stranger = document.createElement("iframe");
    stranger.title = "stranger";
    stranger.src = new URL(`/contract/stranger.html?lobby=${encodeURIComponent(location.origin)}`, gameOrigin).href;
    document.getElementById("frames").append(stranger);
    const after = await until(async () => {
      const st = await s.bridge.stats();
      return st.rejected_total > before.rejected_total ? st : null;
    }, "the source rejection");
    stranger.remove();
    check("counted as source", (after.rejected.source || 0) === (before.rejected.source || 0) + 1, after.rejected);
    await s.bridge.updateBalance();
    await until(() => types(from).includes("balance"), "the game's balance");
    await waitEcho("updateBalance", from); // the next case counts echoes from here
    const balances = s.delivered.slice(from).filter((m) => m.type === "balance");
    const round = s.delivered.filter((m) => m.type === "roundStarted").pop();
    check("only the game's balance reached the handlers",
      same(balances, [{ type: "balance", data: round.data }]), balances);
  } },
  { id: "C09", name: "strict outbound values: invalid_outbound naming the field", async run(check) {
    const refused = (p) => p.then(() => "sent", (e) => [e.name, e.code, e.field || null]);
    const circular = { a: 1 };
    circular.self = circular;
    const err = "HiziBridgeError";
    const cases = [
      ["schema", refused(s.bridge.send("turbo", "yes")), [err, "invalid_outbound"]],
      ["direction", refused(s.bridge.send("gameReady")), [err, "invalid_outbound"]],
      ["NaN", refused(s.bridge.send("turbo", NaN)), [err, "invalid_outbound", "data"]],
      ["Date", refused(s.bridge.request("realityCheck", { elapsedSeconds: new Date(0) })), [err, "invalid_outbound", "data.elapsedSeconds"]],
      ["BigInt", refused(s.bridge.send("turbo", 10n)), [err, "invalid_outbound", "data"]],
      ["cycle", refused(s.bridge.send("turbo", circular)), [err, "invalid_outbound", "data.self"]],
      ["lone surrogate", refused(s.bridge.closeGame("bye \ud800")), [err, "invalid_outbound", "data.reason"]],
      ["close reason", refused(s.bridge.close("\udfff")), [err, "invalid_outbound", "reason"]],
    ];
    for (const [name, p, want] of cases) {
      const got = await p;
      check(name, Array.isArray(got) && same(got.slice(0, want.length), want), got);
    }
    let onError = null;
    try { s.bridge.on("noSuchType", () => {}); } catch (e) { onError = e.name; }
    check("on(unknown type) throws TypeError", onError === "TypeError", onError);
    const from = s.delivered.length;
    await s.bridge.stakeUp(); // in order after the refused ones: they would have arrived first
    await waitEcho("stakeUp", from);
    check("none of them reached the game", same(echoes(from), ["stakeUp"]), echoes(from));
    check("the refused close left the bridge open", s.bridge.status === "connected", s.bridge.status);
  } },
  { id: "C10", name: "reload: the pending request is cancelled, the new page is served", async run(check) {
    const { pending } = await pendingRealityCheck();
    const from = s.delivered.length;
    verdict.waiting = "reload()";
    await s.bridge.reload();
    check("the pending reality check is cancelled", (await within(pending, "the pending request")) === "cancelled", "");
    await greeted(from);
    await within(s.bridge.connected(), "connected() after the reload");
    const st = await s.bridge.stats();
    check("a second handshake", st.handshakes === 2, st.handshakes);
    check("bridge mode again", s.bridge.mode === "bridge", s.bridge.mode);
    const spun = s.delivered.length;
    await s.bridge.spin();
    await until(() => types(spun).includes("roundStarted"), "roundStarted from the reloaded page");
    const round = s.delivered.slice(spun).find((m) => m.type === "roundStarted");
    check("the reloaded page answers (fresh balance)", same(round, { type: "roundStarted", data: 99 }), round);
  } },
  { id: "C11", name: "the iframe switched to another game", async run(check) {
    const { pending } = await pendingRealityCheck();
    const from = s.delivered.length;
    s.iframe.src = gameUrl("B");
    check("the pending reality check is cancelled", (await within(pending, "the pending request")) === "cancelled", "");
    await greeted(from);
    await within(s.bridge.connected(), "connected() to game B");
    const greeting = s.delivered.slice(from).find((m) => m.type === "loadProgress");
    check("game B's greeting", same(greeting, { type: "loadProgress", data: { percent: 20 } }), greeting);
    const st = await s.bridge.stats();
    check("a third handshake", st.handshakes === 3, st.handshakes);
    const spun = s.delivered.length;
    await s.bridge.spin();
    await until(() => types(spun).includes("roundStarted"), "roundStarted from game B");
    const round = s.delivered.slice(spun).find((m) => m.type === "roundStarted");
    check("game B answers spin", same(round, { type: "roundStarted", data: 499 }), round);
  } },
  { id: "C12", name: "close: pending requests cancelled, nothing left behind", async run(check) {
    const { pending } = await pendingRealityCheck();
    await within(s.bridge.close(), "close()");
    check("pending request cancelled", (await within(pending, "the pending request")) === "cancelled", "");
    check("status closed", s.bridge.status === "closed", s.bridge.status);
    const live = await s.bridge.liveResources();
    check("no listener, timer or proxy left",
      same(live, { window_listeners: 0, port_listeners: 0, load_listeners: 0, timers: 0, proxies: 0 }), live);
    check("a send after close rejects with closed", (await outcome(s.bridge.send("spin"))) === "closed", "");
    check("statuses seen", s.statuses.includes("connected") && s.statuses[s.statuses.length - 1] === "closed", s.statuses);
  } },
];
window.__contractCases = CASES.map(({ id, name }) => ({ id, name }));

// ------------------------------------------------------------------ runner
function render() {
  const body = document.querySelector("#cases tbody");
  body.textContent = "";
  for (const c of verdict.cases) {
    const row = body.insertRow();
    row.dataset.id = c.id;
    row.dataset.ok = String(c.ok);
    for (const v of [c.id, c.name, c.ok ? "pass" : "FAIL", c.ms]) row.insertCell().textContent = v;
  }
  const pre = document.getElementById("verdict");
  pre.textContent = JSON.stringify(verdict, null, 1);
  pre.dataset.done = String(verdict.done);
  pre.dataset.ok = String(verdict.ok);
}

async function runAll() {
  const only = params.get("cases") ? new Set(params.get("cases").split(",")) : null;
  let broken = null; // without the session's bridge (C01 failed) no later case can run
  for (const c of CASES) {
    if (only && !only.has(c.id) && c.id !== "C01") continue;
    const result = { id: c.id, name: c.name, ok: true, ms: 0, checks: [] };
    const check = (name, ok, detail) => {
      result.checks.push({ name, ok: Boolean(ok), detail: ok ? "" : JSON.stringify(detail) });
      if (!ok) result.ok = false;
    };
    const start = performance.now();
    verdict.running = c.id;
    if (broken) {
      check("runs after a failed case", false, `not run: ${broken} failed`);
    } else {
      try {
        await c.run(check);
      } catch (err) {
        check("completes", false, err && err.message ? err.message : String(err));
      }
    }
    result.ms = Math.round(performance.now() - start);
    if (!s.bridge && !broken) broken = c.id;
    verdict.cases.push(result);
    render();
  }
  verdict.resources = performance.getEntriesByType("resource").map((e) => e.name);
  verdict.timings.total_ms = Math.round(performance.now() - t0);
  verdict.ok = verdict.cases.every((c) => c.ok);
  verdict.done = true;
  render();
}
runAll();
