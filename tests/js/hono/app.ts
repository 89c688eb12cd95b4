// The Hono app of the Hono tests: a gate on /api/* (stytchAuth, options from c.env) and
// permissions on single routes (requirePermission). The same file is a Worker module (its default
// export), is imported by deno.test.ts and, stripped of its types, by node.test.mjs; tsc and
// `deno check` compile it strictly against the installed package's hono.d.ts, so the typed
// `c.get("stytch")` is checked too.
import { Hono } from "hono";
import type { Session } from "stytch-sessions-wasm";
import { requirePermission, stytchAuth, type StytchAuthOptions, type StytchB2BVariables, type StytchBindings, type StytchVariables } from "stytch-sessions-wasm/hono";

/** The app; `options` are stytchAuth's (none: everything from c.env). */
export function makeApp(options: StytchAuthOptions = {}) {
  const app = new Hono<{ Bindings: StytchBindings }>();
  // What a middleware threw (a missing stytchAuth, bad options), named, without Hono's stack trace.
  app.onError((err, c) => c.text(`error: ${err.name}`, 500));
  app.get("/", (c) => c.text("public"));
  // No stytchAuth on this route: requirePermission cannot judge (a 500, by design).
  app.get("/unguarded", requirePermission("documents", "read"), (c) => c.text("never"));
  app.use("/api/*", stytchAuth(options));
  app.get("/api/me", (c) => {
    const stytch: StytchVariables = c.get("stytch");
    const session: Session = stytch.session;
    return c.json({ user_id: session.user_id, user: stytch.user?.user_id ?? null });
  });
  app.get("/api/documents", requirePermission("documents", "read"), (c) => c.json({ read: true, user_id: c.get("stytch").session.user_id }));
  app.post("/api/documents", requirePermission("documents", "write"), (c) => c.json({ saved: true, user_id: c.var.stytch.session.user_id }));
  // A response a shared cache could keep: it must not, when it sets a session cookie.
  app.get("/api/cacheable", (c) => c.json({ user_id: c.get("stytch").session.user_id }, 200, { "Cache-Control": "public, max-age=600" }));
  // A response whose headers cannot be changed: the refreshed cookie must still reach it, once.
  app.get("/api/redirect", requirePermission("documents", "read"), () => Response.redirect("https://app.example/next", 302));
  // B2B member sessions: the gate and the permissions of the member's own organization.
  app.use("/b2b/*", stytchAuth({ b2b: true }));
  app.get("/b2b/me", (c) => {
    const stytch = c.get("stytch") as unknown as StytchB2BVariables;
    return c.json({ member_id: stytch.member_session.member_id, organization_id: stytch.organization_id });
  });
  app.post("/b2b/refunds", requirePermission("billing", "refund"), (c) => c.json({ refunded: true }));
  return app;
}

export default makeApp();

/** Compile-time checks only (never called): what the types refuse. */
export function typeChecks(): void {
  // @ts-expect-error: a permission is a resource and an action
  requirePermission("documents");
  // @ts-expect-error: not an option of authenticateRequest
  stytchAuth({ authorisation_check: { resource_id: "documents", action: "write" } });
  // @ts-expect-error: the context variable has no such member
  new Hono().get("/", (c) => c.text(c.get("stytch").member_session.member_id));
}
