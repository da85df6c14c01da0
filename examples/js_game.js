// Page script of js_game.html (external, so the page runs under a strict CSP: no inline script).
// ?lobby=<lobby origin> (set by the lobby; checked by the bridge against LOBBY_ORIGINS);
// handshakeTimeoutMs=<ms> (how long to wait for a hizi-bridge lobby before talking plain
// Appendix A); rc=continue|quit|history|none (reality-check answer).
const params = new URLSearchParams(location.search);
const rcChoice = params.get("rc") || "continue";

// The lobbies this game may talk to. The bridge reads ?lobby= from this page's URL and trusts
// it only if it matches one of these (and, where the browser tells it, is the origin that
// frames the page); anything else rejects game() with code "untrusted_lobby", before a single
// post. These are the project's own lobbies: `python build.py serve`, the tests and
// hizi-inspect run them on 127.0.0.1 with a port picked at run time (a loopback-only,
// development pattern). A studio lists its operators instead, e.g. ["https://*.casino.example"]
// (a page that includes this script may name its own in the script tag's data-lobby-origins,
// space-separated: the page's own code, never its URL).
const named = document.currentScript && document.currentScript.dataset.lobbyOrigins;
const LOBBY_ORIGINS = (named || "http://127.0.0.1:*").split(" ");

// ?lobbyBootDelayMs= (lobby) / ?bootDelayMs= (game) <ms>: create the bridge (and so boot Python) that much later, e.g. to test a
// peer that talks first; the early buffer of hizi-bridge.js holds its messages meanwhile.
const BOOT_DELAY_PARAM = "bootDelayMs";
const bootDelayMs = Number(params.get(BOOT_DELAY_PARAM)) || 0;
const delayed = (start) =>
  bootDelayMs > 0 ? new Promise((resolve) => setTimeout(resolve, bootDelayMs)).then(start) : start();
window.bridgeReady = delayed(() => HiziBridge.game({
  lobbyOrigins: LOBBY_ORIGINS,
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
}, (err) => {
  // Not one of our lobbies (or no ?lobby=): say so, and never talk to it.
  window.bridgeError = { code: err.code, message: err.message };
  document.getElementById("bridge-status").textContent = "refused";
  const why = document.getElementById("launch-error");
  why.textContent = err.message;
  why.hidden = false;
  return null;
}));
