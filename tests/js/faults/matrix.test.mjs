// The fault matrix: every Sessions endpoint of the installed package (Node ESM entry) against
// every fault the emulator can inject, plus crafted JWKS documents, with the exact outcome
// asserted (typed error class and code, or the documented fallback), the number of requests the
// package made (no hidden retries), and that the next call after a `times: 1` fault succeeds
// without a restart. The table (endpoint × fault → outcome) is printed at the end.
//
//   ./scripts/build && node --test tests/js/faults/
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AUTH, GET, JWKS, MIGRATE, PROJECT_ID, REVOKE, craftedJwksFetch, describeOutcome, forge, pool, settle, setup, signWithWeakKey, unusableJwks, weakJwks, world } from "./lib.mjs";

const TIMEOUT_MS = 200; // Client timeout_ms and verifyJwt timeout_ms

const FAULTS = [
  { id: "timeout", label: "delay > timeout", spec: { delay_ms: 1500 } },
  { id: "500", label: "500", spec: { status: 500 } },
  { id: "503", label: "503", spec: { status: 503 } },
  { id: "429", label: "429", spec: { status: 429 } },
  { id: "malformed", label: "malformed JSON", spec: { malformed_body: true } },
  { id: "reset", label: "connection reset", spec: { reset_connection: true } },
  { id: "nokey", label: "JWKS: no usable key", crafted: "nokey" },
  { id: "weak", label: "JWKS: 1024-bit key", crafted: "weak" },
];

/** What an API call gives for each emulator fault (Stytch bodies for 429/500/503). */
const API_OUTCOME = {
  timeout: "RequestError timeout",
  500: "StytchError 500 internal_server_error",
  503: "StytchError 503 service_unavailable",
  429: "StytchError 429 too_many_requests",
  malformed: "RequestError invalid_response",
  reset: "RequestError network_error",
};

/**
 * Each endpoint: the fault's `method`/`path_prefix`, the call, the route it counts on, and the
 * expected outcome per fault (`null`: not applicable, not run).
 */
const ENDPOINTS = [
  {
    name: "authenticate",
    method: "POST",
    prefix: "/v1/sessions/authenticate",
    route: AUTH,
    call: (c, w) => c.client(w).sessions.authenticate({ session_token: w.fresh.session_token }),
    expect: (f) => (f.crafted ? null : API_OUTCOME[f.id]),
    recovers: true,
  },
  {
    name: "get",
    method: "GET",
    prefix: "/v1/sessions",
    route: GET,
    call: (c, w) => c.client(w).sessions.get({ user_id: w.user.user_id }),
    expect: (f) => (f.crafted ? null : API_OUTCOME[f.id]),
    recovers: true,
  },
  {
    name: "getJWKS",
    method: "GET",
    prefix: "/v1/sessions/jwks",
    route: JWKS,
    call: (c, w) => c.client(w).sessions.getJWKS({ project_id: PROJECT_ID }),
    // The raw API call returns the document as served; key filtering happens in verification.
    expect: (f) => (f.crafted ? "ok (returned as served)" : API_OUTCOME[f.id]),
    recovers: true,
  },
  {
    name: "verifyJwt (JWKS fetch, cold keys)",
    method: "GET",
    prefix: "/v1/sessions/jwks",
    route: JWKS,
    token: (w, f) => (f.id === "weak" ? signWithWeakKey(w.fresh.session_jwt) : w.fresh.session_jwt),
    call: (c, w, token) => c.api.verifyJwt(token, { project_id: PROJECT_ID, custom_base_url: w.url, timeout_ms: TIMEOUT_MS, ...c.extra }),
    expect: (f) => (f.crafted ? "ClientError jwks_no_matching_key" : API_OUTCOME[f.id]),
    // A failed fetch starts the 30 s cooldown: a retry inside it answers the same, without a fetch.
    cooldown: true,
  },
  {
    name: "migrate",
    method: "POST",
    prefix: "/v1/sessions/migrate",
    route: MIGRATE,
    call: (c, w) => c.client(w).sessions.migrate({ session_token: w.external, session_duration_minutes: 60 }),
    expect: (f) => (f.crafted ? null : API_OUTCOME[f.id]),
    recovers: true,
  },
  {
    name: "revoke",
    method: "POST",
    prefix: "/v1/sessions/revoke",
    route: REVOKE,
    call: (c, w) => c.client(w).sessions.revoke({ session_id: w.victim.session.session_id }),
    expect: (f) => (f.crafted ? null : API_OUTCOME[f.id]),
    recovers: true,
  },
  {
    name: "authenticateJwt: JWKS faulted (fresh JWT, cold keys)",
    method: "GET",
    prefix: "/v1/sessions/jwks",
    route: JWKS,
    token: (w, f) => (f.id === "weak" ? signWithWeakKey(w.fresh.session_jwt) : w.fresh.session_jwt),
    call: (c, w, token) => c.client(w).sessions.authenticateJwt({ session_jwt: token }),
    // JWKS unreachable or without a usable key → the API decides (`docs/rules.md`, "When the API is asked"). The token
    // signed by a 1024-bit key is not trusted locally; the API refuses it.
    expect: (f) => (f.id === "weak" ? "StytchError 401 unauthorized_session_jwt (API asked)" : "ok via API fallback"),
    fallback: true,
  },
  {
    name: "authenticateJwt: remote fallback faulted (JWT issued 10 min ago)",
    method: "POST",
    prefix: "/v1/sessions/authenticate",
    route: AUTH,
    call: (c, w) => c.client(w).sessions.authenticateJwt({ session_jwt: w.old.session_jwt }),
    expect: (f) => (f.crafted ? null : API_OUTCOME[f.id]),
    recovers: true,
  },
  {
    name: "authenticateJwt: forged JWT (warm keys, every route faulted)",
    method: undefined,
    prefix: "/v1/sessions",
    route: AUTH,
    warm: true,
    token: (w) => forge(w.fresh.session_jwt),
    call: (c, w, token) => c.client(w).sessions.authenticateJwt({ session_jwt: token }),
    expect: (f) => (f.crafted ? null : "ClientError jwt_signature_invalid, no API call"),
    forged: true,
  },
];

let ctx;
const rows = new Map(); // endpoint name → Map(fault id → { text, ok })

before(async () => {
  ctx = await setup();
});

after(() => {
  if (!ctx) return;
  const header = ["endpoint \\ fault", ...FAULTS.map((f) => f.label)];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const ep of ENDPOINTS) {
    const cells = FAULTS.map((f) => {
      const r = rows.get(ep.name)?.get(f.id);
      if (!r) return ep.expect(f) === null ? "n/a" : "not run";
      return `${r.ok ? "✔" : "✘"} ${r.text}`;
    });
    lines.push(`| ${ep.name} | ${cells.join(" | ")} |`);
  }
  const { texts, needles } = (() => {
    try {
      return ctx.leaks.assertClean();
    } catch {
      return { texts: ctx.leaks.items.length, needles: ctx.leaks.needles.size };
    }
  })();
  process.stdout.write(`\nFAULT MATRIX (endpoint × fault → outcome; Client/verifyJwt timeout_ms ${TIMEOUT_MS})\n${lines.join("\n")}\n` +
    `(${texts} error texts collected, checked against ${needles} secrets/tokens/signatures)\n`);
});

/** Runs one cell; returns the text for the table and throws on a wrong outcome. */
async function cell(ep, f) {
  const { api, leaks } = ctx;
  const w = await world(leaks);
  try {
    let extra = {};
    if (f.crafted) extra = craftedJwksFetch(f.crafted === "weak" ? weakJwks() : unusableJwks(w.jwk));
    const c = {
      api,
      extra: extra.fetch ? { fetch: extra.fetch } : {},
      client: (w) => w.client(api, { timeout_ms: TIMEOUT_MS, ...(extra.fetch ? { fetch: extra.fetch } : {}) }),
    };
    const token = ep.token ? ep.token(w, f) : undefined;
    if (token) leaks.token(token, "a test token");
    if (ep.warm) {
      await api.verifyJwt(w.fresh.session_jwt, { project_id: PROJECT_ID, custom_base_url: w.url }); // warm the keys
      await w.delta();
    }
    const timeoutDelay = f.spec?.delay_ms;
    if (f.spec) await w.fault({ ...(ep.method ? { method: ep.method } : {}), path_prefix: ep.prefix, ...f.spec, ...(f.id === "timeout" ? { delay_ms: timeoutDelay } : {}), times: ep.forged ? undefined : 1 });
    const source = `${ep.name} × ${f.label}`;
    const r = await settle(leaks, source, () => ep.call(c, w, token));
    const d = await w.delta();
    let text = describeOutcome(api, r);
    const expected = ep.expect(f);
    const notes = [];

    // The error object itself: a real Error subclass with the documented fields.
    if (r.err) {
      assert.ok(r.err instanceof Error, `${source}: not an Error`);
      assert.equal(typeof r.err.code, "string");
      if (r.err instanceof api.StytchError) {
        assert.equal(r.err.error_type, r.err.code);
        assert.match(r.err.request_id, /^request-id-test-/);
        assert.match(r.err.error_url, /^https:\/\/stytch\.com\/docs\/api\/errors\/\d+#/);
        assert.equal(typeof r.err.error_message, "string");
      }
    }
    if (f.id === "timeout" && !ep.forged) {
      const budget = TIMEOUT_MS; // timeout_ms bounds every call, the JWKS fetch included
      assert.ok(r.ms >= budget - 20 && r.ms < budget + 2500, `${source}: took ${r.ms.toFixed(0)} ms, timeout ${budget} ms`);
      notes.push(`${Math.round(r.ms)} ms`);
    }

    if (ep.fallback) {
      // JWKS failed (or had no usable key) → exactly one JWKS fetch, then the API decided.
      const jwksCalls = f.crafted ? extra.calls.jwks : d[JWKS];
      assert.equal(jwksCalls, 1, `${source}: JWKS fetches ${jwksCalls}`);
      assert.equal(d[AUTH], 1, `${source}: API calls ${d[AUTH]}`);
      if (!r.err) {
        assert.equal(r.value.session.user_id, w.user.user_id);
        assert.match(r.value.request_id, /^request-id-test-/, "the API's full response");
        assert.equal(typeof r.value.session_jwt, "string");
        text = "ok via API fallback";
      } else {
        text += " (API asked)";
      }
    } else if (ep.forged) {
      assert.equal(d[AUTH], 0, `${source}: the forged token reached the API`);
      assert.equal(d[JWKS], 0, `${source}: a JWKS fetch for a token with a known kid`);
      text += ", no API call";
    } else if (f.crafted && ep.name === "getJWKS") {
      // Returned exactly as served, members the JWK type does not name included (as Stytch's
      // SDKs return the API's JSON); which keys are usable matters only to verification.
      const served = (f.crafted === "weak" ? weakJwks() : unusableJwks(w.jwk)).keys;
      assert.deepEqual(r.value?.keys, served);
      text = "ok (returned as served)";
    } else if (!f.crafted) {
      assert.equal(d[ep.route], 1, `${source}: ${d[ep.route]} requests to ${ep.route} (a hidden retry?)`);
    }
    if (ep.name.startsWith("authenticateJwt: remote")) assert.equal(d[JWKS], 1, "keys fetched once for the local check");
    if (f.crafted && ep.name.startsWith("verifyJwt")) {
      assert.equal(extra.calls.jwks, 1);
      assert.match(r.err.message, /the JWKS has no usable key/);
    }

    assert.equal(text, expected, `${source}: got ${text}, expected ${expected}`);

    // Nothing lost: after a `times: 1` fault the very next call succeeds, without a restart.
    if (ep.recovers && !f.crafted) {
      // (A roomy timeout here: this checks that the API is used again, not its latency.)
      const relaxed = { ...c, client: (w) => w.client(api, { timeout_ms: 10_000 }) };
      const again = await settle(leaks, `${source} (retry)`, () => ep.call(relaxed, w, token));
      const d2 = await w.delta();
      assert.equal(describeOutcome(api, again), "ok", `${source}: the retry failed: ${again.err?.message}`);
      assert.equal(d2[ep.route], 1);
      if (ep.name.startsWith("authenticateJwt")) assert.match(again.value.request_id, /^request-id-test-/);
      notes.push("then ok");
    }
    // verifyJwt's JWKS: a failed fetch starts the cooldown; the retry answers alike without a fetch.
    if (ep.cooldown) {
      const again = await settle(leaks, `${source} (retry in cooldown)`, () => ep.call(c, w, token));
      const d2 = await w.delta();
      const fetched = f.crafted ? extra.calls.jwks - 1 : d2[JWKS];
      assert.equal(describeOutcome(api, again), expected, `${source}: retry in cooldown`);
      assert.equal(fetched, 0, `${source}: the retry fetched inside the cooldown`);
      notes.push("retry <30 s: same, 0 fetches");
    }
    return { text: notes.length ? `${text} (${notes.join("; ")})` : text, ok: true };
  } finally {
    await w.close();
  }
}

describe("fault matrix", { concurrency: 8 }, () => {
  for (const ep of ENDPOINTS) {
    for (const f of FAULTS) {
      if (ep.expect(f) === null) continue;
      test(`${ep.name} × ${f.label} → ${ep.expect(f)}`, async () => {
        if (!rows.has(ep.name)) rows.set(ep.name, new Map());
        try {
          rows.get(ep.name).set(f.id, await cell(ep, f));
        } catch (err) {
          rows.get(ep.name).set(f.id, { text: String(err.message).split("\n")[0].slice(0, 120), ok: false });
          throw err;
        }
      });
    }
  }
});

test("no error message seen by the matrix holds the secret, a whole token or a signature", () => {
  const { texts } = ctx.leaks.assertClean();
  assert.ok(texts > 100, `only ${texts} texts collected`);
});
