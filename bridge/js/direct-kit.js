  // A page side and an engine kit on one thread, for a PyScript page's Python API
  // (bridge.browser.bridges): `py` is the bridge's Python handle.
  function makeDirectKit(iframe, py) {
    let page = null;
    const kit = makeEngineKit(0, (msg, transfer) => page.run(readEngineOp(msg).pieces, transfer));
    page = makePageSide(0, iframe, (msg, ports) => kit.receive(msg, ports), null);
    kit.bind(py);
    return {
      run: kit.run,
      start(policyJson) { page.start(JSON.parse(policyJson)); },
      counters() { return JSON.stringify(Object.assign(page.counters(), kit.counters())); },
      live() { return JSON.stringify(Object.assign(page.live(), kit.counters())); },
      close() { kit.close(); page.close(); },
    };
  }
  Object.defineProperty(G, "__hiziBridgeDirectKit", { value: makeDirectKit });
