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
