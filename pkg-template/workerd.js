// Cloudflare Workers (workerd) entry. Workers refuses to compile WebAssembly from bytes at run
// time, so the .wasm file is imported: wrangler/workerd hand it over as a compiled
// WebAssembly.Module, which is instantiated synchronously.
//
// Then one verification runs at import (docs/rules.md, "Performance"): workerd
// evaluates a Worker's top level before its first request, and V8 compiles wasm lazily, function
// by function, on first call. Without it, a cold isolate's first request paid for compiling
// every function a verification touches (~4-5 ms, benches/RESULTS.md). It verifies a token
// shipped here (signed once by a throwaway key, whose private half was never kept) for a
// project of its own, with its key given and its clock fixed: pure computation, no I/O (its
// `fetch` refuses, and is never called since the keys are given as fresh), no timer. Its
// answer is dropped; the module keeps that project's key and the token's memo entry, as it would
// for any caller.
import wasmModule from "./stytch_sessions_wasm_bg.wasm";
import { instantiate } from "./instantiate.js";
import { verifyJwt } from "./api.js";

instantiate(wasmModule);

const WARM_UP_PROJECT = "project-test-00000000-0000-4000-8000-0000000000aa";
const WARM_UP_KEY = {"kty":"RSA","kid":"jwk-test-warm-up","alg":"RS256","use":"sig","n":"x46W56R1fSNSfBPpYot5eWaoQZolL5uT7HUejoZlFEf0rDbu6ZpPZVC7KJ4v-SX_qIvg8pnEycUlyfEKNmnaMnaAq2bDfus8ZooLigkd-Q-zpP9auTaz3a3zHwa4kRXy-JzItWEW8xmwQL2udG5NRbhI7mx33SQ2KzXaMkj1XGas-APauV76RWNVedZERKjau9-bw4ior7RLBxZSzouNGcjRznhQjz9cd9UV-Op-utB3J-bZrXTqZOzsIVicZJVXPRwe9Hv6VkzIMYnmC6ZbgBiuHPm8zp_DnguH7PncJlN8J4uLUHdR0rLsiJl3xnDyWWyeH9bfKLp06lbzwFD3uw","e":"AQAB"};
const WARM_UP_TOKEN =
  "eyJhbGciOiJSUzI1NiIsImtpZCI6Imp3ay10ZXN0LXdhcm0tdXAiLCJ0eXAiOiJKV1QifQ.eyJhdWQiOlsicHJvamVjdC10ZXN0LTAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDBhYSJdLCJleHAiOjE3NjcyMjU5MDAsImh0dHBzOi8vc3R5dGNoLmNvbS9zZXNzaW9uIjp7ImlkIjoic2Vzc2lvbi10ZXN0LTAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDBhYSIsInN0YXJ0ZWRfYXQiOiIyMDI2LTAxLTAxVDAwOjAwOjAwWiIsImxhc3RfYWNjZXNzZWRfYXQiOiIyMDI2LTAxLTAxVDAwOjAwOjAwWiIsImV4cGlyZXNfYXQiOiIyMDI2LTAxLTAxVDAxOjAwOjAwWiIsImF0dHJpYnV0ZXMiOnsiaXBfYWRkcmVzcyI6IiIsInVzZXJfYWdlbnQiOiIifSwiYXV0aGVudGljYXRpb25fZmFjdG9ycyI6W3sidHlwZSI6Im1hZ2ljX2xpbmsiLCJkZWxpdmVyeV9tZXRob2QiOiJlbWFpbCIsImxhc3RfYXV0aGVudGljYXRlZF9hdCI6IjIwMjYtMDEtMDFUMDA6MDA6MDBaIiwiY3JlYXRlZF9hdCI6IjIwMjYtMDEtMDFUMDA6MDA6MDBaIiwidXBkYXRlZF9hdCI6IjIwMjYtMDEtMDFUMDA6MDA6MDBaIiwiZW1haWxfZmFjdG9yIjp7ImVtYWlsX2lkIjoiZW1haWwtdGVzdC0wMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwYWEiLCJlbWFpbF9hZGRyZXNzIjoid2FybS11cEBleGFtcGxlLmNvbSJ9fV0sInJvbGVzIjpbXX0sImlhdCI6MTc2NzIyNTYwMCwiaXNzIjoic3R5dGNoLmNvbS9wcm9qZWN0LXRlc3QtMDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMGFhIiwibmJmIjoxNzY3MjI1NjAwLCJzdWIiOiJ1c2VyLXRlc3QtMDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMGFhIn0.gnh95eekmK10dCKz4-sopOxrIrQY99YQkyBPnqEhhYkyAQRV-T7In2HUiKFRlVNlt4V1oQ1nPI6aasmDdxklqwTv5PduWtZTN6E4lDC4-KB7cMrNUMConeGOYqAPeTdZo0FIGQG1Nq3X9lhgZQBlj3DPXnFcUW5-pAOBiy4KauFhlJt4Begn0JGguSNjf-YEPm2aYD3CgF-EhyikSFXLykT4_7D_IgR9itGnLbbP7rgd5oPajqIu9DsW7ihnm6TWnNZee3aSUHB12bEKtO5zJb2lzTtaeX8pNTYRzT6aXtDRYO8csDiVZQ8uwQUDYhg4F54Xy6F8GesZT408gJZU0Q";
verifyJwt(WARM_UP_TOKEN, {
  project_id: WARM_UP_PROJECT,
  jwks: [WARM_UP_KEY],
  jwks_fetched_at: Date.now(),
  current_date: (1767225600 + 1) * 1000, // epoch ms: a Date's first toISOString costs V8 ~0.2 ms
  fetch: () => Promise.reject(new Error("no I/O at import")),
}).catch(() => {});

export { Client, B2BClient, verifyJwt, verifyB2BJwt, authenticateRequest, authenticateB2BRequest, authenticateAccessToken, authenticateB2BAccessToken, protectedResourceMetadata, cacheApiJwksStore, kvJwksStore } from "./api.js";
export { StytchError, RequestError, ClientError } from "./errors.js";
