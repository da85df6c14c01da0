// Starts the boot floor's worker (boot-floor-worker.mjs) in this frame; "connected" when it
// has booted. Its resource timing is kept as bench.bootTimeline for the report.
(() => {
  const mode = bench.params.get("mode") === "bare" ? "bare" : "floor";
  const worker = new Worker(`/bench/boot-floor-worker.mjs?mode=${mode}`, { type: "module" });
  worker.onmessage = (ev) => {
    if (ev.data.failed) { console.error(`boot floor: ${ev.data.failed}`); return; }
    bench.bootTimeline = ev.data.timeline;
    bench.mark("connected");
  };
})();
