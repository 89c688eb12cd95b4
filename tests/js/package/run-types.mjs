#!/usr/bin/env node
// Runtime types: tsc (strict, exactOptionalPropertyTypes, node16 ESM + CommonJS resolution)
// compiles types-usage.ts and types-usage-cjs.cts against the installed package's .d.ts; and the
// declarations use no `any`. Runnable alone: `node tests/js/package/run-types.mjs`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runtime } from "../lib/runtime.mjs";

await runtime("types", async (t) => {
  const { dir } = await t.project(["tsconfig.json", "types-usage.ts", "types-usage-cjs.cts"]);
  await t.test("tsc --noEmit against the published .d.ts (ESM and CommonJS)", async () => {
    const r = await t.run(join(t.root, "tests/js/node_modules/.bin/tsc"), ["-p", join(dir, "tsconfig.json")], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(r.code, 0, `tsc against the published .d.ts failed:\n${r.stdout}${r.stderr}`);
  });
  await t.test("no `any` in index.d.ts", () => {
    const dts = readFileSync(join(dir, "node_modules/stytch-sessions-wasm/index.d.ts"), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    assert.doesNotMatch(dts, /\bany\b/, "index.d.ts uses `any`");
  });
});
