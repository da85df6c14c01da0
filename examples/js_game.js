// Page script of js_game.html (external, so the page runs under a strict CSP: no inline script).
// ?lobby=<lobby origin>; handshakeTimeoutMs=<ms> (how long to wait for a hizi-bridge lobby
// before talking plain Appendix A); rc=continue|quit|history|none (reality-check answer).
const params = new URLSearchParams(location.search);
const lobbyOrigin = params.get("lobby") || "http://127.0.0.1:8000";
const rcChoice = params.get("rc") || "continue";

// ?lobbyBootDelayMs= (lobby) / ?bootDelayMs= (game) <ms>: create the bridge (and so boot Python) that much later, e.g. to test a
// peer that talks first; the early buffer of hizi-bridge.js holds its messages meanwhile.
const BOOT_DELAY_PARAM = "bootDelayMs";
const bootDelayMs = Number(params.get(BOOT_DELAY_PARAM)) || 0;
const delayed = (start) =>
  bootDelayMs > 0 ? new Promise((resolve) => setTimeout(resolve, bootDelayMs)).then(start) : start();
window.bridgeReady = delayed(() => HiziBridge.game({
  lobbyOrigin,
  handshakeTimeoutMs: Number(params.get("handshakeTimeoutMs")) || 5000,
}).then((game) => {
  window.bridge = game;
  game.onJournal(logEntry);
  game.onStatus(showStatus);
  game.appFrameReady();
  game.loadProgress(100);
  game.gameReady();
  let balance = 100;
  let paused = false;
  // Tests set window.answering = false to leave the lobby's requests unanswered (as a game
  // that is busy or about to go away would).
  window.answering = true;
  const answer = (reply) => () => { if (window.answering) reply(); };
  // A paused game starts no round until the lobby resumes it (hizi-inspect G-PAUSE-002).
  game.on("pause", () => { paused = true; answer(() => game.paused())(); });
  game.on("resume", () => { paused = false; answer(() => game.resumed())(); });
  game.on("spin", () => {
    if (paused) return;
    balance -= 1;
    game.roundStarted(balance);
    game.roundEnded();
  });
  if (rcChoice !== "none") game.on("realityCheck", answer(() => game.realityCheckAnswer(rcChoice)));
  game.on("close", answer(() => game.closed()));
  return game;
}));
