// The emulator (tests/emulator/cli.mjs, in its own process, as a user runs it) for one SDK test file.
import { before, after, beforeEach } from "node:test";
import { control, startEmulatorProcess } from "../lib/emulator.mjs";

const CLI = new URL("../../emulator/cli.mjs", import.meta.url).pathname;

/**
 * Starts the emulator before the file's tests and stops it after them; before each test, resets it
 * and runs `prepare(ctl)` (e.g. to put a policy). `started(emu, ctl)` receives the emulator
 * (`{url, close}`) and its control client (lib/emulator.mjs `control`) once it runs.
 */
export function emulatorProcessForFile(prepare, started) {
  let emu;
  let ctl;
  before(async () => {
    emu = await startEmulatorProcess(CLI);
    ctl = control(emu.url);
    started(emu, ctl);
  });
  after(() => emu?.close());
  beforeEach(async () => {
    await ctl.reset();
    await prepare(ctl);
  });
}
