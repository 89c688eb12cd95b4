/** HTTP plumbing: CORS headers, the control routes' Host check, JSON answers, bounded body reading, Basic auth. */
import { timingSafeEqual } from "node:crypto";
import { HttpError, errorBody, bad } from "./errors.mjs";
import { isObject } from "./util.mjs";

/** Largest accepted request body (1 MiB); larger ones get 413 `request_too_large`. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Past this many bytes a body is no longer drained: the connection is dropped. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/** CORS for browser tests, on every answer of the API routes (never on the control routes). */
export function setCors(res) {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
  res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
  res.setHeader("Access-Control-Max-Age", "600");
}

/**
 * True when a `Host` header names a loopback address: `localhost`, an IPv4 address in
 * 127.0.0.0/8 or `[::1]`, with or without a port. Anything else (absent, another name, as a
 * DNS-rebinding page sends) is not. The control routes answer only such requests.
 */
export function isLoopbackHost(host) {
  if (typeof host !== "string") return false;
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(host.trim().toLowerCase());
  if (!m) return false;
  const name = m[1];
  if (name === "localhost" || name === "[::1]" || name === "[0:0:0:0:0:0:0:1]") return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
  return v4 !== null && v4.slice(1).every((n) => Number(n) <= 255);
}

/**
 * True when an `Origin` header is a page served from a loopback address (`http(s)://` and a
 * loopback host, see `isLoopbackHost`): what a browser test on this machine sends, and what no
 * page from elsewhere (a DNS-rebinding one included: its origin keeps its own name) can.
 */
export function isLoopbackOrigin(origin) {
  if (typeof origin !== "string") return false;
  const m = /^https?:\/\/([^/]+)$/.exec(origin.trim());
  return m !== null && isLoopbackHost(m[1]);
}

/**
 * CORS for the control routes, only when the emulator was started with `controlCors` and only
 * for a loopback `Origin` (echoed, never `*`): a browser test on this machine can drive the
 * emulator, a page from anywhere else cannot. True when the headers were set.
 */
export function setControlCors(req, res) {
  const origin = req.headers.origin;
  if (!isLoopbackOrigin(origin)) return false;
  res.setHeader("Access-Control-Allow-Origin", origin);
  res.setHeader("Vary", "Origin");
  res.setHeader("Access-Control-Allow-Headers", "Content-Type");
  res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
  res.setHeader("Access-Control-Max-Age", "600");
  return true;
}

/** Send a JSON (or raw string) body with a status. No-op if the socket is gone. */
export function send(res, status, body, headers = {}) {
  if (res.headersSent || res.destroyed) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Send a Stytch error for an HttpError, or the error's own `body` and `headers` when it has them (oauth-api.mjs). */
export function sendError(res, err, headers) {
  send(res, err.status, err.body ?? errorBody(err.status, err.type, err.message), { ...err.headers, ...headers });
}

/**
 * Read the whole body as UTF-8 text, draining it even when too large (so the client sees the
 * answer): over 1 MiB → 413 `request_too_large`.
 */
export function readBodyText(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > MAX_DRAIN_BYTES) req.destroy();
      else if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on("error", reject);
    req.on("close", () => reject(new Error("request closed")));
    req.on("end", () => {
      if (size > MAX_BODY_BYTES) return reject(new HttpError(413, "request_too_large"));
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
  });
}

/** Read the whole body (see `readBodyText`) and parse it as a JSON object. An empty body is `{}`. */
export async function readJsonBody(req) {
  const text = await readBodyText(req);
  if (text.trim() === "") return {};
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad("The request body is not valid JSON.");
  }
  if (!isObject(value)) throw bad("The request body must be a JSON object.");
  return value;
}

/** Drain and ignore a body (GET routes, early errors). Resolves when it ended or closed. */
export function drain(req) {
  if (req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let size = 0;
    req.on("data", (c) => { size += c.length; if (size > MAX_DRAIN_BYTES) req.destroy(); });
    req.on("end", resolve);
    req.on("close", resolve);
    req.on("error", resolve);
  });
}

const eq = (a, b) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** True when the `Authorization` header is `Basic base64(projectId:secret)`. */
export function checkBasicAuth(header, projectId, secret) {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? "");
  if (!m) return false;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const i = decoded.indexOf(":");
  return i >= 0 && eq(decoded.slice(0, i), projectId) && eq(decoded.slice(i + 1), secret);
}
