  // ---------------------------------------------------------------- launch settings
  // The launch URL's `settings` parameter: GameSettings.parse (bridge/compliance/settings.py)
  // from its JSON schema (LAUNCH_RULES.settings). parseSettings(text) -> the settings not at
  // their default; throws launchError("settings", ...).
  const LaunchSettings = (function () {
    const INT_WHY = "must be an integer (money: 1/100 of the currency unit; times: ms)";
    // The top-level members of a JSON object's text written as non-integers (1.0, 1e3): Python's
    // json reads them as floats, which an integer setting refuses; JSON.parse cannot tell.
    function floatMembers(text) {
      const out = new Set();
      let depth = 0;
      let key = null;
      let expectKey = false;
      for (let i = 0; i < text.length;) {
        const c = text[i];
        if (c === '"') {
          let j = i + 1;
          while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
          if (depth === 1 && expectKey) {
            try { key = JSON.parse(text.slice(i, j + 1)); } catch (err) { key = null; }
          }
          i = j + 1;
        } else if (c === "-" || (c >= "0" && c <= "9")) {
          let j = i;
          while (j < text.length && /[0-9eE+\-.]/.test(text[j])) j++;
          if (depth === 1 && key !== null && /[.eE]/.test(text.slice(i, j))) out.add(key);
          i = j;
        } else {
          if (c === "{" || c === "[") depth += 1;
          else if (c === "}" || c === "]") depth -= 1;
          if (c === "{" || c === "," || c === ":") expectKey = depth === 1 && c !== ":";
          i += 1;
        }
      }
      return out;
    }
    function settingProblem(name, spec, v, floats) {
      if (v === null && spec.nullable) return null;
      const ms = LAUNCH_RULES.msSettings.includes(name);
      if (spec.type === "boolean") return typeof v === "boolean" ? null : "must be true or false";
      if (spec.type === "integer") {
        if (typeof v !== "number" || !Number.isInteger(v) || floats.has(name)) return INT_WHY;
        if (v < spec.minimum) return ms ? `must be >= ${spec.minimum} ms` : `Input should be greater than or equal to ${spec.minimum}`;
        if (v > spec.maximum) return ms ? `must be <= ${spec.maximum} ms` : `Input should be less than or equal to ${spec.maximum}`;
        return null;
      }
      if (typeof v !== "string") return spec.enum ? `Input should be ${enumText(spec.enum)}` : "Input should be a valid string";
      if (spec.enum) return spec.enum.includes(v) ? null : `Input should be ${enumText(spec.enum)}`;
      if (spec.maxLength !== undefined && [...v].length > spec.maxLength) return `String should have at most ${spec.maxLength} characters`;
      if (spec.pattern && !new RegExp(spec.pattern, "u").test(v)) return `String should match pattern '${spec.pattern}'`;
      if (spec.pattern) { // the URL settings: settings.py's _no_credentials
        const authority = v.slice(v.indexOf("://") + 3).split(/[/?#\\]/)[0];
        if (authority.includes("@")) return "must not carry credentials (user:password@)";
      }
      return null;
    }
    const enumText = (values) => values.map((v) => `'${v}'`).join(values.length > 2 ? ", " : " or ")
      .replace(/, ([^,]*)$/, " or $1");
    function parseSettings(text) {
      let value;
      try { value = JSON.parse(text); } catch (err) { throw launchError("settings", "settings: not valid JSON"); }
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw launchError("settings", "settings: expected a JSON object");
      }
      const problems = [];
      const wire = {};
      const specs = LAUNCH_RULES.settings;
      const floats = floatMembers(text);
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

    /** Python's read_launch: {mode, language, currency, lobby, settings} (settings: those
     * not at their default, Appendix C's camelCase names); throws "invalid_launch". */
    return Object.freeze({ parseSettings, enumText });
  })();
