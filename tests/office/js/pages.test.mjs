// The case page's scanned pages (pages.js, issue 18): the list the sealed answers carry, and each page
// fetched sealed, opened with the key, checked against that list's SHA-256, and shown only when it
// matches. A stand-in document records what the module builds; libsodium is the real one.
import assert from "node:assert/strict";
import { before, test } from "node:test";

import { app, loadSodium } from "./support.mjs";

let sodium;
let pages;

before(async () => {
  sodium = await loadSodium();
  pages = await app("pages.js");
});

class Node {
  constructor(doc, tag) {
    this.ownerDocument = doc;
    this.tagName = tag;
    this.children = [];
    this.textContent = "";
    this.className = "";
  }
  append(...nodes) { this.children.push(...nodes); }
  replaceChildren(...nodes) { this.children = nodes; }
}

function container() {
  const doc = {};
  doc.createElement = (tag) => new Node(doc, tag);
  return new Node(doc, "div");
}

function texts(node) {
  return [node.textContent, ...node.children.flatMap(texts)].filter((text) => text);
}

function find(node, tag) {
  return [...(node.tagName === tag ? [node] : []), ...node.children.flatMap((child) => find(child, tag))];
}

function payloadListing(clearPages) {
  return {
    answers: {
      language: "fr",
      answers: {
        nom: "Zoë",
        justificatif: {
          pages: clearPages.map((bytes, n) => ({ n, sha256: sodium.to_hex(sodium.crypto_hash_sha256(bytes)), bytes: bytes.length, type: "image/jpeg" })),
        },
      },
    },
  };
}

test("the answers' list of pages is read in order, other answers ignored", () => {
  const listed = pages.listedPages({ answers: { answers: { a: { pages: [{ n: 1, sha256: "b" }, { n: 0, sha256: "a" }] }, b: "text", c: { pages: "no" } } } });
  assert.deepEqual(listed, [{ n: 0, sha256: "a", step: "a" }, { n: 1, sha256: "b", step: "a" }]);
  assert.deepEqual(pages.listedPages({ answers: {} }), []);
  assert.deepEqual(pages.listedPages(null), []);
});

test("each page is opened, checked and shown; a wrong one is refused, a missing one said", async () => {
  const keys = sodium.crypto_box_keypair();
  const clear = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5, 6]), new Uint8Array([7, 8, 9])];
  const sealed = [
    sodium.crypto_box_seal(clear[0], keys.publicKey),
    sodium.crypto_box_seal(new Uint8Array([6, 6, 6]), keys.publicKey), // sealed right, but not the listed page
    null, // not arrived
  ];
  const fetchPage = async (id, n) => {
    assert.equal(id, "case-1");
    if (!sealed[n]) return { ok: false, status: 404 };
    return { ok: true, status: 200, arrayBuffer: async () => sealed[n].buffer.slice(0) };
  };
  const shown = [];
  const handed = [];
  const makeURL = (bytes) => {
    shown.push(Array.from(bytes)); // what the blob: URL holds (a Blob copies its bytes)
    handed.push(bytes);
    return `blob:page-${shown.length}`;
  };
  const area = container();
  await pages.renderPages(area, "case-1", "ABCDEFGHK", payloadListing(clear), { documents: { justificatif: "Justificatif de domicile" } },
    { keys: { publicKey: keys.publicKey, secretKey: keys.privateKey }, fetchPage, makeURL });
  const images = find(area, "img");
  assert.equal(images.length, 1);
  assert.equal(images[0].alt, "Page 1 sur 3 — Justificatif de domicile");
  assert.equal(images[0].src, "blob:page-1");
  assert.deepEqual(shown, [[1, 2, 3]]);
  assert.deepEqual(Array.from(handed[0]), [0, 0, 0], "the clear bytes are wiped once the URL is made");
  const link = find(area, "a")[0];
  assert.equal(link.download, "ABCDEFGHK-page-1.jpg");
  const words = texts(area).join("\n");
  assert.match(words, /Page 2 sur 3 — Justificatif de domicile : elle ne correspond pas à l’empreinte/);
  assert.match(words, /Page 3 sur 3 — Justificatif de domicile : pas encore arrivée au hub/);
});
