#!/usr/bin/env node
// Runtime chromium: browser.html imports the installed package's "browser" entry in headless
// Debian Chromium (Playwright), verifies a fresh JWT, refuses a forged one (browser.mjs).
// Runnable alone: `node tests/js/package/run-chromium.mjs`.
import { createRequire } from "node:module";
import { join } from "node:path";
import { control, forge, PROJECT_ID, SECRET } from "../lib/emulator.mjs";
import { runtime, serveStatic, timing } from "../lib/runtime.mjs";
import { checkPage, inPage, pageArgs } from "./browser.mjs";

await runtime("chromium", async (t) => {
  const { dir, installMs } = await t.project(["browser.html"]);
  const [emulator] = await t.emulators(dir, 1);
  const site = await serveStatic(t, dir);
  const { chromium } = createRequire(join(t.root, "tests/js/package.json"))("playwright-core");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    timeout: 30_000,
    // Playwright starts Chromium headless with a fresh temporary --user-data-dir of its own.
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-quic"],
  });
  t.defer(() => browser.close());
  let firstMs;
  await t.test("the page verifies a fresh JWT and refuses a forged one (ClientError jwt_signature_invalid), and gates a B2B member session", async () => {
    const { args, user } = await pageArgs(control(emulator.url), emulator.url, { projectId: PROJECT_ID, secret: SECRET, forge });
    const page = await browser.newPage();
    const logs = [];
    page.on("console", (m) => logs.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => logs.push(`pageerror: ${e.message}`));
    const startedAt = Date.now();
    await page.goto(`${site}/browser.html`, { timeout: 15_000 });
    await page.waitForSelector("body[data-ready=yes]", { state: "attached", timeout: 15_000 }).catch((e) => {
      throw new Error(`page did not load the package: ${e.message}\n${logs.join("\n")}`);
    });
    const out = await page.evaluate(inPage, args);
    try {
      checkPage(out, user);
    } catch (err) {
      err.message += `\n${logs.join("\n")}`;
      throw err;
    }
    firstMs = out.firstAt - startedAt;
    return out.ua.match(/(HeadlessChrome|Chrome)\/[\d.]+/)?.[0];
  });
  return { note: timing(installMs, firstMs) };
});
