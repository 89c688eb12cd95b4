// Behind the README's middleware (matcher "/api/:path*"): answers with the user it let in.
import type { NextRequest } from "next/server";

export const dynamic = "force-dynamic";

export function GET(request: NextRequest) {
  return Response.json({ user_id: request.headers.get("x-stytch-user-id") });
}
