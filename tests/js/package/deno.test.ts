// The installed package's Deno entry ("deno" condition), under `deno test` (type-checked
// against the package's index.d.ts).
import assert from "./assert.mjs";
import * as api from "stytch-sessions-wasm";
import type { Session } from "stytch-sessions-wasm";
import { checks, firstVerifyReporter } from "./suite.mjs";
import { gateChecks } from "./gate.mjs";

const url = Deno.env.get("STYTCH_EMULATOR_URL")!;
const onFirstVerify = firstVerifyReporter();

Deno.test("the Deno entry exports the API", () => {
  assert.deepEqual(Object.keys(api).sort(), ["B2BClient", "Client", "ClientError", "RequestError", "StytchError", "authenticateAccessToken", "authenticateB2BAccessToken", "authenticateB2BRequest", "authenticateRequest", "cacheApiJwksStore", "kvJwksStore", "protectedResourceMetadata", "verifyB2BJwt", "verifyJwt"]);
  assert.match(import.meta.resolve("stytch-sessions-wasm"), /stytch-sessions-wasm\/deno\.js$/);
});
Deno.test("typed: verifyJwt returns a Session", async () => {
  const user = await (await fetch(`${url}/__emulator/users`, { method: "POST", body: "{}" })).json();
  const minted = await (await fetch(`${url}/__emulator/sessions`, { method: "POST", body: JSON.stringify({ user_id: user.user_id }) })).json();
  const session: Session = await api.verifyJwt(minted.session_jwt, { project_id: "project-test-00000000-0000-4000-8000-000000000000", custom_base_url: url });
  onFirstVerify();
  assert.equal(session.user_id, user.user_id);
});
for (const [name, fn] of checks()) Deno.test(`deno: ${name}`, () => fn({ api, url, onFirstVerify }));
const gateCtx = { api, gateUrl: Deno.env.get("STYTCH_EMULATOR_URL_2")!, coldUrl: Deno.env.get("STYTCH_EMULATOR_URL_3")! };
for (const [name, fn] of gateChecks()) Deno.test(`deno: ${name}`, () => fn(gateCtx));
