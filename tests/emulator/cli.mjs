#!/usr/bin/env node
/**
 * Command line: `stytch-sessions-emulator [--port N] [--project-id ID] [--secret S]
 * [--custom-domain URL] [--control-cors]` (`node tests/emulator/cli.mjs` in this repository).
 * Listens on 127.0.0.1:4517 unless `--port` says otherwise (`--port 0` picks a free port),
 * prints one line `stytch emulator listening on http://127.0.0.1:PORT` when ready, and exits
 * cleanly on SIGINT/SIGTERM. `--help` prints the flags and every route; a bad argument prints
 * the usage on stderr and exits with status 2.
 */
import { fileURLToPath } from "node:url";
import { startEmulator, DEFAULT_PROJECT_ID, DEFAULT_SECRET } from "./index.mjs";
import { API_ROUTES } from "./api.mjs";
import { B2B_API_ROUTES } from "./b2b-api.mjs";
import { CONTROL_ROUTES } from "./control.mjs";

/**
 * The port the command line listens on when none is given: not one a common dev server takes
 * (wrangler dev 8787/8788, Vite 5173, Next.js/Express 3000, 8000, 8080).
 */
const DEFAULT_PORT = 4517;

const USAGE = "usage: stytch-sessions-emulator [--port N] [--project-id ID] [--secret S] [--custom-domain URL] [--control-cors]";
const FLAGS = { "--port": "port", "--project-id": "projectId", "--secret": "secret", "--custom-domain": "customDomain" };

/** `  METHOD /path  help` for each route (its `help` field), methods and paths in aligned columns. */
function routeLines(routes) {
  const shown = routes.map((r) => `${r.method.padEnd(6)} ${r.pattern}`);
  const width = Math.max(...shown.map((k) => k.length));
  return routes.map((r, i) => `  ${shown[i].padEnd(width)}  ${r.help ?? ""}`.trimEnd());
}

/** The `--help` text: usage, flags, every API and control route, and where the reference is. */
function helpText() {
  const usage = fileURLToPath(new URL("./USAGE.md", import.meta.url));
  return [
    USAGE,
    "",
    "A local emulator of Stytch's Sessions (consumer and B2B), RBAC, M2M and Connected Apps APIs,",
    "on 127.0.0.1 only, with real RS256 keys and in-memory state. Prints",
    "\"stytch emulator listening on http://127.0.0.1:PORT\" when ready; SIGINT/SIGTERM stop it.",
    "",
    "flags:",
    `  --port N             port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free port)`,
    `  --project-id ID      project id (default ${DEFAULT_PROJECT_ID})`,
    `  --secret S           project secret for Basic auth (default ${DEFAULT_SECRET})`,
    "  --custom-domain URL  JWT issuer instead of stytch.com/<project_id>, e.g. https://login.example.com",
    "  --control-cors       let pages served from a loopback origin call the control routes (CORS)",
    "  -h, --help           print this help and exit",
    "",
    "API routes (Basic auth project_id:secret unless noted):",
    ...routeLines([...API_ROUTES, ...B2B_API_ROUTES]),
    "",
    "control routes (no auth; answered only for a loopback Host):",
    ...routeLines(CONTROL_ROUTES),
    "",
    `Every route, body, error and decision: ${usage}`,
  ].join("\n");
}

/** Parse `--flag value` and `--flag=value`; `--help` prints the help and exits 0, a bad argument exits 2. */
function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    let [flag, value] = argv[i].split(/=(.*)/s, 2);
    if ((flag === "--help" || flag === "-h") && value === undefined) {
      console.log(helpText());
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
  const port = Number(opts.port ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail("invalid port: give an integer from 0 to 65535");
  opts.port = port;
  return opts;
}

function fail(msg) {
  console.error(`${msg}\n${USAGE}\n(--help lists the flags and every route)`);
  process.exit(2);
}

const options = parseArgs(process.argv.slice(2));
let emulator;
try {
  emulator = await startEmulator(options);
} catch (err) {
  const why = err.code === "EADDRINUSE"
    ? `port ${options.port} is in use; pass --port N (0 picks a free port)`
    : err.message;
  console.error(`stytch emulator: could not start: ${why}`);
  process.exit(1);
}
console.log(`stytch emulator listening on ${emulator.url}`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    await emulator.close();
    process.exit(0);
  });
}
