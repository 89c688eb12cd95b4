#!/usr/bin/env node
// Runtime firefox: browser.html with the installed package's "browser" entry in headless Debian
// Firefox ESR, through geckodriver (WebDriver: Playwright cannot drive firefox-esr; it needs its
// own patched build), with the checks of browser.mjs. Runnable alone: `node tests/js/package/run-firefox.mjs`.
import { control, forge, PROJECT_ID, SECRET } from "../lib/emulator.mjs";
import { runtime, serveStatic, timing } from "../lib/runtime.mjs";
import { firefox } from "../lib/webdriver.mjs";
import { checkPage, inPage, pageArgs } from "./browser.mjs";

await runtime("firefox", async (t) => {
  const { dir, installMs } = await t.project(["browser.html"]);
  const [emulator] = await t.emulators(dir, 1);
  const site = await serveStatic(t, dir);
  const browser = await firefox();
  t.defer(() => browser.close());
  let firstMs;
  await t.test("the page verifies a fresh JWT and refuses a forged one (ClientError jwt_signature_invalid), and gates a B2B member session", async () => {
    const { args, user } = await pageArgs(control(emulator.url), emulator.url, { projectId: PROJECT_ID, secret: SECRET, forge });
    const startedAt = Date.now();
    await browser.goto(`${site}/browser.html`);
    await browser.waitFor(() => document.body?.dataset.ready === "yes", 15_000);
    const out = await browser.run(inPage, args);
    checkPage(out, user);
    firstMs = out.firstAt - startedAt;
    return `Firefox ${browser.version}`;
  });
  return { note: timing(installMs, firstMs) };
});
