// The browser opener (opener.js) and keyring (keyring.js) against vectors written by the C++ tool
// tests/tools/office_vectors.cpp, and the same records opened by the real `guichet-hub open`: both
// must give the same verdict on every record.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";

import { app, loadSodium, required } from "./support.mjs";

let dir;
let vectors;
let keyring;
let opener;

before(async () => {
  await loadSodium();
  keyring = await app("keyring.js");
  opener = await app("opener.js");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "office-vectors-"));
  const made = spawnSync(required("GUICHET_OFFICE_VECTORS"), [dir], { encoding: "utf8" });
  assert.equal(made.status, 0, made.stderr);
  vectors = JSON.parse(fs.readFileSync(path.join(dir, "vectors.json"), "utf8"));
  assert.ok(vectors.length >= 12);
});

after(() => {
  keyring.forget();
  fs.rmSync(dir, { recursive: true, force: true });
});

function read(name) {
  return fs.readFileSync(path.join(dir, name), "utf8");
}

// guichet-hub open's reason → the opener's code.
function hubCode(line) {
  const opened = JSON.parse(line);
  if (opened.integrity === "ok") return "ok";
  const reason = opened.reason;
  if (reason.startsWith("not an export record")) return "record";
  if (reason.includes("shorter than a seal")) return "short";
  if (reason.includes("does not open with this key")) return "seal";
  if (reason.includes("not a submission payload")) return "payload";
  const field = /the sealed content's (\w+) differs/.exec(reason);
  if (field) return `mismatch:${field[1]}`;
  return `unknown: ${reason}`;
}

function hubOpen(args) {
  const input = vectors.map((v) => v.line).join("\n") + "\n";
  const run = spawnSync(required("GUICHET_HUB_BINARY"), ["open", ...args], { input, encoding: "utf8" });
  const lines = run.stdout.split("\n").filter((l) => l !== "");
  assert.equal(lines.length, vectors.length, run.stderr);
  return { codes: lines.map(hubCode), lines };
}

test("every vector gets the expected verdict in the browser opener", async () => {
  await keyring.loadKeyText(read("plain.key"));
  assert.ok(keyring.hasKey());
  for (const vector of vectors) {
    const result = await opener.openSealed(vector.record);
    const code = result.ok ? "ok" : result.code;
    assert.equal(code, vector.expect, `${vector.name}: ${result.reason || ""}`);
    if (!result.ok) assert.match(result.reason, /\p{L}/u, "a reason in words");
  }
  const good = await opener.openSealed(vectors.find((v) => v.name === "good").record);
  assert.equal(good.payload.answers.answers.moved_on, "2026-11-20");
});

test("guichet-hub open gives the same verdicts on the same records", () => {
  const { codes, lines } = hubOpen(["--key", path.join(dir, "plain.key")]);
  vectors.forEach((vector, i) => {
    // Receipt vectors count once the hub reads receipts from export lines (it then echoes them).
    const hubReadsReceipts = JSON.parse(lines[i]).receipt !== undefined;
    if (vector.hub_checks || hubReadsReceipts) assert.equal(codes[i], vector.expect, vector.name);
  });
});

test("the protected key opens with its passphrase, in the browser and in guichet-hub", async () => {
  keyring.forget();
  assert.ok(!keyring.hasKey());
  const text = read("protected.key");
  assert.ok(keyring.isProtected(text));
  const passphrase = read("passphrase").replace(/\n$/, "");
  await assert.rejects(keyring.loadKeyText(text), { code: "passphrase-needed" });
  await assert.rejects(keyring.loadKeyText(text, `${passphrase}!`), { code: "passphrase" });
  assert.ok(!keyring.hasKey());
  await keyring.loadKeyText(text, passphrase);
  const good = await opener.openSealed(vectors[0].record);
  assert.equal(good.ok, true);

  const { codes } = hubOpen(["--key", path.join(dir, "protected.key"), "--passphrase-file", path.join(dir, "passphrase")]);
  assert.equal(codes[0], "ok");

  // The same file with another public key: damaged, whatever the passphrase.
  const damaged = JSON.parse(text);
  const sodium = globalThis.sodium;
  damaged.public_key = sodium.to_base64(sodium.crypto_box_keypair().publicKey, sodium.base64_variants.ORIGINAL);
  await assert.rejects(keyring.loadKeyText(JSON.stringify(damaged), passphrase), { code: "damaged" });
  const absurd = { ...JSON.parse(text), memlimit: 64 * 1024 * 1024 * 1024 };
  await assert.rejects(keyring.loadKeyText(JSON.stringify(absurd), passphrase), { code: "damaged" });
  // A failed load leaves no key behind.
  assert.ok(!keyring.hasKey());
});

test("files that are not keys are refused, and forget wipes the key", async () => {
  await assert.rejects(keyring.loadKeyText("hello"), { code: "not-a-key" });
  await assert.rejects(keyring.loadKeyText('{"format":"other"}', "x"), { code: "not-a-key" });
  await assert.rejects(keyring.loadKeyText("QUJD"), { code: "not-a-key" }); // base64 of 3 bytes
  await keyring.loadKeyText(read("plain.key"));
  const held = keyring.currentKeys().secretKey;
  keyring.forget();
  assert.ok(!keyring.hasKey());
  assert.ok(held.every((byte) => byte === 0), "the secret key's bytes are zeroed");
  const without = await opener.openSealed(vectors[0].record);
  assert.equal(without.code, "no-key");
});
