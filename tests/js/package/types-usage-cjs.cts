// The CommonJS view of the types (the "require" condition → index.d.cts).
import stytch = require("stytch-sessions-wasm");

export async function usage(jwt: string): Promise<string> {
  const session: stytch.Session = await stytch.verifyJwt(jwt, { project_id: "p" });
  try {
    await new stytch.Client({ project_id: "p", secret: "s" }).sessions.revoke({ session_jwt: jwt });
  } catch (err) {
    if (err instanceof stytch.StytchError) return err.error_type;
  }
  // @ts-expect-error: user_id is a string
  const n: number = session.user_id;
  return String(n);
}
