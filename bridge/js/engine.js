  // ---------------------------------------------------------------- engine
  // Serves the carrier messages of every bridge of one page: in the worker, or on the page.
  function makeEngine(toPage) {
    const kits = new Map();
    let python = null;
    let failed = null;
    const waiting = [];

    function handle(msg, ports) {
      const id = msg[1];
      if (msg[0] === OP.OPEN) {
        const open = readOp(msg);
        const kit = makeEngineKit(id, toPage, startBuilding);
        const handle = python.open(open.key, open.role, open.configJson, kit);
        if (typeof handle === "string") { // refused: the reply with the error
          kit.run(handle);
          return;
        }
        kit.bind(handle); // open_bridge sent the OPEN reply (the policy) through the kit
        kits.set(id, kit);
        return;
      }
      const kit = kits.get(id);
      if (!kit) return;
      kit.receive(msg, ports);
      if (msg[0] === OP.CLOSE) kits.delete(id);
    }
    // Sends taken, per bridge: the highest key. Acknowledged a few ms later in one message per
    // bridge, not one per send (a round trip would otherwise pay a second post each way), and
    // always before anything that settles the bridge's promises for good (its close).
    const acks = new Map();
    let ackTimer = null;
    const ACK_DELAY_MS = 4;
    function flushAcks(only) {
      for (const [id, key] of acks) {
        if (only !== undefined && id !== only) continue;
        acks.delete(id);
        toPage(engineOps.ack(id, key), null);
      }
      if (acks.size === 0 && ackTimer !== null) { clearTimeout(ackTimer); ackTimer = null; }
    }
    function receive(data, ports) {
      if (python === null) {
        if (failed === null) waiting.push([data, ports]);
        return;
      }
      const batch = Array.isArray(data[0]);
      const messages = batch ? data : [data];
      for (const msg of messages) {
        if (msg[0] === OP.CLOSE) flushAcks(msg[1]);
        try {
          handle(msg, batch ? null : ports);
        } catch (err) {
          console.error("hizi-bridge: engine error:", err);
        }
        if (msg[0] === OP.SEND) {
          acks.set(msg[1], readOp(msg).key);
          if (ackTimer === null) ackTimer = setTimeout(() => { ackTimer = null; flushAcks(); }, ACK_DELAY_MS);
        }
      }
    }
    // The validators the imports left unbuilt (bridge.core.validators), one model per task:
    // a task is a few ms, so an arriving message waits at most one model's build, and a
    // message type first seen later does not pay its build on arrival.
    function buildValidators() {
      let more = false;
      try {
        more = python.buildNext();
      } catch (err) {
        console.error("hizi-bridge: building a validator failed:", err);
      }
      if (more) setTimeout(buildValidators, 0);
    }
    // Started when the first bridge connects: before that, the cores are the other frame's
    // boot's and this frame's handshake's (2 cores here; a phone has few more).
    let building = false;
    function startBuilding() {
      if (building || !python || !python.buildNext) return;
      building = true;
      setTimeout(buildValidators, 0);
    }
    return {
      receive,
      /** snapshot: restore from a memory snapshot, or make one after the boot (worker only). */
      async boot(assetsUrl, snapshot = false) {
        const t0 = performance.now();
        try {
          python = await bootPython(assetsUrl, [], snapshot);
        } catch (err) {
          failed = String(err && err.message ? err.message : err);
          waiting.length = 0;
          toPage(engineOps.bootFailed(failed), null);
          return;
        }
        toPage(engineOps.booted(performance.now() - t0, python.timeline), null);
        for (const [data, ports] of waiting.splice(0)) receive(data, ports);
        if (python.makeSnapshot) scheduleSnapshot(assetsUrl, python.timeline.snapshot);
      },
      get python() { return python; },
    };
  }
