/* Benchmark helpers shared by bench/pages/*.html (served under /bench/ by build.py).
 *
 * Loaded after hizi-bridge.js (when a page uses it). Exposes globalThis.bench, which
 * bench/browser_bench.py drives through Playwright in the lobby frame and the game frame.
 * Measures only: no assertions here.
 */
(function () {
  "use strict";
  const params = new URLSearchParams(location.search);
  const B = (globalThis.bench = {
    role: document.documentElement.dataset.role,
    params,
    longTasks: [],
    marks: {},
    errors: [],
  });

  // ------------------------------------------------------------------ measuring tools
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
    B.longTasksSupported = true;
  } catch (err) {
    B.longTasksSupported = false;
  }
  performance.setResourceTimingBufferSize(1000);
  B.epoch = () => performance.timeOrigin + performance.now();
  B.mark = (name) => (B.marks[name] = B.epoch());
  /** Longest long task (>= 50 ms, else 0) that overlaps [fromEpoch, toEpoch]. */
  B.longest = (fromEpoch, toEpoch) => {
    let worst = 0;
    for (const [start, duration] of B.longTasks) {
      const s = performance.timeOrigin + start;
      if (s + duration >= fromEpoch && s <= toEpoch) worst = Math.max(worst, duration);
    }
    return worst;
  };
  /** Bytes this frame fetched (navigation + resources): over the wire and decoded. */
  B.bytes = () => {
    const out = { transfer: 0, encoded: 0, decoded: 0, requests: 0, from_cache: 0 };
    const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
    for (const e of entries) {
      out.requests += 1;
      out.transfer += e.transferSize || 0;
      out.encoded += e.encodedBodySize || 0;
      out.decoded += e.decodedBodySize || 0;
      if (e.transferSize === 0 && e.decodedBodySize > 0) out.from_cache += 1;
    }
    return out;
  };
  window.addEventListener("error", (ev) => B.errors.push(String(ev.message)));

  // Animation frames from as early as this script runs (in <head>, before the page's own
  // scripts) until the runner stops the loop: a gap between two frames is how long this
  // frame could not paint or respond, which is what a frozen loading screen looks like.
  B.rafStart = B.epoch();
  B.rafFrames = [];
  let rafOn = true;
  const rafLoop = () => {
    if (!rafOn) return;
    B.rafFrames.push(B.epoch());
    requestAnimationFrame(rafLoop);
  };
  requestAnimationFrame(rafLoop);
  B.stopRaf = () => { rafOn = false; };
  /** Main-thread figures of [fromEpoch, toEpoch]: longest task, TBT, largest rAF gap. */
  B.boot = (fromEpoch, toEpoch) => {
    let longest = 0;
    let blocking = 0;
    let tasks = 0;
    for (const [start, duration] of B.longTasks) {
      const s = performance.timeOrigin + start;
      if (s + duration < fromEpoch || s > toEpoch) continue;
      tasks += 1;
      longest = Math.max(longest, duration);
      blocking += Math.max(0, duration - 50); // Lighthouse's TBT: the part over 50 ms
    }
    // The loop's own start counts as a frame: a freeze before the first frame is a gap too,
    // and so is one that lasts until the end of the window.
    const stamps = [B.rafStart, ...B.rafFrames].filter((t) => t >= fromEpoch && t <= toEpoch);
    stamps.push(Math.min(toEpoch, B.epoch()));
    let gap = 0;
    for (let i = 1; i < stamps.length; i += 1) gap = Math.max(gap, stamps[i] - stamps[i - 1]);
    return { longest, blocking, tasks, rafGap: gap, rafFrames: stamps.length - 1 };
  };
  /** performance.measureUserAgentSpecificMemory() (cross-origin isolated pages only):
   *  the bytes of this frame's agent cluster, split into the window and its workers. */
  B.memory = async (timeoutMs) => {
    if (!globalThis.crossOriginIsolated || !performance.measureUserAgentSpecificMemory) {
      return { available: false };
    }
    const timeout = new Promise((resolve) => setTimeout(() => resolve(null), timeoutMs));
    const m = await Promise.race([performance.measureUserAgentSpecificMemory(), timeout]);
    if (m === null) return { available: false, timedOut: true };
    const out = { available: true, bytes: m.bytes, window: 0, workers: 0, other: 0, scopes: {} };
    for (const entry of m.breakdown) {
      for (const a of entry.attribution) {
        const scope = a.scope || "?";
        out.scopes[scope] = (out.scopes[scope] || 0) + entry.bytes / entry.attribution.length;
      }
      const scopes = entry.attribution.map((a) => a.scope);
      if (scopes.includes("DedicatedWorkerGlobalScope")) out.workers += entry.bytes;
      else if (scopes.includes("Window")) out.window += entry.bytes;
      else out.other += entry.bytes;
    }
    return out;
  };

  // ------------------------------------------------------------------ shared payloads
  const RC = { elapsedSeconds: 3600, totalStaked: 120, totalWon: 95.5, netResult: -24.5, currency: "EUR" };
  const REQUEST = { type: "realityCheck", data: RC };
  const REPLY = { type: "realityCheckAnswer", data: { choice: "continue" } };
  B.RC = RC;

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error(`cannot load ${src}`));
      document.head.append(s);
    });
  }
  const loadPenpal = () => (globalThis.Penpal ? Promise.resolve() : loadScript("/vendor/penpal/penpal.min.js"));

  // The floor of "validated by pydantic in Pyodide at both ends": a raw MessageChannel echo
  // whose every hop calls Python once to parse, validate and dump the message (the same
  // catalog models as the bridge), with none of the bridge's protocol (origin and source
  // checks, ids, dedup, requests, timers, stats). 4 JS -> Python calls per round trip.
  const FLOOR_PY = [
    "from pydantic_core import from_json",
    "from bridge.core.messages import BY_TYPE",
    "from bridge.core.wire import dump_json",
    "def inbound(text):",
    "    d = from_json(text)",
    "    d.pop('id', None)",
    "    d.pop('re', None)",
    "    return dump_json(BY_TYPE[d['type']].__pydantic_validator__.validate_python(d))",
    "def outbound(type_name, data_json, msg_id):",
    "    wire = {'type': type_name, 'data': from_json(data_json)}",
    "    message = BY_TYPE[type_name].__pydantic_validator__.validate_python(wire)",
    "    return dump_json(message)[:-1] + ',\"id\":%d}' % msg_id",
    "(inbound, outbound)",
  ].join("\n");
  // floor_main: the validating Python is the page's own (the bridge's, runtime "main").
  const floorFunctions = async () => {
    const engine = HiziBridge._mainEngine();
    if (!engine || !engine.python) throw new Error("floor_main needs runtime \"main\"");
    const pair = engine.python.pyodide.runPython(FLOOR_PY);
    const fns = [pair.get(0), pair.get(1)];
    pair.destroy();
    return fns;
  };
  // floor_worker: the same Python in a bench-only worker (floor-worker.mjs), with the frames'
  // port forwarded into the workers: page -> worker -> port -> worker -> page, the carriers
  // the worker runtime uses, and nothing else.
  const floorWorker = () => new Promise((resolve, reject) => {
    const worker = new Worker("/bench/floor-worker.mjs", { type: "module", name: "bench-floor" });
    worker.onerror = (ev) => reject(new Error(`floor worker: ${ev.message || "failed"}`));
    worker.onmessage = (ev) => {
      if (ev.data && ev.data.ready) resolve(worker);
      else if (ev.data && ev.data.failed) reject(new Error(`floor worker: ${ev.data.failed}`));
    };
    worker.postMessage({ assetsUrl: new URL("/", location.href).href, code: FLOOR_PY });
  });

  async function timeLoop(n, call) {
    const out = new Array(n);
    for (let i = 0; i < n; i += 1) {
      const t0 = performance.now();
      await call(i);
      out[i] = performance.now() - t0;
    }
    return out;
  }

  if (B.role === "game") {
    // ---------------------------------------------------------------- game: responders
    const lobbyOrigin = params.get("lobby");
    // Raw window echo and the raw port offer; every other window message is ignored.
    // A capture listener, so it runs before the bridge's own window listener (registered
    // earlier, without capture), and the bench's control messages never reach the bridge: in
    // the worker runtime the bridge transfers the port of every window message from its peer
    // into its worker (even one its Python then rejects), which would take the floors' ports.
    window.addEventListener("message", (ev) => {
      if (ev.origin !== lobbyOrigin || ev.source !== window.parent) return;
      const d = ev.data;
      if (!d || typeof d !== "object" || typeof d.bench !== "string") return;
      ev.stopImmediatePropagation();
      if (d.bench === "echo") {
        window.parent.postMessage({ bench: "echo-reply", re: d.id, msg: REPLY }, lobbyOrigin);
      } else if (d.bench === "port" && ev.ports[0]) {
        const port = ev.ports[0];
        port.onmessage = (e) => port.postMessage({ re: e.data.id, msg: REPLY });
      } else if (d.bench === "floor_main" && ev.ports[0]) {
        const port = ev.ports[0];
        floorFunctions().then(([inbound, outbound]) => {
          let next = 1;
          port.onmessage = (e) => {
            const msg = JSON.parse(inbound(e.data)); // validated in Python
            const id = JSON.parse(e.data).id;
            if (msg.type !== "realityCheck") return;
            port.postMessage(outbound("realityCheckAnswer", JSON.stringify(REPLY.data), next++).slice(0, -1) + `,"re":${id}}`);
          };
          port.postMessage("ready");
        });
      } else if (d.bench === "floor_worker" && ev.ports[0]) {
        const port = ev.ports[0];
        floorWorker().then((worker) => {
          let next = 1;
          worker.onmessage = (e) => {
            if (e.data === "ready") return; // the lobby's worker holds the other end
            const [text, id] = e.data;
            const msg = JSON.parse(text); // validated in the worker's Python
            if (msg.type !== "realityCheck") return;
            worker.postMessage(["o", "realityCheckAnswer", JSON.stringify(REPLY.data), next++, id]);
          };
          worker.postMessage({ port }, [port]); // the worker says "ready" on it
        });
      } else if (d.bench === "penpal" && ev.ports[0]) {
        const port = ev.ports[0];
        loadPenpal().then(() => {
          const messenger = new Penpal.PortMessenger({ port });
          Penpal.connect({ messenger, methods: { realityCheck: () => REPLY } });
        });
      }
    }, true);

    /** Send n balance events (data = 0..n-1) in chunks of `chunk` per task. */
    B.sendBurst = (n, chunk) =>
      new Promise((resolve, reject) => {
        const game = B.bridge;
        const mc = new MessageChannel(); // setImmediate-like yield without timer clamping
        let i = 0;
        const started = B.epoch();
        const step = () => {
          try {
            const end = Math.min(n, i + chunk);
            for (; i < end; i += 1) game.balance(i);
          } catch (err) {
            mc.port1.close();
            reject(err);
            return;
          }
          if (i < n) mc.port2.postMessage(0);
          else {
            mc.port1.close();
            resolve({ started, sent: B.epoch() });
          }
        };
        mc.port1.onmessage = step;
        step();
      });
  } else {
    // ---------------------------------------------------------------- lobby: callers
    const gameOrigin = params.get("game");
    const iframe = () => document.getElementById("game");
    const setups = {
      async bridge() {
        const bridge = B.bridge;
        return () => bridge.request("realityCheck", RC);
      },
      async raw_window() {
        const waiting = new Map();
        window.addEventListener("message", (ev) => {
          if (ev.origin !== gameOrigin || !ev.data || ev.data.bench !== "echo-reply") return;
          const done = waiting.get(ev.data.re);
          if (done) { waiting.delete(ev.data.re); done(ev.data.msg); }
        });
        let next = 1;
        return () => new Promise((resolve) => {
          const id = next++;
          waiting.set(id, resolve);
          iframe().contentWindow.postMessage({ bench: "echo", id, msg: REQUEST }, gameOrigin);
        });
      },
      async raw_port() {
        const mc = new MessageChannel();
        const waiting = new Map();
        mc.port1.onmessage = (ev) => {
          const done = waiting.get(ev.data.re);
          if (done) { waiting.delete(ev.data.re); done(ev.data.msg); }
        };
        iframe().contentWindow.postMessage({ bench: "port" }, gameOrigin, [mc.port2]);
        let next = 1;
        return () => new Promise((resolve) => {
          const id = next++;
          waiting.set(id, resolve);
          mc.port1.postMessage({ id, msg: REQUEST });
        });
      },
      async floor_main() {
        const [inbound, outbound] = await floorFunctions();
        const mc = new MessageChannel();
        const waiting = new Map();
        await new Promise((ready) => {
          mc.port1.onmessage = (ev) => {
            if (ev.data === "ready") { ready(); return; }
            const msg = JSON.parse(inbound(ev.data)); // validated in Python
            const re = JSON.parse(ev.data).re;
            const done = waiting.get(re);
            if (done) { waiting.delete(re); done(msg); }
          };
          iframe().contentWindow.postMessage({ bench: "floor_main" }, gameOrigin, [mc.port2]);
        });
        let next = 1;
        return () => new Promise((resolve) => {
          const id = next++;
          waiting.set(id, resolve);
          mc.port1.postMessage(outbound("realityCheck", JSON.stringify(RC), id));
        });
      },
      async floor_worker() {
        const worker = await floorWorker();
        const mc = new MessageChannel();
        const waiting = new Map();
        await new Promise((ready) => {
          worker.onmessage = (ev) => {
            if (ev.data === "ready") { ready(); return; }
            const [text, , re] = ev.data;
            const msg = JSON.parse(text); // validated in the worker's Python
            const done = waiting.get(re);
            if (done) { waiting.delete(re); done(msg); }
          };
          worker.postMessage({ port: mc.port1 }, [mc.port1]);
          iframe().contentWindow.postMessage({ bench: "floor_worker" }, gameOrigin, [mc.port2]);
        });
        let next = 1;
        return () => new Promise((resolve) => {
          const id = next++;
          waiting.set(id, resolve);
          worker.postMessage(["o", "realityCheck", JSON.stringify(RC), id, 0]);
        });
      },
      async penpal() {
        await loadPenpal();
        // Over a MessageChannel (Penpal's PortMessenger), which is also what its
        // WindowMessenger switches to after its handshake: the handshake's own port would be
        // taken by the game's bridge in the worker runtime (see the game's listener above).
        const mc = new MessageChannel();
        const messenger = new Penpal.PortMessenger({ port: mc.port1 });
        const connection = Penpal.connect({ messenger, methods: {}, timeout: 20000 });
        iframe().contentWindow.postMessage({ bench: "penpal" }, gameOrigin, [mc.port2]);
        const remote = await connection.promise;
        return () => remote.realityCheck(REQUEST);
      },
    };
    const calls = {};
    B.setup = async (kind) => {
      if (!calls[kind]) {
        calls[kind] = await setups[kind]();
        const reply = await calls[kind]();
        const data = reply && reply.data;
        if (!data || data.choice !== "continue") throw new Error(`${kind}: unexpected reply ${JSON.stringify(reply)}`);
      }
      return kind;
    };
    /** n timed round trips (ms each) after `warm` untimed ones, and when they ran. */
    B.roundTrips = async (kind, n, warm) => {
      await B.setup(kind);
      await timeLoop(warm || 0, calls[kind]);
      const start = B.epoch();
      const times = await timeLoop(n, calls[kind]);
      return { times, start, end: B.epoch() };
    };

    // Burst receiver: counts balance events, checks order.
    B.armBurst = (n) => {
      const st = (B.burst = { expected: n, received: 0, outOfOrder: 0, last: -1, first: null, done: null });
      st.promise = new Promise((resolve) => (st.resolve = resolve));
      if (!B.burstOff) {
        B.burstOff = B.bridge.on("balance", (msg) => {
          const s = B.burst;
          if (!s) return;
          const now = B.epoch();
          if (s.first === null) s.first = now;
          if (msg.data !== s.last + 1) s.outOfOrder += 1;
          s.last = msg.data;
          s.received += 1;
          if (s.received === s.expected) { s.done = now; s.resolve(); }
        });
      }
    };
    B.burstResult = async (timeoutMs) => {
      const st = B.burst;
      await Promise.race([st.promise, new Promise((r) => setTimeout(r, timeoutMs))]);
      // Anything after the last expected event would be a duplicate: wait a little for it.
      await new Promise((r) => setTimeout(r, 50));
      return { expected: st.expected, received: st.received, outOfOrder: st.outOfOrder, first: st.first, done: st.done };
    };
  }
})();
