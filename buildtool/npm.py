"""The npm package (``build/npm/``, written by ``python build.py dist``; ``npm pack`` it).

Layout (paths relative to the package folder)::

    package.json                  name, version (bridge.__version__), exports, module, browser, bin
    hizi-bridge.mjs               ES module entry: lobby, game, readLaunch, HiziBridgeError, version
    hizi-bridge.js                the script-tag build (dist/'s entry script)
    runtime/                      dist/ of the same version, as it is: the worker, Pyodide, the
                                  wheels, hashed, with .br / .gz twins and THIRD-PARTY-NOTICES.txt
    bin/hizi-bridge.mjs           ``npx hizi-bridge copy-runtime <dir>``: runtime/ into <dir>
    vite.mjs                      ``hizi-bridge/vite``: serves / emits runtime/, sets assetsUrl
    types/static/hizi-bridge.d.ts     the JS API (the script tag's global HiziBridge)
    types/static/hizi-bridge.d.mts    the ES module entry's declarations
    types/schema/messages.d.ts        every message's data (hizi-bridge.d.ts imports it as
                                      "../schema/messages": the repository's layout is kept)
    types/vite.d.mts              the plugin's declarations
    README.md, LICENSE, THIRD-PARTY-NOTICES.txt

An operator needs no Python: the package carries the runtime, and either the command copies
it where the app's server serves it (then ``assetsUrl`` names that path) or the Vite plugin
serves and emits it and sets ``assetsUrl``. Inside a bundle ``document.currentScript`` is null,
so without one of the two, lobby() / game() reject with ``invalid_config``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from .common import ROOT, BuildError, log, write_text_atomic
from .notices import NOTICES_NAME
from .site import package_version

PACKAGE_NAME = "hizi-bridge"
SCRIPT = "hizi-bridge.js"
MODULE = "hizi-bridge.mjs"
TYPES = "types/static/hizi-bridge.d.ts"
MODULE_TYPES = "types/static/hizi-bridge.d.mts"
MESSAGE_TYPES = "types/schema/messages.d.ts"
VITE = "vite.mjs"
VITE_TYPES = "types/vite.d.mts"
BIN = "bin/hizi-bridge.mjs"
RUNTIME = "runtime"
# The command and the plugin: JavaScript kept as files beside this module.
SOURCES = Path(__file__).resolve().parent / "npm_package"

ESM_ENTRY = """\
// hizi-bridge as an ES module: `import { lobby, game } from "hizi-bridge"`.
// The script-tag build defines globalThis.HiziBridge on a page; this entry re-exports it. In a
// bundle the runtime's location cannot be found from a script tag: pass `assetsUrl`, the URL
// of the folder where your origin hosts dist/ (hizi-bridge-worker.mjs, vendor/); without it
// lobby() and game() reject with a HiziBridgeError of code "invalid_config".
import "./hizi-bridge.js";

const api = globalThis.HiziBridge; // undefined off a page (server-side rendering, Node)
// hizi-bridge/vite (the Vite plugin) replaces this line with the URL it serves the runtime at.
const PLUGIN_ASSETS_URL = null;
const withAssets = (options) =>
  PLUGIN_ASSETS_URL !== null && options && options.assetsUrl === undefined
    ? { ...options, assetsUrl: PLUGIN_ASSETS_URL }
    : options;

class OffPageError extends Error {
  constructor() {
    super("hizi-bridge: lobby(), game() and readLaunch() need a browser page (window, document)");
    this.name = "HiziBridgeError";
    this.code = "invalid_config";
  }
}

export const HiziBridgeError = api ? api.HiziBridgeError : OffPageError;
export const version = api ? api.version : __VERSION__;
export const messageTypes = api ? api.messageTypes : undefined;
export const lobby = (options) =>
  api ? api.lobby(withAssets(options)) : Promise.reject(new OffPageError());
export const game = (options) =>
  api ? api.game(withAssets(options)) : Promise.reject(new OffPageError());
export const readLaunch = (search, allowedLobbies) => {
  if (!api) throw new OffPageError();
  return api.readLaunch(search, allowedLobbies);
};
export default api;
"""

ESM_TYPES = """\
// Declarations of hizi-bridge.mjs, the ES module entry (`import { lobby } from "hizi-bridge"`).
import type {
  ErrorCode,
  GameBridge,
  GameOptions,
  HiziBridgeError as HiziBridgeErrorShape,
  HiziBridgeStatic,
  LaunchParams,
  LobbyBridge,
  LobbyOptions,
} from "./hizi-bridge.js";

export type * from "./hizi-bridge.js";

/** A rejection of the bridge: `code` says why ("invalid_config", "timeout", ...). */
export interface HiziBridgeError extends HiziBridgeErrorShape {}
export declare const HiziBridgeError: {
  new (info: { code: ErrorCode; message?: string; field?: string }): HiziBridgeError;
  readonly prototype: HiziBridgeError;
};

/**
 * Open the lobby's bridge to the game in `options.iframe`. In a bundle, pass `assetsUrl`: the
 * folder where this origin serves the runtime (`npx hizi-bridge copy-runtime <dir>`; the
 * worker must be same-origin), unless the Vite plugin (hizi-bridge/vite) sets it.
 */
export declare function lobby(options: LobbyOptions): Promise<LobbyBridge>;
/**
 * Open the game's bridge to the lobby that embeds it; pass `assetsUrl` as for lobby(). With
 * `lobbyOrigins` the lobby comes from the page's launch URL, checked: rejects with
 * "untrusted_lobby" (nothing posted) when it is not one of them or not the framing origin.
 */
export declare function game(options: GameOptions): Promise<GameBridge>;
/** The launch URL's parameters, checked (Python's read_launch); throws "invalid_launch". */
export declare function readLaunch(search: string, allowedLobbies: string[]): LaunchParams;
/** The package version (the same as stats().package_version). */
export declare const version: string;
export declare const messageTypes: HiziBridgeStatic["messageTypes"];
declare const HiziBridge: HiziBridgeStatic;
export default HiziBridge;
"""


def package_json(version: str) -> dict[str, Any]:
    return {
        "name": PACKAGE_NAME,
        "version": version,
        "description": (
            "Typed, origin-checked post messages between a hizi.io casino game iframe and "
            "its operator lobby (Python in a Web Worker, JS API)."
        ),
        "license": "MIT",
        "keywords": ["hizi", "postMessage", "iframe", "casino", "lobby", "pyodide"],
        "module": f"./{MODULE}",
        "browser": f"./{SCRIPT}",
        "types": f"./{MODULE_TYPES}",
        "bin": {PACKAGE_NAME: f"./{BIN}"},
        "exports": {
            ".": {"types": f"./{MODULE_TYPES}", "default": f"./{MODULE}"},
            f"./{SCRIPT}": {"types": f"./{TYPES}", "default": f"./{SCRIPT}"},
            "./messages": {"types": f"./{MESSAGE_TYPES}"},
            "./vite": {"types": f"./{VITE_TYPES}", "default": f"./{VITE}"},
            "./package.json": "./package.json",
        },
        "engines": {"node": ">=18"},
        "sideEffects": [f"./{SCRIPT}", f"./{MODULE}"],
        "files": [
            SCRIPT,
            MODULE,
            VITE,
            "bin/",
            f"{RUNTIME}/",
            "types/",
            "README.md",
            "LICENSE",
            NOTICES_NAME,
        ],
    }


def npm_readme(version: str) -> str:
    return f"""\
# hizi-bridge {version}

Typed, origin-checked post messages between a [hizi.io](https://docs.hizi.io) casino game in an
iframe and the operator lobby that embeds it. The protocol runs in Python (Pyodide) in a Web
Worker; this package holds the page side (an ES module, the script-tag build, the types) and
the runtime it boots (`runtime/`: the worker, Pyodide and the wheels, hashed and precompressed,
with their licence notices in THIRD-PARTY-NOTICES.txt). No Python is needed to use it.

1. `npm install hizi-bridge`
2. Put the runtime where your origin serves it (a Worker must be same-origin):
   `npx hizi-bridge copy-runtime public/hizi-bridge` (Vite serves `public/` at `/`), or in
   Vite `plugins: [hiziBridge()]` from `hizi-bridge/vite`, which serves and emits it and sets
   `assetsUrl` itself.
3. Write the page:

```ts
import {{ lobby }} from "hizi-bridge";

const bridge = await lobby({{
  iframe: document.querySelector<HTMLIFrameElement>("#game")!,
  gameOrigin: "https://games.example.com",
  assetsUrl: "/hizi-bridge/", // where step 2 put the runtime (not needed with the plugin)
}});
bridge.on("balance", (msg) => console.log(msg.data.toFixed(2))); // data: number
```

A game (the studio's page) names the lobbies it allows, never the `?lobby=` it was given:

```ts
import {{ game, readLaunch }} from "hizi-bridge";

const LOBBIES = ["https://*.casino.example"];   // your operators' origins, no more
const bridge = await game({{ lobbyOrigins: LOBBIES, assetsUrl: "/hizi-bridge/" }});
// rejects with code "untrusted_lobby" (nothing posted) for any other lobby, or when the
// page is framed by another origin than the one ?lobby= names
const launch = readLaunch(location.search, LOBBIES); // mode, language, currency, settings
```

Without `assetsUrl` (or the plugin) in a bundle, `lobby()` and `game()` reject with a
`HiziBridgeError` of code `invalid_config`; nothing is guessed and nothing is fetched from a
CDN. Script tag instead: serve the copied folder and
`<script src="/hizi-bridge/hizi-bridge.js"></script>` defines `HiziBridge` (types:
`hizi-bridge/hizi-bridge.js`). Message payload types: `hizi-bridge/messages`.

MIT licence; the runtime's third-party licences: THIRD-PARTY-NOTICES.txt. Documentation: the
repository's README.
"""


def make_npm(root: Path = ROOT, *, dist_dir: Path, out_dir: Path | None = None) -> Path:
    """Write the npm package folder from dist/ (its entry script, and all of it as the
    runtime); returns the folder. Raises BuildError for a dist/ of another version."""
    out = out_dir or root / "build" / "npm"
    script = dist_dir / SCRIPT
    if not script.is_file():
        raise BuildError(f"{script} is missing: run python build.py dist first")
    version = package_version(root)
    if f'const VERSION = "{version}";' not in script.read_text(encoding="utf-8"):
        raise BuildError(f"{SCRIPT}'s VERSION is not bridge.__version__ ({version})")
    manifest = dist_dir / "vendor" / "manifest.json"
    if not manifest.is_file() or not (dist_dir / NOTICES_NAME).is_file():
        raise BuildError(f"{dist_dir} is not a dist/ (no vendor/manifest.json or notices)")
    runtime_version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    if runtime_version != version:
        raise BuildError(f"{manifest}: runtime {runtime_version}, package {version}")
    if out.exists():
        shutil.rmtree(out)
    (out / "types" / "static").mkdir(parents=True)
    (out / "types" / "schema").mkdir(parents=True)
    shutil.copyfile(script, out / SCRIPT)
    shutil.copyfile(root / "bridge" / "static" / "hizi-bridge.d.ts", out / TYPES)
    shutil.copyfile(root / "bridge" / "schema" / "messages.d.ts", out / MESSAGE_TYPES)
    shutil.copyfile(root / "LICENSE", out / "LICENSE")
    shutil.copytree(dist_dir, out / RUNTIME)
    shutil.copyfile(dist_dir / NOTICES_NAME, out / NOTICES_NAME)
    (out / "bin").mkdir()
    shutil.copyfile(SOURCES / "bin" / "hizi-bridge.mjs", out / BIN)
    (out / BIN).chmod(0o755)
    shutil.copyfile(SOURCES / "vite.mjs", out / VITE)
    shutil.copyfile(SOURCES / "vite.d.mts", out / VITE_TYPES)
    write_text_atomic(out / MODULE, ESM_ENTRY.replace("__VERSION__", json.dumps(version)))
    write_text_atomic(out / MODULE_TYPES, ESM_TYPES)
    write_text_atomic(out / "README.md", npm_readme(version))
    write_text_atomic(out / "package.json", json.dumps(package_json(version), indent=2) + "\n")
    log(f"npm package ready in {out} ({PACKAGE_NAME}@{version}); `npm pack` it there")
    return out
