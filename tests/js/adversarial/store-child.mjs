// Finding 8 of issue 22, in a fresh module instance (a cold isolate): a Client over a JWKS store
// that holds a given value verifies the given tokens with authenticateJwtLocal.
//   node store-child.mjs <package entry> '{"options": {...}, "stored": "<store value>", "tokens": {"name": jwt}}'
// Prints one JSON line: { results: { name: "ok" | code }, gets, puts }.
const [entry, arg] = process.argv.slice(2);
const { Client } = await import(entry);
const { options, stored, tokens } = JSON.parse(arg);
let value = stored;
const counts = { gets: 0, puts: 0 };
const jwks_store = {
  async get() {
    counts.gets++;
    return value;
  },
  async put(v) {
    counts.puts++;
    value = v;
  },
};
const client = new Client({ ...options, jwks_store });
const results = {};
for (const [name, jwt] of Object.entries(tokens)) {
  try {
    await client.sessions.authenticateJwtLocal({ session_jwt: jwt });
    results[name] = "ok";
  } catch (err) {
    results[name] = err?.code ?? String(err);
  }
}
console.log(JSON.stringify({ results, ...counts }));
