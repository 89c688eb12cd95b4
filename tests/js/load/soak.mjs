#!/usr/bin/env node
// The soak (scripts/soak): the load test's mix with a key rotation, `requests` requests at
// concurrency 100 against the worker example in workerd, sampling workerd's RSS and the
// isolate's V8 heap every 10,000 requests; then the same against a baseline Worker that
// verifies with jose alone (jose-worker.js), under the same runner (load.mjs). Prints both
// curves side by side, and each one's growth over its second half.
//
//   scripts/soak [requests=200000]            (after ./scripts/build)
//
// Exits non-zero if either run fails (a wrong decision, a 5xx, a leak, the time bound).
// SOAK_SAMPLE_EVERY overrides the sampling interval (default 10,000).
import { spawn } from "node:child_process";
import { join } from "node:path";

const here = new URL(".", import.meta.url).pathname;
const arg = process.argv[2];
const total = arg === undefined ? 200_000 : Number(arg);
const every = Number(process.env.SOAK_SAMPLE_EVERY ?? 10_000);
if (!Number.isInteger(total) || total < 1000 || total > 1_000_000 || !Number.isInteger(every) || every < 100 || every > total) {
  console.error("usage: scripts/soak [requests=200000]  (1,000 to 1,000,000; SOAK_SAMPLE_EVERY=10000)");
  process.exit(2);
}
const concurrency = 100;
const say = (s) => console.log(`\x1b[1;34msoak:\x1b[0m ${s}`);

/** One load.mjs run; resolves its LOAD_SUMMARY and exit code. Its output goes to ours, indented. */
function run(worker) {
  return new Promise((resolve) => {
    const env = {
      ...process.env,
      LOAD_WORKER: worker,
      LOAD_SAMPLE_EVERY: String(every),
      // At 300 to 1000 req/s on 2 cores: a generous bound, still finite.
      LOAD_TIMEOUT_S: String(Math.max(240, Math.ceil(total / 50))),
    };
    const child = spawn(process.execPath, [join(here, "load.mjs"), String(total), String(concurrency)], { env, stdio: ["ignore", "pipe", "inherit"] });
    let summary = null;
    let buf = "";
    child.stdout.on("data", (d) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith("LOAD_SUMMARY ")) summary = JSON.parse(line.slice("LOAD_SUMMARY ".length));
        else console.log(`  [${worker}] ${line}`);
      }
    });
    child.on("close", (code) => resolve({ code, summary }));
  });
}

const started = performance.now();
say(`${total} requests at concurrency ${concurrency}, samples every ${every}: the worker example (ours), then the jose-only baseline`);
const ours = await run("ours");
const jose = await run("jose");

const mib = (kib) => (kib === undefined ? "—" : (kib / 1024).toFixed(1));
const heap = (bytes) => (bytes === undefined ? "—" : (bytes / 1048576).toFixed(2));
const at = (s, n) => s?.samples?.find((x) => x.requests === n);
const marks = [...new Set([...(ours.summary?.samples ?? []), ...(jose.summary?.samples ?? [])].map((x) => x.requests))].sort((a, b) => a - b);

console.log("");
console.log(`SOAK  (${total} requests each, concurrency ${concurrency}, the load test's mix with a key rotation at ${total / 2}; workerd RSS from /proc, V8 heap used / total from Runtime.getHeapUsage)`);
console.log("  requests │ ours RSS MiB  heap used/total MiB │ jose RSS MiB  heap used/total MiB");
console.log("  ─────────┼────────────────────────────────────┼───────────────────────────────────");
for (const n of marks) {
  const o = at(ours.summary, n);
  const j = at(jose.summary, n);
  const cell = (x) => `${mib(x?.rssKiB).padStart(12)}  ${`${heap(x?.heapUsed)} / ${heap(x?.heapTotal)}`.padStart(18)}`;
  console.log(`  ${String(n).padStart(8)} │ ${cell(o)} │ ${cell(j)}`);
}
// Growth over the second half of each run: a curve that keeps rising shows here.
const growth = (s) => {
  const xs = s?.samples ?? [];
  const mid = xs.find((x) => x.requests >= total / 2);
  const end = xs.at(-1);
  if (!mid || !end || mid === end) return "—";
  return `RSS ${((end.rssKiB - mid.rssKiB) / 1024).toFixed(1)} MiB, heap used ${((end.heapUsed - mid.heapUsed) / 1048576).toFixed(2)} MiB from ${mid.requests} to ${end.requests}`;
};
console.log(`  second half: ours ${growth(ours.summary)}; jose ${growth(jose.summary)}`);
const rate = (s) => (s ? `${Math.round(s.requests / (s.run_ms / 1000))} req/s, p50 ${s.p50_ms} ms, p99 ${s.p99_ms} ms` : "no summary");
console.log(`  throughput: ours ${rate(ours.summary)}; jose ${rate(jose.summary)}`);
console.log(`SOAK_SUMMARY ${JSON.stringify({ requests: total, every, ours: ours.summary?.samples, jose: jose.summary?.samples })}`);
say(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
const bad = [ours, jose].filter((r) => r.code !== 0 || !r.summary);
if (bad.length) {
  say(`\x1b[31mFAILED\x1b[0m: ${[ours.code ? "ours" : "", jose.code ? "jose" : ""].filter(Boolean).join(", ") || "no summary"}`);
  process.exit(1);
}
say("passed");
