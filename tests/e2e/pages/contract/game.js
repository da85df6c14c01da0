// The contract suite's game (tests/e2e/pages/contract/), on the game origin.
// ?lobby=<lobby origin> &runtime=worker|main &variant=A|B (two "games": A starts with a
// balance of 100 and greets with loadProgress(10), B with 500 and loadProgress(20)).
//
// Its behaviour is what the lobby runner (lobby.js) checks:
// - it opens its bridge at once and greets (appFrameReady, loadProgress, gameReady): queued
//   until the handshake, so the game talks before the lobby's bridge exists;
// - every lobby -> game message is echoed as playerActivity {action: "got:<type>"}, so the
//   lobby sees what arrived, and in which order;
// - spin -> roundStarted(balance - 1) + roundEnded; updateBalance -> balance(balance);
//   setAudio(on) -> audioToggle(!on) (muted);
// - pause / resume / realityCheck / close are answered (gamePaused, gameResumed,
//   realityCheckAnswer "continue", gameClosed), except after showHelp: from then on this
//   page answers no request (a busy game), so one stays pending;
// - reload -> location.reload().
const params = new URLSearchParams(location.search);
const variant = params.get("variant") || "A";
let balance = variant === "B" ? 500 : 100;
let answering = true;
const statusEl = document.getElementById("bridge-status");

HiziBridge.game({
  lobbyOrigin: params.get("lobby"),
  runtime: params.get("runtime") || "worker",
  // Longer than the lobby's boot on a slow engine: the lobby opens its bridge only after
  // this page said hello, and a shorter wait would fall back to plain Appendix A.
  handshakeTimeoutMs: Number(params.get("handshakeTimeoutMs")) || 120000,
}).then((game) => {
  window.bridge = game;
  game.onStatus((s) => { statusEl.textContent = s.status; });
  game.onAny((msg) => {
    game.playerActivity(`got:${msg.type}`);
    if (msg.type === "showHelp") answering = false;
  });
  const answer = (reply) => () => { if (answering) reply(); };
  game.on("pause", answer(() => game.paused()));
  game.on("resume", answer(() => game.resumed()));
  game.on("realityCheck", answer(() => game.realityCheckAnswer("continue")));
  game.on("close", answer(() => game.closed()));
  game.on("spin", () => { balance -= 1; game.roundStarted(balance); game.roundEnded(); });
  game.on("updateBalance", () => game.balance(balance));
  game.on("setAudio", (msg) => game.audioToggle(!msg.data));
  game.on("reload", () => location.reload());
  game.appFrameReady();
  game.loadProgress(variant === "B" ? 20 : 10);
  game.gameReady();
}, (err) => {
  statusEl.textContent = `failed: ${err.code}`;
  console.error("contract game:", err.code, err.message);
});
