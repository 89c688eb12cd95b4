// Runs runtime files (tests/js/lib/runtime.mjs) one after another, each its own Node process,
// echoing their output; then prints one row per runtime and the closing line `N passed, N failed`
// (runtimes). `--only a,b` picks runtimes by name (a file `run-NAME.mjs` is runtime NAME);
// `--keep` is passed on. Exits non-zero if any runtime failed.
import { basename } from "node:path";
import { run } from "./procs.mjs";

export async function orchestrate(files, { timeoutMs = 600_000 } = {}) {
  const args = process.argv.slice(2);
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1].split(",") : null;
  const named = files.map((file) => ({ file, name: basename(file).replace(/^run-|\.mjs$/g, "") }));
  const unknown = (only ?? []).filter((n) => !named.some((r) => r.name === n));
  if (unknown.length) {
    console.error(`--only: no runtime ${unknown.join(", ")} (runtimes: ${named.map((r) => r.name).join(", ")})`);
    process.exit(2);
  }
  const rows = [];
  for (const { file, name } of named.filter((r) => !only || only.includes(r.name))) {
    console.log(`\n\x1b[1;34m── ${name}\x1b[0m (node ${file})`);
    const r = await run(process.execPath, [file, ...(args.includes("--keep") ? ["--keep"] : [])], { timeoutMs, echo: true });
    const line = /^RUNTIME_RESULT (.*)$/m.exec(r.stdout);
    const out = line ? JSON.parse(line[1]) : { name, ok: false, passed: 0, failed: 1, ms: r.ms, error: `exit ${r.code}, no result line${r.stderr.slice(-300)}` };
    rows.push({ ...out, ok: out.ok && r.code === 0 });
  }
  console.log(`\nruntime       result  cases         time    notes`);
  for (const r of rows) {
    const cases = `${r.passed}/${r.passed + r.failed}`;
    console.log(`${r.name.padEnd(15)} ${r.ok ? "pass" : "FAIL"}    ${cases.padEnd(15)} ${(r.ms / 1000).toFixed(1).padStart(5)} s  ${r.error ?? r.note ?? ""}`);
  }
  const failed = rows.filter((r) => !r.ok).length;
  console.log(`\n${rows.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
