// The case page's wiring (cases.js) in node: a stand-in for the few DOM calls it makes and a stubbed
// fetch for the hub's API, with a real sealed record from tests/tools/office_vectors.cpp and the real
// keyring and opener. Without a key the page points to the key page (and back); with it the answers
// are opened and laid out as text; a purged record says so. The real DOM is the browser test's.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";

import { app, loadSodium, required } from "./support.mjs";

class Element {
  constructor(tag) {
    this.tagName = tag;
    this.children = [];
    this.textContent = "";
    this.className = "";
    this.dataset = {};
    this.id = "";
    this.attributes = {};
    this.ownerDocument = globalThis.document;
  }
  append(...nodes) { this.children.push(...nodes); }
  prepend(...nodes) { this.children.unshift(...nodes); }
  replaceChildren(...nodes) { this.children = nodes; }
  setAttribute(name, value) { this.attributes[name] = value; }
  addEventListener() {}
  // "#id" only: what cases.js asks for, among the element's descendants.
  querySelector(selector) {
    if (!selector.startsWith("#")) return null;
    const want = selector.slice(1);
    for (const child of this.children) {
      if (child.id === want) return child;
      const inner = typeof child.querySelector === "function" ? child.querySelector(selector) : null;
      if (inner) return inner;
    }
    return null;
  }
}

// Every text of the subtree, in order.
function texts(node) {
  if (typeof node === "string") return [node];
  const own = node.textContent ? [node.textContent] : [];
  return own.concat(...(node.children || []).map(texts));
}
function find(node, predicate) {
  if (predicate(node)) return node;
  for (const child of node.children || []) {
    const found = find(child, predicate);
    if (found) return found;
  }
  return null;
}

let dir;
let vectors;
let keyring;
let casePages;
let answers = {};

function respond(status, body) {
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: { get: (name) => (name.toLowerCase() === "content-type" ? "application/json" : null) },
    json: async () => body,
  };
}

before(async () => {
  await loadSodium();
  globalThis.document = {
    createElement: (tag) => new Element(tag),
    createTextNode: (text) => text,
    querySelector: () => null,
  };
  globalThis.fetch = async (url) => {
    const answer = answers[url];
    return answer ? respond(answer[0], answer[1]) : respond(404, { error: "not stubbed" });
  };
  keyring = await app("keyring.js");
  ({ casePages } = await app("cases.js"));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "office-cases-"));
  const made = spawnSync(required("GUICHET_OFFICE_VECTORS"), [dir], { encoding: "utf8" });
  assert.equal(made.status, 0, made.stderr);
  vectors = JSON.parse(fs.readFileSync(path.join(dir, "vectors.json"), "utf8"));
});

after(() => {
  keyring.forget();
  fs.rmSync(dir, { recursive: true, force: true });
});

function casePage(record) {
  const main = new Element("main");
  const area = new Element("div");
  area.id = "reponses";
  area.dataset = { id: record.id, procedure: record.procedure, version: String(record.version) };
  main.append(area);
  return { main, area };
}

test("without a key, the answers stay sealed and the page links to the key page and back", async () => {
  keyring.forget();
  const record = vectors.find((v) => v.name === "good").record;
  const { main, area } = casePage(record);
  await casePages.demande(main);
  const link = find(area, (n) => n.tagName === "a");
  assert.ok(link);
  assert.equal(link.href, `/office/cle?retour=${encodeURIComponent(record.id)}`);
  assert.match(texts(area).join(" "), /Aucune clé chargée/);
});

test("with the key, the record is fetched, opened, and laid out with the procedure's labels", async () => {
  await keyring.loadKeyText(fs.readFileSync(path.join(dir, "plain.key"), "utf8"));
  const record = vectors.find((v) => v.name === "good").record;
  answers = {
    [`/office/api/demandes/${record.id}`]: [200, record],
    [`/office/api/procedures/${record.procedure}/${record.version}`]: [200, {
      id: record.procedure, version: record.version, title: "Changement d’adresse",
      questions: [{ id: "moved_on", title: "À quelle date avez-vous déménagé ?", type: "date" }], outcomes: {},
    }],
  };
  const { main, area } = casePage(record);
  await casePages.demande(main);
  const all = texts(area);
  assert.ok(all.includes("À quelle date avez-vous déménagé ?"), all.join(" | "));
  assert.ok(all.includes("20 novembre 2026"), all.join(" | "));
});

test("a purged record says its answers were deleted; a record that does not open says why", async () => {
  const good = vectors.find((v) => v.name === "good").record;
  answers = { [`/office/api/demandes/${good.id}`]: [410, { error: "purged" }] };
  let page = casePage(good);
  await casePages.demande(page.main);
  assert.match(texts(page.area).join(" "), /supprimées/);

  const tampered = vectors.find((v) => v.name === "tampered byte").record;
  answers = { [`/office/api/demandes/${tampered.id}`]: [200, tampered], "/office/api/journal": [200, { ok: true }] };
  page = casePage(tampered);
  await casePages.demande(page.main);
  assert.match(texts(page.area).join(" "), /scellement ne s’ouvre pas/);
});
