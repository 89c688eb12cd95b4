// Every JavaScript/TypeScript block of README.md and pkg-template/README.md (```js, ```ts,
// ```javascript, ```typescript, ```mjs, ```cjs, ```jsx, ```tsx) compiles and runs as pasted,
// against the packed package installed into a fresh project (with `hono` and `@types/node`) and a
// started emulator. Run by tests/js/run-package-tests.mjs as the "readme" runtime
// (`node tests/js/run-package-tests.mjs --only readme`).
//
// Each block is preceded by `<!-- snippet: KIND NAME … -->` (anything after NAME is a note for
// readers). A block with no such comment, an unknown kind, a name used twice, a name with no
// check below or a check with no block fails the run. Kinds:
//   node           an ES module for Node: a ```ts block is type-checked by tsc (strict, node16
//                  resolution, @types/node) against the installed package's index.d.ts, then its
//                  types are stripped by esbuild (nothing else changes) and it is run as .mjs
//   node-fragment  the same, for a block that uses names it does not declare (a token, a user id):
//                  the test puts one line before the block per name its check lists in `given`,
//                  `declare const NAME: string;` for tsc and `const NAME = "<value minted by the
//                  emulator>";` for the run. Nothing inside the block is replaced.
//   node-cjs       a CommonJS script, run as .cjs
//   deno           type-checked by `deno check` (against the same index.d.ts; `npm:` specifiers
//                  resolve to the installed package, `nodeModulesDir: "manual"`), run by `deno run`
//   workerd        a Worker module: tsc with @cloudflare/workers-types, bundled by `wrangler
//                  deploy --dry-run`, run in workerd by Miniflare with the bindings it names
//   browser        an ES module loaded by a page in headless Chromium, the package mapped by an
//                  import map to its installed "browser" / "web" entries
//   next           the Next.js middleware: run by tests/js/run-next-tests.mjs, which takes the first
//                  ```ts block of the "## Next.js middleware" section; here it is only checked
//                  that the marked block is that one
// Snippets read the emulator's address and the project's credentials from the variables a user
// would set: STYTCH_PROJECT_ID, STYTCH_SECRET, STYTCH_BASE_URL (and PORT for the Deno server).
// What each snippet must do is in CHECKS, with the request cases of docs/rules.md, "Gating a
// request".
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { extname, join, normalize } from "node:path";
import { pathToFileURL } from "node:url";
import { control, forge, PROJECT_ID, SECRET } from "../lib/emulator.mjs";
import { run, start } from "../lib/procs.mjs";
import { bundleWorker, miniflareOptions, OFFLINE_ENV } from "../lib/worker.mjs";

const toolsDir = new URL("..", import.meta.url).pathname;
const require = createRequire(join(toolsDir, "package.json"));
const bin = (name) => join(toolsDir, "node_modules/.bin", name);

/** Exact versions of what the snippets import besides the package. */
const DEPS = { hono: "4.13.19", "@types/node": "20.19.43" };
const JS_LANGS = new Set(["js", "javascript", "mjs", "cjs", "jsx", "ts", "typescript", "tsx"]);
const KINDS = new Set(["node", "node-fragment", "node-cjs", "deno", "workerd", "browser", "next"]);
const README_FILES = ["README.md", "pkg-template/README.md"];
const JWKS_FETCH = "GET /v1/sessions/jwks/:project_id";

/** Every fenced block of a Markdown file: `{ readme, line, lang, code, marker }`. */
export function blocksOf(root, file) {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```\s*([\w+-]*)/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`${file}:${i + 1}: unclosed code fence`);
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === "") k--;
    const m = k >= 0 ? /^<!--\s*snippet:\s*(\S+)(?:\s+(\S+))?.*-->\s*$/.exec(lines[k]) : null;
    const lang = open[1].split(",")[0].toLowerCase();
    blocks.push({ readme: file, line: i + 1, lang, code: lines.slice(i + 1, end).join("\n") + "\n", marker: m ? { kind: m[1], name: m[2] } : null });
    i = end;
  }
  return blocks;
}

/** The JS/TS blocks of both READMEs, each classified; throws listing every unclassified one. */
export function snippets(root) {
  const out = [];
  const problems = [];
  for (const file of README_FILES) {
    for (const b of blocksOf(root, file)) {
      if (!JS_LANGS.has(b.lang)) continue;
      const where = `${b.readme}:${b.line} (\`\`\`${b.lang})`;
      if (!b.marker) problems.push(`${where}: no <!-- snippet: KIND NAME --> comment before the block`);
      else if (!KINDS.has(b.marker.kind)) problems.push(`${where}: unknown snippet kind "${b.marker.kind}"`);
      else if (b.marker.kind !== "next" && !b.marker.name) problems.push(`${where}: the snippet comment names no snippet`);
      else out.push({ ...b, where, kind: b.marker.kind, name: b.marker.kind === "next" ? "next" : b.marker.name, ts: /^t/.test(b.lang) });
    }
  }
  const seen = new Set();
  for (const s of out) {
    if (seen.has(s.name)) problems.push(`${s.where}: snippet name "${s.name}" is used twice`);
    seen.add(s.name);
    if (!CHECKS[s.name]) problems.push(`${s.where}: no check for snippet "${s.name}" in tests/js/readme/snippets.mjs`);
    else if (CHECKS[s.name].kind !== s.kind) problems.push(`${s.where}: "${s.name}" is marked ${s.kind}, its check expects ${CHECKS[s.name].kind}`);
  }
  for (const name of Object.keys(CHECKS)) if (!seen.has(name)) problems.push(`the README snippet "${name}" is gone (its check is still in tests/js/readme/snippets.mjs)`);
  if (problems.length) throw new Error(`README snippets:\n  ${problems.join("\n  ")}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// What each snippet must do
// ---------------------------------------------------------------------------------------------

/** A user with a fresh session, an old JWT (issued 10 minutes ago) of a live session, and a revoked one. */
async function sessions(emu, roles) {
  const user = await emu.createUser({ email: `readme-${Date.now()}-${Math.random()}@example.com`, ...(roles ? { roles } : {}) });
  const fresh = await emu.createSession({ user_id: user.user_id });
  const old = await emu.createSession({ user_id: user.user_id, iat_offset_seconds: -600 });
  const revoked = await emu.createSession({ user_id: user.user_id, iat_offset_seconds: -600 });
  await emu.revokeViaApi({ session_id: revoked.session.session_id });
  return { user_id: user.user_id, fresh, old, revoked };
}

/**
 * The request cases a gate must answer (docs/rules.md, "Gating a request"): `url` is the gated
 * route. 200 bodies must be `{ user_id }` unless `okBody` says otherwise.
 */
async function gateCases(ctx, url, { faults = true, okBody } = {}) {
  const { emu } = ctx;
  const s = await sessions(emu);
  const bodyOk = okBody ?? ((b) => JSON.stringify(b) === JSON.stringify({ user_id: s.user_id }));
  const cases = [
    ["no token", {}, 401, "no_session"],
    ["fresh JWT (cookie)", { Cookie: `theme=dark; stytch_session_jwt=${s.fresh.session_jwt}` }, 200],
    ["fresh JWT (Bearer)", { Authorization: `Bearer ${s.fresh.session_jwt}` }, 200],
    ["JWT of 10 min ago, live session (cookie): the API, Set-Cookie", { Cookie: `stytch_session_jwt=${s.old.session_jwt}` }, 200, null, true],
    // A Bearer client gets no cookie it did not send (docs/rules.md, "Gating a request").
    ["JWT of 10 min ago, live session (Bearer): the API, no Set-Cookie", { Authorization: `Bearer ${s.old.session_jwt}` }, 200],
    ["garbage", { Authorization: "Bearer garbage" }, 401, "jwt_invalid"],
    ["forged signature", { Authorization: `Bearer ${forge(s.fresh.session_jwt)}` }, 401, "jwt_signature_invalid"],
    ["revoked session", { Authorization: `Bearer ${s.revoked.session_jwt}` }, 401, "session_not_found"],
  ];
  if (faults) {
    // Old JWTs of their own: the API's answer for `s.old` is reused for 30 s (docs/rules.md,
    // "When the API is asked"), so a fault on a later request for it would not be seen.
    const oldJwt = async () => (await emu.createSession({ user_id: s.user_id, iat_offset_seconds: -600 })).session_jwt;
    cases.push(["Stytch answers 503", { Authorization: `Bearer ${await oldJwt()}` }, 503, "service_unavailable", false, { status: 503 }]);
    cases.push(["Stytch answers 429", { Authorization: `Bearer ${await oldJwt()}` }, 503, "too_many_requests", false, { status: 429 }]);
  }
  for (const [what, headers, status, code, cookie, fault] of cases) {
    if (fault) await emu.fault({ path_prefix: "/v1/sessions/authenticate", times: 1, ...fault });
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    if (fault) await emu.clearFaults();
    const body = parse(text);
    const why = [];
    if (res.status !== status) why.push(`status ${res.status}, expected ${status}`);
    if (status === 200 && !bodyOk(body)) why.push(`body ${text.slice(0, 300)}`);
    if (code && body?.code !== code) why.push(`code ${body?.code}, expected ${code} (body ${text.slice(0, 300)})`);
    const setCookie = res.headers.get("set-cookie");
    if (cookie && !/^stytch_session_jwt=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; Max-Age=\d+; Secure; SameSite=Lax$/.test(setCookie ?? "")) why.push(`Set-Cookie ${setCookie}`);
    if (!cookie && setCookie) why.push(`unexpected Set-Cookie ${setCookie}`);
    if (why.length) throw new Error(`${url} ${what}: ${why.join("; ")}`);
    ctx.log(`${what.padEnd(52)} → ${res.status}${code ? ` ${code}` : ""}${setCookie ? " + Set-Cookie" : ""}`);
  }
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const jwksFetches = async (emu) => (await emu.requests())[JWKS_FETCH] ?? 0;

/** Deltas of the emulator's request counts over `fn`. */
async function counting(emu, fn) {
  const before = await emu.requests();
  await fn();
  const after = await emu.requests();
  return (k) => (after[k] ?? 0) - (before[k] ?? 0);
}

/** Runs a Node snippet file; resolves `{ code, stdout, stderr }`. */
const node = (ctx, file, args = []) => run(process.execPath, [file, ...args], { cwd: ctx.project, env: ctx.env, timeoutMs: 60_000 });

function expectRun(r, what, { code = 0, stdout, stderr }) {
  const why = [];
  if (r.code !== code) why.push(`exit ${r.code}, expected ${code}`);
  if (stdout !== undefined && r.stdout !== stdout) why.push(`stdout ${JSON.stringify(r.stdout)}, expected ${JSON.stringify(stdout)}`);
  if (stderr !== undefined && !r.stderr.includes(stderr)) why.push(`stderr lacks ${JSON.stringify(stderr)}`);
  if (why.length) throw new Error(`${what}: ${why.join("; ")}\n${r.stdout}${r.stderr}`);
}

/** Tokens and ids of a fresh session and the inputs of migrate, exchangeAccessToken and attest. */
async function sessionsApiInputs(emu, roles) {
  const email = `readme-api-${Date.now()}@example.com`;
  const user = await emu.createUser({ email, roles });
  const s = await emu.createSession({ user_id: user.user_id });
  const external = `external-${Date.now()}`;
  await emu.externalToken({ token: external, email });
  const { access_token } = await emu.accessToken({ user_id: user.user_id });
  const profile_id = "trusted-auth-token-profile-test-readme";
  const { token } = await emu.trustedAuthToken({ profile_id, user_id: user.user_id });
  return { user, s, external, access_token, profile_id, token };
}

/** After the sessions tour: every endpoint was called, and the session is revoked. */
function expectTour(delta) {
  const calls = ["POST /v1/sessions/authenticate", "GET /v1/sessions", "POST /v1/sessions/migrate", "POST /v1/sessions/exchange_access_token", "POST /v1/sessions/attest", "POST /v1/sessions/revoke"];
  const missing = calls.filter((k) => delta(k) < 1);
  if (missing.length) throw new Error(`the snippet did not call ${missing.join(", ")}`);
}

const POLICY = {
  roles: [
    { role_id: "editor", permissions: [{ resource_id: "documents", actions: ["read", "write"] }] },
    { role_id: "viewer", permissions: [{ resource_id: "documents", actions: ["read"] }] },
  ],
  resources: [{ resource_id: "documents", actions: ["read", "write"] }],
};

export const CHECKS = {
  "repo-usage": {
    kind: "node-fragment",
    async given({ emu }) {
      const i = await sessionsApiInputs(emu, ["editor"]); // authenticateJwtLocal checks documents:write
      const { session_jwt, session_token, session } = i.s;
      return { session_jwt, session_token, user_id: i.user.user_id, session_id: session.session_id, externalAccessToken: i.external, access_token: i.access_token, profile_id: i.profile_id, trustedAuthToken: i.token };
    },
    async run(ctx, s) {
      let mod;
      const delta = await counting(ctx.emu, async () => (mod = await s.load()));
      expectTour(delta);
      const g = await sessions(ctx.emu);
      const ask = (headers) => mod.handle(new Request("https://app.example/", { headers }));
      const ok = await ask({ Authorization: `Bearer ${g.fresh.session_jwt}` });
      if (ok.status !== 200 || (await ok.text()) !== `hello ${g.user_id}`) throw new Error(`handle(fresh JWT): ${ok.status}`);
      const old = await ask({ Cookie: `stytch_session_jwt=${g.old.session_jwt}` });
      if (old.status !== 200 || !/^stytch_session_jwt=/.test(old.headers.get("set-cookie") ?? "")) throw new Error(`handle(old JWT): ${old.status} ${old.headers.get("set-cookie")}`);
      const bad = await ask({ Authorization: "Bearer garbage" });
      if (bad.status !== 401 || (await bad.json()).code !== "jwt_invalid") throw new Error(`handle(garbage): ${bad.status}`);
      ctx.log("ran every call; handle(): fresh JWT 200, old JWT 200 + Set-Cookie, garbage 401 jwt_invalid");
    },
  },
  "gate-worker": {
    kind: "workerd",
    async run(ctx, s) {
      const w = await ctx.worker(s);
      try {
        await gateCases(ctx, `${w.url}/dashboard`);
      } finally {
        await w.dispose();
      }
    },
  },
  "b2b-worker": {
    kind: "workerd",
    async run(ctx, s) {
      const { emu } = ctx;
      const reader = [{ role_id: "billing", description: "", permissions: [{ resource_id: "invoices", actions: ["read"] }] }];
      await emu.putB2BPolicy({ roles: [] });
      const org = await emu.createOrganization({ organization_slug: `readme-${Date.now()}`, org_policy: { roles: reader } });
      const other = await emu.createOrganization({ organization_slug: `readme-other-${Date.now()}` });
      const member = async (roles) => {
        const m = await emu.createMember({ organization_id: org.organization_id, email_address: `readme-${Math.random().toString(36).slice(2)}@example.com`, roles });
        return { member_id: m.member_id, jwt: (await emu.createMemberSession({ member_id: m.member_id })).session_jwt };
      };
      const [billing, plain] = [await member(["billing"]), await member([])];
      const w = await ctx.worker(s);
      try {
        const ask = async (org_id, headers) => {
          const res = await fetch(`${w.url}/orgs/${org_id}/invoices`, { headers });
          return { status: res.status, body: parse(await res.text()) };
        };
        const ok = await ask(org.organization_id, { Cookie: `stytch_session_jwt=${billing.jwt}` });
        if (ok.status !== 200 || ok.body?.member_id !== billing.member_id || ok.body?.organization_id !== org.organization_id) throw new Error(`member with the org's billing role: ${ok.status} ${JSON.stringify(ok.body)}`);
        const cases = [
          ["another organization's invoices", other.organization_id, billing.jwt, 403, "tenancy_mismatch"],
          // Denied locally, so the API decides (a cached policy may be stale): its 403.
          ["a member without the role", org.organization_id, plain.jwt, 403, "session_authorization_error"],
          ["a consumer session JWT", org.organization_id, (await sessions(emu)).fresh.session_jwt, 401, "jwks_no_matching_key"],
          ["no token", org.organization_id, undefined, 401, "no_session"],
        ];
        for (const [what, org_id, jwt, status, code] of cases) {
          const r = await ask(org_id, jwt ? { Authorization: `Bearer ${jwt}` } : {});
          if (r.status !== status || r.body?.code !== code) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}, expected ${status} ${code}`);
        }
        ctx.log("member with the organization's role 200; another organization 403 tenancy_mismatch; no role 403 (the API's word); consumer JWT 401; no token 401");
      } finally {
        await w.dispose();
      }
    },
  },
  "access-worker": {
    kind: "workerd",
    async run(ctx, s) {
      const { emu } = ctx;
      const m2m = async (scopes) => {
        const client = await emu.createM2MClient({ scopes });
        const res = await fetch(`${process.env.STYTCH_BASE_URL}/v1/public/${PROJECT_ID}/oauth2/token`, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret }),
        });
        return { client_id: client.client_id, token: (await res.json()).access_token };
      };
      const [reader, other] = [await m2m(["read:reports"]), await m2m(["read:users"])];
      const w = await ctx.worker(s);
      try {
        const ask = async (path, token) => {
          const res = await fetch(`${w.url}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
          return { status: res.status, challenge: res.headers.get("www-authenticate"), body: parse(await res.text()) };
        };
        const meta = await ask("/.well-known/oauth-protected-resource");
        if (meta.status !== 200 || meta.body?.resource !== w.url || !Array.isArray(meta.body?.authorization_servers)) throw new Error(`metadata: ${meta.status} ${JSON.stringify(meta.body)}`);
        const ok = await ask("/reports", reader.token);
        if (ok.status !== 200 || ok.body?.for !== reader.client_id) throw new Error(`M2M token with read:reports: ${ok.status} ${JSON.stringify(ok.body)}`);
        const rm = `resource_metadata="${w.url}/.well-known/oauth-protected-resource"`;
        for (const [what, token, status, challenge] of [
          ["no token", undefined, 401, `Bearer ${rm}`],
          ["garbage", "garbage", 401, `Bearer error="invalid_token", error_description="jwt_invalid", ${rm}`],
          ["a token without read:reports", other.token, 403, `Bearer error="insufficient_scope", error_description="missing_scopes", scope="read:reports", ${rm}`],
        ]) {
          const r = await ask("/reports", token);
          if (r.status !== status || r.challenge !== challenge) throw new Error(`${what}: ${r.status} ${r.challenge}`);
        }
        ctx.log("metadata document; M2M token with the scope 200; no token 401, garbage 401 invalid_token, missing scope 403 insufficient_scope, each with resource_metadata");
      } finally {
        await w.dispose();
      }
    },
  },
  hono: {
    kind: "workerd",
    async run(ctx, s) {
      const w = await ctx.worker(s);
      try {
        const pub = await fetch(`${w.url}/`);
        const text = await pub.text();
        if (pub.status !== 200 || text !== "public") throw new Error(`GET / (public): ${pub.status} ${text}`);
        ctx.log("GET / (public, no token)                              → 200");
        await gateCases(ctx, `${w.url}/api/me`, { faults: false });
      } finally {
        await w.dispose();
      }
    },
  },
  "deno-serve": {
    kind: "deno",
    async run(ctx, s) {
      const server = await ctx.deno(s);
      try {
        await gateCases(ctx, `${server.url}/`, { faults: false });
      } finally {
        await server.stop();
      }
    },
  },
  "sessions-api": {
    kind: "node-fragment",
    async given({ emu }) {
      const i = await sessionsApiInputs(emu);
      const { session_jwt, session_token, session } = i.s;
      return { session_jwt, session_token, user_id: i.user.user_id, session_id: session.session_id, oidc_access_token: i.external, access_token: i.access_token, profile_id: i.profile_id, token: i.token };
    },
    async run(ctx, s) {
      expectTour(await counting(ctx.emu, () => s.load()));
      ctx.log("every call answered; authenticate, get, migrate, exchange_access_token, attest and revoke reached the emulator");
    },
  },
  "worker-store": {
    kind: "workerd",
    async run(ctx, s) {
      // Two isolates (two workerd processes) sharing a store: the second's first request fetches
      // no JWKS (docs/rules.md, "Keys shared across isolates"). With the KV binding, then without
      // it (the Cache API), each store persisted in its own directory. Only the KV pair is held to
      // 0 fetches: two Miniflare instances sharing `cachePersist` do not see the package's Cache
      // API writes (a plain `caches.default.put` of the same key and headers they do), so the
      // Cache API path is checked for its decisions and its first fetch only.
      for (const [store, extra] of [
        ["KV", { kvNamespaces: ["JWKS"], kvPersist: join(ctx.work, "readme-kv") }],
        ["Cache API", { cachePersist: join(ctx.work, "readme-cache") }],
      ]) {
        for (const isolate of ["first", "second"]) {
          const w = await ctx.worker(s, extra);
          try {
            const g = await sessions(ctx.emu);
            let res;
            const delta = await counting(ctx.emu, async () => {
              res = await fetch(`${w.url}/`, { headers: { Authorization: `Bearer ${g.fresh.session_jwt}` } });
            });
            const body = await res.text();
            if (res.status !== 200 || JSON.parse(body).user_id !== g.user_id) throw new Error(`${store}, ${isolate} isolate: ${res.status} ${body}`);
            const forged = await fetch(`${w.url}/`, { headers: { Authorization: `Bearer ${forge(g.fresh.session_jwt)}` } });
            if (forged.status !== 401) throw new Error(`${store}, ${isolate} isolate: forged JWT → ${forged.status}`);
            const fetches = delta(JWKS_FETCH);
            const expected = isolate === "first" || store !== "KV" ? 1 : 0;
            if (fetches !== expected) throw new Error(`${store}, ${isolate} isolate: ${fetches} JWKS fetches, expected ${expected}`);
            ctx.log(`${store}, ${isolate} isolate: fresh JWT 200, forged 401, ${fetches} JWKS fetch${fetches === 1 ? "" : "es"}`);
          } finally {
            await w.dispose();
          }
        }
      }
    },
  },
  authorization: {
    kind: "node",
    async run(ctx, s) {
      const editor = (await sessions(ctx.emu, ["editor"])).fresh.session_jwt;
      const viewer = (await sessions(ctx.emu, ["viewer"])).fresh.session_jwt;
      const mod = await s.load();
      if ((await mod.canWrite(editor)) !== true) throw new Error("canWrite(editor) is not true");
      if ((await mod.canWrite(viewer)) !== false) throw new Error("canWrite(viewer) is not false");
      const save = (headers) => mod.saveDocument(new Request("https://app.example/documents", { method: "POST", headers }));
      const ok = await save({ Authorization: `Bearer ${editor}` });
      const okBody = await ok.text();
      if (ok.status !== 200 || okBody !== JSON.stringify({ saved: true, granted_by: ["editor"] })) throw new Error(`saveDocument(editor): ${ok.status} ${okBody}`);
      const denied = await save({ Authorization: `Bearer ${viewer}` });
      const deniedBody = await denied.json();
      if (denied.status !== 403 || deniedBody.error !== "forbidden") throw new Error(`saveDocument(viewer): ${denied.status} ${JSON.stringify(deniedBody)}`);
      const none = await save({});
      if (none.status !== 401) throw new Error(`saveDocument(no token): ${none.status}`);
      ctx.log(`canWrite: editor true, viewer false; saveDocument: editor 200 granted_by [editor], viewer 403 ${deniedBody.code}, no token 401`);
    },
  },
  "node-esm": {
    kind: "node",
    async run(ctx, s) {
      const g = await sessions(ctx.emu);
      expectRun(await node(ctx, s.file, [g.fresh.session_jwt]), "fresh JWT", { stdout: `${g.user_id} verified locally\n` });
      expectRun(await node(ctx, s.file, [g.old.session_jwt]), "JWT of 10 min ago", { stdout: `${g.user_id} new JWT from the API\n` });
      expectRun(await node(ctx, s.file, [forge(g.fresh.session_jwt)]), "forged JWT", { code: 1, stdout: "", stderr: "refused: jwt_signature_invalid" });
      expectRun(await node(ctx, s.file, [g.revoked.session_jwt]), "revoked session", { code: 1, stdout: "", stderr: "refused: session_not_found" });
      ctx.log("fresh → verified locally; old → new JWT from the API; forged and revoked → exit 1 with the code");
    },
  },
  observe: {
    kind: "node",
    async run(ctx, s) {
      const g = await sessions(ctx.emu);
      const r = await node(ctx, s.file, [g.fresh.session_jwt]);
      const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
      const pick = (d) => [d.operation, d.ok, d.code, d.local, d.memo, d.api_calls];
      if (r.code !== 0 || lines.length !== 2 || JSON.stringify(lines.map(pick)) !== JSON.stringify([["verifyJwt", true, "ok", true, false, 0], ["verifyJwt", true, "ok", true, true, 0]]) || lines[1].jwks_fetches !== 0) {
        throw new Error(`observe: exit ${r.code}, stdout ${r.stdout} stderr ${r.stderr}`);
      }
      if (r.stdout.includes(g.fresh.session_jwt)) throw new Error("observe: the token was printed");
      ctx.log("two decisions printed: the first verified (keys fetched), the second from the memo; no token");
    },
  },
  "node-cjs": {
    kind: "node-cjs",
    async run(ctx, s) {
      const g = await sessions(ctx.emu);
      expectRun(await node(ctx, s.file, [g.fresh.session_jwt]), "fresh JWT", { stdout: `${g.user_id}\n` });
      expectRun(await node(ctx, s.file, [forge(g.fresh.session_jwt)]), "forged JWT", { code: 1, stdout: "", stderr: "refused: jwt_signature_invalid" });
      ctx.log("fresh → the user id; forged → exit 1 jwt_signature_invalid");
    },
  },
  next: {
    kind: "next",
    async run(ctx, s) {
      // The same extraction as readmeExample() in tests/js/lib/next-app.mjs.
      const readme = readFileSync(join(ctx.root, "pkg-template/README.md"), "utf8");
      const section = /^## Next\.js middleware\n([\s\S]*?)(?=^## )/m.exec(readme);
      const block = section && /^```ts\n([\s\S]*?)^```$/m.exec(section[1]);
      if (s.readme !== "pkg-template/README.md" || !block || block[1] !== s.code) throw new Error("the block marked next is not the one tests/js/run-next-tests.mjs runs");
      ctx.log("is the block tests/js/run-next-tests.mjs runs (Next 15 Edge middleware, Next 16 proxy.ts)");
    },
  },
  browser: {
    kind: "browser",
    async run(ctx, s) {
      await ctx.browser(s);
    },
  },
  "browser-web": {
    kind: "browser",
    async run(ctx, s) {
      await ctx.browser(s);
    },
  },
  emulator: {
    kind: "node",
    async run(ctx, s) {
      expectRun(await node(ctx, s.file), "node emulator.mjs", { stdout: "true\n" });
      ctx.log("started its own emulator, verified a JWT it minted, closed it");
    },
  },
};

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

/**
 * Runs every snippet; resolves the rows of the closing table, throws listing the failures.
 * `work` is a temporary directory, `emulatorUrl` a started emulator (project PROJECT_ID).
 */
export async function runReadmeSnippets({ root, tarball, work, emulatorUrl, say = console.log }) {
  const all = snippets(root);
  const project = join(work, "readme");
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "readme-snippets", private: true, type: "module" }, null, 2));
  const deps = Object.entries(DEPS).map(([n, v]) => `${n}@${v}`);
  const install = await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline", tarball, ...deps], { cwd: project, timeoutMs: 180_000 });
  if (install.code !== 0) throw new Error(`npm install of the tarball, ${deps.join(" ")} failed:\n${install.stderr}`);
  mkdirSync(join(project, "node_modules/@cloudflare"), { recursive: true });
  symlinkSync(join(toolsDir, "node_modules/@cloudflare/workers-types"), join(project, "node_modules/@cloudflare/workers-types"));
  say(`readme: ${all.length} snippets; project ${project} (tarball, ${deps.join(", ")}) in ${(install.ms / 1000).toFixed(1)} s`);

  const env = { ...process.env, ...OFFLINE_ENV, STYTCH_PROJECT_ID: PROJECT_ID, STYTCH_SECRET: SECRET, STYTCH_BASE_URL: emulatorUrl, NODE_NO_WARNINGS: "1" };
  Object.assign(process.env, { STYTCH_PROJECT_ID: PROJECT_ID, STYTCH_SECRET: SECRET, STYTCH_BASE_URL: emulatorUrl }); // for the snippets imported here
  const emu = control(emulatorUrl);
  await emu.putPolicy(POLICY);
  const rows = [];
  const ctx = { root, work, project, env, emu, log: (line) => console.log(`      ${line}`) };

  // Files: Node TS blocks (fragments with their declarations), Worker projects, Deno files.
  const given = {};
  for (const s of all) {
    const check = CHECKS[s.name];
    if (check.given) given[s.name] = await check.given(ctx);
    const names = Object.keys(given[s.name] ?? {});
    if (s.kind === "node" || s.kind === "node-fragment" || s.kind === "node-cjs") {
      s.base = join(project, "node", s.name);
      mkdirSync(join(project, "node"), { recursive: true });
      if (s.ts) writeFileSync(`${s.base}.ts`, names.map((n) => `declare const ${n}: string;\n`).join("") + s.code);
    } else if (s.kind === "workerd") {
      s.dir = join(project, "workers", s.name);
      mkdirSync(join(s.dir, "src"), { recursive: true });
      writeFileSync(join(s.dir, "src/index.ts"), s.code);
      writeFileSync(join(s.dir, "wrangler.toml"), `name = "readme-${s.name}"\nmain = "src/index.ts"\ncompatibility_date = "2026-04-01"\nsend_metrics = false\n`);
    } else if (s.kind === "deno") {
      mkdirSync(join(project, "deno"), { recursive: true });
      s.base = join(project, "deno", s.name);
      writeFileSync(`${s.base}.ts`, s.code);
    }
  }

  // Type checks, at once: tsc for Node, tsc for Workers, deno check.
  const tsconfig = (name, options, files) => {
    writeFileSync(join(project, name), JSON.stringify({ compilerOptions: { target: "es2022", strict: true, noEmit: true, skipLibCheck: true, ...options }, files }, null, 2));
    return name;
  };
  const nodeTs = all.filter((s) => s.kind.startsWith("node") && s.ts).map((s) => `node/${s.name}.ts`);
  const workerTs = all.filter((s) => s.kind === "workerd").map((s) => `workers/${s.name}/src/index.ts`);
  const denoTs = all.filter((s) => s.kind === "deno").map((s) => `deno/${s.name}.ts`);
  const denoEnv = { ...env, DENO_DIR: join(work, "readme-deno-dir"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  writeFileSync(join(project, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }));
  const t0 = performance.now();
  const checks = await Promise.all([
    nodeTs.length && run(bin("tsc"), ["-p", tsconfig("tsconfig.node.json", { module: "node16", moduleResolution: "node16", lib: ["es2022", "dom"], types: ["node"] }, nodeTs)], { cwd: project }),
    workerTs.length && run(bin("tsc"), ["-p", tsconfig("tsconfig.workers.json", { module: "es2022", moduleResolution: "bundler", lib: ["es2022"], types: ["@cloudflare/workers-types"] }, workerTs)], { cwd: project }),
    denoTs.length && run(bin("deno"), ["check", ...denoTs], { cwd: project, env: denoEnv, timeoutMs: 120_000 }),
  ]);
  const typeErrors = checks.filter((r) => r && r.code !== 0).map((r) => `${r.stdout}${r.stderr}`);
  if (typeErrors.length) throw new Error(`README snippets do not type-check:\n${typeErrors.join("\n")}`);
  say(`readme: type-checked ${nodeTs.length + workerTs.length + denoTs.length} TypeScript snippets (tsc for Node and Workers, deno check) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // The run files: Node TS stripped of its types by esbuild; fragments' names given values.
  const esbuild = require("esbuild");
  for (const s of all) {
    if (!s.base || s.kind === "deno") continue;
    const values = Object.entries(given[s.name] ?? {}).map(([n, v]) => `const ${n} = ${JSON.stringify(v)};\n`).join("");
    const js = s.ts ? (await esbuild.transform(s.code, { loader: "ts", format: "esm", target: "es2022" })).code : s.code;
    s.file = `${s.base}.${s.kind === "node-cjs" ? "cjs" : "mjs"}`;
    writeFileSync(s.file, values + js);
    s.load = () => import(pathToFileURL(s.file).href);
  }

  let browser;
  ctx.worker = async (s, extra = {}) => {
    s.bundle ??= await bundleWorker(s.dir);
    const { Miniflare } = require("miniflare");
    const mf = new Miniflare({ ...miniflareOptions(s.bundle, { STYTCH_PROJECT_ID: PROJECT_ID, STYTCH_SECRET: SECRET, STYTCH_BASE_URL: emulatorUrl }), ...extra });
    const url = (await mf.ready).toString().replace(/\/$/, "");
    return { url, dispose: () => mf.dispose() };
  };
  ctx.deno = (s) => denoServer(s, denoEnv, project);
  ctx.browser = async (s) => {
    browser ??= await startBrowser(project);
    await browser.load(s);
    ctx.log("the module loaded and ran in Chromium (the package through its browser entries)");
  };

  const failures = [];
  try {
    for (const s of all) {
      const t = performance.now();
      say(`readme: ── ${s.name} (${s.kind}, ${s.where})`);
      try {
        await CHECKS[s.name].run(ctx, s);
        rows.push({ s, ok: true, ms: performance.now() - t });
      } catch (err) {
        rows.push({ s, ok: false, ms: performance.now() - t });
        failures.push(`${s.name} (${s.where}): ${String(err?.stack ?? err).slice(0, 3000)}`);
        say(`\x1b[31mreadme: ✘ ${s.name}: ${String(err?.message ?? err).slice(0, 2000)}\x1b[0m`);
      }
    }
  } finally {
    await browser?.close();
  }
  console.log("\n  snippet         kind           where                              result  time");
  for (const r of rows) console.log(`  ${r.s.name.padEnd(15)} ${r.s.kind.padEnd(14)} ${`${r.s.readme}:${r.s.line}`.padEnd(34)} ${r.ok ? "pass" : "FAIL"}  ${(r.ms / 1000).toFixed(1).padStart(5)} s`);
  if (failures.length) throw new Error(`${failures.length} of ${rows.length} README snippets failed:\n${failures.join("\n")}`);
  return rows;
}

/** `deno run` of a server snippet on a free port (PORT=0); resolves `{ url, stop }` once it listens. */
async function denoServer(s, env, project) {
  const child = start(bin("deno"), ["run", "--allow-net=127.0.0.1,0.0.0.0", "--allow-env=STYTCH_PROJECT_ID,STYTCH_SECRET,STYTCH_BASE_URL,PORT", `${s.base}.ts`], {
    cwd: project,
    env: { ...env, PORT: "0" },
  });
  let log = "";
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`deno run ${s.name}.ts did not listen within 30 s:\n${log}`)), 30_000);
    const onData = (d) => {
      log += d;
      const m = /Listening on https?:\/\/[^\s]*?:(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`deno run ${s.name}.ts exited ${code}:\n${log}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        process.kill(-child.pid, "SIGTERM");
      }),
  };
}

/**
 * Headless Chromium and a static server of the project: `load(s)` opens a page whose import map
 * sends the package's names to its installed browser entries, imports the snippet and rejects on
 * any error it throws or logs.
 */
async function startBrowser(project) {
  const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm" };
  const pages = {};
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (pages[path]) return void res.writeHead(200, { "Content-Type": "text/html" }).end(pages[path]);
    if (path === "/favicon.ico") return void res.writeHead(204).end();
    let body;
    try {
      body = readFileSync(join(project, path));
    } catch {
      return void res.writeHead(404).end();
    }
    res.writeHead(200, { "Content-Type": types[extname(path)] ?? "application/octet-stream" }).end(body);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const { chromium } = require("playwright-core");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    timeout: 30_000,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-quic"],
  });
  const pkg = "/node_modules/stytch-sessions-wasm";
  const importMap = { imports: { "stytch-sessions-wasm": `${pkg}/browser.js`, "stytch-sessions-wasm/web": `${pkg}/web.js` } };
  return {
    async load(s) {
      mkdirSync(join(project, "browser"), { recursive: true });
      writeFileSync(join(project, "browser", `${s.name}.js`), s.code);
      pages[`/${s.name}.html`] =
        `<!doctype html><script type="importmap">${JSON.stringify(importMap)}</script>` +
        `<script type="module">import("/browser/${s.name}.js").then(() => { document.body.dataset.done = "ok"; }, (e) => { document.body.dataset.done = "error: " + e; });</script><body></body>`;
      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
      page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));
      try {
        await page.goto(`${base}/${s.name}.html`, { timeout: 15_000 });
        await page.waitForSelector("body[data-done]", { state: "attached", timeout: 15_000 });
        const done = await page.evaluate(() => document.body.dataset.done);
        if (done !== "ok" || errors.length) throw new Error(`${done}\n${errors.join("\n")}`);
      } finally {
        await page.close();
      }
    },
    close: async () => {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}
