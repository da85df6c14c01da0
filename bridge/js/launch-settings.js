  // ---------------------------------------------------------------- launch settings
  // The launch URL's `settings` parameter: GameSettings.parse (bridge/compliance/settings.py)
  // from its JSON schema (LAUNCH_RULES.settings), with its strict JSON: nesting deeper than
  // LAUNCH_RULES.maxJsonDepth, NaN / Infinity, a lone surrogate or a member name given twice
  // are refused. parseSettings(text) -> the settings not at their default; throws
  // launchError("settings", ...).
  const LaunchSettings = (function () {
    const INT_WHY = "must be an integer (money: 1/100 of the currency unit; times: ms)";
    const WHY = LAUNCH_RULES.why;
    // settings.py's _nesting: the deepest [/{ nesting outside strings, valid JSON or not.
    function nesting(text) {
      let depth = 0;
      let deepest = 0;
      let inString = false;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (inString) {
          if (c === "\\") i += 1;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === "{" || c === "[") deepest = Math.max(deepest, ++depth);
        else if (c === "}" || c === "]") depth -= 1;
      }
      return deepest;
    }
    // What JSON.parse cannot tell about a valid JSON text: the top-level members written as
    // non-integers (1.0, 1e3: Python's json reads floats, which an integer setting refuses),
    // and the first member name given twice in one object, objects taken as they close
    // (inner ones first), as Python's object_pairs_hook sees them.
    function jsonFacts(text) {
      const floats = new Set();
      let duplicate = null;
      const open = []; // per open [ or {: the names of an object so far, null for an array
      let key = null;
      let expectKey = false;
      for (let i = 0; i < text.length;) {
        const c = text[i];
        if (c === '"') {
          let j = i + 1;
          while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
          if (expectKey) {
            const name = JSON.parse(text.slice(i, j + 1));
            open[open.length - 1].push(name);
            if (open.length === 1) key = name;
          }
          expectKey = false;
          i = j + 1;
        } else if (c === "-" || (c >= "0" && c <= "9")) {
          let j = i;
          while (j < text.length && /[0-9eE+\-.]/.test(text[j])) j++;
          if (open.length === 1 && key !== null && /[.eE]/.test(text.slice(i, j))) floats.add(key);
          i = j;
        } else {
          if (c === "{") open.push([]);
          else if (c === "[") open.push(null);
          else if (c === "}" || c === "]") {
            const names = open.pop();
            if (names && duplicate === null) {
              const seen = new Set();
              for (const name of names) {
                if (seen.has(name)) { duplicate = name; break; }
                seen.add(name);
              }
            }
          }
          if ("{}[],:".includes(c)) { // whitespace and literals leave the expectation as it is
            expectKey = Array.isArray(open[open.length - 1]) && (c === "{" || c === ",");
          }
          i += 1;
        }
      }
      return { floats, duplicate };
    }
    function holdsLoneSurrogate(v) {
      if (typeof v === "string") return hasLoneSurrogate(v);
      if (Array.isArray(v)) return v.some(holdsLoneSurrogate);
      if (v !== null && typeof v === "object") {
        return Object.keys(v).some((k) => hasLoneSurrogate(k) || holdsLoneSurrogate(v[k]));
      }
      return false;
    }
    function settingProblem(name, spec, v, floats) {
      if (v === null && spec.nullable) return null;
      const ms = LAUNCH_RULES.msSettings.includes(name);
      if (spec.type === "boolean") return typeof v === "boolean" ? null : "must be true or false";
      if (spec.type === "integer") {
        // An integer literal too long for a double reads as +-Infinity: out of range, as in
        // Python (JSON has no Infinity of its own, so no other way gives one).
        if (typeof v !== "number" || floats.has(name)) return INT_WHY;
        if (v < spec.minimum) return ms ? `must be >= ${spec.minimum} ms` : `Input should be greater than or equal to ${spec.minimum}`;
        if (v > spec.maximum) return ms ? `must be <= ${spec.maximum} ms` : `Input should be less than or equal to ${spec.maximum}`;
        return null;
      }
      if (typeof v !== "string") return spec.enum ? `Input should be ${enumText(spec.enum)}` : "Input should be a valid string";
      if (spec.enum) return spec.enum.includes(v) ? null : `Input should be ${enumText(spec.enum)}`;
      if (spec.maxLength !== undefined && [...v].length > spec.maxLength) return `String should have at most ${spec.maxLength} characters`;
      // The URL settings' pattern (fields.py's URL_PATTERN: no whitespace, control or invisible
      // character, spelled out so every regex engine reads it alike).
      if (spec.pattern && !new RegExp(spec.pattern, "u").test(v)) return WHY.url;
      if (spec.pattern) { // the URL settings: settings.py's _no_credentials
        const authority = v.slice(v.indexOf("://") + 3).split(/[/?#\\]/)[0];
        if (authority.includes("@")) return "must not carry credentials (user:password@)";
      }
      return null;
    }
    const enumText = (values) => values.map((v) => `'${v}'`).join(values.length > 2 ? ", " : " or ")
      .replace(/, ([^,]*)$/, " or $1");
    function parseSettings(text) {
      const refuse = (name, why) => launchError("settings", `${name}: ${why}`);
      if (nesting(text) > LAUNCH_RULES.maxJsonDepth) {
        throw refuse("settings", `nested deeper than ${LAUNCH_RULES.maxJsonDepth} levels`);
      }
      let value;
      try { value = JSON.parse(text); } catch (err) { throw refuse("settings", "not valid JSON"); }
      if (holdsLoneSurrogate(value)) throw refuse("settings", WHY.loneSurrogate);
      const { floats, duplicate } = jsonFacts(text);
      if (duplicate !== null) throw refuse(duplicate, "given more than once");
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw launchError("settings", "settings: expected a JSON object");
      }
      const problems = [];
      const wire = {};
      const specs = LAUNCH_RULES.settings;
      for (const [name, spec] of Object.entries(specs)) {
        if (!Object.prototype.hasOwnProperty.call(value, name)) continue;
        const why = settingProblem(name, spec, value[name], floats);
        if (why !== null) problems.push([name, why]);
        else if (value[name] !== spec.default) wire[name] = value[name];
      }
      for (const name of Object.keys(value)) {
        if (!Object.prototype.hasOwnProperty.call(specs, name)) problems.push([name, "not an Appendix C setting"]);
      }
      if (!problems.length) {
        const rcEnabled = value.rcEnabled === true;
        if (rcEnabled && (value.rcInterval === undefined || value.rcInterval === null)) {
          problems.push(["rcInterval", "required when rcEnabled is true"]);
        } else if (typeof value.minStake === "number" && typeof value.maxStake === "number" && value.minStake > value.maxStake) {
          problems.push(["minStake", "must not exceed maxStake"]);
        }
      }
      if (problems.length) throw launchError("settings", problems.map(([n, why]) => `${n}: ${why}`).join("; "));
      return wire;
    }
    return Object.freeze({ parseSettings, enumText });
  })();
