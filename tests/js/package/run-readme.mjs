#!/usr/bin/env node
// Runtime readme: every JS/TS snippet of README.md and pkg-template/README.md, type-checked and
// run where it belongs (tests/js/readme/snippets.mjs, which prints one row per snippet).
// Runnable alone: `node tests/js/package/run-readme.mjs`.
import { join } from "node:path";
import { runReadmeSnippets, snippets } from "../readme/snippets.mjs";
import { runtime } from "../lib/runtime.mjs";

await runtime("readme", async (t) => {
  const { dir } = await t.project();
  const emulator = await t.emulator(join(dir, "node_modules/.bin/stytch-sessions-emulator"));
  const n = snippets(t.root).length;
  let rows = [];
  await t.test(`the ${n} README snippets compile and run as pasted`, async () => {
    rows = await runReadmeSnippets({ root: t.root, tarball: t.tarball(), work: t.work, emulatorUrl: emulator.url, say: t.say });
  });
  return { note: `${rows.length} of ${n} snippets passed` };
});
