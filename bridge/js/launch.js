  // ---------------------------------------------------------------- launch parameters
  // HiziBridge.readLaunch(search, allowedLobbies) and the lobby check of
  // game({ lobbyOrigins }): the JS twin of bridge/compliance/launch.py (read_launch,
  // trusted_lobby), on the tables of launch-rules.js, the allow-list of launch-origins.js
  // and the settings of launch-settings.js.
  const Launch = (function () {
    const { show, makePolicy } = LaunchOrigins;
    const { parseSettings, enumText } = LaunchSettings;
    const fail = launchError;
    const ABSOLUTE_URL = /^[A-Za-z][A-Za-z0-9+.\-]*:\/\//;
    const CURRENCIES = new Set(LAUNCH_RULES.currencies.split(" "));
    const LANGUAGE_RE = new RegExp(LAUNCH_RULES.language);

    // launch.py's _non_ascii_why: a Unicode host would take IDNA, where Python's codec
    // (IDNA2003) and the browser's (UTS #46) differ; browsers write origins in ASCII.
    const ASCII_RE = /^[\x00-\x7f]*$/;
    const nonAsciiWhy = (lobby) => `${show(lobby)} is not ASCII: a lobby is an origin as browsers ` +
      "write it, its host in punycode (xn--), as build_game_url gives it";

    function policyFor(allowed, param) {
      try {
        return makePolicy(allowed);
      } catch (err) {
        throw fail(param, err.message);
      }
    }

    // ---- the query: launch.py's _launch_values (application/x-www-form-urlencoded, by hand)
    // Code points, as Python's len(): UTF-16 length first, which is never smaller.
    function longerThan(text, limit) {
      if (text.length <= limit) return false;
      let n = 0;
      for (const _ of text) if (++n > limit) return true;
      return false;
    }
    const utf8 = new TextEncoder();
    const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }); // keep a BOM
    const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;
    // `raw` with "+" as space and %XX decoded, read as UTF-8 (WHATWG percent-decode: a "%"
    // without two hex digits stays); null when that is not text. URLSearchParams would put
    // U+FFFD in place of bad bytes or a lone surrogate, Python's parse_qsl keep the surrogate.
    function formDecoded(raw) {
      if (hasLoneSurrogate(raw)) return null;
      const text = raw.replace(/\+/g, " ");
      if (!text.includes("%")) return text;
      const bytes = utf8.encode(text);
      const out = new Uint8Array(bytes.length);
      let n = 0;
      for (let i = 0; i < bytes.length; i++) {
        const pair = bytes[i] === 0x25 ? String.fromCharCode(bytes[i + 1], bytes[i + 2]) : "";
        if (i + 2 < bytes.length && HEX_PAIR.test(pair)) {
          out[n++] = parseInt(pair, 16);
          i += 2;
        } else out[n++] = bytes[i];
      }
      try { return strictUtf8.decode(out.subarray(0, n)); } catch (err) { return null; }
    }
    function launchValues(query, keys = LAUNCH_RULES.params) {
      if (typeof query !== "string") throw fail("query", "not a string");
      if (longerThan(query, LAUNCH_RULES.maxQuery)) throw fail("query", `longer than ${LAUNCH_RULES.maxQuery} characters`);
      if (ABSOLUTE_URL.test(query)) {
        // The query of a whole URL: after the first "?", before the "#" (as launch.py splits).
        const bare = query.split("#")[0];
        query = bare.includes("?") ? bare.slice(bare.indexOf("?") + 1) : "";
      }
      const values = new Map();
      // A hand-written link may carry lobby=https://... unencoded: it reads as is.
      for (const piece of (query.startsWith("?") ? query.slice(1) : query).split("&")) {
        const eq = piece.indexOf("=");
        const key = formDecoded(eq < 0 ? piece : piece.slice(0, eq));
        if (!piece || !keys.includes(key)) continue; // other parameters pass, unread
        // Two lobby= values would let a checker and a user of the URL disagree.
        if (values.has(key)) throw fail(key, "given more than once");
        const value = formDecoded(eq < 0 ? "" : piece.slice(eq + 1));
        if (value === null) throw fail(key, LAUNCH_RULES.why.notText);
        values.set(key, value);
      }
      return values;
    }

    /** Python's read_launch: {mode, language, currency, lobby, settings} (settings: those
     * not at their default, Appendix C's camelCase names); throws "invalid_launch". */
    function readLaunch(query, allowedLobbies) {
      const values = launchValues(query);
      for (const key of ["mode", "language", "currency", "lobby"]) {
        if (!values.get(key)) throw fail(key, "missing");
      }
      const policy = policyFor(allowedLobbies, "allowedLobbies");
      const lobby = values.get("lobby");
      if (!ASCII_RE.test(lobby)) throw fail("lobby", nonAsciiWhy(lobby));
      const decision = policy.check(lobby);
      if (!decision.allowed) throw fail("lobby", `not an allowed lobby origin: ${decision.reason}`);
      const settings = values.has("settings") ? parseSettings(values.get("settings")) : {};
      const mode = values.get("mode");
      if (!LAUNCH_RULES.modes.includes(mode)) throw fail("mode", `Input should be ${enumText(LAUNCH_RULES.modes)}`);
      const language = values.get("language");
      if (!LANGUAGE_RE.test(language)) throw fail("language", `String should match pattern '${LAUNCH_RULES.language}'`);
      const currency = values.get("currency");
      if (!/^[A-Z]{3}$/.test(currency)) throw fail("currency", "String should match pattern '^[A-Z]{3}$'");
      if (!CURRENCIES.has(currency)) throw fail("currency", `Value error, '${currency}' is not an active ISO 4217 currency code`);
      return { mode, language, currency, lobby: decision.origin, settings };
    }

    /** Python's trusted_lobby: the `lobby` parameter of `query`, allowed by `lobbyOrigins`
     * and equal to `framingOrigin` (location.ancestorOrigins[0]) where that is known. Throws
     * "invalid_launch" for bad patterns, "untrusted_lobby" (field "lobby") for the rest. */
    function trustedLobby(query, lobbyOrigins, framingOrigin) {
      const policy = policyFor(lobbyOrigins, "lobbyOrigins");
      const patterns = policy.entries;
      if (!patterns.length) throw fail("lobbyOrigins", "empty: name at least one lobby origin");
      const untrusted = (value, why) => {
        const shown = value === null ? "absent" : show(value, 200);
        const err = new HiziBridgeError({ code: "untrusted_lobby", field: "lobby",
          message: `hizi-bridge: lobby: ${why} (the launch parameter is ${shown}; allowed ` +
            `lobbies: ${patterns.join(", ")}); nothing was posted` });
        err.value = value;
        err.patterns = patterns.slice();
        return err;
      };
      let values;
      try { values = launchValues(query, ["lobby"]); } catch (err) {
        // Too long, not text, or lobby= twice.
        throw untrusted(null, err.field === "lobby" ? err.message.slice("lobby: ".length) : err.message);
      }
      const lobby = values.get("lobby") || null;
      if (lobby === null) throw untrusted(null, "missing from the launch URL");
      if (!ASCII_RE.test(lobby)) throw untrusted(lobby, nonAsciiWhy(lobby));
      const decision = policy.check(lobby);
      if (!decision.allowed) throw untrusted(lobby, `not an allowed lobby origin: ${decision.reason}`);
      if (framingOrigin && framingOrigin !== "null" && framingOrigin !== decision.origin) {
        throw untrusted(lobby, `not the origin that frames this game (the browser says ${show(framingOrigin, 200)})`);
      }
      return decision.origin;
    }
    /** game()'s options with `lobbyOrigins` resolved: the page's launch URL (`search`) names
     * the lobby, trusted only when it matches a pattern and, where the browser tells it
     * (`framingOrigin`, location.ancestorOrigins[0]), is the origin that frames the page. Decided
     * before the bridge exists, so a refused lobby is never posted to. Throws "invalid_config"
     * (both or neither of lobbyOrigin / lobbyOrigins, allowedOrigins beside lobbyOrigins, bad
     * patterns) or "untrusted_lobby". */
    function gameOptions(options, search, framingOrigin) {
      const o = options || {};
      const exact = o.lobbyOrigin !== undefined && o.lobbyOrigin !== null;
      const patterns = o.lobbyOrigins !== undefined && o.lobbyOrigins !== null;
      const config = (message, field) => new HiziBridgeError({ code: "invalid_config", field,
        message: `hizi-bridge: ${message}` });
      if (exact && patterns) {
        throw config("give lobbyOrigin (one exact origin) or lobbyOrigins (the allowed lobbies, " +
          "read from the launch URL's lobby parameter), not both", "lobbyOrigins");
      }
      if (!exact && !patterns) {
        throw config("option lobbyOrigins (the lobby origins this game allows, e.g. " +
          "[\"https://*.casino.example\"]) or lobbyOrigin (one exact origin) is required", "lobbyOrigins");
      }
      if (!patterns) return o;
      if (o.allowedOrigins !== undefined && o.allowedOrigins !== null) {
        throw config("allowedOrigins goes with lobbyOrigin; with lobbyOrigins the lobby the launch " +
          "URL names (once allowed) is the only origin heard", "allowedOrigins");
      }
      if (!Array.isArray(o.lobbyOrigins) || !o.lobbyOrigins.length) {
        throw config("option lobbyOrigins must be a non-empty array of origins or " +
          "https://*.domain patterns", "lobbyOrigins");
      }
      let lobby;
      try {
        lobby = trustedLobby(search, o.lobbyOrigins, framingOrigin);
      } catch (err) {
        if (err.code === "invalid_launch") throw config(`option ${err.message}`, err.field);
        throw err;
      }
      const resolved = Object.assign({}, o, { lobbyOrigin: lobby });
      delete resolved.lobbyOrigins;
      return resolved;
    }
    return Object.freeze({ readLaunch, trustedLobby, makePolicy, gameOptions });
  })();
