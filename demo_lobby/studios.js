// One lobby page hosting three studios' games, each through its own bridge and dialect.
// Everything the handlers see is the same typed catalog: {type, data}, money in the
// currency's major unit, plus `dialect` (what only the studio's envelope said, e.g.
// RubyPlay's sender and lang) when a dialect translated the message.
"use strict";

(() => {
  const CURRENCY = "EUR";
  const DEFAULT_GAME = "http://localhost:8001/demo_game/";
  const QUERY = { rubyplay: "rubyplay", "155io": "155io", appendix_a: "hizi" };
  const params = new URLSearchParams(location.search);
  window.studioEvents = {}; // dialect -> delivered messages, for the tests
  window.studioBridges = {};

  function gameUrl(dialect) {
    const given = params.get(QUERY[dialect]) || DEFAULT_GAME;
    const url = new URL(given);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("http(s) only");
    url.searchParams.set("dialect", dialect);
    url.searchParams.set("lobby", location.origin);
    url.searchParams.set("currency", CURRENCY);
    url.searchParams.set("seed", params.get("seed") || "3");
    return url;
  }

  function show(section, message) {
    const li = document.createElement("li");
    const extra = message.dialect ? ` ${JSON.stringify(message.dialect)}` : "";
    li.dataset.type = message.type;
    li.textContent = `${message.type} ${JSON.stringify(message.data ?? null)}${extra}`;
    const list = section.querySelector(".events");
    list.prepend(li);
    while (list.children.length > 40) list.lastChild.remove();
    if (message.type === "balance") {
      section.querySelector(".balance strong").textContent = `${message.data.toFixed(2)} ${CURRENCY}`;
    }
  }

  async function open(section) {
    const dialect = section.dataset.dialect;
    const url = gameUrl(dialect);
    const iframe = section.querySelector("iframe");
    const events = (window.studioEvents[dialect] = []);
    // ?auto=1: the lobby is not told which studio is where; each bridge picks the dialect
    // from its game page's first valid message.
    const bridge = await HiziBridge.lobby({
      iframe, gameOrigin: url.origin, dialect: params.get("auto") ? "auto" : dialect,
      currency: CURRENCY,
    });
    window.studioBridges[dialect] = bridge;
    bridge.onAny((message) => { events.push(message); show(section, message); });
    bridge.onStatus((s) => {
      const status = section.querySelector(".status");
      status.textContent = s.mode ? `${s.status} (${s.mode})` : s.status;
      status.dataset.status = s.status;
    });
    iframe.src = url.href;
  }

  function toEvery(send) {
    for (const bridge of Object.values(window.studioBridges)) {
      send(bridge).catch((err) => console.warn(`hizi-bridge: ${err.code}: ${err.message}`));
    }
  }

  document.getElementById("refresh-all").addEventListener("click", () =>
    toEvery((b) => b.updateBalance()));
  document.getElementById("mute-all").addEventListener("click", () =>
    toEvery((b) => b.setAudio(false)));
  window.studiosReady = Promise.all([...document.querySelectorAll(".studio")].map(open));
})();
