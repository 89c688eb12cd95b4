// Setup shared by the Hono runtime files (run-node.mjs, run-deno.mjs, run-workerd.mjs): a fresh
// project with the packed tarball installed (lib/runtime.mjs `t.project`), Hono added to it (tests/js's
// dev dependency, copied: the package names it as an optional peer, so npm does not install it),
// the app and its checks, and two emulators from the package's own bin.
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ID, SECRET } from "../lib/emulator.mjs";

/** The fixtures every Hono runtime needs, besides its own test file. */
export const FIXTURES = ["app.ts", "checks.mjs"];

/**
 * `t.project(files)` plus Hono and package/assert.mjs, and two emulators. Resolves `{ dir,
 * installMs, env }`: `env` has STYTCH_PROJECT_ID, STYTCH_SECRET and STYTCH_EMULATOR_URL(_2), the
 * second emulator being one whose policy the app has never fetched.
 */
export async function honoProject(t, files) {
  const { dir, installMs } = await t.project([...FIXTURES, ...files]);
  cpSync(join(t.root, "tests/js/package/assert.mjs"), join(dir, "assert.mjs"));
  cpSync(join(t.root, "tests/js/node_modules/hono"), join(dir, "node_modules/hono"), { recursive: true });
  const [a, b] = await t.emulators(dir, 2);
  t.say(`hono ${honoVersion(t.root)}; emulators ${a.url}, ${b.url} (cold)`);
  const env = { ...process.env, STYTCH_PROJECT_ID: PROJECT_ID, STYTCH_SECRET: SECRET, STYTCH_EMULATOR_URL: a.url, STYTCH_EMULATOR_URL_2: b.url, NODE_NO_WARNINGS: "1" };
  return { dir, installMs, env };
}

/** The installed Hono's version (tests/js/package.json pins it). */
export function honoVersion(root) {
  return JSON.parse(readFileSync(join(root, "tests/js/node_modules/hono/package.json"), "utf8")).version;
}
