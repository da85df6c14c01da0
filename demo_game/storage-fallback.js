// Let PyScript boot in a third-party iframe whose storage is blocked.
//
// PyScript 0.7.31 always opens an IndexedDB store ("Loading Storage") before it starts the
// interpreter, even with "packages_cache": "passthrough". A game is a cross-site iframe, and
// when the browser blocks third-party storage (Chromium with third-party cookies blocked:
// "UnknownError: The user denied permission to access the database") that open fails and
// PyScript never boots. This wrapper keeps the real IndexedDB when it works and otherwise
// hands PyScript a small in-memory stand-in with the few calls its IDBMap uses.
// Load it as a classic script before pyscript/core.js.
(() => {
  "use strict";
  const idb = globalThis.indexedDB;
  if (!idb || idb.__hiziFallback) return;

  const later = (fn) => setTimeout(fn, 0);
  // An IDBRequest look-alike: handlers are assigned after the call returns, so fire later.
  const request = (compute) => {
    const req = { result: undefined, error: null, onsuccess: null, onerror: null };
    later(() => {
      try {
        req.result = compute();
        if (req.onsuccess) req.onsuccess({ type: "success", target: req });
      } catch (error) {
        req.error = error;
        if (req.onerror) req.onerror({ type: "error", target: req, message: String(error) });
      }
    });
    return req;
  };
  const memoryStore = (map) => ({
    count: () => request(() => map.size),
    clear: () => request(() => map.clear()),
    delete: (key) => request(() => { map.delete(key); }),
    get: (key) => request(() => map.get(key)),
    getKey: (key) => request(() => (map.has(key) ? key : undefined)),
    getAllKeys: () => request(() => [...map.keys()]),
    getAll: () => request(() => [...map.values()]),
    put: (value, key) => request(() => { map.set(key, value); return key; }),
  });
  const databases = new Map();
  const memoryDatabase = (name) => {
    if (!databases.has(name)) databases.set(name, new Map());
    const stores = databases.get(name);
    return {
      name,
      get objectStoreNames() {
        const names = [...stores.keys()];
        return Object.assign(names, { contains: (n) => stores.has(n) });
      },
      createObjectStore(store) {
        if (!stores.has(store)) stores.set(store, new Map());
        return memoryStore(stores.get(store));
      },
      transaction(store) {
        return { objectStore: (s) => memoryStore(stores.get(s ?? store)) };
      },
      close() {},
    };
  };

  const realOpen = idb.open.bind(idb);
  const fallback = { used: 0 };
  idb.open = function open(name, version) {
    let real;
    try {
      real = version === undefined ? realOpen(name) : realOpen(name, version);
    } catch (error) {
      real = null;
    }
    // Forward the real request's events; on failure answer from memory instead.
    const wrapper = { result: undefined, error: null, onsuccess: null, onerror: null,
      onupgradeneeded: null, onblocked: null };
    const useMemory = () => {
      fallback.used += 1;
      const db = memoryDatabase(name);
      db.createObjectStore("entries"); // the store PyScript's IDBMap creates on upgrade
      wrapper.result = db;
      if (wrapper.onsuccess) wrapper.onsuccess({ type: "success", target: wrapper });
    };
    if (!real) {
      later(useMemory);
      return wrapper;
    }
    real.onupgradeneeded = (event) => {
      wrapper.result = real.result;
      if (wrapper.onupgradeneeded) wrapper.onupgradeneeded(event);
    };
    real.onsuccess = (event) => {
      wrapper.result = real.result;
      if (wrapper.onsuccess) wrapper.onsuccess(event);
    };
    real.onblocked = (event) => wrapper.onblocked && wrapper.onblocked(event);
    real.onerror = (event) => {
      event.preventDefault();
      console.info(`hizi: IndexedDB unavailable (${real.error}); PyScript storage in memory`);
      useMemory();
    };
    return wrapper;
  };
  idb.__hiziFallback = fallback;
})();
