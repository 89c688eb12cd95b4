#!/usr/bin/env node
// Runtime recipes: the package README's instructions that are commands, not code, run as written
// against the installed tarball and an emulator. Each is the block after a `<!-- recipe: NAME -->`
// comment in pkg-template/README.md:
//   deno-permissions     the `deno run` line, with 127.0.0.1 for Stytch's host (as the block says)
//                        and a free port for 8000, serving the README's Deno.serve snippet; and
//                        `--allow-net=127.0.0.1` alone failing as the README says
//   worker-custom-build  the wrangler.toml lines (with their esbuild command) of a custom Worker
//                        build, `wrangler deploy --dry-run` of the README's gate Worker, run in
//                        workerd; and the same build without the `workerd` condition failing at load
//   browser-esbuild      the two commands (esbuild, then cp of the .wasm) for a page importing the
//                        package, loaded in headless Chromium; and the page failing without the cp
// Runnable alone: `node tests/js/package/run-recipes.mjs`.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { control, forge, PROJECT_ID, SECRET } from "../lib/emulator.mjs";
import { freePort, start } from "../lib/procs.mjs";
import { runtime, serveStatic } from "../lib/runtime.mjs";
import { miniflareOptions, OFFLINE_ENV } from "../lib/worker.mjs";
import { blocksOf } from "../readme/snippets.mjs";

const README = "pkg-template/README.md";

/** The lines of the fenced block after `<!-- recipe: name … -->` (indentation removed). */
function recipe(root, name) {
  const lines = readFileSync(join(root, README), "utf8").split("\n");
  const at = lines.findIndex((l) => new RegExp(`^\\s*<!--\\s*recipe:\\s*${name}\\b`).test(l));
  assert.ok(at >= 0, `${README} has no <!-- recipe: ${name} --> block`);
  const open = lines.findIndex((l, i) => i > at && /^\s*```/.test(l));
  const close = lines.findIndex((l, i) => i > open && /^\s*```\s*$/.test(l));
  return lines.slice(open + 1, close).map((l) => l.trim());
}

/** The code of the README snippet `name` (`<!-- snippet: KIND name -->`). */
function snippet(root, name) {
  const block = blocksOf(root, README).find((b) => b.marker?.name === name);
  assert.ok(block, `${README} has no snippet ${name}`);
  return block.code;
}

/** A command line of a recipe as `[cmd, ...args]` (the recipes quote nothing). */
const words = (line) => line.split(/\s+/).filter(Boolean);

await runtime("recipes", async (t) => {
  const { dir } = await t.project();
  const emulator = await t.emulator(join(dir, "node_modules/.bin/stytch-sessions-emulator"));
  const emu = control(emulator.url);
  const tools = join(t.root, "tests/js/node_modules/.bin");
  const env = { ...process.env, ...OFFLINE_ENV, PATH: `${tools}:${process.env.PATH}`, STYTCH_PROJECT_ID: PROJECT_ID, STYTCH_SECRET: SECRET, STYTCH_BASE_URL: emulator.url, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(t.work, "deno-dir") };
  const user = await emu.createUser({ email: `recipes-${Date.now()}@example.com` });
  const { session_jwt } = await emu.createSession({ user_id: user.user_id });

  await t.test("deno-permissions: the `deno run` line serves the Deno.serve snippet; --allow-net=127.0.0.1 alone fails", async () => {
    const line = recipe(t.root, "deno-permissions").find((l) => l.startsWith("deno run "));
    assert.ok(line, "the recipe has no `deno run` line");
    writeFileSync(join(dir, "server.ts"), snippet(t.root, "deno-serve"));
    writeFileSync(join(dir, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }));
    const port = await freePort();
    const [, ...args] = words(line.replace("test.stytch.com", "127.0.0.1").replace("0.0.0.0:8000", `0.0.0.0:${port}`));
    const serve = (argv) => {
      const child = start(join(tools, "deno"), [...argv.slice(0, -1), "--no-prompt", argv.at(-1)], { cwd: dir, env: { ...env, PORT: String(port) } });
      let log = "";
      const ended = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
      const listening = new Promise((resolve) => {
        const on = (d) => ((log += d), /Listening on/.test(log) && resolve(true));
        child.stdout.on("data", on);
        child.stderr.on("data", on);
      });
      const stop = () => (child.exitCode === null ? (process.kill(-child.pid, "SIGTERM"), ended) : ended);
      return { listening: Promise.race([listening, ended.then(() => false), new Promise((r) => setTimeout(() => r(false), 60_000))]), log: () => log, stop };
    };
    const server = serve(args);
    try {
      assert.ok(await server.listening, `deno ${args.join(" ")} did not listen:\n${server.log()}`);
      const ok = await fetch(`http://127.0.0.1:${port}/`, { headers: { Authorization: `Bearer ${session_jwt}` } });
      assert.equal(ok.status, 200, await ok.clone().text());
      assert.deepEqual(await ok.json(), { user_id: user.user_id });
      const none = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(none.status, 401);
      await none.body?.cancel();
    } finally {
      await server.stop();
    }
    const narrow = serve(args.map((a) => (a.startsWith("--allow-net=") ? "--allow-net=127.0.0.1" : a)));
    try {
      assert.equal(await narrow.listening, false, "--allow-net=127.0.0.1 alone listened");
      assert.match(narrow.log(), /NotCapable: Requires net access to "0\.0\.0\.0:\d+"/);
    } finally {
      await narrow.stop();
    }
    return [`deno ${args.join(" ")}`];
  });

  await t.test("worker-custom-build: the wrangler.toml and its esbuild command build the gate Worker; without the workerd condition it fails at load", async () => {
    const toml = recipe(t.root, "worker-custom-build").join("\n");
    const { Miniflare } = createRequire(join(t.root, "tests/js/package.json"))("miniflare");
    let stderr = "";
    const build = async (name, tomlText) => {
      const w = join(t.work, name);
      mkdirSync(join(w, "src"), { recursive: true });
      writeFileSync(join(w, "src/index.ts"), snippet(t.root, "gate-worker"));
      writeFileSync(join(w, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
      writeFileSync(join(w, "wrangler.toml"), `name = "${name}"\ncompatibility_date = "2026-04-01"\nsend_metrics = false\n${tomlText}\n`);
      symlinkSync(join(dir, "node_modules"), join(w, "node_modules"));
      const r = await t.run(join(tools, "wrangler"), ["deploy", "--dry-run", "--outdir", "out"], { cwd: w, env, echo: false, timeoutMs: 120_000 });
      assert.equal(r.code, 0, `wrangler deploy --dry-run (${name}):\n${r.stdout}${r.stderr}`);
      const vars = { STYTCH_PROJECT_ID: PROJECT_ID, STYTCH_SECRET: SECRET, STYTCH_BASE_URL: emulator.url };
      const handleRuntimeStdio = (out, err) => {
        out.resume();
        err.on("data", (d) => (stderr += d));
      };
      return new Miniflare({ ...miniflareOptions({ outdir: join(w, "out"), main: "index.js" }, vars, { kv: false }), handleRuntimeStdio });
    };
    const mf = await build("custom-build", toml);
    try {
      const url = (await mf.ready).toString().replace(/\/$/, "");
      const ok = await fetch(`${url}/`, { headers: { Authorization: `Bearer ${session_jwt}` } });
      assert.equal(ok.status, 200, await ok.clone().text());
      assert.deepEqual(await ok.json(), { user_id: user.user_id });
      const forged = await fetch(`${url}/`, { headers: { Authorization: `Bearer ${forge(session_jwt)}` } });
      assert.equal(forged.status, 401);
      await forged.body?.cancel();
    } finally {
      await mf.dispose();
    }
    const plain = await build("custom-build-no-condition", toml.replace(" --conditions=workerd,worker,browser", ""));
    let failure;
    try {
      await plain.ready;
    } catch (err) {
      failure = err;
    } finally {
      await plain.dispose().catch(() => {});
    }
    assert.ok(failure, "a Worker built without the workerd condition started");
    assert.match(stderr, /the "browser" entry cannot load its WebAssembly in Cloudflare Workers[^\n]*"workerd" export condition/);
  });

  await t.test("browser-esbuild: the two commands give a page that verifies a JWT; without the cp the .wasm is a 404", async () => {
    const lines = recipe(t.root, "browser-esbuild");
    assert.equal(lines.length, 2, `the recipe is two commands: ${lines.join(" / ")}`);
    writeFileSync(join(dir, "app.js"), `${snippet(t.root, "browser")}\nglobalThis.verifyJwt = verifyJwt;\n`);
    for (const line of lines) {
      const [cmd, ...args] = words(line);
      const r = await t.run(cmd, args, { cwd: dir, env, echo: false, timeoutMs: 60_000 });
      assert.equal(r.code, 0, `${line}:\n${r.stdout}${r.stderr}`);
    }
    // The same bundle without the copied .wasm, for the failure the README warns of.
    const [cmd, ...args] = words(lines[0].replace("--outdir=dist", "--outdir=nocopy"));
    assert.equal((await t.run(cmd, args, { cwd: dir, env, echo: false })).code, 0);
    for (const d of ["dist", "nocopy"]) writeFileSync(join(dir, d, "index.html"), '<!doctype html><script type="module" src="./app.js"></script>');
    const site = await serveStatic(t, dir);
    const { chromium } = createRequire(join(t.root, "tests/js/package.json"))("playwright-core");
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", headless: true, timeout: 30_000, args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] });
    t.defer(() => browser.close());
    const load = async (d) => {
      const page = await browser.newPage();
      const errors = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      await page.goto(`${site}/${d}/index.html`, { timeout: 15_000 });
      const ready = await page.waitForFunction(() => typeof globalThis.verifyJwt === "function", null, { timeout: 10_000 }).then(() => true, () => false);
      const out = ready ? await page.evaluate(([jwt, url, project_id]) => globalThis.verifyJwt(jwt, { project_id, custom_base_url: url }).then((s) => s.user_id, (e) => `refused: ${e.code}`), [session_jwt, emulator.url, PROJECT_ID]) : undefined;
      await page.close();
      return { ready, out, errors };
    };
    const good = await load("dist");
    assert.equal(good.out, user.user_id, `dist: ${JSON.stringify(good)}`);
    const bad = await load("nocopy");
    assert.equal(bad.ready, false, "the bundle without the .wasm loaded");
    assert.ok(bad.errors.some((e) => /404/.test(e)), `no 404 for the .wasm: ${bad.errors.join(" | ")}`);
  });
});
