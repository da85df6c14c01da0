// Type declarations for hizi-bridge.js (loaded with <script src="/hizi-bridge.js">).
// Each message's `data` is typed from the declarations generated from the Python catalog
// (bridge/schema/messages.d.ts, `python -m bridge.contract`).

import type {
  GameToLobby,
  GameToLobbyType,
  LobbyToGame,
  LobbyToGameType,
} from "../schema/messages";

export type { GameToLobby, GameToLobbyType, LobbyToGame, LobbyToGameType };
export type MessageType = LobbyToGameType | GameToLobbyType;
/** Message type -> the type of its `data` (`undefined`: the message carries none). */
export type DataMap = LobbyToGame & GameToLobby;

/** The Appendix A wire object: `data` is absent for messages that carry none. */
export type WireMessage<T extends MessageType = MessageType> = T extends MessageType
  ? undefined extends DataMap[T]
    ? { type: T; data?: Exclude<DataMap[T], undefined> }
    : { type: T; data: DataMap[T] }
  : never;

/** The arguments after the type: none when the message carries no data. */
export type DataArgs<T extends MessageType> = undefined extends DataMap[T]
  ? [data?: DataMap[T]]
  : [data: DataMap[T]];

export type ErrorCode =
  | "timeout" | "cancelled" | "invalid_outbound" | "closed" | "unsupported_in_dialect"
  | "boot_failed" | "invalid_config" | "untrusted_lobby" | "invalid_launch" | "worker_died"
  | "error" | string;

export interface HiziBridgeError extends Error {
  name: "HiziBridgeError";
  code: ErrorCode;
  /** For invalid_outbound: the path of the refused value, e.g. "data.rounds" or "reason";
   * for invalid_launch: the launch parameter ("lobby", "settings", ...); for invalid_config:
   * the option, when one is to blame; for untrusted_lobby: "lobby". */
  field?: string;
  /** untrusted_lobby: the launch URL's `lobby` as given (null when absent). */
  value?: string | null;
  /** untrusted_lobby: the allowed lobbies (normalised `lobbyOrigins`). */
  patterns?: string[];
}

export type Status = "booting" | "handshaking" | "connected" | "closed" | "error";
export type Mode = "bridge" | "compat";

export interface StatusEvent {
  status: Status;
  mode: Mode | null;
  reason: string;
  /** Why the status is "error" (e.g. "timeout", "boot_failed"); null otherwise. */
  code: ErrorCode | null;
}

export interface JournalEntry {
  direction: "in" | "out";
  type:
    | MessageType
    | "hiziBridge.hello" | "hiziBridge.welcome" | "hiziBridge.ready" | "hiziBridge.bye" | "?"
    /** dialect "auto" picked a dialect (payload {dialect, how, first}). */
    | "dialect";
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
  /** With dialect "auto" only: the dialect in use (null until picked), how many picks, values
   * two dialects accepted, and RubyPlay messages refused because the bridge has no currency. */
  dialect?: { mode: "auto"; picked: string | null; picks: number; ambiguous: number;
    needs_currency: number; candidates: string[] };
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
  rejected_fast: Record<string, number>;
  target_origins: string[];
  status: Status;
  mode: Mode | null;
  /** Time the runtime took to boot, ms. */
  boot_ms: number | null;
  /** The boot's timeline (times in ms since the epoch); null before the runtime is up. */
  boot: BootTimeline | null;
  runtime: Runtime;
  /** This hizi-bridge's version (Python's bridge.__version__; HiziBridge.version on the page). */
  package_version: string;
  /** The protocol versions this bridge offers in a handshake. */
  protocol_versions: number[];
  /** The version the handshake chose; null before it and with a plain Appendix A peer. */
  protocol_version: number | null;
  /** The modules a boot leaves for after connected (compliance, supervision, the journal,
   * dialects other than appendix_a) that this bridge's runtime has imported so far. */
  later_modules_loaded: string[];
  /** Message and data models whose validator this runtime has not built yet: each is built
   * on first use, and the JS API's engine (worker or page runtime) builds the rest one per
   * idle task once its first bridge is connected, so this falls to 0 soon after that; it
   * stays above 0 while no bridge has connected, and on a PyScript page (Python API), which
   * builds on first use only. */
  validators_unbuilt: number;
  [key: string]: unknown;
}

/** Where a boot's time went: the engine's phases and its context's fetches. */
export interface BootTimeline {
  /** When the page asked for the runtime. */
  page_start_ms: number;
  /** When the engine's context (the worker, or the page for runtime "main") started. */
  context_start_ms: number;
  /** [name, start, end]: manifest, pyodide_module, zips_fetched (the pure-Python wheels,
   * fetched alongside load_pyodide), load_pyodide (wasm, interpreter, standard library,
   * pydantic-core's install), mount_zips (the wheels put on sys.path), imports (the bridge's
   * Python modules); with option
   * `snapshot`, snapshot_lookup (the cache lookup, before load_pyodide) and, when an entry
   * was read, snapshot_read (from the lookup to its last byte, alongside load_pyodide). */
  phases: [string, number, number][];
  /** Resource Timing of the engine's context: start and end of each fetch, bytes on the
   * wire (encoded body; transfer_bytes is 0 when the HTTP cache answered). */
  fetches: { url: string; start_ms: number; end_ms: number; bytes: number; transfer_bytes: number }[];
  /** The memory snapshot on this boot (option `snapshot`). */
  snapshot: BootSnapshot;
}

/** "off" (the default, snapshot: false, runtime "main"), "unavailable" (no Cache Storage), "missing" (none
 * yet: one is made after this boot), "restored", "fallback" (unreadable or the restore failed:
 * booted normally; error says why), "refused" (a restore of this runtime's snapshot, or its store,
 * failed on this browser before: booted normally, no new one). */
export interface BootSnapshot {
  state: "off" | "unavailable" | "missing" | "restored" | "fallback" | "refused";
  /** The Cache Storage key (cache "hizi-bridge-snapshot"); null when off. */
  key: string | null;
  /** The restored snapshot's size; 0 otherwise. */
  bytes: number;
  error: string | null;
}

export interface LiveResources {
  window_listeners: number;
  load_listeners: number;
  port_listeners: number;
  timers: number;
  proxies: number;
}

/** Where the bridge's Python runs: a dedicated Web Worker (default) or the page's thread. */
export type Runtime = "worker" | "main";

export type Unsubscribe = () => void;
export interface RequestOptions {
  timeoutMs?: number;
}

interface BridgeBase<In extends MessageType, Out extends MessageType> {
  readonly role: "lobby" | "game";
  /** Resolves once the bridge is open (the same promise lobby() / game() return). */
  readonly ready: Promise<this>;
  readonly status: Status;
  readonly mode: Mode | null;
  on<T extends In>(type: T, handler: (message: WireMessage<T>) => unknown): Unsubscribe;
  onAny(handler: (message: WireMessage<In>) => unknown): Unsubscribe;
  onJournal(handler: (entry: JournalEntry) => unknown): Unsubscribe;
  onStatus(handler: (event: StatusEvent) => unknown): Unsubscribe;
  /**
   * Resolves once the engine took the message (queued until connected, or posted); rejects
   * with a HiziBridgeError: "invalid_outbound" (naming the field) or "closed". Nothing is
   * sent half-repaired.
   */
  send<T extends Out>(type: T, ...data: DataArgs<T>): Promise<void>;
  /**
   * Rejects with code "timeout", "cancelled" or "invalid_outbound". Requests a person
   * answers (the reality check) have no timeout unless `timeoutMs` is given.
   */
  request<T extends Out>(
    type: T,
    data: DataMap[T],
    options?: RequestOptions,
  ): Promise<WireMessage<In>>;
  /** Settles at once when already connected (resolves), closed or failed (rejects). */
  connected(): Promise<void>;
  stats(): Promise<BridgeStats>;
  liveResources(): Promise<LiveResources>;
  /** Says bye, cancels pending requests, removes listeners; rejects (and stays open) on a
   * reason that is not valid Unicode. */
  close(reason?: string): Promise<void>;
}

/** The `data` of a message, from the generated catalog (bridge/schema/messages.d.ts). */
export type Payload<T extends MessageType> = Exclude<DataMap[T], undefined>;
export type RealityCheckData = Payload<"realityCheck">;
export type RealityCheckChoice = Payload<"realityCheckAnswer">["choice"];
export type GameErrorCode = Payload<"error">["code"];

/**
 * Named helpers, one per catalog message, named as in the Python API (generated from the
 * catalog). The rule for request-like messages is the Python API's: a helper whose message has
 * a reply (`pause` -> `gamePaused`, `resume` -> `gameResumed`, `realityCheck` ->
 * `realityCheckAnswer`, `closeGame` -> `gameClosed`) sends a request and resolves with the
 * reply; the message goes out at once either way. A plain Appendix A game never answers: the
 * promise then rejects with "timeout" (`requestTimeoutMs`; the reality check waits without a
 * timeout unless `timeoutMs` is given). Dropping such a promise is safe (it is marked
 * handled). Every other helper is a `send()`.
 */
// helpers:begin (generated by python -m bridge.contract from the catalog)
export interface LobbyHelpers {
  /** Start a spin. */
  spin(): Promise<void>;
  /** Stop the reels. */
  stop(): Promise<void>;
  /** Forget stored settings (muted, turbo, ...). */
  clearCookies(): Promise<void>;
  /** End autoplay after the current spin. */
  stopAutoplay(): Promise<void>;
  /** Reload the game after the current spin. */
  reload(): Promise<void>;
  /** Request; resolves to `gamePaused`. */
  pause(options?: RequestOptions): Promise<WireMessage<"gamePaused">>;
  /** Request; resolves to `gameResumed`. */
  resume(options?: RequestOptions): Promise<WireMessage<"gameResumed">>;
  /** Raise the selected stake one step. */
  stakeUp(): Promise<void>;
  /** Lower the selected stake one step. */
  stakeDown(): Promise<void>;
  /** Turbo on (`true`) or off (`false`). */
  turbo(on: Payload<"turbo">): Promise<void>;
  /** Sound on (`true`) or muted (`false`). */
  setAudio(on: Payload<"setAudio">): Promise<void>;
  /** Re-fetch the balance from the server (e.g. after a deposit). */
  updateBalance(): Promise<void>;
  /** Open the game rules dialog. */
  showHelp(): Promise<void>;
  /** Request; resolves to `realityCheckAnswer` (no timeout by default). */
  realityCheck(data: Payload<"realityCheck">, options?: RequestOptions): Promise<WireMessage<"realityCheckAnswer">>;
  /** Request; resolves to `gameClosed`. */
  closeGame(reason?: Payload<"close">["reason"], options?: RequestOptions): Promise<WireMessage<"gameClosed">>;
  /** Extension. Toggle sound (mute if on, unmute if muted). */
  toggleAudio(): Promise<void>;
  /** Extension. Toggle turbo. */
  toggleTurbo(): Promise<void>;
  /** Extension. Select this stake (major unit); the game answers with `stakeChanged`. */
  setStake(stake: Payload<"setStake">["stake"]): Promise<void>;
  /** Extension. Close the rules dialog (`showHelp` opens it). */
  hideHelp(): Promise<void>;
  /** Extension. Open the game's autoplay dialog. */
  showAutoplay(): Promise<void>;
  /** Extension. Show an error dialog with the lobby's text. */
  showError(message: Payload<"showError">["message"], options: { canContinue: Payload<"showError">["canContinue"] }): Promise<void>;
  /** Extension. Go on after a dialog or message that stopped play. */
  continuePlay(): Promise<void>;
  /** Extension. Go on after a dialog or message that stopped play. */
  continue(): Promise<void>;
  /** Extension. The player's free rounds changed (awarded, one played, ...). */
  freeRounds(data: Payload<"freeRounds">): Promise<void>;
  /** Extension. Promotion information for the game to show. */
  promoInfo(data?: Payload<"promoInfo">): Promise<void>;
  /** Extension. Set the game's master volume, 0 (silent) to 1 (full). */
  setVolume(volume: Payload<"setVolume">["volume"]): Promise<void>;
  /** Extension. Open the game's own bet history panel. 155.io `open-game-history`. */
  showHistory(): Promise<void>;
  /** Extension. Close every panel and sidebar the game has open (rules, history, ...). */
  closePanels(): Promise<void>;
}

export interface GameHelpers {
  /** The game page has loaded. */
  appFrameReady(): Promise<void>;
  /** The game's login call succeeded. */
  gameDataLoaded(): Promise<void>;
  /** Loading is done and the game is playable. */
  gameReady(): Promise<void>;
  /** A round started; `data` is the balance after the stake was taken. */
  roundStarted(balance: Payload<"roundStarted">): Promise<void>;
  /** The round ended. */
  roundEnded(options?: { stake?: Payload<"roundEnded">["stake"]; win?: Payload<"roundEnded">["win"]; balance?: Payload<"roundEnded">["balance"] }): Promise<void>;
  /** The balance shown in the game changed; `data` is the new balance. */
  balance(balance: Payload<"balance">): Promise<void>;
  /** The player toggled sound; `data` is `true` when now muted. */
  audioToggle(muted: Payload<"audioToggle">): Promise<void>;
  /** The player lacks funds for a bet: the lobby should open its cashier. */
  cashier(): Promise<void>;
  /** Extension. Loading progress, 0 to 100. */
  loadProgress(percent: Payload<"loadProgress">["percent"]): Promise<void>;
  /** Extension. The game hit an error. */
  error(data: Payload<"error">): Promise<void>;
  /** Extension. The player's answer to `realityCheck`. */
  realityCheckAnswer(choice: Payload<"realityCheckAnswer">["choice"]): Promise<void>;
  /** Extension. The player did something (spin, stake change, menu, touch). */
  playerActivity(action?: Payload<"playerActivity">["action"]): Promise<void>;
  /** Extension. The player asked to leave the game (close / home button). */
  closeRequest(): Promise<void>;
  /** Extension. The player asked to see the game history. */
  historyRequest(): Promise<void>;
  /** Extension. Autoplay started; `rounds` is the number asked for, if bounded. */
  autoplayStarted(rounds?: Payload<"autoplayStarted">["rounds"]): Promise<void>;
  /** Extension. Autoplay stopped (finished, stopped by the player or the lobby). */
  autoplayStopped(reason?: Payload<"autoplayStopped">["reason"]): Promise<void>;
  /** Extension. The game is paused (the answer to `pause`). */
  paused(): Promise<void>;
  /** Extension. The game runs again (the answer to `resume`). */
  resumed(): Promise<void>;
  /** Extension. The game finished its round and may be removed (the answer to `close`). */
  closed(): Promise<void>;
  /** Extension. The selected stake is now `stake` (major unit), whoever changed it. */
  stakeChanged(stake: Payload<"stakeChanged">["stake"], currency?: Payload<"stakeChanged">["currency"]): Promise<void>;
  /** Extension. The free rounds are used up; `won` is their total win (major unit). */
  freeRoundsFinished(won: Payload<"freeRoundsFinished">["won"], options?: { rounds?: Payload<"freeRoundsFinished">["rounds"]; currency?: Payload<"freeRoundsFinished">["currency"] }): Promise<void>;
  /** Extension. The player opened (`open: true`) or closed one of the game's panels. */
  dialogChanged(dialog: Payload<"dialogChanged">["dialog"], options: { open: Payload<"dialogChanged">["open"] }): Promise<void>;
  /** Extension. The game showed (`shown: true`) or closed a system popup: an error, */
  systemPopup(kind: Payload<"systemPopup">["kind"], options: { shown: Payload<"systemPopup">["shown"]; message?: Payload<"systemPopup">["message"] }): Promise<void>;
}
// helpers:end

export interface LobbyBridge extends BridgeBase<GameToLobbyType, LobbyToGameType>, LobbyHelpers {
  /** Compliance: `handler(action)` for each action of the supervisor (the `compliance`
   * option or `supervise()`); the engine has already sent what is protocol. */
  onCompliance(handler: (action: ComplianceAction) => unknown): Unsubscribe;
  /** Run compliance from now (a new session) with these options; null stops it. Rejects
   * with "invalid_config" whose `field` names the option or setting. */
  supervise(compliance: ComplianceOptions | null): Promise<void>;
}

export interface GameBridge extends BridgeBase<LobbyToGameType, GameToLobbyType>, GameHelpers {}

/** hizi's game settings (Operator API Appendix C), under their own camelCase names; see
 * docs/compliance.md. Money in 1/100 of the currency unit, times in ms. */
export interface GameSettings {
  rcEnabled?: boolean;
  rcInterval?: number;
  rcDisplayWinLoss?: boolean;
  homeURL?: string;
  historyURL?: string;
  topupURL?: string;
  homeEnabled?: boolean;
  minStake?: number;
  maxStake?: number;
  maxExposure?: number;
  autoplayEnabled?: boolean;
  autoplayLossLimitRequired?: boolean;
  turboEnabled?: boolean;
  stopEnabled?: boolean;
  gambleEnabled?: boolean;
  multipleInstancesAllowed?: boolean;
  displayClock?: boolean;
  displayRTP?: boolean;
  displayXRTP?: boolean;
  displayCoins?: boolean;
  displayJackpotOdds?: boolean;
  forceOrientation?: "portrait" | "landscape";
  loadMsg?: string;
  minLoadTime?: number;
  minSpinTime?: number;
}

/** The lobby's `compliance` option (and `supervise()`): run in Python, in the engine. */
export interface ComplianceOptions {
  /** The reality check: `rcEnabled`, `rcInterval`, `rcDisplayWinLoss`, `historyURL`. */
  settings?: GameSettings;
  /** ISO 4217: the reality check's currency. */
  currency: string;
  /** The operator's inactivity rule (off without a limit): warn `inactivityWarnMs` before
   * closing the game after `inactivityLimitMs` without activity. */
  inactivityLimitMs?: number;
  inactivityWarnMs?: number;
}

/** What the compliance supervisor did or asks the lobby to do. */
export type ComplianceAction =
  /** The engine sent this reality check (outside a round); the answer acts on its own. */
  | { kind: "realityCheck"; data: RealityCheckData }
  /** The engine sent `close` (the player quit, or inactivity); remove the frame or go home. */
  | { kind: "closeGame"; reason: string }
  /** The player chose "history": open the settings' `historyURL`. */
  | { kind: "openHistory"; url: string }
  /** Tell the player the game closes in `remainingMs` unless they act. */
  | { kind: "warnInactive"; remainingMs: number }
  /** The player acted after a warning: take it down. */
  | { kind: "inactivityCleared" };

export interface CommonOptions {
  /** Inbound allow-list (exact origins or https://*.domain); default: the peer origin. Not
   * with a game's `lobbyOrigins` ("invalid_config"): the lobby accepted from the launch URL is
   * then the only origin heard. */
  allowedOrigins?: string[];
  /** Default timeout of requests, ms (10,000); requests a person answers have none. */
  requestTimeoutMs?: number;
  /** Wire dialect name: "appendix_a" (default), "gamesglobal", "rubyplay", "155io"; a lobby
   * may give "auto": picked per game document from its first valid message (journal lines
   * of type "dialect", `stats().dialect`). */
  dialect?: string;
  /** ISO 4217 code of the session's money ("EUR"). Required by a dialect that speaks minor
   * units ("rubyplay": "invalid_config" without it); a lobby's compliance currency defaults
   * to it. Amounts on the API are in its major unit in every dialect. */
  currency?: string;
  /** Where Python runs; default "worker". One runtime per page (the first bridge's). */
  runtime?: Runtime;
  /** Base URL of the runtime's files (vendor/ and the worker); default: this script's folder,
   * or the script tag's data-assets-url. Required when hizi-bridge is imported as a module or
   * bundled (no script tag to start from): without it, "invalid_config". */
  assetsUrl?: string;
  /** The worker script, same-origin with the page, relative to the page; default:
   * hizi-bridge-worker.mjs next to hizi-bridge.js (next to `assetsUrl` in a bundle). */
  workerUrl?: string;
  /** lobby() / game() reject with "boot_failed" when the runtime is not up by then; ms,
   * default 60,000 (a CSP that blocks the wasm makes Pyodide hang without an error). */
  bootTimeoutMs?: number;
  /** Boot the worker from a memory snapshot of the interpreter kept in this origin's Cache
   * Storage (about 31 MB, made in a nested worker after the first boot, keyed by the runtime's
   * identity); default false (neither read nor made). Any failure falls back to a normal boot
   * (stats().boot.snapshot). The first bridge's value decides; "main" never uses one. */
  snapshot?: boolean;
}

/** What `HiziBridge.start()` reads: the runtime's options of `CommonOptions`. */
export type RuntimeOptions = Pick<CommonOptions, "runtime" | "assetsUrl" | "workerUrl" | "bootTimeoutMs" | "snapshot">;

export interface LobbyOptions extends CommonOptions {
  iframe: HTMLIFrameElement;
  gameOrigin: string;
  /** Run compliance (reality check, inactivity) in the engine from the start; bad settings
   * reject lobby() with "invalid_config" naming the setting. See `onCompliance`. */
  compliance?: ComplianceOptions;
  /** How long to wait for the game to speak before status "error" (code "timeout"), ms. */
  handshakeTimeoutMs?: number;
}

interface GameOptionsBase extends CommonOptions {
  /** How long to wait for a hizi-bridge lobby before speaking plain Appendix A. */
  handshakeTimeoutMs?: number;
}

/**
 * The lobby origins this game allows (exact origins, `https://*.casino.example` patterns;
 * `http://localhost:*`, `http://127.0.0.1:*`, `http://[::1]:*` for development only: a port
 * left open is allowed for loopback hosts and nothing else). The bridge reads `lobby` from the
 * page's own launch URL and accepts it only when it matches one and, where the browser tells
 * the framing origin (`location.ancestorOrigins`: Chromium, WebKit), equals it; otherwise
 * `game()` rejects with code "untrusted_lobby" (naming the parameter, its value and the
 * patterns) and nothing is posted. The accepted lobby is the peer and the only origin heard,
 * so `allowedOrigins` is refused with it ("invalid_config").
 */
export interface GameOptionsFromLaunch extends GameOptionsBase {
  lobbyOrigins: string[];
  lobbyOrigin?: never;
  allowedOrigins?: never;
}

/** One exact lobby origin, known to the page without asking the URL (`allowedOrigins`: the
 * inbound allow-list, default `[lobbyOrigin]`). */
export interface GameOptionsExact extends GameOptionsBase {
  lobbyOrigin: string;
  lobbyOrigins?: never;
}

/** Exactly one of `lobbyOrigins` and `lobbyOrigin`: both, or neither, is "invalid_config". */
export type GameOptions = GameOptionsFromLaunch | GameOptionsExact;

/** hizi's launch modes (the Operator API's getGameURL). */
export type LaunchMode = "REAL" | "DEMO" | "HISTORY";

/** What `readLaunch` returns: the launch URL's parameters, checked. */
export interface LaunchParams {
  mode: LaunchMode;
  /** BCP 47 tag, e.g. "en" or "pt-BR". */
  language: string;
  /** ISO 4217 code. */
  currency: string;
  /** The lobby's origin, normalised, from the allow-list. */
  lobby: string;
  /** The Appendix C settings the lobby gave that are not at their default. */
  settings: GameSettings;
}

export interface HiziBridgeStatic {
  readonly version: string;
  /** The class of every error the API rejects or throws with (`err instanceof ...`). */
  readonly HiziBridgeError: new (info: { code: ErrorCode; message?: string; field?: string }) => HiziBridgeError;
  readonly messageTypes: { lobbyToGame: LobbyToGameType[]; gameToLobby: GameToLobbyType[] };
  readonly bootInfo: {
    runtime: Runtime | null;
    startedMs: number | null;
    readyMs: number | null;
    error: string | null;
  };
  /**
   * Resolves once the bridge is open (runtime booted, options accepted; messages the peer
   * posted meanwhile are buffered and replayed); rejects with "invalid_config" or
   * "boot_failed".
   */
  lobby(options: LobbyOptions): Promise<LobbyBridge>;
  /** Rejects with "untrusted_lobby" when `lobbyOrigins` refuses the launch URL's `lobby`. */
  game(options: GameOptions): Promise<GameBridge>;
  /**
   * Starts the page's runtime now (Python boots while the page does its own work, e.g. fetch
   * the game's launch URL); the first lobby() / game() then finds it booting or up. Resolves
   * once it is up; rejects with "invalid_config" (an unknown option, or the other runtime kind
   * than the page's) or "boot_failed". The runtime keeps the options of the first call.
   */
  start(options?: RuntimeOptions): Promise<void>;
  /**
   * The launch parameters of `search` (`location.search`, or a whole URL): mode, language,
   * currency, lobby (checked against `allowedLobbies`, the same patterns as `lobbyOrigins`)
   * and settings. Synchronous; the contract of Python's `read_launch`. Throws a
   * HiziBridgeError of code "invalid_launch" whose `field` names the parameter ("query",
   * "mode", "language", "currency", "lobby", "settings", or "allowedLobbies" for a bad list)
   * and whose message is "<param>: <why>": a parameter given twice, not text (bytes that are
   * not UTF-8, a lone surrogate), invalid, or settings that are not strict JSON (NaN, a name
   * given twice). The query limit, 8192, counts code points. The rules: docs/security.md,
   * "What a launch reader refuses".
   */
  readLaunch(search: string, allowedLobbies: string[]): LaunchParams;
}

declare global {
  // eslint-disable-next-line no-var
  var HiziBridge: HiziBridgeStatic;
}
