  // ================================================================ page side
  // ---------------------------------------------------------------- early buffer
  // Installed at load: a peer may talk while the runtime boots. Kept per sending window:
  // a bridge claims the events of its own paired window (and from then on its own listener
  // hears that window); the rest stay for the bridge that will claim them. Budget per window,
  // so one flooding frame cannot push another frame's first messages out.
  const EARLY_LIMIT = 10000;
  const EARLY_PER_SENDER = 1000;
  const earlyBySender = new Map();
  const claimed = new Set();
  const early = {
    events: [],
    overflow: 0,
    stopped: false,
    claim(win) {
      claimed.add(win);
      const mine = [];
      const rest = [];
      for (const e of early.events) (e.source === win ? mine : rest).push(e);
      early.events = rest;
      earlyBySender.delete(win);
      return mine;
    },
    release(win) {
      claimed.delete(win);
    },
  };
  function onEarly(ev) {
    const sender = ev.source || early; // no source (e.g. a closed window): one shared budget
    if (claimed.has(sender)) return; // its bridge listens itself
    const sent = earlyBySender.get(sender) || 0;
    if (early.events.length >= EARLY_LIMIT || sent >= EARLY_PER_SENDER) {
      early.overflow += 1;
      return;
    }
    earlyBySender.set(sender, sent + 1);
    early.events.push({ data: ev.data, origin: ev.origin, source: ev.source, ports: ev.ports });
  }
  window.addEventListener("message", onEarly);
  Object.defineProperty(G, "__hiziBridgeEarly", { value: early });
