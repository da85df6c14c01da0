  // ---------------------------------------------------------------- strict JSON
  // JSON.stringify silently turns NaN and Infinity into null, a Date into a string, a Map,
  // Set, Blob or typed array into {}, undefined in an array into null, and drops undefined
  // members; it throws a bare TypeError on a BigInt or a cycle, and lets a string that is not
  // valid Unicode through. A value that would change on the way is refused instead of being
  // "repaired" into a valid one: inbound as a malformed message, outbound as a typed error
  // naming the field. Used on both sides of the wire, so both apply the same rule.
  const NOT_PLAIN = Symbol("not plain JSON");
  // `seen` holds the objects on the current path (a cycle is an object met again on it).
  function checkPlain(v, path, seen) {
      switch (typeof v) {
        case "string":
          if (typeof v.isWellFormed === "function" ? !v.isWellFormed() : /[\ud800-\udfff]/.test(
            v.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ""))) {
            throw { [NOT_PLAIN]: true, path, why: "is not valid Unicode (a lone surrogate)" };
          }
          return;
        case "number":
          if (!Number.isFinite(v)) throw { [NOT_PLAIN]: true, path, why: `is ${v}, which JSON cannot carry` };
          return;
        case "boolean":
          return;
        case "bigint":
          throw { [NOT_PLAIN]: true, path, why: "is a BigInt; pass a number" };
        case "undefined":
        case "function":
        case "symbol":
          throw { [NOT_PLAIN]: true, path, why: `is ${typeof v}, which JSON cannot carry` };
        default:
          if (v === null) return;
          if (seen.has(v)) throw { [NOT_PLAIN]: true, path, why: "refers back to itself (a cycle)" };
          seen.add(v);
          if (Array.isArray(v)) {
            for (let i = 0; i < v.length; i++) checkPlain(v[i], `${path}[${i}]`, seen);
          } else {
            const proto = Object.getPrototypeOf(v);
            if (proto !== Object.prototype && proto !== null) {
              const name = (v.constructor && v.constructor.name) || "object";
              throw { [NOT_PLAIN]: true, path, why: `is a ${name}, not a plain object` };
            }
            for (const k of Object.keys(v)) {
              if (v[k] === undefined) continue; // an absent optional field, as JSON drops it
              checkPlain(k, `${path}[${JSON.stringify(k)}] (a key)`, seen);
              checkPlain(v[k], `${path}.${k}`, seen);
            }
          }
          seen.delete(v);
      }
    }
  /** JSON text of `root`, or throws {[NOT_PLAIN], path, why} naming the first refused value. */
  function toPlainJson(root, rootPath) {
    try {
      checkPlain(root, rootPath, new Set());
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
