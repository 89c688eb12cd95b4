/**
 * A Cloudflare Worker serving callers that hold OAuth access tokens, with `authenticateAccessToken`
 * (the rules: docs/rules.md, "Access tokens"; a walk-through: ../README.md):
 * - `GET /api/reports`: machine-to-machine clients (Stytch M2M, client credentials) whose token
 *   holds `read:reports` (or `read:*`);
 * - `POST /mcp`: an MCP-style JSON-RPC endpoint for apps (MCP clients, AI agents) that a user
 *   authorized through Stytch Connected Apps, when the RBAC policy's scopes let the token's
 *   scopes `read` `documents`;
 * - `GET /.well-known/oauth-protected-resource`: this API's metadata (RFC 9728), which every 401
 *   and 403 names, and where an MCP client finds the authorization server that issues tokens.
 */
import { authenticateAccessToken, kvJwksStore, protectedResourceMetadata } from "stytch-sessions-wasm";
import type { IntrospectTokenClaims } from "stytch-sessions-wasm";

export interface Env {
  STYTCH_PROJECT_ID: string;
  /** A secret: `wrangler secret put STYTCH_SECRET` (locally: `.dev.vars` or `--var`). `/mcp`'s check reads the RBAC policy with it. */
  STYTCH_SECRET: string;
  /** Empty for Stytch itself; the emulator's `http://127.0.0.1:PORT` for local runs. */
  STYTCH_BASE_URL?: string;
  /** Your project's domain (or custom domain), e.g. `https://login.example.com`: where MCP clients get tokens. Empty: `STYTCH_BASE_URL`. */
  STYTCH_AUTHORIZATION_SERVER?: string;
  /** The project's keys, shared by every isolate (`[[kv_namespaces]]` in wrangler.toml). */
  JWKS: KVNamespace;
}

const METADATA_PATH = "/.well-known/oauth-protected-resource";

export default {
  async fetch(request, env): Promise<Response> {
    const url = new URL(request.url);
    const route = `${request.method} ${url.pathname}`;
    const stytch = {
      project_id: env.STYTCH_PROJECT_ID,
      secret: env.STYTCH_SECRET,
      custom_base_url: env.STYTCH_BASE_URL || undefined,
      jwks_store: kvJwksStore(env.JWKS),
      // Every 401 and 403 names the metadata: `WWW-Authenticate: Bearer …, resource_metadata="…"`.
      resource_metadata: url.origin + METADATA_PATH,
    };
    if (route === `GET ${METADATA_PATH}`) {
      return protectedResourceMetadata({
        resource: url.origin,
        authorization_servers: [env.STYTCH_AUTHORIZATION_SERVER || env.STYTCH_BASE_URL || ""],
        scopes_supported: ["read:documents", "read:reports"],
        resource_name: "Reports and documents",
      });
    }
    if (route === "GET /api/reports") {
      const auth = await authenticateAccessToken(request, { ...stytch, token_type: "m2m", required_scopes: ["read:reports"] });
      // 401 no or a bad token (error="invalid_token"), 403 a missing scope (error="insufficient_scope"), 503 Stytch could not judge.
      if (!auth.ok) return auth.response();
      return Response.json({ client_id: auth.token.client_id, reports: REPORTS });
    }
    if (route === "POST /mcp") {
      const auth = await authenticateAccessToken(request, {
        ...stytch,
        token_type: "connected_app",
        authorization_check: { resource_id: "documents", action: "read" },
      });
      if (!auth.ok) return auth.response();
      return mcp(await request.text(), auth.token);
    }
    // MCP's Streamable HTTP: a server without a GET event stream answers 405.
    if (url.pathname === "/mcp") return new Response(null, { status: 405, headers: { Allow: "POST" } });
    return Response.json({ error: "not_found" }, { status: 404 });
  },
} satisfies ExportedHandler<Env>;

const REPORTS = [{ id: "2026-q1", title: "Revenue, first quarter 2026" }];

/** What `tools/list` answers: a static list. */
const TOOLS = [
  {
    name: "whoami",
    description: "The user who authorized this app, and the scopes granted to it",
    inputSchema: { type: "object", properties: {} },
  },
];

interface JsonRpcRequest {
  jsonrpc: "2.0";
  /** None: a notification, answered 202 with no body. */
  id?: string | number;
  method: string;
  params?: { name?: unknown };
}

/** One MCP JSON-RPC message (Streamable HTTP, answered as `application/json`) from the app the token was issued to. */
function mcp(body: string, token: IntrospectTokenClaims): Response {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    return rpcError(undefined, -32700, "Parse error", 400);
  }
  if (!isRequest(message)) return rpcError(undefined, -32600, "Invalid Request", 400);
  const { id, method, params } = message;
  if (id === undefined) return new Response(null, { status: 202 }); // e.g. notifications/initialized
  switch (method) {
    case "initialize":
      return rpcResult(id, { protocolVersion: "2025-06-18", capabilities: { tools: {} }, serverInfo: { name: "stytch-access-example", version: "1.0.0" } });
    case "tools/list":
      return rpcResult(id, { tools: TOOLS });
    case "tools/call":
      if (params?.name !== "whoami") return rpcError(id, -32602, "Unknown tool");
      return rpcResult(id, {
        content: [{ type: "text", text: `${token.subject}, with the scopes ${token.scope}` }],
        structuredContent: { subject: token.subject, scope: token.scope },
      });
    default:
      return rpcError(id, -32601, "Method not found");
  }
}

function isRequest(m: unknown): m is JsonRpcRequest {
  if (typeof m !== "object" || m === null || !("jsonrpc" in m) || m.jsonrpc !== "2.0") return false;
  const id = "id" in m ? m.id : undefined;
  return "method" in m && typeof m.method === "string" && (id === undefined || typeof id === "string" || typeof id === "number");
}

const rpcResult = (id: string | number, result: object): Response => Response.json({ jsonrpc: "2.0", id, result });

const rpcError = (id: string | number | undefined, code: number, message: string, status = 200): Response =>
  Response.json({ jsonrpc: "2.0", id: id ?? null, error: { code, message } }, { status });
