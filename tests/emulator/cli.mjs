#!/usr/bin/env node
/**
 * Command line: `node tests/emulator/cli.mjs [--port N] [--project-id ID] [--secret S]
 * [--custom-domain URL] [--control-cors]`. `--control-cors` lets pages served from a loopback
 * address (browser tests on this machine) drive the control routes through CORS. Prints one line `stytch emulator listening on http://127.0.0.1:PORT`
 * when ready; exits cleanly on SIGINT/SIGTERM.
 */
import { startEmulator } from "./index.mjs";

const USAGE = "usage: stytch-sessions-emulator [--port N] [--project-id ID] [--secret S] [--custom-domain URL] [--control-cors]";
const FLAGS = { "--port": "port", "--project-id": "projectId", "--secret": "secret", "--custom-domain": "customDomain" };

/** Parse `--flag value` and `--flag=value`; exits with status 2 on bad arguments. */
function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    let [flag, value] = argv[i].split(/=(.*)/s, 2);
    if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      process.exit(0);
    }
    if (flag === "--control-cors" && value === undefined) {
      opts.controlCors = true;
      continue;
    }
    const key = FLAGS[flag];
    if (!key) fail(`unknown argument: ${flag}`);
    if (value === undefined) value = argv[++i];
    if (value === undefined || value === "") fail(`missing value for ${flag}`);
    opts[key] = value;
  }
  if (opts.port !== undefined) {
    const n = Number(opts.port);
    if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`invalid port: ${opts.port}`);
    opts.port = n;
  }
  return opts;
}

function fail(msg) {
  console.error(`${msg}\n${USAGE}`);
  process.exit(2);
}

let emulator;
try {
  emulator = await startEmulator(parseArgs(process.argv.slice(2)));
} catch (err) {
  console.error(`stytch emulator: could not start: ${err.message}`);
  process.exit(1);
}
console.log(`stytch emulator listening on ${emulator.url}`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    await emulator.close();
    process.exit(0);
  });
}
