// What 1,000 gated requests cost, counted by the emulator (issue 25): each count on a fresh
// emulator (a new base URL, so no key or policy cache of this process is warm), 1,000
// `authenticateAccessToken` calls on this one package instance, 50 at a time from cold (so the
// first fetches are shared, not repeated).
//
//   ./scripts/build && node --test tests/js/oauth/counts.test.mjs
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { B2B_JWKS, B2B_POLICY, bearer, callsBut, emulator, importPackage, JWKS, m2mToken, POLICY } from "./lib.mjs";

const N = 1000;
const CONCURRENCY = 50;
let api;
before(async () => {
  api = await importPackage();
});

/** `N` gate calls, `CONCURRENCY` at a time, each with `tokens[i % tokens.length]`: `{ outcomes, ms }`. */
async function gateMany(gate, tokens, options) {
  const outcomes = {};
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        const i = next++;
        const r = await gate(bearer(tokens[i % tokens.length]), options);
        const k = r.ok ? `ok ${r.token_type}` : `${r.status} ${r.code}`;
        outcomes[k] = (outcomes[k] ?? 0) + 1;
      }
    }),
  );
  return { outcomes, ms: performance.now() - t0 };
}

/** Runs `fn(emu)` on a fresh emulator; resolves `[fn's result, the requests it caused]`. */
async function counted(setup, fn) {
  const emu = await emulator();
  try {
    const context = await setup(emu);
    await emu.delta();
    const result = await fn(emu, context);
    return [result, await emu.delta()];
  } finally {
    await emu.close();
  }
}

const report = (what, d, ms) => process.stdout.write(`${what}: ${JSON.stringify(Object.fromEntries(Object.entries(d).filter(([, v]) => v)))} in ${ms.toFixed(0)} ms\n`);

test("1,000 M2M requests with required_scopes → 1 JWKS fetch, 0 API calls", { timeout: 120_000 }, async () => {
  const [{ outcomes, ms }, d] = await counted(
    async (emu) => {
      const client = await emu.ctl.createM2MClient({ scopes: ["read:users", "write:*"] });
      const tokens = [];
      for (let i = 0; i < 10; i++) tokens.push(await m2mToken(emu.url, client));
      return tokens;
    },
    (emu, tokens) => gateMany(api.authenticateAccessToken, tokens, { project_id: emu.options.project_id, custom_base_url: emu.url, token_type: "m2m", required_scopes: ["read:users", "write:users"] }),
  );
  assert.deepEqual(outcomes, { "ok m2m": N });
  assert.deepEqual({ jwks: d[JWKS], other: callsBut(d, [JWKS]) }, { jwks: 1, other: 0 });
  report("1,000 M2M requests with required_scopes", d, ms);
});

test("1,000 Connected Apps requests with an authorization_check → 1 JWKS fetch, 1 policy fetch, 0 API calls", { timeout: 120_000 }, async () => {
  const [{ outcomes, ms }, d] = await counted(
    async (emu) => {
      await emu.ctl.putPolicy({ scopes: [{ scope: "read:docs", description: "", permissions: [{ resource_id: "documents", actions: ["read"] }] }] });
      const app = await emu.ctl.createConnectedAppClient();
      const tokens = [];
      for (let i = 0; i < 10; i++) {
        const user = await emu.ctl.createUser({ email: `count-${i}@example.com` });
        tokens.push((await emu.ctl.mintConnectedAppToken({ user_id: user.user_id, client_id: app.client_id, scopes: ["openid", "read:docs"] })).access_token);
      }
      return tokens;
    },
    (emu, tokens) => gateMany(api.authenticateAccessToken, tokens, { ...emu.options, token_type: "connected_app", authorization_check: { resource_id: "documents", action: "read" } }),
  );
  assert.deepEqual(outcomes, { "ok connected_app": N });
  assert.deepEqual({ jwks: d[JWKS], policy: d[POLICY], other: callsBut(d, [JWKS, POLICY]) }, { jwks: 1, policy: 1, other: 0 });
  report("1,000 Connected Apps requests with an authorization_check", d, ms);
});

test("B2B: 1,000 Connected Apps requests with an org-scoped check (half denied) → 1 B2B JWKS fetch, 1 B2B policy fetch, 0 API calls", { timeout: 120_000 }, async () => {
  const [{ outcomes, ms }, d] = await counted(
    async (emu) => {
      await emu.ctl.putB2BPolicy({ scopes: [{ scope: "read:docs", description: "", permissions: [{ resource_id: "documents", actions: ["read"] }] }] });
      const org = await emu.ctl.createOrganization({ organization_slug: "count-org" });
      const app = await emu.ctl.createConnectedAppClient();
      const tokens = [];
      for (let i = 0; i < 10; i++) {
        const member = await emu.ctl.createMember({ organization_id: org.organization_id, email_address: `count-${i}@example.com` });
        // Even members granted read:docs, odd ones openid only (denied: 403).
        tokens.push((await emu.ctl.mintConnectedAppToken({ member_id: member.member_id, client_id: app.client_id, scopes: i % 2 ? ["openid"] : ["read:docs"] })).access_token);
      }
      return { org, tokens };
    },
    (emu, { org, tokens }) =>
      gateMany(api.authenticateB2BAccessToken, tokens, { ...emu.options, token_type: "connected_app", authorization_check: { organization_id: org.organization_id, resource_id: "documents", action: "read" } }),
  );
  assert.deepEqual(outcomes, { "ok connected_app": N / 2, "403 invalid_permissions": N / 2 });
  assert.deepEqual({ jwks: d[B2B_JWKS], policy: d[B2B_POLICY], other: callsBut(d, [B2B_JWKS, B2B_POLICY]) }, { jwks: 1, policy: 1, other: 0 });
  report("B2B: 1,000 Connected Apps requests with an org-scoped check", d, ms);
});
