/**
 * Types of the local Stytch emulator (`stytch-sessions-wasm/emulator`, index.mjs next to this
 * file; every route and behaviour is in USAGE.md, also next to it).
 *
 *   import { startEmulator } from "stytch-sessions-wasm/emulator";
 *   const emu = await startEmulator({ port: 0 });
 *   // ... point a client at emu.url with emu.projectId / emu.secret ...
 *   await emu.close();
 */

/** The project id the emulator serves unless `projectId` is given. */
export declare const DEFAULT_PROJECT_ID: "project-test-00000000-0000-4000-8000-000000000000";

/** The project secret (Basic auth) the emulator accepts unless `secret` is given. */
export declare const DEFAULT_SECRET: "secret-test-emulator";

export interface EmulatorOptions {
  /** Port on 127.0.0.1; `0` or absent picks a free one (the command line's default is 4517). */
  port?: number;
  /** Project id of the emulated project. Default `DEFAULT_PROJECT_ID`. */
  projectId?: string;
  /** Project secret the API routes' Basic auth accepts. Default `DEFAULT_SECRET`. */
  secret?: string;
  /**
   * An `http(s)://` URL (e.g. `https://login.example.com`) that becomes the JWT issuer (without
   * a trailing `/`) instead of `stytch.com/<project_id>`. Anything else throws a `TypeError`.
   */
  customDomain?: string;
  /** Replaces the clock: a function returning whole Unix seconds (for expiry tests without waiting). */
  now?: () => number;
  /**
   * Let pages served from a loopback origin drive the control routes (`/__emulator/*`) through
   * CORS, preflight included (the command line's `--control-cors`). Default `false`.
   */
  controlCors?: boolean;
}

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:<port>`, without a trailing `/`. */
  readonly url: string;
  /** The port it listens on (the one picked when `port` was 0). */
  readonly port: number;
  readonly projectId: string;
  readonly secret: string;
  /** Stop listening and drop open connections; every call returns the same promise. */
  close(): Promise<void>;
}

/**
 * Start an emulator on 127.0.0.1 with a fresh signing key, empty state and an empty RBAC policy.
 * Resolves once it listens; rejects when the port is taken (`EADDRINUSE`).
 */
export declare function startEmulator(options?: EmulatorOptions): Promise<Emulator>;
