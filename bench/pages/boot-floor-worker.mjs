// The boot floor (bench/pages/boot_floor_*.html): a plain Pyodide page's worker, nothing of
// the bridge. It reads the site's manifest, then loads, as any plain Pyodide page would: the
// same vendored Pyodide and cut standard library, and with ?mode=floor the same lock and
// wheels, `import pydantic` and one strict model validated; ?mode=bare stops after
// loadPyodide(). Posts {ready, timeline} (phases and the worker's fetches) or {failed}.
const mode = new URL(import.meta.url).searchParams.get("mode");
const vendor = new URL("/vendor/", import.meta.url);
const t0 = performance.now();
const PROBE = `
from pydantic import BaseModel, ConfigDict

class Spin(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    type: str
    stake: float
    round_id: int

Spin.model_validate_json('{"type": "spin", "stake": 1.5, "round_id": 7}').round_id
`;
try {
  const manifest = await (await fetch(new URL("manifest.json", vendor))).json();
  const { loadPyodide } = await import(new URL(manifest.pyodide.module, vendor).href);
  const options = { indexURL: new URL(manifest.pyodide.index, vendor).href };
  const stdlib = manifest.pyodide.runtime_stdlib || manifest.pyodide.stdlib;
  if (stdlib) options.stdLibURL = new URL(stdlib, vendor).href;
  if (mode === "floor") {
    options.lockFileURL = new URL(manifest.pyodide.lock, vendor).href;
    options.packages = ["pydantic"];
    options.env = { PYDANTIC_DISABLE_PLUGINS: "__all__" }; // as the bridge boots
  }
  const loadFrom = performance.now();
  const pyodide = await loadPyodide(options);
  const probeFrom = performance.now();
  if (mode === "floor" && pyodide.runPython(PROBE) !== 7) throw new Error("validation failed");
  const probeTo = performance.now();
  // The shape of the bridge's stats().boot (ms since the epoch), for one waterfall.
  const at = (ms) => performance.timeOrigin + ms;
  const fetches = performance.getEntriesByType("resource").map((e) => ({
    url: e.name, start_ms: at(e.startTime), end_ms: at(e.responseEnd),
    bytes: e.encodedBodySize, transfer_bytes: e.transferSize,
  }));
  // "load" is the whole; load_pyodide and (floor) import_and_validate are its parts, named
  // as the bridge's load_pyodide and imports phases are.
  const phases = [["load", at(t0), at(probeTo)], ["load_pyodide", at(loadFrom), at(probeFrom)]];
  if (mode === "floor") phases.push(["import_and_validate", at(probeFrom), at(probeTo)]);
  self.postMessage({ ready: true, timeline: { context_start_ms: performance.timeOrigin, phases, fetches } });
} catch (err) {
  self.postMessage({ failed: String(err && err.message ? err.message : err) });
}
