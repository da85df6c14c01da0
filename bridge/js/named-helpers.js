  // ---------------------------------------------------------------- named helpers
  // One per catalog message, named as in the Python API (camelCase), generated from the
  // catalog (bridge.core.catalog states the rule for request-like helpers: they send a
  // request and return the promise of the reply, marked handled, so dropping it never reports
  // an unhandled rejection). Every other helper is a send() and returns its promise.
  const plain = (type) => function () { return this.send(type); };
  const withData = (type, shape) => function (...args) { return this.send(type, shape(...args)); };
  const quiet = (promise) => { promise.catch(() => {}); return promise; };
  const asked = (type, shape) => function (...args) {
    const [data, options] = shape(...args);
    return quiet(this.request(type, data, options));
  };
