  // ---------------------------------------------------------------- launch origins
  // The allow-list of lobby origins: bridge/core/origin.py's OriginPolicy and
  // origin_parse.py's strict reader, rule for rule, and origin_parse.show for untrusted
  // text in messages. makePolicy(allowed) -> { entries, check(origin) }.
  const LaunchOrigins = (function () {
    const DEFAULT_PORTS = { https: 443, http: 80 };
    const ANY_PORT = 0; // a loopback entry with an open port: http://localhost:*
    const MAX_ORIGIN_LEN = 1024;
    const MAX_HOST_LEN = 253;
    const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.\-]*$/;
    const PORT_RE = /^[0-9]{1,5}$/;
    const LABEL_RE = /^[a-z0-9_\-]+$/;
    const HEX_RE = /^0[xX][0-9A-Fa-f]*$/;
    // Python's \s (str.isspace) spelled out: JS's \s also holds U+FEFF, Python's does not.
    const BAD_CHARS_RE = /[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
    // origin_parse.py's _INVISIBLE_RE (Default_Ignorable_Code_Point and U+180E, but for ZWNJ
    // and ZWJ, which IDNA_DEVIATIONS names) and INVISIBLE_WHY.
    const INVISIBLE_RE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}\u{e0000}-\u{e0fff}]/u;
    const INVISIBLE_WHY = "contains an invisible character (zero-width, bidi control, variation selector, BOM...)";
    const IDNA_DEVIATIONS = /[\u00df\u03c2\u200c\u200d]/;
    const OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    const IPV4_RE = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

    // Untrusted text in a message as origin_parse.show (Python's repr()) shows it: quoted
    // (double quotes when it holds a ' and no "), each character Python would not print
    // escaped as repr escapes it (\x85, \u2028, \ufeff; an emoji is printable and stays), cut
    // at `limit` code points with "…" after; other types by their Python (JSON) names.
    const PY_TYPES = { number: "int", boolean: "bool", object: "dict", undefined: "NoneType" };
    // Python's str.isprintable() is false for these categories (but for " ").
    const UNPRINTABLE_RE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
    const hex = (n, width) => n.toString(16).padStart(width, "0");
    function reprChar(ch, q) {
      if (ch === "\\") return "\\\\";
      if (ch === q) return "\\" + q;
      if (ch === "\t") return "\\t";
      if (ch === "\n") return "\\n";
      if (ch === "\r") return "\\r";
      if (ch === " " || !UNPRINTABLE_RE.test(ch)) return ch;
      const cp = ch.codePointAt(0);
      return cp < 0x100 ? `\\x${hex(cp, 2)}` : cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
    }
    function show(v, limit = 80) {
      if (typeof v !== "string") {
        const type = v === null ? "NoneType" : Array.isArray(v) ? "list"
          : typeof v === "number" && !Number.isInteger(v) ? "float" : PY_TYPES[typeof v] || typeof v;
        return `<${type}>`;
      }
      // Code points, as Python slices; over 2 * limit UTF-16 units there are more than limit.
      const head = Array.from(v.slice(0, 2 * limit));
      const cut = head.slice(0, limit);
      const more = head.length > limit || v.length > 2 * limit;
      const q = cut.includes("'") && !cut.includes('"') ? '"' : "'";
      return q + cut.map((ch) => reprChar(ch, q)).join("") + q + (more ? "…" : "");
    }

    // ---- origins: bridge/core/origin_parse.py's parse_origin, rule for rule
    function parseDomain(raw) {
      if (IDNA_DEVIATIONS.test(raw)) {
        throw new Error(`host ${show(raw)} contains ß, ς, ZWJ or ZWNJ, which browsers and ` +
          "IDNA2003 encode differently; give the punycode (xn--) form instead");
      }
      let host;
      const labels = raw.split(".");
      // As Python's idna codec: no empty label (but a final one) and none over 63 characters.
      const bad = labels.some((l, i) => (l === "" && i !== labels.length - 1) || l.length > 63);
      if (/^[\x00-\x7f]*$/.test(raw)) {
        if (bad || raw === "") throw new Error(`host ${show(raw)} is not a valid internationalised domain name`);
        host = raw.toLowerCase();
      } else {
        // origin_parse.py's _NOT_HOST_ASCII_RE, before IDNA as there.
        if (/[^A-Za-z0-9_.\-\u0080-\uffff]/.test(raw)) throw new Error(`host ${show(raw)} contains characters not allowed in a hostname`);
        try { // the browser's own IDNA (UTS #46), which event.origin uses
          host = new URL(`http://${raw}/`).hostname;
        } catch (err) {
          throw new Error(`host ${show(raw)} is not a valid internationalised domain name`);
        }
        if (bad) throw new Error(`host ${show(raw)} is not a valid internationalised domain name`);
      }
      if (host.endsWith(".")) {
        throw new Error(`host ${show(host)} ends with a dot, which browsers treat as a ` +
          "different origin from the name without it");
      }
      if (host.length > MAX_HOST_LEN) throw new Error(`host is longer than ${MAX_HOST_LEN} characters`);
      for (const label of host.split(".")) {
        if (!LABEL_RE.test(label)) throw new Error(`host ${show(host)} contains characters not allowed in a hostname`);
        if (label.startsWith("-") || label.endsWith("-")) {
          throw new Error(`host ${show(host)} has a label that starts or ends with '-', which a hostname may not`);
        }
      }
      return host;
    }
    function parseHost(raw) {
      if (raw.startsWith("[")) {
        if (!raw.endsWith("]")) throw new Error("unterminated IPv6 literal");
        const inner = raw.slice(1, -1);
        if (inner.includes("%")) throw new Error("IPv6 zone identifiers are not allowed in origins");
        if (!/^[0-9A-Fa-f:.]+$/.test(inner)) throw new Error(`invalid IPv6 address ${show(inner)}`);
        try { // the WHATWG serialiser (what event.origin holds), as origin.py's _serialise_ipv6
          return [new URL(`http://[${inner}]/`).hostname, "ipv6"];
        } catch (err) {
          throw new Error(`invalid IPv6 address ${show(inner)}`);
        }
      }
      if (raw.includes(":")) throw new Error("IPv6 addresses must be in brackets");
      const last = raw.replace(/\.+$/, "").split(".").pop();
      // WHATWG: a host whose last label is numeric is parsed as IPv4, never as a domain.
      if (last && (/^[0-9]+$/.test(last) || HEX_RE.test(last))) {
        if (!IPV4_RE.test(raw)) throw new Error(`host ${show(raw)} is not a canonical dotted-quad IPv4 address`);
        return [raw, "ipv4"];
      }
      return [parseDomain(raw), "domain"];
    }
    const isLoopback = (o) => (o.kind === "domain" ? o.host === "localhost"
      : o.kind === "ipv4" ? o.host.startsWith("127.") : o.host === "[::1]");
    function serialise(o) {
      const host = o.wildcard ? `*.${o.host}` : o.host;
      if (o.port === ANY_PORT) return `${o.scheme}://${host}:*`;
      return o.port === DEFAULT_PORTS[o.scheme] ? `${o.scheme}://${host}` : `${o.scheme}://${host}:${o.port}`;
    }
    function parseOrigin(value, allowWildcard) {
      if (!value) throw new Error("empty origin");
      if (value.length > MAX_ORIGIN_LEN) throw new Error(`longer than ${MAX_ORIGIN_LEN} characters`);
      if (BAD_CHARS_RE.test(value)) throw new Error("contains whitespace or control characters");
      if (INVISIBLE_RE.test(value)) throw new Error(INVISIBLE_WHY);
      const sep = value.indexOf("://");
      const rawScheme = sep < 0 ? "" : value.slice(0, sep);
      if (sep < 0 || !SCHEME_RE.test(rawScheme)) throw new Error("not of the form scheme://host[:port]");
      const scheme = rawScheme.toLowerCase();
      if (!(scheme in DEFAULT_PORTS)) throw new Error(`scheme ${scheme} not supported (only https, or http for loopback)`);
      const rest = value.slice(sep + 3);
      for (const char of rest) {
        if (char === "/") throw new Error("has a path (even a single '/'); browsers never send one in an origin");
        if (char === "?") throw new Error("has a query; an origin is only scheme://host[:port]");
        if (char === "#") throw new Error("has a fragment; an origin is only scheme://host[:port]");
        if (char === "\\") throw new Error("contains a backslash, which URL parsers read as '/'");
      }
      if (rest.includes("@")) throw new Error("has userinfo (user@host); an origin never carries credentials");
      let hostRaw;
      let portRaw = null;
      if (rest.startsWith("[")) {
        const close = rest.indexOf("]");
        const portPart = close < 0 ? "" : rest.slice(close + 1);
        hostRaw = close < 0 ? rest : rest.slice(0, close + 1);
        if (portPart && !portPart.startsWith(":")) throw new Error("unexpected characters after IPv6 literal");
        if (portPart) portRaw = portPart.slice(1);
      } else if (rest.split(":").length > 2) {
        throw new Error("IPv6 addresses must be in brackets");
      } else {
        const colon = rest.indexOf(":");
        hostRaw = colon < 0 ? rest : rest.slice(0, colon);
        if (colon >= 0) portRaw = rest.slice(colon + 1);
      }
      let port;
      if (portRaw === null) port = DEFAULT_PORTS[scheme];
      else if (portRaw === "*" && allowWildcard) port = ANY_PORT;
      else {
        if (!PORT_RE.test(portRaw)) throw new Error(`port ${show(portRaw)} is not a number from 1 to 65535`);
        port = Number(portRaw);
        if (port < 1 || port > 65535) throw new Error(`port ${port} is not a number from 1 to 65535`);
      }
      if (!hostRaw) throw new Error("missing host");
      let wildcard = false;
      if (hostRaw.includes("*")) {
        if (!allowWildcard) throw new Error("'*' is not allowed in an origin");
        const base = hostRaw.startsWith("*.") ? hostRaw.slice(2) : "";
        if (!base || base.includes("*")) {
          throw new Error("'*' must be the whole left-most label, once, followed by a domain (like https://*.example.com)");
        }
        if (scheme !== "https") throw new Error("wildcard entries must use https");
        hostRaw = base;
        wildcard = true;
      }
      const [host, kind] = parseHost(hostRaw);
      const parsed = { scheme, host, port, kind, wildcard };
      if (port === ANY_PORT && (wildcard || !isLoopback(parsed))) {
        throw new Error("a port wildcard (':*') is only for a loopback host (localhost, 127.0.0.0/8, " +
          "[::1]), for development; name the port of any other origin");
      }
      if (wildcard) {
        if (kind !== "domain") throw new Error("a wildcard base must be a domain name, not an IP address");
        if (!host.includes(".")) {
          throw new Error(`wildcard is too broad: *.${host} needs at least two labels after '*.' (like *.example.com)`);
        }
      }
      return parsed;
    }
    function parseEntry(entry) {
      const refuse = (reason) => { const e = new Error(`invalid allow-list entry ${show(entry)}: ${reason}`); e.entry = entry; throw e; };
      if (typeof entry !== "string") refuse("entry is not a string");
      if (entry === "*") refuse("'*' would allow every origin");
      if (entry === "null") {
        refuse("'null' is the opaque origin shared by every sandboxed frame, data: URL and " +
          "file: page, so it identifies no one");
      }
      let parsed;
      try { parsed = parseOrigin(entry, true); } catch (err) { refuse(err.message); }
      if (parsed.scheme === "http" && !isLoopback(parsed)) {
        refuse(`scheme http not allowed for non-loopback host ${parsed.host}; use https ` +
          "(http is only for localhost, 127.0.0.0/8 and [::1])");
      }
      return parsed;
    }

    /** OriginPolicy's check: {allowed, reason}; `entries` normalised, exact ones first. */
    function makePolicy(allowed) {
      if (typeof allowed === "string" || !allowed || typeof allowed[Symbol.iterator] !== "function") {
        throw new TypeError("allowed must be an iterable of origin strings, not a single str");
      }
      const exact = new Map();
      const wildcards = new Map();
      for (const entry of allowed) {
        const p = parseEntry(entry);
        const into = p.wildcard ? wildcards : exact;
        if (!into.has(serialise(p))) into.set(serialise(p), p);
      }
      const entries = [...exact.keys(), ...wildcards.keys()];
      function check(origin) {
        if (typeof origin !== "string") return { allowed: false, reason: `origin is not a string (got ${typeof origin})` };
        if (origin === "null") return { allowed: false, reason: "opaque origin 'null' (sandboxed frame, data: URL or file: page)" };
        let o;
        try { o = parseOrigin(origin, false); } catch (err) {
          return { allowed: false, reason: `malformed origin ${show(origin)}: ${err.message}` };
        }
        if (o.scheme === "http" && !isLoopback(o)) return { allowed: false, reason: `scheme http not allowed for non-loopback host ${o.host}` };
        const normal = serialise(o);
        const e = exact.get(normal);
        if (e && e.port !== ANY_PORT) return { allowed: true, reason: `exact match ${normal}`, origin: normal };
        const candidates = [];
        for (const p of exact.values()) {
          if (p.host !== o.host) continue;
          if (p.port === ANY_PORT && p.scheme === o.scheme) {
            return { allowed: true, reason: `loopback match ${o.scheme}://${o.host}:* (any port)`, origin: normal };
          }
          candidates.push(p);
        }
        for (const p of wildcards.values()) {
          if (o.host.endsWith("." + p.host)) {
            if (o.scheme === p.scheme && o.port === p.port) return { allowed: true, reason: `wildcard match ${serialise(p)}`, origin: normal };
            candidates.push(p);
          }
        }
        return { allowed: false, reason: explainMiss(o, candidates) };
      }
      function explainMiss(o, candidates) {
        if (!candidates.length) {
          for (const p of wildcards.values()) {
            if (p.host === o.host) return `host ${o.host} is not in the allow-list (${serialise(p)} matches subdomains only)`;
          }
          return `host ${o.host} is not in the allow-list`;
        }
        const same = candidates.filter((c) => c.scheme === o.scheme);
        if (!same.length) {
          const schemes = [...new Set(candidates.map((c) => c.scheme))].sort().join(", ");
          return `scheme ${o.scheme} differs from allowed ${schemes} for host ${o.host}`;
        }
        const ports = [...new Set(same.map((c) => c.port))].sort((a, b) => a - b).join(", ");
        return `port ${o.port} differs from allowed ${ports} for host ${o.host}`;
      }
      return { entries, check };
    }
    return Object.freeze({ show, makePolicy });
  })();
