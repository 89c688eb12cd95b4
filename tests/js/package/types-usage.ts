// Compiled with `tsc --noEmit` against the installed package's index.d.ts (ESM resolution):
// checks that results and errors carry the documented types, and that wrong use is refused.
import {
  Client,
  ClientError,
  RequestError,
  StytchError,
  verifyJwt,
  type ClaimName,
  type ClientErrorCode,
  type JWK,
  type Session,
  type SessionsAuthenticateResponse,
  type User,
} from "stytch-sessions-wasm";
import init, { initSync } from "stytch-sessions-wasm/web";

/** Compile-time equality: `expectType<T>()(value)` fails unless value's type is exactly T. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function expectType<T>() {
  return <V>(_value: V & (Equal<T, V> extends true ? unknown : never)): void => {};
}

export async function usage(jwt: string): Promise<void> {
  const client = new Client({ project_id: "project-test-x", secret: "secret-test-x", custom_base_url: "http://127.0.0.1:8787", timeout_ms: 2000 });

  // Under exactOptionalPropertyTypes, a possibly-undefined value (an unset env var) is accepted.
  const maybeUrl: string | undefined = jwt.length > 1e6 ? undefined : "http://127.0.0.1:8787";
  await verifyJwt(jwt, { project_id: "project-test-x", custom_base_url: maybeUrl, timeout_ms: undefined });
  const session = await verifyJwt(jwt, { project_id: "project-test-x", max_token_age_seconds: 60, current_date: new Date() });
  expectType<Session>()(session);
  expectType<string>()(session.user_id);
  expectType<string | undefined>()(session.authentication_factors[0]?.email_factor?.email_address);

  const auth = await client.sessions.authenticate({ session_token: "tok", session_duration_minutes: 60, session_custom_claims: { plan: "pro", nested: { a: [1, null] } } });
  expectType<SessionsAuthenticateResponse>()(auth);
  expectType<User>()(auth.user);
  expectType<number>()(auth.status_code);

  const r = await client.sessions.authenticateJwt({ session_jwt: jwt });
  expectType<Session>()(r.session);
  if (r.request_id !== undefined) {
    expectType<User>()(r.user); // narrowed to the API's response
  }

  expectType<Session>()(await client.sessions.authenticateJwtLocal({ session_jwt: jwt }));
  expectType<Session[]>()((await client.sessions.get({ user_id: "u" })).sessions);
  expectType<JWK[]>()((await client.sessions.getJWKS({ project_id: "p" })).keys);
  expectType<string | undefined>()((await client.sessions.getJWKS({ project_id: "p" })).keys[0]!.x5tS256);
  expectType<Session | undefined>()((await client.sessions.migrate({ session_token: "ext" })).session);
  expectType<number>()((await client.sessions.revoke({ session_id: "s" })).status_code);

  try {
    await verifyJwt(jwt, { project_id: "p" });
  } catch (err) {
    if (err instanceof ClientError) {
      expectType<ClientErrorCode>()(err.code);
      expectType<ClaimName | undefined>()(err.claim);
    } else if (err instanceof StytchError) {
      expectType<number>()(err.status_code);
      expectType<string>()(err.request_id);
      expectType<string>()(err.error_message);
    } else if (err instanceof RequestError) {
      expectType<"network_error" | "timeout" | "invalid_response">()(err.code);
    }
  }

  // @ts-expect-error: a Session has no `token` field
  session.token;
  // @ts-expect-error: session_jwt must be a string
  await client.sessions.authenticateJwtLocal({ session_jwt: 42 });
  // @ts-expect-error: exactly one of session_token and session_jwt
  await client.sessions.authenticate({ session_token: "a", session_jwt: "b" });
  // @ts-expect-error: a ClientError code is one of the documented ones
  const bad: ClientErrorCode = "jwt_nope";
  void bad;
  // @ts-expect-error: project_id is required
  new Client({ secret: "s" });

  await init();
  initSync({ module: new Uint8Array(0) });
}
