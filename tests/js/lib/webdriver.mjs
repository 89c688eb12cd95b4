// A minimal W3C WebDriver client for headless Firefox through geckodriver (both on PATH; see
// scripts/setup), for the package tests: Playwright cannot drive Debian's firefox-esr (it needs
// its own patched build), and WebDriver needs nothing but HTTP.
import { spawn } from "node:child_process";
import { freePort } from "./procs.mjs";

/**
 * Starts geckodriver and a headless Firefox session. Resolves `{ goto(url), run(fn, arg),
 * waitFor(fn, ms), version, close() }`: `run` calls the async function `fn(arg)` in the page
 * and resolves its (JSON) result; a throw in the page rejects.
 */
export async function firefox({ binary = process.env.FIREFOX_PATH, timeoutMs = 30_000 } = {}) {
  const port = await freePort();
  const driver = spawn("geckodriver", ["--port", String(port), "--host", "127.0.0.1"], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  driver.stdout.on("data", (d) => (log += d));
  driver.stderr.on("data", (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs + 5_000),
    });
    const json = await r.json();
    if (json.value?.error) throw new Error(`webdriver ${method} ${path}: ${json.value.error}: ${json.value.message}`);
    return json.value;
  };
  let session;
  try {
    for (let i = 0; ; i++) {
      try {
        await call("GET", "/status");
        break;
      } catch (e) {
        if (i > 100) throw new Error(`geckodriver did not start: ${e.message}\n${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const options = { args: ["-headless"], prefs: { "browser.shell.checkDefaultBrowser": false } };
    if (binary) options.binary = binary;
    session = await call("POST", "/session", { capabilities: { alwaysMatch: { browserName: "firefox", "moz:firefoxOptions": options } } });
    await call("POST", `/session/${session.sessionId}/timeouts`, { script: timeoutMs, pageLoad: timeoutMs });
  } catch (e) {
    driver.kill();
    throw e;
  }
  const id = session.sessionId;
  const run = async (fn, arg) => {
    const script = `const done = arguments[arguments.length - 1];
      (${fn.toString()})(arguments[0]).then((value) => done({ value }), (e) => done({ thrown: String(e && e.stack || e) }));`;
    const out = await call("POST", `/session/${id}/execute/async`, { script, args: [arg ?? null] });
    if (out?.thrown) throw new Error(`in Firefox: ${out.thrown}`);
    return out?.value;
  };
  return {
    version: session.capabilities.browserVersion,
    goto: (url) => call("POST", `/session/${id}/url`, { url }),
    run,
    async waitFor(fn, ms) {
      const until = Date.now() + ms;
      while (!(await call("POST", `/session/${id}/execute/sync`, { script: `return (${fn.toString()})();`, args: [] }))) {
        if (Date.now() > until) throw new Error("timed out waiting in Firefox");
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await call("DELETE", `/session/${id}`).catch(() => {});
      driver.kill();
    },
  };
}
