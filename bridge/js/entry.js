  // ---------------------------------------------------------------- entry points
  // The options each entry point reads (hizi-bridge.d.ts's LobbyOptions / GameOptions). A
  // name outside them is refused: a misspelt option (requestTimeoutMS) would otherwise be
  // ignored and its default used without a word.
  const COMMON_OPTIONS = ["allowedOrigins", "requestTimeoutMs", "handshakeTimeoutMs", "dialect",
    "currency", "runtime", "assetsUrl", "workerUrl", "bootTimeoutMs", "snapshot"];
  const RUNTIME_OPTIONS = ["runtime", "assetsUrl", "workerUrl", "bootTimeoutMs", "snapshot"];
  const OPTION_NAMES = {
    lobby: new Set([...COMMON_OPTIONS, "iframe", "gameOrigin", "compliance"]),
    game: new Set([...COMMON_OPTIONS, "lobbyOrigin", "lobbyOrigins"]),
    start: new Set(RUNTIME_OPTIONS),
  };
  const MS_OPTIONS = ["requestTimeoutMs", "handshakeTimeoutMs", "bootTimeoutMs"];
  function checkOptions(role, options) {
    if (options === null || typeof options !== "object") {
      throw new HiziBridgeError({ code: "invalid_config",
        message: `hizi-bridge: ${role}() takes one options object` });
    }
    const known = OPTION_NAMES[role];
    for (const key of Object.keys(options)) {
      if (known.has(key)) continue;
      const near = [...known].find((k) => k.toLowerCase() === key.toLowerCase());
      throw new HiziBridgeError({ code: "invalid_config", field: key,
        message: `hizi-bridge: unknown option ${key}` + (near ? `; did you mean ${near}?` :
          `; ${role}() reads ${[...known].join(", ")}`) });
    }
    for (const key of MS_OPTIONS) {
      const v = options[key];
      // JSON would carry NaN or Infinity to the engine as null, that is as "not given".
      if (v !== undefined && v !== null && !(typeof v === "number" && Number.isFinite(v) && v > 0)) {
        throw new HiziBridgeError({ code: "invalid_config", field: key,
          message: `hizi-bridge: option ${key} must be a positive number of ms, not ${String(v)}` });
      }
    }
  }

  function open(Kind, role, options, required) {
    try {
      for (const key of required) {
        if (!options || options[key] === undefined || options[key] === null) {
          throw new HiziBridgeError({ code: "invalid_config", message: `hizi-bridge: option ${key} is required` });
        }
      }
      if (options.compliance !== undefined && options.compliance !== null) {
        try {
          toPlainJson(options.compliance, "compliance"); // NaN would reach Python as null
        } catch (err) {
          if (!err || !err[NOT_PLAIN]) throw err;
          throw new HiziBridgeError({ code: "invalid_config", field: err.path,
            message: `hizi-bridge: option ${err.path} ${err.why}` });
        }
      }
      if (role === "lobby" && !(options.iframe instanceof HTMLIFrameElement)) {
        throw new HiziBridgeError({ code: "invalid_config", message: "hizi-bridge: option iframe must be the game's <iframe> element" });
      }
      const runtime = runtimeFor(options);
      const bridge = new Kind(role, options, runtime);
      if (runtime.state === "failed") bridge._bootFailed(bootFailed(bootInfo.error));
      return bridge.ready;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  G.HiziBridge = Object.freeze({
    version: VERSION,
    messageTypes: Object.freeze({ lobbyToGame: LOBBY_TO_GAME.slice(), gameToLobby: GAME_TO_LOBBY.slice() }),
    HiziBridgeError,
    bootInfo,
    /** Diagnostics and benchmarks (not a stable API): the page's Pyodide with runtime "main". */
    _mainEngine: () => runtimes.mainEngine || null,
    /** Resolves once the bridge is open: the runtime is up and the options were accepted. */
    lobby(options) {
      try {
        checkOptions("lobby", options);
      } catch (err) {
        return Promise.reject(err);
      }
      return open(LobbyBridge, "lobby", options, ["iframe", "gameOrigin"]);
    },
    game(options) {
      try {
        checkOptions("game", options);
        const ancestors = location.ancestorOrigins; // Chromium and WebKit; not Firefox
        const framing = ancestors && ancestors.length ? ancestors[0] : null;
        return open(GameBridge, "game", Launch.gameOptions(options, location.search, framing),
          ["lobbyOrigin"]);
      } catch (err) {
        return Promise.reject(err);
      }
    },
    /**
     * Starts the page's runtime now, so that Python boots while the page does its own work
     * (fetching the game's launch URL, say) instead of after it: the first lobby() / game()
     * then finds it booting or up. Takes the runtime's options only (runtime, assetsUrl,
     * workerUrl, bootTimeoutMs, snapshot); resolves once the runtime is up, rejects with
     * "invalid_config" or "boot_failed". One runtime per page: later calls and bridges share
     * it, and a bridge asking for the other runtime kind is "invalid_config".
     */
    start(options = {}) {
      try {
        checkOptions("start", options);
        return runtimeFor(options).ready.then(() => undefined);
      } catch (err) {
        return Promise.reject(err);
      }
    },
    /** The launch URL's parameters, checked (Python's read_launch); throws "invalid_launch". */
    readLaunch: Launch.readLaunch,
  });
