  // ---------------------------------------------------------------- strict JSON
  // JSON.stringify silently turns NaN and Infinity into null, a Date into a string, a Map,
  // Set, Blob or typed array into {}, undefined in an array into null, and drops undefined
  // members; it throws a bare TypeError on a BigInt or a cycle, and lets a string that is not
  // valid Unicode through. A value that would change on the way is refused instead of being
  // "repaired" into a valid one: inbound as a malformed message, outbound as a typed error
  // naming the field. Used on both sides of the wire, so both apply the same rule.
  const NOT_PLAIN = Symbol("not plain JSON");
  // `seen` holds the objects on the current path (a cycle is an object met again on it);
  // `trail` the path itself, as the root's name then array indexes (numbers) and keys
  // (strings), made into text only for a refusal: every call of a valid value would
  // otherwise build the path of each of its members (the round trip's hot path).
  function pathOf(trail) {
    let path = trail[0];
    for (let i = 1; i < trail.length; i++) {
      const step = trail[i];
      path += typeof step === "number" ? `[${step}]` : `.${step}`;
    }
    return path;
  }
  function refuse(trail, why, suffix = "") {
    return { [NOT_PLAIN]: true, path: pathOf(trail) + suffix, why };
  }
  function badUnicode(text) {
    return typeof text.isWellFormed === "function" ? !text.isWellFormed() : /[\ud800-\udfff]/.test(
      text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ""));
  }
  function checkPlain(v, trail, seen) {
      switch (typeof v) {
        case "string":
          if (badUnicode(v)) throw refuse(trail, "is not valid Unicode (a lone surrogate)");
          return;
        case "number":
          if (!Number.isFinite(v)) throw refuse(trail, `is ${v}, which JSON cannot carry`);
          return;
        case "boolean":
          return;
        case "bigint":
          throw refuse(trail, "is a BigInt; pass a number");
        case "undefined":
        case "function":
        case "symbol":
          throw refuse(trail, `is ${typeof v}, which JSON cannot carry`);
        default:
          if (v === null) return;
          if (seen.has(v)) throw refuse(trail, "refers back to itself (a cycle)");
          seen.add(v);
          if (Array.isArray(v)) {
            for (let i = 0; i < v.length; i++) {
              trail.push(i);
              checkPlain(v[i], trail, seen);
              trail.pop();
            }
          } else {
            const proto = Object.getPrototypeOf(v);
            if (proto !== Object.prototype && proto !== null) {
              const name = (v.constructor && v.constructor.name) || "object";
              throw refuse(trail, `is a ${name}, not a plain object`);
            }
            for (const k of Object.keys(v)) {
              const item = v[k];
              if (item === undefined) continue; // an absent optional field, as JSON drops it
              if (badUnicode(k)) {
                throw refuse(trail, "is not valid Unicode (a lone surrogate)",
                  `[${JSON.stringify(k)}] (a key)`);
              }
              trail.push(k);
              checkPlain(item, trail, seen);
              trail.pop();
            }
          }
          seen.delete(v);
      }
    }
  /** JSON text of `root`, or throws {[NOT_PLAIN], path, why} naming the first refused value. */
  function toPlainJson(root, rootPath) {
    try {
      checkPlain(root, [rootPath], new Set());
      return JSON.stringify(root);
    } catch (err) {
      if (err && err[NOT_PLAIN]) throw err;
      // Nested deeper than this thread's stack, or a getter or Proxy trap that threw: the
      // value cannot be read as plain data. The caller hears it typed, not as a bare error.
      const what = err && err.name ? `${err.name}: ${err.message}` : String(err);
      throw { [NOT_PLAIN]: true, path: rootPath, why: `could not be encoded (${what})` };
    }
  }
  // Not JSON: an inbound value that JSON cannot carry becomes a "malformed" rejection.
  const UNSERIALISABLE = "\u0000unserialisable";
  function encodeInbound(data) {
    if (typeof data === "string") return [data, false];
    try {
      return [toPlainJson(data, "data"), true];
    } catch (err) {
      return [UNSERIALISABLE, true];
    }
  }
