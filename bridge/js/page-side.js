  // ---------------------------------------------------------------- page side of a bridge
  // The window listener (origin allow-list, event.source), the iframe load listener and the
  // window posts of one bridge; everything else goes to the engine through `toEngine`.
  const FAST_LIMIT = 256;
  const WELCOME = "hiziBridge.welcome";
  function makePageSide(bridgeId, iframe, toEngine, sink) {
    const paired = iframe ? () => iframe.contentWindow : () => window.parent;
    let allowed = new Set();
    let wildcards = false;
    let removal = null; // the MutationObserver that sees the iframe leave the document
    let attached = true;
    let listening = false;
    let loadListening = false;
    let closed = false;
    let claimedWin = null;
    const reported = new Set(); // "reason origin" already told to Python (counted, journaled)
    const fast = { origin: 0, source: 0 }; // repeats, counted here only
    let earlyReplayed = 0;
    let ioErrors = 0;
    const targets = new Set();

    function onWindow(ev) {
      if (closed) return;
      const origin = String(ev.origin);
      const source = ev.source;
      // Compared here: a WindowProxy never leaves the page.
      const fromPeer = source != null && source === paired();
      // Another bridge's game on this page (a multi-game lobby): its business, not a refusal.
      if (!fromPeer && source != null && claimed.has(source)) return;
      // A pre-filter: the exact entries here; an origin that only a wildcard entry could
      // allow goes on to Python, which checks every window event's origin again anyway.
      const reason = !(allowed.has(origin) || wildcards) ? "origin" : !fromPeer ? "source" : null;
      if (reason !== null) {
        const key = reason + " " + origin;
        if (reported.has(key) || reported.size >= FAST_LIMIT) {
          fast[reason] += 1; // counted, never read: event.data is not even serialised
          return;
        }
        reported.add(key);
        toEngine(pageOps.refused(bridgeId, reason, origin)); // counted and journaled there
        return;
      }
      // Only a welcome's port goes to the engine: transferring a port takes it from every other
      // listener on this page (another library's handshake on the same frames, say), so a
      // port that came with anything else is left where it is (the engine refuses a welcome
      // without one).
      const data = ev.data;
      const welcome = data !== null && typeof data === "object" && data.type === WELCOME;
      const ports = welcome && ev.ports && ev.ports.length ? [ev.ports[0]] : null;
      // Encoded here (strict JSON, the one encode of the value): text always crosses to the
      // worker, where a value as deep as the peer could post might not deserialise (a
      // worker's stack is smaller than the page's), and the message would be lost.
      const [text, encoded] = encodeInbound(data);
      toEngine(pageOps.window(bridgeId, text, encoded, origin, ports !== null), ports);
    }
    function onLoad() {
      if (!closed) toEngine(pageOps.load(bridgeId));
    }
    function peerLoaded() {
      // A lobby's iframe first shows an about:blank of the lobby's own origin; a post to the
      // game's origin would be dropped (with a console error). Cross-origin: loaded.
      if (!iframe) return true;
      const w = iframe.contentWindow;
      if (!w) return false;
      try {
        return w.location.href !== "about:blank";
      } catch (err) {
        return true;
      }
    }
    function postWindow(post, transfer) {
      // A window piece, decoded by the engine kit: {newPort, targetOrigin, value}.
      const targetOrigin = post.targetOrigin;
      if (!targetOrigin || targetOrigin === "*") throw new Error("refusing a wildcard targetOrigin");
      const target = paired();
      if (!target) throw new Error("the peer window is gone");
      targets.add(targetOrigin);
      if (post.newPort && transfer) target.postMessage(post.value, targetOrigin, transfer);
      else target.postMessage(post.value, targetOrigin);
    }
    return {
      peerLoaded,
      /** Listen (policy: the normalised allow-list from Python), replay this window's early events. */
      start(policy) {
        if (closed) return;
        allowed = new Set(policy.allowed);
        wildcards = !!policy.wildcards;
        window.addEventListener("message", onWindow);
        listening = true;
        if (iframe) {
          iframe.addEventListener("load", onLoad);
          loadListening = true;
          // An iframe taken out of the document takes the game's document with it, and no
          // event says so (no load, no MessagePort close in Chromium by default): watch for
          // it, so requests the game can no longer answer fail "cancelled" at once.
          removal = new MutationObserver(() => {
            if (closed || iframe.isConnected === attached) return;
            attached = iframe.isConnected;
            if (!attached) toEngine(pageOps.removed(bridgeId));
          });
          removal.observe(document, { childList: true, subtree: true });
        }
        toEngine(pageOps.start(bridgeId, peerLoaded()));
        // In the same task as our own listener starts: nothing slips between the two.
        const win = paired();
        if (win) {
          claimedWin = win;
          for (const e of early.claim(win)) {
            earlyReplayed += 1;
            onWindow(e);
          }
        }
      },
      /** An outbox's page pieces, in order, decoded: [code, value, code, value, ...]. */
      run(pieces, transfer) {
        for (let i = 0; i < pieces.length; i += 2) {
          if (pieces[i] === PIECE.WINDOW) {
            try {
              postWindow(pieces[i + 1], transfer);
            } catch (err) {
              ioErrors += 1;
              console.error("hizi-bridge: post failed:", err);
            }
          } else if (sink) {
            sink(pieces[i], pieces[i + 1]);
          }
        }
      },
      counters() {
        return {
          early_replayed: earlyReplayed,
          early_overflow: early.overflow,
          fast_rejected: Object.assign({}, fast),
          target_origins: [...targets],
          page_io_errors: ioErrors,
        };
      },
      live() {
        return { window_listeners: listening ? 1 : 0, load_listeners: loadListening ? 1 : 0 };
      },
      close() {
        closed = true;
        if (listening) window.removeEventListener("message", onWindow);
        listening = false;
        if (loadListening) iframe.removeEventListener("load", onLoad);
        loadListening = false;
        if (removal !== null) removal.disconnect();
        removal = null;
        if (claimedWin) early.release(claimedWin);
        claimedWin = null;
      },
    };
  }
