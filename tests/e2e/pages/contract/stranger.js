// Posts a valid message to the lobby from the game's origin but not from the game's window:
// the lobby must refuse it (reason "source"). ?lobby=<lobby origin>
const lobbyOrigin = new URLSearchParams(location.search).get("lobby");
window.parent.postMessage({ type: "balance", data: 1 }, lobbyOrigin);
