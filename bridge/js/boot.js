  // ---------------------------------------------------------------- Python boot (engine)
  const canon = (name) => String(name).toLowerCase().replace(/[-_.]+/g, "-");
  const DEFAULT_PYODIDE_MODULE = "pyodide/pyodide.mjs"; // build.py's manifest.pyodide.module

  async function bootPython(assetsUrl) {
    const vendor = new URL("vendor/", assetsUrl);
    // The manifest and the Pyodide module load in parallel (the module path is the build's
    // default; a manifest naming another one is followed, at the cost of a second import).
    const guess = new URL(DEFAULT_PYODIDE_MODULE, vendor).href;
    const early = import(guess);
    early.catch(() => {}); // judged below, once the manifest says which module to use
    const manifestUrl = new URL("manifest.json", vendor);
    let res;
    try {
      res = await fetch(manifestUrl);
    } catch (err) {
      throw new Error(`cannot fetch ${manifestUrl.href} (${err && err.message ? err.message : err}); ` +
        `runtime files on another origin than the page need CORS headers ` +
        `(Access-Control-Allow-Origin) from that server`);
    }
    if (!res.ok) throw new Error(`${res.url}: HTTP ${res.status}`);
    const manifest = await res.json();
    const moduleUrl = new URL(manifest.pyodide.module, vendor).href;
    const { loadPyodide } = await (moduleUrl === guess ? early : import(moduleUrl));
    const failures = [];
    const options = {
      indexURL: new URL(manifest.pyodide.index, vendor).href,
      lockFileURL: new URL(manifest.pyodide.lock, vendor).href, // must be absolute
      packages: manifest.packages, // fetched while the interpreter boots
      errorCallback: (msg) => failures.push(String(msg)),
      messageCallback: () => {},
      // pydantic scans for plugins when it builds its first validator (≈0.1 s); this
      // interpreter is private to the bridge and holds only the vendored wheels, none a plugin.
      env: { PYDANTIC_DISABLE_PLUGINS: "__all__" },
    };
    // The standard library with bytecode compiled at build time; the runtime's own cut when
    // the build made one (no user Python runs in this interpreter).
    const stdlib = manifest.pyodide.runtime_stdlib || manifest.pyodide.stdlib;
    if (stdlib) options.stdLibURL = new URL(stdlib, vendor).href;
    const pyodide = await loadPyodide(options);
    // loadPackage logs and resolves when a wheel fails: check every one explicitly.
    const loaded = new Set(Object.keys(pyodide.loadedPackages).map(canon));
    for (const wheel of manifest.wheels) {
      if (!loaded.has(canon(wheel.name))) failures.push(`package ${wheel.name} did not load`);
    }
    if (failures.length) throw new Error(failures.join("; "));
    // One owned proxy for the engine's lifetime.
    const open = pyodide.runPython("from bridge.browser.engine import open_bridge\nopen_bridge");
    return { pyodide, open };
  }
