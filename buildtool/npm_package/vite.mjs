// hizi-bridge's Vite plugin: `plugins: [hiziBridge()]` in vite.config.ts. It serves the runtime
// this package carries (runtime/) under `<base><path>` in `vite` (dev), copies it there in
// `vite build` (the .br / .gz twins too), and makes that URL the default `assetsUrl` of
// `lobby()` / `game()` imported from "hizi-bridge". Nothing else.
import { cpSync, createReadStream, existsSync, statSync } from "node:fs";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const RUNTIME = join(dirname(fileURLToPath(import.meta.url)), "runtime");
// The marker the ES module entry (hizi-bridge.mjs) carries; the plugin sets its value.
const MARKER = "const PLUGIN_ASSETS_URL = null;";
const TYPES = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".zip": "application/zip",
  ".whl": "application/zip",
  ".txt": "text/plain; charset=utf-8",
};

/** @param {{ path?: string }} [options] path: where the runtime is served, under Vite's base */
export default function hiziBridge(options = {}) {
  const path = (options.path ?? "hizi-bridge/").replace(/^\/+/, "").replace(/\/*$/, "/");
  let assetsUrl = `/${path}`;
  let outDir = "dist";
  return {
    name: "hizi-bridge",
    enforce: "pre",
    // Pre-bundled dependencies skip plugins' transforms: keep the entry out of it.
    config: () => ({ optimizeDeps: { exclude: ["hizi-bridge"] } }),
    configResolved(config) {
      assetsUrl = `${config.base.replace(/\/*$/, "/")}${path}`;
      outDir = config.build.outDir;
      if (!existsSync(join(RUNTIME, "vendor", "manifest.json"))) {
        throw new Error(`hizi-bridge: ${RUNTIME} holds no runtime (vendor/manifest.json)`);
      }
    },
    transform(code, id) {
      if (!/[\\/]hizi-bridge\.mjs$/.test(id.split("?")[0]) || !code.includes(MARKER)) return;
      return { code: code.replace(MARKER, `const PLUGIN_ASSETS_URL = ${JSON.stringify(assetsUrl)};`), map: null };
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = (req.url ?? "").split("?")[0];
        if (!url.startsWith(assetsUrl)) return next();
        const rel = normalize(decodeURIComponent(url.slice(assetsUrl.length)));
        const file = join(RUNTIME, rel);
        if (rel.startsWith("..") || !existsSync(file) || !statSync(file).isFile()) return next();
        res.setHeader("Content-Type", TYPES[extname(file)] ?? "application/octet-stream");
        res.setHeader("Cache-Control", "no-cache");
        createReadStream(file).pipe(res);
      });
    },
    writeBundle(output) {
      cpSync(RUNTIME, join(output.dir ?? outDir, path), { recursive: true });
    },
  };
}

export { hiziBridge };
