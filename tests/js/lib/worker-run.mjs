// The worker example in workerd for the fault and load suites: built once per package tarball
// and worker source (prepareWorkerProject + bundleWorker from worker.mjs, cached in the temp dir
// by the SHA-256 of both), then run by Miniflare with workerd's stdout/stderr captured line by line, the
// workerd process id found (for /proc/<pid>/status), and the V8 inspector opened on loopback
// so the isolate's heap can be read (`Runtime.getHeapUsage`).
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installedPackage } from "./package-install.mjs";
import { freePort } from "./procs.mjs";
import { bundleWorker, miniflareOptions, OFFLINE_ENV, prepareWorkerProject } from "./worker.mjs";

const toolsDir = new URL("..", import.meta.url).pathname;
const require = createRequire(join(toolsDir, "package.json"));
const PREFIX = "stytch-sessions-wasm-worker-";

/** The SHA-256 (12 hex digits) of the package tarball's and the worker example's sources. */
async function exampleKey(root, pkg) {
  const { createHash } = await import("node:crypto");
  const hash = createHash("sha256").update(pkg.sha);
  const example = join(root, "worker-example");
  const files = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
  for (const f of [...files(join(example, "src")), ...["wrangler.toml", "tsconfig.json", "package.json"].map((f) => join(example, f))].sort()) {
    hash.update(f.slice(example.length)).update(readFileSync(f));
  }
  return hash.digest("hex").slice(0, 12);
}

/**
 * The worker example, installed from the packed tarball and bundled by `wrangler deploy
 * --dry-run`, reused while the tarball and the example's sources are unchanged. Resolves the
 * `bundleWorker` result plus `{ cached, ms }`.
 */
export async function builtWorker(root) {
  const t0 = performance.now();
  const pkg = await installedPackage(root);
  const key = await exampleKey(root, pkg);
  const dir = join(tmpdir(), PREFIX + key);
  const meta = join(dir, "bundle.json");
  if (existsSync(meta)) {
    const bundle = JSON.parse(readFileSync(meta, "utf8"));
    if (existsSync(join(bundle.outdir, bundle.main))) return { ...bundle, cached: true, ms: performance.now() - t0 };
  }
  const work = mkdtempSync(join(tmpdir(), `${PREFIX}${key}-tmp-`));
  const tarball = pkg.copyTarball(join(work, "tarball"));
  await prepareWorkerProject(root, tarball, join(work, "worker"));
  let bundle = await bundleWorker(join(work, "worker"));
  try {
    renameSync(work, dir);
  } catch {
    rmSync(work, { recursive: true, force: true }); // another process was first: use its build
    return { ...JSON.parse(readFileSync(meta, "utf8")), cached: true, ms: performance.now() - t0 };
  }
  bundle = { ...bundle, outdir: bundle.outdir.replace(work, dir), log: undefined };
  writeFileSync(meta, JSON.stringify(bundle));
  for (const f of readdirSync(tmpdir())) {
    if (f.startsWith(PREFIX) && !f.startsWith(PREFIX + key) && !f.includes("-tmp-")) rmSync(join(tmpdir(), f), { recursive: true, force: true });
  }
  return { ...bundle, cached: false, ms: performance.now() - t0 };
}

/** Child pids of `pid` (from /proc), recursively. */
function descendants(pid) {
  const out = [];
  let all;
  try {
    all = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  const parent = new Map();
  for (const p of all) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parent.set(Number(p), ppid);
    } catch {
      /* gone */
    }
  }
  const walk = (p) => {
    for (const [child, pp] of parent) {
      if (pp === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

/** `VmRSS` and `VmHWM` (peak) of a process, in KiB, from /proc/<pid>/status. */
export function processMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
    return { rssKiB: kib("VmRSS"), peakKiB: kib("VmHWM") };
  } catch {
    return null;
  }
}

/**
 * Runs a bundle in workerd (Miniflare) on 127.0.0.1. Resolves
 * `{ url, pid, lines, memory(), heap(), dispose() }`: `lines` fills with workerd's stdout/stderr
 * (the worker's console output), `memory()` reads the workerd process's RSS, `heap()` asks the
 * isolate for its V8 heap use through the inspector (null when unavailable).
 */
export async function startWorkerCaptured(bundle, vars, { inspector = true } = {}) {
  Object.assign(process.env, OFFLINE_ENV);
  const { Miniflare } = require("miniflare");
  const lines = [];
  const collect = (stream, name) => {
    let buf = "";
    stream.on("data", (d) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        lines.push({ stream: name, line: buf.slice(0, i) });
        buf = buf.slice(i + 1);
      }
    });
    stream.on("end", () => buf && lines.push({ stream: name, line: buf }));
  };
  const before = new Set(descendants(process.pid));
  const inspectorPort = inspector ? await freePort() : undefined;
  const mf = new Miniflare({
    ...miniflareOptions(bundle, vars),
    inspectorPort,
    handleRuntimeStdio: (stdout, stderr) => {
      collect(stdout, "stdout");
      collect(stderr, "stderr");
    },
  });
  const url = (await mf.ready).toString().replace(/\/$/, "");
  const pids = descendants(process.pid).filter((p) => !before.has(p));
  const pid = pids.find((p) => {
    try {
      return /workerd/.test(readFileSync(`/proc/${p}/cmdline`, "utf8"));
    } catch {
      return false;
    }
  });
  return {
    url,
    pid,
    lines,
    memory: () => (pid ? processMemory(pid) : null),
    heap: () => (inspectorPort ? heapUsage(inspectorPort) : Promise.resolve(null)),
    dispose: () => mf.dispose(),
  };
}

/** `Runtime.getHeapUsage` (after `HeapProfiler.collectGarbage` when answered) over the inspector; `{ error }` on failure. */
async function heapUsage(port) {
  try {
    const targets = await (await fetch(`http://127.0.0.1:${port}/json`, { signal: AbortSignal.timeout(3000) })).json();
    const target = targets.find((t) => t.webSocketDebuggerUrl) ?? targets[0];
    if (!target?.webSocketDebuggerUrl) return null;
    const WebSocket = require("ws");
    const ws = new WebSocket(target.webSocketDebuggerUrl.replace("localhost", "127.0.0.1"));
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    let id = 0;
    const pending = new Map();
    ws.on("message", (data) => {
      const msg = JSON.parse(data.toString());
      if (msg.id && pending.has(msg.id)) {
        pending.get(msg.id)(msg);
        pending.delete(msg.id);
      }
    });
    const send = (method, params = {}, ms = 5000) =>
      new Promise((resolve, reject) => {
        const n = ++id;
        const timer = setTimeout(() => reject(new Error(`${method}: no answer`)), ms);
        pending.set(n, (m) => {
          clearTimeout(timer);
          resolve(m);
        });
        ws.send(JSON.stringify({ id: n, method, params }));
      });
    try {
      // workerd's inspector may not answer HeapProfiler.collectGarbage; a GC is best effort.
      await send("HeapProfiler.enable", {}, 500).catch(() => {});
      const gc = await send("HeapProfiler.collectGarbage", {}, 500).then((m) => !m.error, () => false);
      const r = await send("Runtime.getHeapUsage");
      if (r.error || !r.result) return { error: r.error?.message ?? "no result" };
      return { usedBytes: r.result.usedSize, totalBytes: r.result.totalSize, gc };
    } finally {
      ws.close();
    }
  } catch (err) {
    return { error: String(err?.message ?? err) };
  }
}

/**
 * A test-only Worker (one module file, e.g. tests/js/gate/probe-worker.js) over the installed
 * package, bundled by `wrangler deploy --dry-run` as the worker example is; cached by the
 * tarball's and the file's SHA-256. Resolves the `bundleWorker` result.
 */
export async function builtTestWorker(root, entry) {
  const { createHash } = await import("node:crypto");
  const { mkdirSync, symlinkSync } = await import("node:fs");
  const pkg = await installedPackage(root);
  const source = readFileSync(entry);
  const sha = createHash("sha256").update(pkg.sha).update(source).digest("hex").slice(0, 12);
  const dir = join(tmpdir(), `${PREFIX}test-${sha}`);
  const meta = join(dir, "bundle.json");
  if (existsSync(meta)) {
    const bundle = JSON.parse(readFileSync(meta, "utf8"));
    if (existsSync(join(bundle.outdir, bundle.main))) return bundle;
  }
  const work = mkdtempSync(join(tmpdir(), `${PREFIX}test-${sha}-tmp-`));
  mkdirSync(join(work, "src"));
  writeFileSync(join(work, "src/index.js"), source);
  writeFileSync(join(work, "package.json"), JSON.stringify({ name: "stytch-test-worker", private: true, type: "module" }));
  writeFileSync(join(work, "wrangler.toml"), 'name = "stytch-test-worker"\nmain = "src/index.js"\ncompatibility_date = "2026-04-01"\nsend_metrics = false\n');
  symlinkSync(join(pkg.dir, "node_modules"), join(work, "node_modules"));
  let bundle = await bundleWorker(work);
  try {
    renameSync(work, dir);
  } catch {
    rmSync(work, { recursive: true, force: true });
    return JSON.parse(readFileSync(meta, "utf8"));
  }
  bundle = { ...bundle, outdir: bundle.outdir.replace(work, dir), log: undefined };
  writeFileSync(meta, JSON.stringify(bundle));
  return bundle;
}
