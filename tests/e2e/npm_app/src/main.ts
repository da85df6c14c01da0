// A lobby bundled by Vite from the npm package, with typed payloads. The test serves the built
// app with dist/'s runtime files under /hizi/ (assetsUrl) and the game on another origin.
import {
  HiziBridgeError,
  game,
  lobby,
  readLaunch,
  version,
  type GameBridge,
  type LaunchMode,
  type LobbyBridge,
  type RealityCheckData,
  type WireMessage,
} from "hizi-bridge";
import type { ErrorData, RealityCheckChoice } from "hizi-bridge/messages";

declare global {
  interface Window {
    app: {
      version: string;
      noAssetsUrl: string | null;
      balances: number[];
      errors: ErrorData[];
      realityCheck(data: RealityCheckData): Promise<RealityCheckChoice>;
      stats(): ReturnType<LobbyBridge["stats"]>;
    };
  }
}

const params = new URLSearchParams(location.search);
const gameOrigin = params.get("game") ?? "http://localhost:8001";
const assetsUrl = params.get("assets") ?? "/hizi/";
const status = document.getElementById("bridge-status") as HTMLElement;
const iframe = document.getElementById("game") as HTMLIFrameElement;
iframe.src = `${gameOrigin}/examples/js_game.html?lobby=${encodeURIComponent(location.origin)}`;

const balances: number[] = [];
const errors: ErrorData[] = [];

function onBalance(msg: WireMessage<"balance">): void {
  balances.push(msg.data); // data: number
}

async function main(): Promise<void> {
  // In a bundle the script has no tag to find its runtime from: without assetsUrl, a typed
  // invalid_config rather than a guess.
  const noAssetsUrl = await lobby({ iframe, gameOrigin }).then(
    () => null,
    (err: unknown) => (err instanceof HiziBridgeError ? err.code : `untyped: ${String(err)}`),
  );
  const bridge = await lobby({ iframe, gameOrigin, assetsUrl });
  bridge.on("balance", onBalance);
  bridge.on("roundStarted", (msg) => {
    if (msg.data !== null) balances.push(msg.data); // number | null
  });
  bridge.on("error", (msg) => {
    errors.push(msg.data);
    if (msg.data.fatal) console.warn(msg.data.code, msg.data.message.slice(0, 80));
  });
  bridge.onStatus((event) => {
    status.textContent = event.status;
  });
  window.app = {
    version,
    noAssetsUrl,
    balances,
    errors,
    async realityCheck(data: RealityCheckData): Promise<RealityCheckChoice> {
      const answer = await bridge.realityCheck(data);
      return answer.data.choice;
    },
    stats: () => bridge.stats(),
  };
  await bridge.connected();
  status.textContent = bridge.status;
}

// A studio's game page, type-checked only (this app is a lobby): the lobby comes from the
// launch URL, checked against the studio's patterns.
export function studioGame(): Promise<GameBridge> {
  const lobbies = ["https://*.casino.example"];
  const mode: LaunchMode = readLaunch(location.search, lobbies).mode;
  console.info(mode);
  return game({ lobbyOrigins: lobbies, assetsUrl });
}

main().catch((err: unknown) => {
  status.textContent = `failed: ${err instanceof Error ? err.message : String(err)}`;
});
