#!/usr/bin/env node
// `npx hizi-bridge copy-runtime <dir>`: put the runtime this package carries (runtime/: the
// worker, Pyodide, the wheels, hashed and precompressed, as `python build.py dist` wrote it)
// where the app's server or bundler serves it, e.g. Vite's public/hizi-bridge/. Node only.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RUNTIME = join(PACKAGE, "runtime");
const USAGE = `usage: hizi-bridge copy-runtime <dir>

Copies the hizi-bridge runtime (the worker, Pyodide, the wheels and their licence notices)
into <dir>, replacing a runtime copied there before. Serve <dir> from the page's own origin
(a Worker must be same-origin) and pass its URL path as assetsUrl, e.g. for Vite:

  npx hizi-bridge copy-runtime public/hizi-bridge    # then assetsUrl: "/hizi-bridge/"
`;

function fail(message) {
  process.stderr.write(`hizi-bridge: ${message}\n`);
  process.exit(2);
}

function copyRuntime(target) {
  const dir = resolve(target);
  const manifest = join(RUNTIME, "vendor", "manifest.json");
  if (!existsSync(manifest)) fail(`${RUNTIME} has no runtime (vendor/manifest.json)`);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    // Only a runtime copied before is replaced: nothing else in the folder is ours to delete.
    if (!existsSync(join(dir, "vendor", "manifest.json"))) {
      fail(`${target} is not empty and holds no hizi-bridge runtime: choose an empty folder`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  cpSync(RUNTIME, dir, { recursive: true });
  const { version, files } = JSON.parse(readFileSync(manifest, "utf8"));
  const shown = relative(process.cwd(), dir) || ".";
  process.stdout.write(
    `hizi-bridge ${version}: copied the runtime (${files.length} files, each with its .br / .gz ` +
      `twin where it compresses) into ${shown}/; serve it from the page's origin and pass ` +
      `its URL path as assetsUrl\n`,
  );
}

const [command, target, ...rest] = process.argv.slice(2);
if (command === undefined || command === "--help" || command === "-h") {
  process.stdout.write(USAGE);
  process.exit(command === undefined ? 2 : 0);
}
if (command !== "copy-runtime") fail(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
if (target === undefined || rest.length > 0) fail(`copy-runtime takes one folder\n\n${USAGE}`);
copyRuntime(target);
