// The installed package's Node ES module entry ("node" + "import" condition), under node:test.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as api from "stytch-sessions-wasm";
import { checks, firstVerifyReporter } from "./suite.mjs";
import { gateChecks } from "./gate.mjs";

const url = process.env.STYTCH_EMULATOR_URL;
const onFirstVerify = firstVerifyReporter();
test("the ESM entry exports the API", () => {
  assert.deepEqual(Object.keys(api).sort(), ["B2BClient", "Client", "ClientError", "RequestError", "StytchError", "authenticateAccessToken", "authenticateB2BAccessToken", "authenticateB2BRequest", "authenticateRequest", "cacheApiJwksStore", "kvJwksStore", "protectedResourceMetadata", "verifyB2BJwt", "verifyJwt"]);
  const resolved = import.meta.resolve("stytch-sessions-wasm");
  assert.match(resolved, /node_modules\/stytch-sessions-wasm\/node\.mjs$/);
});
for (const [name, fn] of checks()) test(`esm: ${name}`, () => fn({ api, url, onFirstVerify }));
const gateCtx = { api, gateUrl: process.env.STYTCH_EMULATOR_URL_2, coldUrl: process.env.STYTCH_EMULATOR_URL_3 };
for (const [name, fn] of gateChecks()) test(`esm: ${name}`, () => fn(gateCtx));

// The ES module entry takes node:fs with process.getBuiltinModule (an `import` of a built-in
// costs every cold import ~0.45 ms). A Node without it (18, 20.0-20.15) must get an error that
// names the fix, and require() (the CommonJS entry) must still load there.
test("without process.getBuiltinModule, the ESM entry names the fix and require() still loads", async () => {
  const { spawnSync } = process.getBuiltinModule("node:child_process");
  const hide = "delete process.getBuiltinModule;";
  const esm = spawnSync(process.execPath, ["--input-type=module", "-e", `${hide} await import("stytch-sessions-wasm");`], { encoding: "utf8", timeout: 30_000 });
  assert.notEqual(esm.status, 0);
  assert.match(esm.stderr, /needs \(Node 20\.16\+ or 22\.3\+\); upgrade Node, or load the package with require\(\)/);
  const cjs = spawnSync(process.execPath, ["-e", `${hide} const m = require("stytch-sessions-wasm"); console.log(typeof m.verifyJwt);`], { encoding: "utf8", timeout: 30_000 });
  assert.equal(cjs.status, 0, cjs.stderr);
  assert.equal(cjs.stdout.trim(), "function");
});
