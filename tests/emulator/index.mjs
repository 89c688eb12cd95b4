/**
 * A local emulator of the Stytch Sessions API (USAGE.md): a real HTTP server on
 * 127.0.0.1 with real RS256 keys and in-memory state.
 *
 *   import { startEmulator } from "stytch-sessions-wasm/emulator";  // this file; types in index.d.ts
 *   const emu = await startEmulator({ port: 0 });  // → { url, port, projectId, secret, close() }
 */
import { createServer } from "node:http";
import { HttpError, errorBody, typeForStatus } from "./errors.mjs";
import { setCors, setControlCors, send, sendError, readJsonBody, drain, checkBasicAuth, isLoopbackHost } from "./http.mjs";
import { API_ROUTES } from "./api.mjs";
import { B2B_API_ROUTES } from "./b2b-api.mjs";
import { B2BState } from "./b2b-state.mjs";
import { CONTROL_ROUTES } from "./control.mjs";
import { Faults } from "./faults.mjs";
import { KeyRing } from "./jwt.mjs";
import { State } from "./state.mjs";
import { newId, nowSec } from "./util.mjs";

export const DEFAULT_PROJECT_ID = "project-test-00000000-0000-4000-8000-000000000000";
export const DEFAULT_SECRET = "secret-test-emulator";

/** Every API route: the consumer ones (api.mjs), then B2B (b2b-api.mjs). */
const ROUTES = [...API_ROUTES, ...B2B_API_ROUTES];
// Each route's key `"<METHOD> <pattern>"`: what `GET /__emulator/requests` counts and `--help` lists.
for (const r of [...ROUTES, ...CONTROL_ROUTES]) r.key = `${r.method} ${r.pattern}`;
const zeroCounts = () => Object.fromEntries(ROUTES.map((r) => [r.key, 0]));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The emulator's whole mutable world, handed to every route handler. */
class Emulator {
  constructor({ projectId, secret, customDomain, now, controlCors }) {
    this.projectId = projectId;
    this.controlCors = controlCors === true;
    this.secret = secret;
    this.issuer = customDomain ? customDomain.replace(/\/+$/, "") : `stytch.com/${projectId}`;
    this.issuers = [...new Set([`stytch.com/${projectId}`, this.issuer])];
    this.now = now ?? nowSec;
    this.state = new State();
    this.keyRing = new KeyRing();
    this.faults = new Faults();
    this.counts = zeroCounts();
  }

  /** Empty state (no users, sessions, tokens; an empty RBAC policy), one fresh key, zero counts, no faults. */
  async reset() {
    await this.keyRing.rotate(false);
    this.state = new State();
    this.b2b = await B2BState.create(); // B2B state with a fresh key of its own (b2b-state.mjs)
    this.faults.clear();
    this.counts = zeroCounts();
  }
}

/**
 * Find the route of `routes` (API or control) for a request: `{route, params}`, `{allowed}` (the
 * path matches but not the method) or `{}`. A `:name` segment of a route's pattern matches any
 * non-empty segment, given (URL-decoded where it decodes) as `params.name`.
 */
function matchRoute(routes, method, pathname) {
  const got = pathname.split("/");
  const allowed = [];
  for (const route of routes) {
    const want = route.pattern.split("/");
    if (want.length !== got.length) continue;
    const params = {};
    const matches = want.every((seg, i) => {
      if (!seg.startsWith(":")) return seg === got[i];
      try { params[seg.slice(1)] = decodeURIComponent(got[i]); } catch { params[seg.slice(1)] = got[i]; }
      return got[i] !== "";
    });
    if (!matches) continue;
    if (route.method !== method) { allowed.push(route.method); continue; }
    return { route, params };
  }
  return allowed.length ? { allowed } : {};
}

/** Answer a request no route takes: 405 with `Allow` when only its method is wrong, else 404. */
async function noRoute(req, res, allowed) {
  await drain(req);
  if (allowed) return sendError(res, new HttpError(405, "method_not_allowed"), { Allow: allowed.join(", ") });
  return sendError(res, new HttpError(404, "route_not_found"));
}

/** Apply a fault. Returns true when the request has been answered (or its socket destroyed). */
async function applyFault(fault, req, res) {
  if (fault.delay_ms > 0) await sleep(fault.delay_ms);
  if (fault.reset_connection) {
    req.socket.destroy();
    return true;
  }
  if (fault.malformed_body) {
    await drain(req);
    const requestId = newId("request-id-test");
    send(res, fault.status ?? 200, `{"request_id": "${requestId}", "status_code": ${fault.status ?? 200}, "sess`);
    return true;
  }
  if (fault.status !== null) {
    await drain(req);
    send(res, fault.status, errorBody(fault.status, typeForStatus(fault.status)));
    return true;
  }
  return false;
}

/** Route one API request (anything outside `/__emulator/`). */
async function handleApi(emu, req, res, url) {
  const { route, params, allowed } = matchRoute(ROUTES, req.method, url.pathname);
  if (route) emu.counts[route.key] += 1;
  const fault = emu.faults.take(req.method, url.pathname);
  if (fault && (await applyFault(fault, req, res))) return;
  if (!route) return noRoute(req, res, allowed);
  const body = route.method === "POST" ? await (route.readBody ?? readJsonBody)(req) : (await drain(req), {});
  if (route.auth && !checkBasicAuth(req.headers.authorization, emu.projectId, emu.secret)) {
    throw new HttpError(401, "unauthorized_credentials");
  }
  const out = await route.handler(emu, { body, params, query: url.searchParams, headers: req.headers });
  send(res, 200, { request_id: newId("request-id-test"), status_code: 200, ...out });
}

/**
 * Route one control request (`/__emulator/...`). No CORS, and only for a loopback `Host`: a web
 * page (through CORS) or a DNS-rebinding one (its own Host) cannot drive the emulator.
 */
async function handleControl(emu, req, res, url) {
  if (!isLoopbackHost(req.headers.host)) {
    await drain(req);
    return sendError(res, new HttpError(403, "control_host_not_loopback"));
  }
  // Browser tests on this machine (started with `--control-cors`): a loopback Origin only.
  if (emu.controlCors && setControlCors(req, res) && req.method === "OPTIONS") {
    await drain(req);
    res.writeHead(204);
    return res.end();
  }
  const { route, params, allowed } = matchRoute(CONTROL_ROUTES, req.method, url.pathname);
  if (!route) return noRoute(req, res, allowed);
  const body = req.method === "POST" || req.method === "PUT" ? await readJsonBody(req) : (await drain(req), {});
  send(res, 200, await route.handler(emu, { body, params }));
}

/**
 * The request listener: the control routes (no CORS, loopback Host only), or the API routes
 * with CORS and preflight; a Stytch error for anything thrown.
 */
function listener(emu) {
  return async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname === "/__emulator" || url.pathname.startsWith("/__emulator/")) {
        return await handleControl(emu, req, res, url);
      }
      setCors(res);
      if (req.method === "OPTIONS") {
        await drain(req);
        res.writeHead(204);
        return res.end();
      }
      await handleApi(emu, req, res, url);
    } catch (err) {
      if (res.headersSent || res.destroyed || req.socket.destroyed) return;
      if (err instanceof HttpError) {
        await drain(req);
        return sendError(res, err);
      }
      console.error("stytch emulator: internal error:", err);
      sendError(res, new HttpError(500, "internal_server_error"));
    }
  };
}

/**
 * Start an emulator on 127.0.0.1.
 * @param {{port?: number, projectId?: string, secret?: string, customDomain?: string, now?: () => number}} [options]
 *   `port` 0 or absent picks a free port; `customDomain` (e.g. `https://login.example.com`)
 *   becomes the JWT issuer; `now` (in-process only) replaces the clock, in whole Unix seconds.
 * @returns {Promise<{url: string, port: number, projectId: string, secret: string, close(): Promise<void>}>}
 */
export async function startEmulator(options = {}) {
  const { port = 0, projectId = DEFAULT_PROJECT_ID, secret = DEFAULT_SECRET, customDomain, now, controlCors = false } = options;
  if (customDomain !== undefined && !/^https?:\/\/[^/]/.test(customDomain)) {
    throw new TypeError("customDomain must be an http(s) URL");
  }
  const emu = new Emulator({ projectId, secret, customDomain, now, controlCors });
  await emu.reset();
  const server = createServer(listener(emu));
  server.on("clientError", (err, socket) => {
    if (socket.writable) {
      const body = JSON.stringify(errorBody(400, "bad_request", "Malformed HTTP request."));
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    } else socket.destroy();
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => { server.off("error", reject); resolve(); });
  });
  const actualPort = server.address().port;
  let closing;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    projectId,
    secret,
    /** Stop listening and drop open connections. */
    close() {
      closing ??= new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
      return closing;
    },
  };
}
