// Run by Bun from a fresh project with the packed package installed: require() (CommonJS).
// Its runtime file (run-bun.mjs) passes the emulator's URL and a freshly minted JWT.
"use strict";
const assert = require("node:assert/strict");
const { Client, ClientError, StytchError, verifyJwt } = require("stytch-sessions-wasm");

const { STYTCH_EMULATOR_URL: url, PROJECT_ID: project_id, SECRET: secret, JWT: jwt, FORGED: forged, USER_ID } = process.env;

(async () => {
  const session = await verifyJwt(jwt, { project_id, custom_base_url: url });
  assert.equal(session.user_id, USER_ID);

  const client = new Client({ project_id, secret, custom_base_url: url });
  const local = await client.sessions.authenticateJwt({ session_jwt: jwt });
  assert.equal(local.session.user_id, USER_ID);
  assert.equal(local.session_jwt, jwt, "a fresh JWT is judged locally, without the API");

  for (const [token, code] of [[forged, "jwt_signature_invalid"], ["garbage", "jwt_invalid"]]) {
    await assert.rejects(verifyJwt(token, { project_id, custom_base_url: url }), (err) => {
      assert.ok(err instanceof ClientError && !(err instanceof StytchError), `${err}`);
      assert.equal(err.code, code);
      return true;
    });
  }

  console.log(`BUN_OK ${JSON.stringify({ style: "cjs", entry: require.resolve("stytch-sessions-wasm"), bun: Bun.version })}`);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
