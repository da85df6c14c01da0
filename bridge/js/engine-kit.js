  // ---------------------------------------------------------------- engine kit
  // One per bridge, where Python runs (the worker, or the page with runtime "main"). It owns
  // the MessagePort and the timer, calls Python (`py`, the bridge's handle) with each event,
  // carries out the engine pieces of the outbox Python returns, decodes the page pieces (once,
  // here) and hands them to the page side in one carrier message (`deliver`).
  // onConnected: called on each status piece that says "connected" (the engine starts its idle
  // work then, not while the other frame may still be booting on the same cores).
  function makeEngineKit(bridgeId, deliver, onConnected = () => {}) {
    let py = null;
    let port = null;
    let portOutbox = null; // port texts after the first of a task: one array frame (v2)
    const BATCH = 512;
    let eventPorts = null; // the ports of the window event being handled
    let timer = null;
    let closed = false;
    let ioErrors = 0;

    function call(op, ...fields) {
      if (py === null) return;
      let out;
      try {
        out = py(op, ...fields);
      } catch (err) {
        ioErrors += 1;
        console.error("hizi-bridge: engine call failed:", err);
        return;
      }
      if (out) run(out);
    }
    function run(out) {
      const pieces = out.indexOf(SEPARATOR) < 0 ? [out] : out.split(SEPARATOR);
      let page = null;
      let transfer = null;
      for (const piece of pieces) {
        const code = piece[0];
        if (code === PIECE.PORT_BATCHED || code === PIECE.PORT) {
          try {
            postPortText(readPiece(piece), code === PIECE.PORT_BATCHED);
          } catch (err) {
            ioErrors += 1;
            console.error("hizi-bridge: post failed:", err);
          }
        } else if (code === PIECE.TIMER) {
          schedule(readPiece(piece));
        } else if (code === PIECE.ADOPT_PORT) {
          if (eventPorts && eventPorts[0]) usePort(eventPorts[0]);
        } else if (code === PIECE.CLOSE_PORT) {
          dropPort();
        } else {
          let value;
          try {
            value = readPiece(piece);
          } catch (err) {
            ioErrors += 1;
            console.error("hizi-bridge: unreadable outbox piece:", err);
            continue;
          }
          if (code === PIECE.WINDOW && value.newPort) {
            // A welcome: a new channel, one end kept here, the other travels with the post.
            const channel = new MessageChannel();
            usePort(channel.port1);
            transfer = [channel.port2];
          } else if (code === PIECE.STATUS && value.status === "connected") {
            onConnected();
          }
          (page || (page = [])).push(code, value);
        }
      }
      if (page !== null) deliver(engineOps.out(bridgeId, page), transfer);
    }
    function onPort(ev) {
      const data = ev.data;
      if (Array.isArray(data) && data.length > 0 && data.length <= BATCH &&
          data.every((t) => typeof t === "string")) {
        // A batch: Python splits it and checks, validates and counts each text on its own.
        call(OP.BATCH, data.join(SEPARATOR));
        return;
      }
      const [text, encoded] = encodeInbound(data);
      call(OP.PORT, text, encoded);
    }
    function onPortClose() {
      call(OP.PORT_CLOSED);
    }
    function postPortText(text, batch) {
      if (!port) throw new Error("no MessagePort to post on");
      if (!batch) {
        flushPort();
        port.postMessage(text);
        return;
      }
      if (portOutbox === null) {
        // The first post of a task goes at once (the peer starts on it while we go on);
        // the ones after it in the same task are collected and flushed as one array.
        port.postMessage(text);
        portOutbox = [];
        queueMicrotask(flushPort);
        return;
      }
      if (portOutbox.length >= BATCH) port.postMessage(portOutbox.splice(0));
      portOutbox.push(text);
    }
    function flushPort() {
      const texts = portOutbox;
      portOutbox = null;
      if (texts !== null && texts.length && port) port.postMessage(texts.length === 1 ? texts[0] : texts);
    }
    function dropPort() {
      flushPort(); // what was posted before the close goes out first (e.g. a bye)
      if (port) {
        port.removeEventListener("message", onPort);
        port.removeEventListener("close", onPortClose);
        port.close();
        port = null;
      }
    }
    function usePort(p) {
      dropPort();
      port = p;
      port.addEventListener("message", onPort);
      // Chromium fires "close" on a port whose other end went away with its document.
      port.addEventListener("close", onPortClose);
      port.start();
    }
    function schedule(ms) {
      if (timer !== null) { clearTimeout(timer); timer = null; }
      if (ms >= 0 && !closed) {
        timer = setTimeout(() => { timer = null; if (!closed) call(OP.TIMER); }, ms);
      }
    }
    function live() {
      return { port_listeners: port ? 1 : 0, timers: timer !== null ? 1 : 0, proxies: py ? 1 : 0 };
    }
    function counters() {
      return Object.assign(live(), { engine_io_errors: ioErrors });
    }
    function reply(key, ok) {
      deliver(engineOps.out(bridgeId, [PIECE.REPLY, { key, ok }]), null);
    }
    function close() {
      closed = true;
      if (timer !== null) { clearTimeout(timer); timer = null; }
      dropPort();
      if (py && typeof py.destroy === "function") py.destroy();
      py = null;
    }
    return {
      bind(handle) { py = handle; },
      run,
      /** A carrier message from the page side, for this bridge. */
      receive(msg, ports) {
        const op = readOp(msg);
        if (op === null) return;
        if (op.op === "query" && op.what === "live") {
          reply(op.key, live());
        } else if (closed) {
          if (op.op === "close") reply(op.key, live());
        } else if (op.op === "window") {
          eventPorts = ports || null;
          try { call(msg[0], op.text, op.encoded, op.origin, op.hasPort); } finally { eventPorts = null; }
        } else if (op.op === "query") {
          const page = JSON.parse(op.countersJson || "{}");
          call(msg[0], op.key, op.what, JSON.stringify(Object.assign(page, counters())));
        } else if (op.op === "close") {
          call(msg[0], op.key, op.reason);
          close();
          reply(op.key, live());
        } else {
          call(msg[0], ...msg.slice(2)); // the call's fields are the message's
        }
      },
      counters,
      close,
    };
  }
