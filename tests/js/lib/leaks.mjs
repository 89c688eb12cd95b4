// Collects every error message and log line a test run sees from the package (error `.message`,
// `String(err)`, `JSON.stringify(err)`, `.stack`, worker responses, workerd's console output)
// and checks that none holds a secret, a whole token or a token's signature segment
// (README: "Error messages never contain your secret, a whole token or a signature").
import { PROJECT_ID, SECRET } from "./emulator.mjs";

export class LeakCollector {
  constructor() {
    /** @type {Array<{ source: string, text: string }>} */
    this.items = [];
    /** @type {Map<string, string>} needle → what it is */
    this.needles = new Map();
    this.secret("the project secret", SECRET);
    this.secret("the Basic auth credentials", Buffer.from(`${PROJECT_ID}:${SECRET}`).toString("base64"));
  }

  /** A value that must never appear. */
  secret(label, value) {
    if (typeof value === "string" && value.length >= 8) this.needles.set(value, label);
    return value;
  }

  /** A token (session JWT, session token, external token): whole, and a JWT's signature segment. */
  token(value, label = "a token") {
    if (typeof value !== "string") return value;
    this.secret(`${label} (whole)`, value);
    const parts = value.split(".");
    if (parts.length === 3 && parts[2].length >= 16) this.secret(`${label}'s signature segment`, parts[2]);
    return value;
  }

  /** Registers every token in an emulator answer (`session_token`, `session_jwt`). */
  tokensOf(answer, label = "a token") {
    if (answer && typeof answer === "object") {
      if (answer.session_token) this.token(answer.session_token, `${label} session_token`);
      if (answer.session_jwt) this.token(answer.session_jwt, `${label} session_jwt`);
    }
    return answer;
  }

  /** A text the package produced (a message, a response body, a log line). */
  text(source, text) {
    if (text !== undefined && text !== null && text !== "") this.items.push({ source, text: String(text) });
  }

  /** Everything readable from a thrown value. */
  error(source, err) {
    if (err === null || err === undefined) return err;
    this.text(`${source}: .message`, err.message);
    this.text(`${source}: String(err)`, String(err));
    let json;
    try {
      json = JSON.stringify(err);
    } catch (e) {
      json = `<JSON.stringify threw ${e}>`;
    }
    this.text(`${source}: JSON.stringify(err)`, json);
    this.text(`${source}: .stack`, err.stack);
    for (const k of ["error_message", "error_details", "claim"]) {
      if (err[k] !== undefined) this.text(`${source}: .${k}`, typeof err[k] === "string" ? err[k] : JSON.stringify(err[k]));
    }
    return err;
  }

  /** `[{ source, what, excerpt }]` for every collected text holding a needle. */
  problems() {
    const out = [];
    for (const { source, text } of this.items) {
      for (const [needle, what] of this.needles) {
        const at = text.indexOf(needle);
        if (at >= 0) out.push({ source, what, excerpt: text.slice(Math.max(0, at - 40), at + 40) });
      }
    }
    return out;
  }

  /** Throws with a readable list when any collected text leaks. */
  assertClean() {
    const problems = this.problems();
    if (problems.length) {
      const lines = problems.slice(0, 20).map((p) => `  ${p.source} holds ${p.what}: …${p.excerpt}…`);
      throw new Error(`${problems.length} leak(s) in ${this.items.length} collected texts:\n${lines.join("\n")}`);
    }
    return { texts: this.items.length, needles: this.needles.size };
  }
}
