// Must NOT type-check (tests/e2e/test_npm.py asserts tsc reports exactly these lines):
// payloads the generated declarations describe, used wrongly.
import { game, lobby } from "hizi-bridge";

export async function wrong(iframe: HTMLIFrameElement): Promise<void> {
  const bridge = await lobby({ iframe, gameOrigin: "https://games.example.com" });
  // WRONG-1: a reality check's currency is a string, not a number.
  await bridge.realityCheck({ elapsedSeconds: 1, totalStaked: 0, totalWon: 0, netResult: 0, currency: 978 });
  // WRONG-2: a balance's data is a number, not a string.
  bridge.on("balance", (msg) => msg.data.toUpperCase());
  // WRONG-3: turbo carries a boolean.
  await bridge.send("turbo", "on");
  // WRONG-4: a game names its lobby one way: an exact origin or the allowed patterns.
  await game({ lobbyOrigin: "https://casino.example", lobbyOrigins: ["https://*.casino.example"] });
}
