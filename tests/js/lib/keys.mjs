// Signing keys of the tests' own (a weak one, an attacker's), and the JWT surgery they need:
// the base64url JSON segments of a JWT, and a token re-signed under another key.
import { generateKeyPairSync, sign } from "node:crypto";

/** `value` (JSON, or a string as is) as a base64url segment. */
export const b64 = (v) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
/** A base64url JSON segment's value. */
export const decode = (seg) => JSON.parse(Buffer.from(seg, "base64url").toString("utf8"));

const made = new Map();

/**
 * An RSA key pair of `bits` under `kid`, made once per kid: `{ jwk, kid, privateKey, resign }`,
 * `resign(jwt)` being `jwt`'s header and claims signed by this key under its own kid.
 */
export function rsaKey(bits, kid) {
  if (!made.has(kid)) {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
    const jwk = { ...publicKey.export({ format: "jwk" }), kid, use: "sig", alg: "RS256", key_ops: ["verify"], x5c: [], x5tS256: "" };
    const resign = (jwt) => {
      const [h, p] = jwt.split(".");
      const input = `${b64({ ...decode(h), kid })}.${p}`;
      return `${input}.${sign("sha256", Buffer.from(input), privateKey).toString("base64url")}`;
    };
    made.set(kid, { jwk, kid, privateKey, resign });
  }
  return made.get(kid);
}
