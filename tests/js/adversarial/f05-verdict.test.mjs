// Finding 5 of issue 22: when an authorization_check was sent, an API answer counts only with
// `verdict.authorized === true`. `false` → ClientError invalid_permissions (403 at the gate);
// missing or malformed → RequestError invalid_response (503 at the gate). The answers are faked
// by a `fetch` option that rewrites the emulator's genuine 200.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { settle, setup, world } from "./lib.mjs";

const POLICY_BODY = { roles: [{ role_id: "editor", permissions: [{ resource_id: "documents", actions: ["read", "write"] }] }] };
const CHECK = { resource_id: "documents", action: "write" };

/** A `fetch` that passes everything to the emulator and rewrites the verdict of a 200 authenticate answer. */
function verdictRewriter(rewrite) {
  return async (url, init) => {
    const res = await fetch(url, init);
    if (!String(url).endsWith("/v1/sessions/authenticate") || res.status !== 200) return res;
    const body = await res.json();
    rewrite(body);
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  };
}

const FAKES = [
  ["verdict {authorized: false}", (b) => (b.verdict = { authorized: false, granting_roles: [] }), "ClientError", "invalid_permissions", 403],
  ["no verdict", (b) => delete b.verdict, "RequestError", "invalid_response", 503],
  ['verdict "yes"', (b) => (b.verdict = "yes"), "RequestError", "invalid_response", 503],
  ['verdict {authorized: "true"}', (b) => (b.verdict = { authorized: "true", granting_roles: ["editor"] }), "RequestError", "invalid_response", 503],
];

describe("finding 5: an API 200 is admitted only with verdict.authorized === true", () => {
  let api;
  let w;
  before(async () => {
    ({ api } = await setup());
    w = await world({ roles: ["editor"] });
    await w.ctl.putPolicy(POLICY_BODY);
  });
  after(async () => {
    await w?.close();
  });

  test("finding 5: authenticate and authenticateJwt with a check refuse a 200 whose verdict is not {authorized: true}", async () => {
    const problems = [];
    for (const [label, rewrite, cls, code] of FAKES) {
      const client = new api.Client(w.opts({ fetch: verdictRewriter(rewrite) }));
      const byToken = await settle(async () => client.sessions.authenticate({ session_token: (await w.mint()).session_token, authorization_check: CHECK }));
      const byJwt = await settle(async () => client.sessions.authenticateJwt({ session_jwt: (await w.mint({ iat_offset_seconds: -600 })).session_jwt, authorization_check: CHECK }));
      for (const [call, r] of [["authenticate", byToken], ["authenticateJwt (old JWT)", byJwt]]) {
        if (!r.err) problems.push(`${call}, ${label}: admitted`);
        else if (r.err.name !== cls || r.err.code !== code) problems.push(`${call}, ${label}: ${r.err.name} ${r.err.code}, expected ${cls} ${code}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test("finding 5: authenticateRequest with a check answers 403 for authorized: false and 503 for a missing or malformed verdict", async () => {
    const problems = [];
    for (const [label, rewrite, , code, status] of FAKES) {
      const old = await w.mint({ iat_offset_seconds: -600 });
      const r = await api.authenticateRequest(new Request(`${w.url}/documents`, { headers: { Authorization: `Bearer ${old.session_jwt}` } }), w.opts({ fetch: verdictRewriter(rewrite), authorization_check: CHECK }));
      if (r.ok) problems.push(`${label}: let in`);
      else if (r.status !== status || r.error?.code !== code) problems.push(`${label}: ${r.status} ${r.code} (${r.error?.code}), expected ${status} ${code}`);
    }
    assert.deepEqual(problems, []);
    // The genuine {authorized: true} verdict still lets the request in.
    const old = await w.mint({ iat_offset_seconds: -600 });
    const ok = await api.authenticateRequest(new Request(`${w.url}/documents`, { headers: { Authorization: `Bearer ${old.session_jwt}` } }), w.opts({ authorization_check: CHECK }));
    assert.equal(ok.ok, true, ok.code);
    assert.deepEqual(ok.verdict, { authorized: true, granting_roles: ["editor"] });
  });
});
