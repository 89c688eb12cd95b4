// The parts Worker (benches/js/parts.mjs, which runs it as worker.mjs beside the glue as .mjs): the bench-only module of benches/wasm-parts in
// workerd. POST /setup gives it a token, its JWK, a pool of tokens and the options text; then
// GET /<part>?iters=k runs that part k times inside wasm in one request. The client times the
// requests (the clock does not advance inside a Worker) and divides the difference between k
// and 0 iterations by k.
import wasmModule from "./stytch_bench_parts_bg.wasm";
import { initSync, rsa_setup, rsa_verify, rsa_key_setup, sha256, verify_setup, verify_pure, verify_call_repeat, verify_steps } from "./stytch_bench_parts.mjs";

initSync({ module: wasmModule });
let setup;

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/setup") {
      setup = await request.json();
      const ok = rsa_setup(setup.token, setup.jwk) && verify_setup(setup.tokens.join("\n"), setup.jwks, setup.projectId, setup.baseUrl) === setup.tokens.length;
      return Response.json({ ok });
    }
    const iters = Number(url.searchParams.get("iters") ?? 0);
    const message = new TextEncoder().encode(setup.token.slice(0, setup.token.lastIndexOf(".")));
    let ok;
    switch (url.pathname) {
      case "/rsa": ok = rsa_verify(iters); break;
      case "/key": ok = rsa_key_setup(iters); break;
      case "/sha": ok = sha256(message, iters); break;
      case "/pure": ok = 0; for (let i = 0; i < iters; i++) ok += verify_pure(setup.now) === setup.tokens.length ? 1 : 0; break;
      case "/repeat": ok = verify_call_repeat(setup.token, setup.options, setup.nowMs, iters); break;
      case "/parse": case "/claims": case "/judge": case "/marshal": {
        const step = ["/parse", "/claims", "/judge", "/marshal"].indexOf(url.pathname);
        ok = iters === 0 ? 0 : verify_steps(step, setup.now, iters) / setup.tokens.length;
        break;
      }
      default: return new Response("not found", { status: 404 });
    }
    return Response.json({ ok, iters });
  },
};
