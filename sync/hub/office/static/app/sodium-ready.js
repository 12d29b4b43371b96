// libsodium.js arrives as two classic scripts (the UMD builds of libsodium-sumo and
// libsodium-wrappers-sumo, loaded with `defer` before office.js), which set globalThis.sodium; its
// WebAssembly starts asynchronously. Every module that needs it awaits this first.
export async function sodiumReady() {
  const sodium = globalThis.sodium;
  if (!sodium || !sodium.ready) {
    throw new Error("La bibliothèque de chiffrement (libsodium) n’est pas chargée : rechargez la page.");
  }
  await sodium.ready;
  return sodium;
}
