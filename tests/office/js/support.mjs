// What the office's node tests share: libsodium.js from the npm modules the build installed
// (GUICHET_OFFICE_NODE_MODULES: a folder holding node_modules/libsodium-wrappers-sumo), set up as the
// page's classic scripts would (globalThis.sodium), and the path of our browser modules.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const appDir = fileURLToPath(new URL("../../../sync/hub/office/static/app/", import.meta.url));
export const staticDir = fileURLToPath(new URL("../../../sync/hub/office/static/", import.meta.url));

export function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through ctest (tests/tools/CMakeLists.txt)`);
  return value;
}

export async function loadSodium() {
  if (!globalThis.sodium) {
    const base = required("GUICHET_OFFICE_NODE_MODULES");
    const nodeModules = path.basename(base) === "node_modules" ? base : path.join(base, "node_modules");
    const require = createRequire(path.join(nodeModules, "..", "index.js"));
    globalThis.sodium = require("libsodium-wrappers-sumo");
  }
  await globalThis.sodium.ready;
  return globalThis.sodium;
}

export function app(file) {
  return import(path.join(appDir, file));
}
