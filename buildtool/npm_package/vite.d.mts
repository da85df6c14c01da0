// Declarations of hizi-bridge/vite, the Vite plugin (only a Vite app imports it, so Vite's
// own types are there).
import type { Plugin } from "vite";

export interface HiziBridgePluginOptions {
  /** Where the runtime is served, under Vite's `base`; default "hizi-bridge/". */
  path?: string;
}
/** Serves (dev) and copies (build) the runtime under `<base><path>` and makes that URL the
 * default `assetsUrl` of `lobby()` / `game()` from "hizi-bridge". */
export default function hiziBridge(options?: HiziBridgePluginOptions): Plugin;
export { hiziBridge };
