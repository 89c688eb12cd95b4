// Child processes with bounded lifetimes, all ended on exit.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

const children = new Set();

/** Kill every child (its whole process group) that is still running. */
export function killAll() {
  for (const child of children) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
  children.clear();
}
process.once("exit", killAll);
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.once(sig, () => {
    killAll();
    process.exit(130);
  });
}

/** Spawn `cmd args` in its own process group, remembered for cleanup. */
export function start(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], detached: true, ...opts });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/**
 * Run a command to completion with a timeout; resolves `{ code, stdout, stderr, ms }`.
 * With `echo`, output is streamed through (prefixed) as well as collected.
 */
export function run(cmd, args, { timeoutMs = 120_000, echo = false, prefix = "", ...opts } = {}) {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = start(cmd, args, opts);
    let stdout = "";
    let stderr = "";
    const pipe = (stream, sink, store) =>
      stream.on("data", (d) => {
        const s = d.toString();
        if (store === "out") stdout += s;
        else stderr += s;
        if (echo) sink.write(prefix ? s.replace(/^(?=.)/gm, prefix) : s);
      });
    pipe(child.stdout, process.stdout, "out");
    pipe(child.stderr, process.stderr, "err");
    const timer = setTimeout(() => {
      stderr += `\n[timed out after ${timeoutMs} ms]`;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }, timeoutMs);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/** Resolve when `child` prints a line matching `re` (returns the match), reject on exit/timeout. */
export function waitForLine(child, re, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    let buf = "";
    let err = "";
    const onData = (d) => {
      buf += d.toString();
      const m = re.exec(buf);
      if (m) {
        cleanup();
        resolve(m);
      }
    };
    const onErr = (d) => (err += d.toString());
    const onExit = (code) => {
      cleanup();
      reject(new Error(`process exited (${code}) before printing ${re}: ${buf}${err}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out waiting for ${re}: ${buf}${err}`));
    }, timeoutMs);
    function cleanup() {
      clearTimeout(timer);
      child.stdout.off("data", onData);
      child.stderr.off("data", onErr);
      child.off("exit", onExit);
    }
    child.stdout.on("data", onData);
    child.stderr.on("data", onErr);
    child.once("exit", onExit);
  });
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
