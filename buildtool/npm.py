"""The npm package (``build/npm/``, written by ``python build.py dist``; ``npm pack`` it).

Layout (paths relative to the package folder)::

    package.json                  name, version (bridge.__version__), exports, module, browser
    hizi-bridge.mjs               ES module entry: lobby, game, readLaunch, HiziBridgeError, version
    hizi-bridge.js                the script-tag build (dist/'s entry script)
    types/static/hizi-bridge.d.ts     the JS API (the script tag's global HiziBridge)
    types/static/hizi-bridge.d.mts    the ES module entry's declarations
    types/schema/messages.d.ts        every message's data (hizi-bridge.d.ts imports it as
                                      "../schema/messages": the repository's layout is kept)
    README.md, LICENSE

The package carries the page side only. The runtime (the worker script, Pyodide, the wheels)
is what ``dist/`` holds and one origin hosts; inside a bundle ``document.currentScript`` is
null, so the app passes ``assetsUrl`` (where it hosts dist/), or lobby() / game() reject with
``invalid_config``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from .common import ROOT, BuildError, log, write_text_atomic
from .site import package_version

PACKAGE_NAME = "hizi-bridge"
SCRIPT = "hizi-bridge.js"
MODULE = "hizi-bridge.mjs"
TYPES = "types/static/hizi-bridge.d.ts"
MODULE_TYPES = "types/static/hizi-bridge.d.mts"
MESSAGE_TYPES = "types/schema/messages.d.ts"

ESM_ENTRY = """\
// hizi-bridge as an ES module: `import { lobby, game } from "hizi-bridge"`.
// The script-tag build defines globalThis.HiziBridge on a page; this entry re-exports it. In a
// bundle the runtime's location cannot be found from a script tag: pass `assetsUrl`, the URL
// of the folder where your origin hosts dist/ (hizi-bridge-worker.mjs, vendor/); without it
// lobby() and game() reject with a HiziBridgeError of code "invalid_config".
import "./hizi-bridge.js";

const api = globalThis.HiziBridge; // undefined off a page (server-side rendering, Node)

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
export const lobby = (options) => (api ? api.lobby(options) : Promise.reject(new OffPageError()));
export const game = (options) => (api ? api.game(options) : Promise.reject(new OffPageError()));
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
 * folder where this origin hosts dist/'s runtime files (the worker must be same-origin).
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
        "exports": {
            ".": {"types": f"./{MODULE_TYPES}", "default": f"./{MODULE}"},
            f"./{SCRIPT}": {"types": f"./{TYPES}", "default": f"./{SCRIPT}"},
            "./messages": {"types": f"./{MESSAGE_TYPES}"},
            "./package.json": "./package.json",
        },
        "sideEffects": [f"./{SCRIPT}", f"./{MODULE}"],
        "files": [SCRIPT, MODULE, "types/", "README.md", "LICENSE"],
    }


def npm_readme(version: str) -> str:
    return f"""\
# hizi-bridge {version}

Typed, origin-checked post messages between a [hizi.io](https://docs.hizi.io) casino game in an
iframe and the operator lobby that embeds it. The protocol runs in Python (Pyodide) in a Web
Worker; this package is the page side: an ES module, the script-tag build and the types.

```ts
import {{ lobby, HiziBridgeError }} from "hizi-bridge";

const bridge = await lobby({{
  iframe: document.querySelector("iframe")!,
  gameOrigin: "https://games.example.com",
  assetsUrl: "/hizi-bridge/",   // where this origin hosts dist/ (required in a bundle)
}});
bridge.on("balance", (msg) => console.log(msg.data.toFixed(2)));  // data: number
const answer = await bridge.realityCheck({{ elapsedSeconds: 3600, totalStaked: 120,
  totalWon: 95.5, netResult: -24.5, currency: "EUR" }});
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

**The runtime is hosted, not bundled.** `python build.py dist` (in the hizi-bridge repository,
same version) writes `dist/`: the worker script, Pyodide and the wheels, with hashed names and
`.br` / `.gz` twins. Upload it under one path of the page's own origin (a Worker must be
same-origin) and pass that path as `assetsUrl`. Without `assetsUrl` in a bundle, `lobby()` and
`game()` reject with a `HiziBridgeError` of code `invalid_config`; nothing is guessed and
nothing is fetched from a CDN.

Script tag instead: copy `hizi-bridge.js` (or dist/'s own) next to dist/'s files and
`<script src="/hizi-bridge/hizi-bridge.js"></script>` defines `HiziBridge` (types:
`hizi-bridge/hizi-bridge.js`). Message payload types: `hizi-bridge/messages`.

MIT licence. Documentation: the repository's README.
"""


def make_npm(root: Path = ROOT, *, dist_dir: Path, out_dir: Path | None = None) -> Path:
    """Write the npm package folder from dist/'s entry script; returns the folder."""
    out = out_dir or root / "build" / "npm"
    script = dist_dir / SCRIPT
    if not script.is_file():
        raise BuildError(f"{script} is missing: run python build.py dist first")
    version = package_version(root)
    if f'const VERSION = "{version}";' not in script.read_text(encoding="utf-8"):
        raise BuildError(f"{SCRIPT}'s VERSION is not bridge.__version__ ({version})")
    if out.exists():
        shutil.rmtree(out)
    (out / "types" / "static").mkdir(parents=True)
    (out / "types" / "schema").mkdir(parents=True)
    shutil.copyfile(script, out / SCRIPT)
    shutil.copyfile(root / "bridge" / "static" / "hizi-bridge.d.ts", out / TYPES)
    shutil.copyfile(root / "bridge" / "schema" / "messages.d.ts", out / MESSAGE_TYPES)
    shutil.copyfile(root / "LICENSE", out / "LICENSE")
    write_text_atomic(out / MODULE, ESM_ENTRY.replace("__VERSION__", json.dumps(version)))
    write_text_atomic(out / MODULE_TYPES, ESM_TYPES)
    write_text_atomic(out / "README.md", npm_readme(version))
    write_text_atomic(out / "package.json", json.dumps(package_json(version), indent=2) + "\n")
    log(f"npm package ready in {out} ({PACKAGE_NAME}@{version}); `npm pack` it there")
    return out
