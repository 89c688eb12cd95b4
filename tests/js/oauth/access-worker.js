// A test-only Worker over the installed package (not an example): the access-token gate and the
// protected resource metadata, as tests/js/oauth/rfc6750.test.mjs checks them in Node (this
// module imported as it is) and in workerd (bundled by wrangler, run by Miniflare).
//   GET /gate?token_type=m2m|connected_app[&scopes=a,b][&action=read][&org=ID][&b2b=1][&rm=1][&cold=1]
//       authenticateAccessToken (authenticateB2BAccessToken with b2b=1): 200 {ok, token_type,
//       token} or the refusal's response(); `scopes`: required_scopes; `action`: an
//       authorization_check on "documents" (in organization `org` for B2B); `rm`: with
//       resource_metadata; `cold`: against STYTCH_COLD_BASE_URL.
//   GET /.well-known/oauth-protected-resource[/…]   protectedResourceMetadata's Response
//   GET /bad-options   → {metadata: {case: outcome}, gate: {case: outcome}}, each outcome
//       {threw, name, code, message}: what bad options do
// Bindings: STYTCH_PROJECT_ID, STYTCH_SECRET, STYTCH_BASE_URL, STYTCH_COLD_BASE_URL; RESOURCE,
// METADATA_URL, AUTHORIZATION_SERVER, SCOPES_SUPPORTED (comma-separated): the metadata's.
import { authenticateAccessToken, authenticateB2BAccessToken, protectedResourceMetadata } from "stytch-sessions-wasm";

/** Put in each bad option's value: an error message must not repeat it. */
const MARKER = "leak-marker";

/** The metadata options, from the bindings. */
const metadataOf = (env) => ({ resource: env.RESOURCE, authorization_servers: [env.AUTHORIZATION_SERVER], scopes_supported: env.SCOPES_SUPPORTED.split(","), resource_name: "Test MCP server" });

/** Bad protectedResourceMetadata options, by name. */
const badMetadata = (env) => ({
  "http resource": { ...metadataOf(env), resource: `http://${MARKER}.example/mcp` },
  "no resource": { authorization_servers: [env.AUTHORIZATION_SERVER] },
  "no authorization_servers": { resource: env.RESOURCE },
  "empty authorization_servers": { resource: env.RESOURCE, authorization_servers: [] },
  "an authorization server not a URL": { resource: env.RESOURCE, authorization_servers: [MARKER] },
  "authorization_servers not a list": { resource: env.RESOURCE, authorization_servers: `https://${MARKER}.example` },
  "a quote in the resource": { ...metadataOf(env), resource: `https://${MARKER}.example/"x` },
  "a misspelled member": { ...metadataOf(env), resouce: `https://${MARKER}.example` },
  "not an object": undefined,
});

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const q = url.searchParams;
    const base = { project_id: env.STYTCH_PROJECT_ID, custom_base_url: q.get("cold") ? env.STYTCH_COLD_BASE_URL : env.STYTCH_BASE_URL };
    if (url.pathname === "/gate") {
      const options = { ...base, token_type: q.get("token_type") };
      if (q.get("scopes")) options.required_scopes = q.get("scopes").split(",");
      if (q.get("action")) {
        options.secret = env.STYTCH_SECRET;
        options.authorization_check = { resource_id: "documents", action: q.get("action"), ...(q.get("org") ? { organization_id: q.get("org") } : {}) };
      }
      if (q.get("rm")) options.resource_metadata = env.METADATA_URL;
      const gate = q.get("b2b") ? authenticateB2BAccessToken : authenticateAccessToken;
      const result = await gate(request, options);
      if (!result.ok) return result.response();
      return Response.json({ ok: true, token_type: result.token_type, token: result.token });
    }
    if (url.pathname.startsWith("/.well-known/oauth-protected-resource")) return protectedResourceMetadata(metadataOf(env));
    if (url.pathname === "/bad-options") {
      const outcome = async (fn) => {
        try {
          await fn();
          return { threw: false };
        } catch (e) {
          return { threw: true, name: e?.name, code: e?.code, message: String(e?.message) };
        }
      };
      const metadata = {};
      for (const [name, options] of Object.entries(badMetadata(env))) metadata[name] = await outcome(() => protectedResourceMetadata(options));
      const gateOptions = {
        "no token_type": { ...base },
        "another token_type": { ...base, token_type: `${MARKER}` },
        "an http resource_metadata": { ...base, token_type: "m2m", resource_metadata: `http://${MARKER}.example/.well-known/oauth-protected-resource` },
        "an authorization_check without the secret": { ...base, token_type: "connected_app", authorization_check: { resource_id: "documents", action: "read" } },
        "required_scopes not a list": { ...base, token_type: "m2m", required_scopes: `read:${MARKER}` },
        "a misspelled option": { ...base, token_type: "m2m", required_scope: [`read:${MARKER}`] },
      };
      const gate = {};
      for (const [name, options] of Object.entries(gateOptions)) gate[name] = await outcome(() => authenticateAccessToken(new Request("https://api.example.com/"), options));
      return Response.json({ metadata, gate });
    }
    return new Response("not found", { status: 404 });
  },
};
