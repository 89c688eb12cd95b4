/**
 * Injected faults (USAGE.md): per method and path prefix, a delay, an error status,
 * a malformed JSON body or a connection reset, for a number of requests or forever.
 */
import { bad } from "./errors.mjs";
import { isObject } from "./util.mjs";

/** An ordered list of faults; the first active match applies to a request. */
export class Faults {
  constructor() {
    this.list = [];
    this.nextId = 1;
  }

  /** Validate and register a fault from a control-route body; returns the stored fault. */
  add(body) {
    if (!isObject(body)) throw bad("The fault must be a JSON object.");
    const { method, path_prefix, delay_ms, status, malformed_body, reset_connection, times } = body;
    if (typeof path_prefix !== "string" || !path_prefix.startsWith("/")) throw bad("path_prefix must be a string starting with '/'.");
    if (method !== undefined && method !== null && typeof method !== "string") throw bad("method must be a string.");
    if (delay_ms !== undefined && delay_ms !== null && !(Number.isFinite(delay_ms) && delay_ms >= 0)) throw bad("delay_ms must be a number >= 0.");
    if (status !== undefined && status !== null && !(Number.isInteger(status) && status >= 100 && status <= 599)) throw bad("status must be an integer HTTP status.");
    if (times !== undefined && times !== null && !(Number.isInteger(times) && times >= 1)) throw bad("times must be an integer >= 1.");
    for (const [k, v] of [["malformed_body", malformed_body], ["reset_connection", reset_connection]]) {
      if (v !== undefined && v !== null && typeof v !== "boolean") throw bad(`${k} must be a boolean.`);
    }
    const fault = {
      id: this.nextId++,
      method: method ? method.toUpperCase() : null,
      path_prefix,
      delay_ms: delay_ms ?? 0,
      status: status ?? null,
      malformed_body: malformed_body ?? false,
      reset_connection: reset_connection ?? false,
      remaining: times ?? null,
    };
    this.list.push(fault);
    return { ...fault };
  }

  /** Take (and use up one application of) the first fault matching this request. */
  take(method, pathname) {
    const i = this.list.findIndex(
      (f) => (!f.method || f.method === method) && pathname.startsWith(f.path_prefix),
    );
    if (i < 0) return undefined;
    const fault = this.list[i];
    if (fault.remaining !== null && --fault.remaining === 0) this.list.splice(i, 1);
    return fault;
  }

  clear() {
    this.list = [];
  }

  /** Active faults, for `GET /__emulator/faults`. */
  snapshot() {
    return this.list.map((f) => ({ ...f }));
  }
}
