// Finding 10 of issue 22: a call whose `fetch` never settles must keep a Node process alive until
// the call's own timeout settles it (the timer must not be unref'd).
//   node hang-child.mjs <package entry> <custom_base_url>
// Prints "settled <how>" for each call; nothing else keeps the event loop alive.
const [entry, base] = process.argv.slice(2);
const { Client, verifyJwt } = await import(entry);
const never = () => new Promise(() => {});
const options = { project_id: "project-test-00000000-0000-4000-8000-000000000000", custom_base_url: base, timeout_ms: 300, fetch: never };
const report = (call) => [() => console.log(`settled ${call} ok`), (e) => console.log(`settled ${call} ${e?.code}`)];
new Client({ ...options, secret: "secret-test-emulator" }).sessions.authenticate({ session_token: "x".repeat(44) }).then(...report("authenticate"));
verifyJwt("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsiLCJ0eXAiOiJKV1QifQ.e30.c2ln", options).then(...report("verifyJwt"));
