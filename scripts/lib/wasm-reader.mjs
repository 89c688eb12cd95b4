// Reading a WebAssembly binary, for the build's checks (bindgen-features.mjs, check-module.mjs).

/** A cursor over `bytes`: bytes, LEB128 integers and names. */
export class Reader {
  constructor(bytes, at = 0) {
    this.bytes = bytes;
    this.at = at;
  }

  u8() {
    return this.bytes[this.at++];
  }

  leb() {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = this.u8();
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return value;
    }
  }

  name() {
    const length = this.leb();
    this.at += length;
    return this.bytes.subarray(this.at - length, this.at).toString("utf8");
  }
}

/** The sections of the module in `bytes`, in order: `{ id, body }`, `body` a Reader at its start. */
export function* sections(bytes, file) {
  if (bytes.subarray(0, 4).toString("latin1") !== "\0asm") throw new Error(`${file} is not a wasm module`);
  const r = new Reader(bytes, 8);
  while (r.at < bytes.length) {
    const id = r.u8();
    const size = r.leb();
    yield { id, body: new Reader(bytes, r.at) };
    r.at += size;
  }
}
