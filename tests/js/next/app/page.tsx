export default function Home() {
  return <p>stytch-sessions-wasm Next.js test app</p>;
}
