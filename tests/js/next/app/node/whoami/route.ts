// A route handler on the Node.js runtime (Next's default for routes, outside the middleware's
// matcher) that verifies the Bearer JWT itself: the package's "node" entry, bundled by Next.
import { ClientError, verifyJwt } from "stytch-sessions-wasm";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const jwt = request.headers.get("Authorization")?.replace(/^Bearer /, "") ?? "";
  try {
    const session = await verifyJwt(jwt, { project_id: process.env.STYTCH_PROJECT_ID!, custom_base_url: process.env.STYTCH_BASE_URL });
    return Response.json({ user_id: session.user_id, runtime: process.env.NEXT_RUNTIME });
  } catch (err) {
    if (err instanceof ClientError) return new Response(err.code, { status: 401 });
    throw err;
  }
}
