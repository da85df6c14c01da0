// Page script of js_lobby.html (external, so the page runs under a strict CSP: no inline script).
// ?game=<game origin>&gamePath=<path on it> (the page says so too, and README's "Examples");
// ?compliance=<JSON> (the lobby's compliance option,
// e.g. {"settings":{"rcEnabled":true,"rcInterval":60000},"currency":"EUR"}); other params are
// passed on to the game page.
const params = new URLSearchParams(location.search);
const gameOrigin = params.get("game") || "http://localhost:8001";
const gameUrl = new URL(params.get("gamePath") || "/examples/js_game.html", gameOrigin);
const OWN_PARAMS = new Set(["game", "gamePath", "compliance"]);
for (const [k, v] of params) if (!OWN_PARAMS.has(k)) gameUrl.searchParams.set(k, v);
gameUrl.searchParams.set("lobby", location.origin);
const iframe = document.getElementById("game");
iframe.src = gameUrl.href;

// ?lobbyBootDelayMs= (lobby) / ?bootDelayMs= (game) <ms>: create the bridge (and so boot Python) that much later, e.g. to test a
// peer that talks first; the early buffer of hizi-bridge.js holds its messages meanwhile.
// ?lobbyBootAfterEvents=<n>: boot only once the early buffer holds n messages, so a test of
// "the game talked first" does not depend on which Pyodide boot wins the race.
const BOOT_DELAY_PARAM = "lobbyBootDelayMs";
const bootDelayMs = Number(params.get(BOOT_DELAY_PARAM)) || 0;
const bootAfterEvents = Number(params.get("lobbyBootAfterEvents")) || 0;
function waitForEarlyEvents(n) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const check = () => {
      const early = globalThis.__hiziBridgeEarly;
      if ((early && early.events.length >= n) || performance.now() - t0 > 120000) resolve();
      else setTimeout(check, 25);
    };
    check();
  });
}
const delayed = (start) => {
  if (bootAfterEvents > 0) return waitForEarlyEvents(bootAfterEvents).then(start);
  if (bootDelayMs > 0) return new Promise((resolve) => setTimeout(resolve, bootDelayMs)).then(start);
  return start();
};
window.bridgeReady = delayed(() => HiziBridge.lobby({
  iframe,
  gameOrigin,
  requestTimeoutMs: Number(params.get("requestTimeoutMs")) || undefined,
  compliance: params.get("compliance") ? JSON.parse(params.get("compliance")) : undefined,
}).then((bridge) => {
  window.bridge = bridge;
  // What the compliance supervisor (Python, in the engine) did or asks the lobby to do.
  window.complianceActions = [];
  bridge.onCompliance((action) => {
    window.complianceActions.push(action);
    // A real lobby shows warnInactive, opens openHistory's url, and after closeGame (the
    // engine has sent the game `close`) removes the frame or goes to homeURL.
    console.log("compliance:", JSON.stringify(action));
  });
  bridge.onJournal(logEntry);
  bridge.onStatus(showStatus);
  bridge.on("closeRequest", () => bridge.closeGame("player asked"));
  document.getElementById("spin").onclick = () => bridge.spin();
  // pause / resume are requests: the game's reply (gamePaused / gameResumed) settles them.
  const showReply = (reply) => { document.getElementById("last-reply").textContent = reply.type; };
  const showFailure = (err) => { document.getElementById("last-reply").textContent = err.code; };
  document.getElementById("pause").onclick = () => bridge.pause().then(showReply, showFailure);
  document.getElementById("resume").onclick = () => bridge.resume().then(showReply, showFailure);
  document.getElementById("reality-check").onclick = () =>
    bridge.realityCheck({ elapsedSeconds: 3600, totalStaked: 120, totalWon: 95.5,
                          netResult: -24.5, currency: "EUR" })
      .then((answer) => console.log("reality check:", answer.data.choice),
            (err) => console.warn("reality check failed:", err.code));
  return bridge;
}));
