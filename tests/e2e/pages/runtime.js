// External (no inline script): the runtime tests serve this page under strict CSPs too.
const params = new URLSearchParams(location.search);
const gameOrigin = params.get("game");
const path = params.get("path") || "/examples/plain_game.html";
window.gameFrames = [];
for (let i = 0; i < Number(params.get("games") || "0"); i++) {
  const iframe = document.createElement("iframe");
  const url = new URL(path, gameOrigin);
  url.searchParams.set("lobby", location.origin);
  url.searchParams.set("i", String(i));
  iframe.src = url.href;
  document.body.append(iframe);
  window.gameFrames.push(iframe);
}
// Open a lobby bridge on frame i; the outcome is kept for the test (a bridge or an error).
window.openLobby = (i, extra) =>
  HiziBridge.lobby(Object.assign({ iframe: window.gameFrames[i], gameOrigin }, extra || {}));
window.outcome = (promise) =>
  promise.then(() => ["ok"], (e) => [e.name, e.code, String(e.message)]);
