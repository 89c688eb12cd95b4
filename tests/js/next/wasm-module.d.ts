// The `?module` import of the package's .wasm (Next.js Edge runtime): a compiled module.
declare module "stytch-sessions-wasm/wasm?module" {
  const module: WebAssembly.Module;
  export default module;
}
