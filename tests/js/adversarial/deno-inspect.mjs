// Finding 1 of issue 22 in Deno: Deno.inspect(x, { showHidden: true, depth: 10 }) of every
// specimen (specimens.mjs) through the package's "deno" entry. Argument: the specimens' ctx as
// JSON. Prints one JSON line: [[name, inspected], ...], and the entry the package resolved to.
import * as api from "stytch-sessions-wasm";
import { specimens } from "./specimens.mjs";

const ctx = JSON.parse(Deno.args[0]);
const list = await specimens(api, ctx);
const inspected = list.map(([name, value]) => [name, Deno.inspect(value, { showHidden: true, depth: 10 })]);
console.log(JSON.stringify({ entry: import.meta.resolve("stytch-sessions-wasm"), inspected }));
Deno.exit(0);
