// The adversarial suite's Worker over the installed package (a test, not an example). The
// emulator's URL comes with each request (`?base=`), so one isolate serves several emulators.
//   GET  /gate?base=URL[&check=resource:action]  → authenticateRequest of this request:
//        200 { ok: true, user_id, set_cookie } or <status> { ok: false, status, code }
//   POST /inspect?base=URL&marker=M  { closedBase, freshJwt, oldJwt, revokedJwt }
//        → console.log(`M <name>`, value) of every specimen (specimens.mjs), then `M end`;
//          answers { names }
// Bindings: STYTCH_PROJECT_ID, STYTCH_SECRET.
import * as api from "stytch-sessions-wasm";
import { specimens } from "./specimens.mjs";

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const base = url.searchParams.get("base");
    const options = { project_id: env.STYTCH_PROJECT_ID, secret: env.STYTCH_SECRET, custom_base_url: base };
    if (url.pathname === "/gate") {
      const check = url.searchParams.get("check");
      const opts = check ? { ...options, authorization_check: { resource_id: check.split(":")[0], action: check.split(":")[1] } } : options;
      const r = await api.authenticateRequest(request, opts);
      if (r.ok) return Response.json({ ok: true, user_id: r.session.user_id, set_cookie: r.headers.get("set-cookie") });
      return Response.json({ ok: false, status: r.status, code: r.code }, { status: r.status });
    }
    if (url.pathname === "/inspect") {
      const ctx = await request.json();
      const marker = url.searchParams.get("marker");
      const list = await specimens(api, { ...ctx, base, project_id: env.STYTCH_PROJECT_ID, secret: env.STYTCH_SECRET });
      for (const [name, value] of list) console.log(`${marker} ${name}:`, value);
      console.log(`${marker} end`);
      return Response.json({ names: list.map(([n]) => n) });
    }
    return new Response("not found", { status: 404 });
  },
};
