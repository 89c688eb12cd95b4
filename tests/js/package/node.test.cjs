// The installed package's Node CommonJS entry ("node" + "require" condition), under node:test.
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const api = require("stytch-sessions-wasm");

const url = process.env.STYTCH_EMULATOR_URL;
test("the CommonJS entry exports the API", () => {
  assert.deepEqual(Object.keys(api).sort(), ["B2BClient", "Client", "ClientError", "RequestError", "StytchError", "authenticateAccessToken", "authenticateB2BAccessToken", "authenticateB2BRequest", "authenticateRequest", "cacheApiJwksStore", "kvJwksStore", "protectedResourceMetadata", "verifyB2BJwt", "verifyJwt"]);
  assert.match(require.resolve("stytch-sessions-wasm"), /node_modules\/stytch-sessions-wasm\/node\.cjs$/);
});
// suite.mjs is an ES module: load it, then run its checks as subtests.
test("cjs", async (t) => {
  const { checks, firstVerifyReporter } = await import("./suite.mjs");
  const onFirstVerify = firstVerifyReporter();
  for (const [name, fn] of checks()) await t.test(name, () => fn({ api, url, onFirstVerify }));
});
test("cjs gate", async (t) => {
  const { gateChecks } = await import("./gate.mjs");
  const ctx = { api, gateUrl: process.env.STYTCH_EMULATOR_URL_2, coldUrl: process.env.STYTCH_EMULATOR_URL_3 };
  for (const [name, fn] of gateChecks()) await t.test(name, () => fn(ctx));
});
