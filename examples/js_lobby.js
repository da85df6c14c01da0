// Page script of js_lobby.html (external, so the page runs under a strict CSP: no inline script).
// ?game=<game origin>&gamePath=<path on it>; other params are passed on to the game page.
const params = new URLSearchParams(location.search);
const gameOrigin = params.get("game") || "http://localhost:8001";
const gameUrl = new URL(params.get("gamePath") || "/examples/js_game.html", gameOrigin);
for (const [k, v] of params) if (k !== "game" && k !== "gamePath") gameUrl.searchParams.set(k, v);
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
}).then((bridge) => {
  window.bridge = bridge;
  bridge.onJournal(logEntry);
  bridge.onStatus(showStatus);
  bridge.on("closeRequest", () => bridge.closeGame("player asked"));
  document.getElementById("spin").onclick = () => bridge.spin();
  document.getElementById("pause").onclick = () => bridge.pause();
  document.getElementById("reality-check").onclick = () =>
    bridge.realityCheck({ elapsedSeconds: 3600, totalStaked: 120, totalWon: 95.5,
                          netResult: -24.5, currency: "EUR" })
      .then((answer) => console.log("reality check:", answer.data.choice),
            (err) => console.warn("reality check failed:", err.code));
  return bridge;
}));
