  // ---------------------------------------------------------------- Python boot (engine)
  const canon = (name) => String(name).toLowerCase().replace(/[-_.]+/g, "-");
  const DEFAULT_PYODIDE_MODULE = "pyodide/pyodide.mjs"; // build.py's manifest.pyodide.module
  // build.py dist writes what the engine reads of vendor/manifest.json here, which saves the
  // boot a round trip before loadPyodide; null: fetch the manifest (build/site, a checkout).
  const EMBEDDED_MANIFEST = null;

  // The boot's timeline (stats().boot): phases [name, start, end] and the fetches of this
  // context's Resource Timing, in ms since the epoch (performance.timeOrigin + now), so the
  // worker's and the page's clocks line up.
  const epochMs = () => performance.timeOrigin + performance.now();
  function bootTimeline(since, phases) {
    const fetches = performance.getEntriesByType("resource")
      .filter((e) => performance.timeOrigin + e.startTime >= since - 1)
      .map((e) => ({
        url: e.name,
        start_ms: performance.timeOrigin + e.startTime,
        end_ms: performance.timeOrigin + e.responseEnd,
        bytes: e.encodedBodySize,
        transfer_bytes: e.transferSize,
      }));
    return { context_start_ms: performance.timeOrigin, phases, fetches };
  }

  // Why a runtime file on another origin fails to load (the browser says only "failed to
  // fetch"): one wording for the manifest, Pyodide's module and the wheels.
  const cannotLoad = (url, err) => `cannot fetch ${url} (${err && err.message ? err.message : err}); ` +
    `runtime files on another origin than the page need CORS headers ` +
    `(Access-Control-Allow-Origin) from that server`;

  async function fetchManifest(vendor) {
    const manifestUrl = new URL("manifest.json", vendor);
    let res;
    try {
      res = await fetch(manifestUrl);
    } catch (err) {
      throw new Error(cannotLoad(manifestUrl.href, err));
    }
    if (!res.ok) throw new Error(`${res.url}: HTTP ${res.status}`);
    return res.json();
  }

  function pyodideOptions(vendor, manifest, failures) {
    const options = {
      indexURL: new URL(manifest.pyodide.index, vendor).href,
      // Only the wheels with a shared library go through Pyodide's installer (the build's
      // engine section, buildtool/engine_boot.py); its lock travels in the manifest, its
      // file names relative to vendor/ (without packageBaseUrl Pyodide would look on its CDN).
      lockFileContents: JSON.stringify(manifest.engine.lock), // a copy: Pyodide keeps it
      packageBaseUrl: vendor.href,
      packages: manifest.engine.packages, // fetched while the interpreter boots
      errorCallback: (msg) => { if (failures) failures.push(String(msg)); },
      messageCallback: () => {},
      // pydantic scans for plugins when it builds its first validator (≈0.1 s); this
      // interpreter is private to the bridge and holds only the vendored wheels, none a plugin.
      env: { PYDANTIC_DISABLE_PLUGINS: "__all__" },
    };
    // The standard library with bytecode compiled at build time; the runtime's own cut when
    // the build made one (no user Python runs in this interpreter).
    const stdlib = manifest.pyodide.runtime_stdlib || manifest.pyodide.stdlib;
    if (stdlib) options.stdLibURL = new URL(stdlib, vendor).href;
    return options;
  }

  // The pure-Python wheels go on sys.path as they are, stored zips that zipimport reads in
  // place, instead of Pyodide's installer, which unpacks every member through Python (the
  // five took ≈ 150 ms a frame under Node). Fetched from the start, beside Pyodide's own
  // fetches, each checked against the build's sha256 (the browser refuses other bytes).
  const ZIP_DIR = "/lib/hizi-bridge";
  function integrity(hex) {
    let binary = "";
    for (let i = 0; i < hex.length; i += 2) binary += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
    return `sha256-${btoa(binary)}`;
  }
  // A wheel that cannot be had whole fails the boot, not the snapshot (boot() below).
  class WheelFetchError extends Error {}
  // Why a wheel's fetch failed, asked again without the integrity check (a failed check
  // hides the status: the browser judges a 404's body too). Only on the failure path.
  async function whyNotFetched(url, sha256) {
    try {
      const res = await fetch(url, { cache: "no-store" });
      if (!res.ok) return `${url.href}: HTTP ${res.status}`;
      return `${url.href}: its bytes are not the build's (sha256 ${sha256}); a changed or ` +
        `mixed deploy (copy dist/ whole)`;
    } catch (err) {
      return cannotLoad(url.href, err);
    }
  }
  function fetchZips(vendor, zips) {
    return Promise.all(zips.map(async (zip) => {
      const url = new URL(zip.file, vendor);
      let res;
      try {
        res = await fetch(url, { integrity: integrity(zip.sha256) });
      } catch (err) {
        throw new WheelFetchError(await whyNotFetched(url, zip.sha256));
      }
      if (!res.ok) throw new WheelFetchError(`${res.url}: HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    }));
  }
  // A wheel Pyodide's installer did not load: it logs why to the console only (loadPyodide's
  // own loadPackage call takes no errorCallback), so ask again for the message.
  async function notLoaded(vendor, manifest, names) {
    const reasons = await Promise.all(names.map((name) => {
      const entry = manifest.engine.lock.packages[name];
      return entry ? whyNotFetched(new URL(entry.file_name, vendor), entry.sha256)
        : Promise.resolve(`${name}: not in the manifest's engine lock`);
    }));
    return new WheelFetchError(names.map((name, i) => `package ${name} did not load: ${reasons[i]}`).join("; "));
  }
  function mountZips(pyodide, zips, buffers) {
    pyodide.FS.mkdirTree(ZIP_DIR);
    const paths = zips.map((zip, i) => {
      const path = `${ZIP_DIR}/${zip.file.slice(zip.file.lastIndexOf("/") + 1)}`;
      pyodide.FS.writeFile(path, buffers[i]);
      return path;
    });
    // A JSON list of plain paths is a Python literal.
    pyodide.runPython(`import sys\nsys.path[0:0] = ${JSON.stringify(paths)}`);
  }

  // snapshot: restore from (and, after the boot, make) a memory snapshot (snapshot.js).
  async function bootPython(assetsUrl, phases = [], snapshot = false) {
    const start = epochMs();
    const phase = (name, from) => phases.push([name, from, epochMs()]);
    const vendor = new URL("vendor/", assetsUrl);
    // The manifest and the Pyodide module load in parallel (the module path is the build's
    // default; a manifest naming another one is followed, at the cost of a second import).
    const guess = new URL(DEFAULT_PYODIDE_MODULE, vendor).href;
    const early = import(guess);
    // A failed guess is judged below, once the manifest says which module to use.
    early.then(() => phase("pyodide_module", start), () => {});
    const manifest = EMBEDDED_MANIFEST || await fetchManifest(vendor);
    phase("manifest", start);
    const moduleUrl = new URL(manifest.pyodide.module, vendor).href;
    const failures = [];
    const options = pyodideOptions(vendor, manifest, failures);
    const info = { state: "off", key: null, bytes: 0, error: null };
    let bytes = null; // a promise of the snapshot's bytes (snapshot.js), read while loadPyodide fetches
    if (snapshot) {
      const readFrom = epochMs();
      info.key = snapshotKey(vendor, manifest);
      const found = await findSnapshot(info.key, info);
      phase("snapshot_lookup", readFrom);
      bytes = found && found.bytes;
      if (bytes !== null) bytes.then(() => phase("snapshot_read", readFrom), () => {});
    }
    const zipsFrom = epochMs();
    const zips = fetchZips(vendor, manifest.engine.zips);
    zips.then(() => phase("zips_fetched", zipsFrom), () => {});
    let loadPyodide;
    try {
      ({ loadPyodide } = await (moduleUrl === guess ? early : import(moduleUrl)));
    } catch (err) {
      throw new Error(cannotLoad(moduleUrl, err)); // the usual cause: a runtime on a CDN
    }
    // loadPackage logs and resolves when a wheel fails: check every one explicitly.
    const boot = async (extra) => {
      const runtimeFrom = epochMs();
      // A zip that cannot be had fails the boot at once, not after the interpreter is up.
      const pyodide = await Promise.race([loadPyodide(Object.assign({}, options, extra)),
        zips.then(() => new Promise(() => {}))]);
      // wasm compile and instantiate, interpreter and stdlib init (or the snapshot's restore),
      // pydantic-core's install (Pyodide reports no finer phases; the fetches inside it are in
      // the timeline's fetches).
      phase("load_pyodide", runtimeFrom);
      const loaded = new Set(Object.keys(pyodide.loadedPackages).map(canon));
      const missing = manifest.engine.packages.filter((name) => !loaded.has(canon(name)));
      if (missing.length) throw await notLoaded(vendor, manifest, missing);
      if (failures.length) throw new Error(failures.join("; "));
      const buffers = await zips;
      const mountFrom = epochMs();
      mountZips(pyodide, manifest.engine.zips, buffers);
      phase("mount_zips", mountFrom);
      // One owned proxy for the engine's lifetime.
      const importsFrom = epochMs();
      const open = pyodide.runPython("from bridge.browser.engine import open_bridge\nopen_bridge");
      phase("imports", importsFrom);
      // The message validators not built at import (bridge.core.validators), one per call.
      const buildNext = pyodide.runPython("from bridge.browser.engine import build_next\nbuild_next");
      return { pyodide, open, buildNext };
    };
    let python = null;
    if (bytes !== null) {
      try {
        python = await boot({ _loadSnapshot: bytes });
        info.state = "restored";
      } catch (err) {
        if (err instanceof WheelFetchError) throw err; // the same without a snapshot
        // Never fatal: the boot starts again, normally. An entry that could not be read whole
        // is dropped (made again after this boot); one that Pyodide could not restore is
        // marked refused (no remake for this runtime).
        info.state = "fallback";
        info.error = errorText(err);
        failures.length = 0;
        if (err instanceof SnapshotReadError) await dropSnapshot(info.key);
        else await refuseSnapshot(info.key);
      }
      bytes = null;
    }
    if (python === null) python = await boot({});
    const timeline = bootTimeline(start, phases);
    timeline.snapshot = info;
    return { pyodide: python.pyodide, open: python.open, buildNext: python.buildNext, timeline,
      assetsUrl, makeSnapshot: snapshot && info.state === "missing" };
  }
