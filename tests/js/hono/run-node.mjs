#!/usr/bin/env node
// Runtime hono-node: app.ts type-checked by tsc (strict, exactOptionalPropertyTypes, node16
// resolution) against the installed package's hono.d.ts and Hono's types, stripped of its types
// by esbuild, then node:test over node.test.mjs (the checks of checks.mjs, in-process through
// `app.request`). Runnable alone: `node tests/js/hono/run-node.mjs`.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { runtime } from "../lib/runtime.mjs";
import { honoProject } from "./lib.mjs";

await runtime("hono-node", async (t) => {
  const { dir, env } = await honoProject(t, ["node.test.mjs", "tsconfig.json"]);
  await t.test("app.ts type-checks against hono.d.ts (tsc --strict)", async () => {
    const r = await t.run(join(t.root, "tests/js/node_modules/.bin/tsc"), ["-p", join(dir, "tsconfig.json")], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(r.code, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
  });
  const esbuild = createRequire(join(t.root, "tests/js/package.json"))("esbuild");
  const js = await esbuild.transform(readFileSync(join(dir, "app.ts"), "utf8"), { loader: "ts", format: "esm", target: "es2022" });
  writeFileSync(join(dir, "app.mjs"), js.code);
  const r = await t.run(process.execPath, ["--test", "--test-reporter=spec", "node.test.mjs"], { cwd: dir, env, timeoutMs: 120_000 });
  t.tally(r, "node --test node.test.mjs");
});
