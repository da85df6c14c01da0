// Type declarations for hizi-bridge.js (loaded with <script src="/hizi-bridge.js">).
// Message payload shapes are documented in docs/messages.md; the core's generated
// message-level typings under bridge/schema/ may be used for stricter `data` types.

export type LobbyToGameType =
  | "spin" | "stop" | "clearCookies" | "stopAutoplay" | "reload" | "pause" | "resume"
  | "stakeUp" | "stakeDown" | "turbo" | "setAudio" | "updateBalance" | "showHelp"
  | "realityCheck" | "close";

export type GameToLobbyType =
  | "onAppFrameReady" | "gameDataLoaded" | "gameReady" | "roundStarted" | "roundEnded"
  | "balance" | "audioToggle" | "cashier" | "loadProgress" | "error" | "realityCheckAnswer"
  | "playerActivity" | "closeRequest" | "historyRequest" | "autoplayStarted"
  | "autoplayStopped" | "gamePaused" | "gameResumed" | "gameClosed";

export type MessageType = LobbyToGameType | GameToLobbyType;

/** The Appendix A wire object: `data` is absent for messages that carry none. */
export interface WireMessage<T extends MessageType = MessageType> {
  type: T;
  data?: unknown;
}

export type ErrorCode =
  | "timeout" | "cancelled" | "invalid_outbound" | "closed" | "unsupported_in_dialect"
  | "boot_failed" | "invalid_config" | "error" | string;

export interface HiziBridgeError extends Error {
  code: ErrorCode;
}

export type Status = "booting" | "handshaking" | "connected" | "closed" | "error";
export type Mode = "bridge" | "compat";

export interface StatusEvent {
  status: Status;
  mode: Mode | null;
  reason: string;
}

export interface JournalEntry {
  direction: "in" | "out";
  type:
    | MessageType
    | "hiziBridge.hello" | "hiziBridge.welcome" | "hiziBridge.ready" | "hiziBridge.bye" | "?";
  status: "accepted" | "rejected";
  payload: WireMessage | null;
  via: "window" | "port" | "";
  reason: string; // rejection counter, e.g. "origin", "schema"
  detail: string;
  origin: string;
  time: number; // ms since the epoch
  /** The aggregator's own wire form when a dialect translated the message, else null. */
  wire: unknown;
}

export interface BridgeStats {
  accepted: number;
  rejected: Record<string, number>;
  rejected_total: number;
  accepted_by_type: Record<string, number>;
  sent: number;
  queued: number;
  requests: { ok: number; timed_out: number; cancelled: number };
  handshakes: number;
  dropped_on_close: number;
  handler_errors: number;
  io_errors: number;
  internal_errors: number;
  pending_requests: number;
  early_replayed: number;
  early_overflow: number;
  early_call_errors: number;
  target_origins: string[];
  status: Status;
  mode: Mode | null;
  boot_ms: number | null;
  [key: string]: unknown;
}

export interface LiveResources {
  window_listeners: number;
  port_listeners: number;
  timers: number;
  proxies: number;
  handle_proxies: number;
}

export type Unsubscribe = () => void;
export interface RequestOptions {
  timeoutMs?: number;
}

interface BridgeBase<In extends MessageType, Out extends MessageType> {
  readonly role: "lobby" | "game";
  /** Resolves once Python is up (calls made earlier are queued, not lost). */
  readonly ready: Promise<this>;
  readonly status: Status;
  readonly mode: Mode | null;
  on<T extends In>(type: T, handler: (message: WireMessage<T>) => unknown): Unsubscribe;
  onAny(handler: (message: WireMessage<In>) => unknown): Unsubscribe;
  onJournal(handler: (entry: JournalEntry) => unknown): Unsubscribe;
  onStatus(handler: (event: StatusEvent) => unknown): Unsubscribe;
  /** Throws a HiziBridgeError (code "invalid_outbound") for an invalid message. */
  send(type: Out, data?: unknown): void;
  /** Rejects with code "timeout", "cancelled" or "invalid_outbound". */
  request(type: Out, data?: unknown, options?: RequestOptions): Promise<WireMessage<In>>;
  connected(): Promise<void>;
  stats(): BridgeStats;
  liveResources(): Partial<LiveResources>;
  close(reason?: string): void;
}

export interface RealityCheckData {
  elapsedSeconds: number;
  totalStaked: number;
  totalWon: number;
  netResult: number;
  currency: string;
  historyUrl?: string;
}

export type RealityCheckChoice = "continue" | "quit" | "history";

export interface LobbyBridge extends BridgeBase<GameToLobbyType, LobbyToGameType> {
  spin(): void;
  stop(): void;
  pause(): void;
  resume(): void;
  stopAutoplay(): void;
  reload(): void;
  clearCookies(): void;
  stakeUp(): void;
  stakeDown(): void;
  turbo(on: boolean): void;
  setAudio(on: boolean): void;
  updateBalance(): void;
  showHelp(): void;
  realityCheck(
    data: RealityCheckData,
    options?: RequestOptions,
  ): Promise<WireMessage<"realityCheckAnswer"> & { data: { choice: RealityCheckChoice } }>;
  /** Sends `close`; resolves with the game's `gameClosed`. */
  closeGame(reason?: string, options?: RequestOptions): Promise<WireMessage<"gameClosed">>;
}

export type GameErrorCode =
  | "network" | "session_expired" | "insufficient_funds" | "stake_limit"
  | "responsible_gaming_limit" | "game_unavailable" | "round_failed" | "internal";

export interface GameBridge extends BridgeBase<LobbyToGameType, GameToLobbyType> {
  appFrameReady(): void;
  gameDataLoaded(): void;
  gameReady(): void;
  loadProgress(percent: number): void;
  roundStarted(balance: number): void;
  roundEnded(): void;
  balance(balance: number): void;
  audioToggle(muted: boolean): void;
  cashier(): void;
  error(error: { code: GameErrorCode; message: string; fatal: boolean }): void;
  playerActivity(action?: string): void;
  closeRequest(): void;
  historyRequest(): void;
  autoplayStarted(rounds?: number): void;
  autoplayStopped(reason?: string): void;
  paused(): void;
  resumed(): void;
  closed(): void;
  realityCheckAnswer(choice: RealityCheckChoice): void;
}

export interface CommonOptions {
  /** Inbound allow-list (exact origins or https://*.domain); default: the peer origin. */
  allowedOrigins?: string[];
  requestTimeoutMs?: number;
  /** Wire dialect name; default "appendix_a". */
  dialect?: string;
}

export interface LobbyOptions extends CommonOptions {
  iframe: HTMLIFrameElement;
  gameOrigin: string;
}

export interface GameOptions extends CommonOptions {
  lobbyOrigin: string;
  /** How long to wait for a hizi-bridge lobby before speaking plain Appendix A. */
  handshakeTimeoutMs?: number;
}

export interface HiziBridgeStatic {
  readonly version: string;
  readonly messageTypes: { lobbyToGame: LobbyToGameType[]; gameToLobby: GameToLobbyType[] };
  readonly bootInfo: { startedMs: number | null; readyMs: number | null; error: string | null };
  /** Starts Python early; lobby() / game() do it too. */
  boot(): Promise<void>;
  /** Resolves at once with a bridge whose calls are queued until Python is up. */
  lobby(options: LobbyOptions): Promise<LobbyBridge>;
  game(options: GameOptions): Promise<GameBridge>;
}

declare global {
  // eslint-disable-next-line no-var
  var HiziBridge: HiziBridgeStatic;
}
