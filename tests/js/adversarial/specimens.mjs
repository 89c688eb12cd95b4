// The objects a user may log (finding 1 of issue 22): a client, its `sessions`, every error class
// from a real failing call, and gate results, ok and refused. Shared by the Node test, the Deno
// script (deno-inspect.mjs) and the probe Worker (inlined there): no imports, the package's API
// is passed in.
//
// ctx: { base, closedBase, project_id, secret, freshJwt, oldJwt, revokedJwt }
export async function specimens(api, ctx) {
  const options = { project_id: ctx.project_id, secret: ctx.secret, custom_base_url: ctx.base };
  const out = [];
  const caught = async (name, fn) => {
    try {
      await fn();
      out.push([`${name} (did not fail)`, null]);
    } catch (err) {
      out.push([name, err]);
    }
  };
  const request = (headers) => new Request(`${ctx.base}/app`, { headers });

  const client = new api.Client(options);
  out.push(["client", client]);
  out.push(["client.sessions", client.sessions]);
  const hooked = new api.Client({ ...options, timeout_ms: 50, fetch: () => new Promise(() => {}), jwks_store: { get: async () => undefined, put: async () => {} } });
  out.push(["client with fetch and jwks_store", hooked]);
  out.push(["its sessions", hooked.sessions]);

  await caught("ClientError jwt_invalid", () => client.sessions.authenticateJwtLocal({ session_jwt: "not.a.jwt" }));
  await caught("ClientError invalid_argument", () => new api.Client({ ...options, custom_base_url: "ftp://example.com" }));
  await caught("StytchError session_not_found", () => client.sessions.authenticate({ session_token: "x".repeat(44) }));
  await caught("StytchError (revoked JWT)", () => client.sessions.authenticateJwt({ session_jwt: ctx.revokedJwt }));
  // Other tokens than the one above: a refusal the API made final is remembered for its request.
  await caught("RequestError network_error", () => new api.Client({ ...options, custom_base_url: ctx.closedBase }).sessions.authenticate({ session_token: "y".repeat(44) }));
  await caught("RequestError timeout", () => hooked.sessions.authenticate({ session_token: "z".repeat(44) }));

  out.push(["gate ok (local)", await api.authenticateRequest(request({ Authorization: `Bearer ${ctx.freshJwt}` }), options)]);
  out.push(["gate ok (API)", await api.authenticateRequest(request({ Cookie: `stytch_session_jwt=${ctx.oldJwt}` }), options)]);
  out.push(["gate refused (no token)", await api.authenticateRequest(request({}), options)]);
  out.push(["gate refused (revoked)", await api.authenticateRequest(request({ Authorization: `Bearer ${ctx.revokedJwt}` }), options)]);
  out.push(["gate refused (network)", await api.authenticateRequest(request({ Authorization: `Bearer ${ctx.oldJwt}` }), { ...options, custom_base_url: ctx.closedBase })]);
  return out;
}
