  // ---------------------------------------------------------------- memory snapshot (engine)
  // A repeat visit restores the interpreter from a Pyodide memory snapshot kept on the
  // player's machine (Cache Storage of the page's origin), instead of initialising Python and
  // its standard library again; the wheels and the bridge's imports run on it as on a normal
  // boot. The snapshot is taken of a fresh interpreter, before any wheel: Pyodide 314 refuses
  // one after loadPackage ("Unexpected hiwire entry") and cannot restore one taken after an
  // extension module. The first visit boots as before and, once the bridge is up, a nested
  // worker makes the snapshot off the engine's thread and stores it. Any error on the way
  // (no Cache Storage, a quota, a private window, a stale or corrupt entry, a restore that
  // throws) ends in a normal boot; stats().boot.snapshot tells what happened.
  const SNAPSHOT_CACHE = "hizi-bridge-snapshot";
  const SNAPSHOT_DELAY_MS = 5000; // after the boot: the handshake and the game's first seconds first
  // FNV-1a over a string, twice (two seeds): a 64-bit name for the runtime's identity.
  function identityHash(text) {
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ 0x5bd1e995;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193) >>> 0;
      b = Math.imul(b ^ c, 0x01000193 ^ 0x2f) >>> 0;
    }
    return a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0");
  }
  // The cache key names the runtime: this release, Pyodide's version, and the whole manifest
  // (the standard library's content hash, the lock file, every wheel's sha256), so that a new
  // deploy never restores an old interpreter. Pyodide checks its own build id on restore too.
  function snapshotKey(vendor, manifest) {
    const id = identityHash(JSON.stringify([VERSION, manifest]));
    return new URL(`snapshot/${manifest.pyodide.version}/${id}.bin`, vendor).href;
  }
  function cacheStorage() {
    try {
      return typeof caches !== "undefined" && caches && typeof caches.open === "function" ? caches : null;
    } catch {
      return null; // some private modes throw on the mere access
    }
  }
  const errorText = (err) => String(err && err.message ? err.message : err);

  // The restore half, in two steps so that the long one overlaps the runtime's own fetches:
  // findSnapshot looks the entry up (a few ms) and returns null (and why, in info) or
  // { bytes }, a promise of its checked bytes (wrapped: an async function's return value
  // would adopt the promise and wait for the read). loadPyodide awaits it (`_loadSnapshot`
  // takes a promise) once the wasm is on its way. A truncated entry rejects it with a
  // SnapshotReadError: the boot drops the entry and starts again without it.
  class SnapshotReadError extends Error {}
  async function findSnapshot(key, info) {
    const storage = cacheStorage();
    if (storage === null) { info.state = "unavailable"; return null; }
    try {
      const res = await (await storage.open(SNAPSHOT_CACHE)).match(key);
      if (!res) { info.state = "missing"; return null; }
      if (res.headers.get("x-hizi-snapshot") === "refused") {
        // A restore of this runtime's snapshot failed on this browser before: not again.
        info.state = "refused";
        return null;
      }
      const expected = Number(res.headers.get("x-hizi-snapshot-bytes"));
      const bytes = res.arrayBuffer().then((buffer) => {
        const view = new Uint8Array(buffer);
        if (!(view.length > 0) || view.length !== expected) {
          throw new SnapshotReadError(`cached snapshot has ${view.length} bytes, not ${expected}`);
        }
        info.bytes = view.length;
        return view;
      }, (err) => { throw new SnapshotReadError(errorText(err)); });
      bytes.catch(() => {}); // judged where loadPyodide rejects with it
      return { bytes };
    } catch (err) {
      // A lookup (or a Response) that throws: the entry is dropped and the boot is normal.
      info.state = "fallback";
      info.error = errorText(err);
      await dropSnapshot(key);
      return null;
    }
  }
  async function refuseSnapshot(key) {
    const storage = cacheStorage();
    if (storage === null) return;
    try {
      await (await storage.open(SNAPSHOT_CACHE)).put(key, new Response("", { headers: {
        "x-hizi-snapshot": "refused" } }));
    } catch { /* the next visit tries it again */ }
  }
  async function dropSnapshot(key) {
    const storage = cacheStorage();
    if (storage === null) return;
    try { await (await storage.open(SNAPSHOT_CACHE)).delete(key); } catch { /* nothing to do */ }
  }

  // The making half, in a nested worker (hizi-bridge-worker.mjs started by the engine's
  // worker with { snapshotOnly: true }): a fresh interpreter, no wheel, snapshotted and stored
  // under the key; older entries (other deploys) are deleted, one snapshot per origin.
  async function makeSnapshot(assetsUrl) {
    const t0 = performance.now();
    const vendor = new URL("vendor/", assetsUrl);
    const manifest = EMBEDDED_MANIFEST || await fetchManifest(vendor);
    const key = snapshotKey(vendor, manifest);
    const storage = cacheStorage();
    if (storage === null) throw new Error("no Cache Storage in this context");
    const { loadPyodide } = await import(new URL(manifest.pyodide.module, vendor).href);
    const pyodide = await loadPyodide(Object.assign(pyodideOptions(vendor, manifest, null), {
      packages: [], _makeSnapshot: true,
    }));
    const bytes = pyodide.makeMemorySnapshot();
    const cache = await storage.open(SNAPSHOT_CACHE);
    for (const old of await cache.keys()) if (old.url !== key) await cache.delete(old);
    try {
      await cache.put(key, new Response(bytes, { headers: {
        "content-type": "application/octet-stream",
        "x-hizi-snapshot-bytes": String(bytes.length),
      } }));
    } catch (err) {
      // A quota (or a private mode) that refuses 31 MB: marked, so that later visits do not
      // boot a nested interpreter each time for nothing; a new deploy's key tries again.
      await refuseSnapshot(key);
      throw err;
    }
    return { key, bytes: bytes.length, ms: performance.now() - t0 };
  }

  // In the engine's worker, after a boot that found no snapshot: start the nested worker.
  function scheduleSnapshot(assetsUrl, info) {
    if (typeof Worker === "undefined" || typeof location === "undefined") {
      info.making = "no nested workers here";
      return;
    }
    setTimeout(() => {
      let worker;
      try {
        worker = new Worker(location.href, { type: "module", name: "hizi-bridge-snapshot" });
      } catch (err) {
        info.making = `failed: ${errorText(err)}`;
        return;
      }
      info.making = "running";
      const done = (state) => { info.making = state; worker.terminate(); };
      worker.addEventListener("message", (ev) => {
        const data = ev.data || {};
        done(data.ok ? "stored" : `failed: ${data.error}`);
      });
      worker.addEventListener("error", (ev) => done(`failed: ${ev && ev.message ? ev.message : "the worker did not start"}`));
      worker.postMessage({ snapshotOnly: true, assetsUrl, version: VERSION });
    }, SNAPSHOT_DELAY_MS);
  }
