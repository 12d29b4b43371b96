// render.js builds the answers with createElement and textContent only. Node has no DOM: this
// stand-in records what the module asks of the document (the real one is exercised by the browser
// test, tests/office/test_office_browser.py), enough to see hostile text stay text.
import assert from "node:assert/strict";
import { test } from "node:test";

import { app } from "./support.mjs";

const { renderAnswers } = await app("render.js");

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

function documentStandIn() {
  const doc = { created: [] };
  doc.createElement = (tag) => {
    const node = new Node(doc, tag);
    doc.created.push(tag);
    return node;
  };
  return doc;
}

test("a document step's answer is its title and its page count, the pages being shown below", () => {
  const doc = documentStandIn();
  const container = new Node(doc, "div");
  const page = { n: 0, sha256: "ab", bytes: 3, width: 1, height: 1, type: "image/jpeg" };
  const labels = { questions: [], documents: { proof: "Justificatif de domicile" } };
  const payload = { answers: { language: "fr", answers: { proof: { pages: [page, { ...page, n: 1 }] }, other: { pages: [page] } } } };
  renderAnswers(container, payload, labels);
  const [list, , raw] = container.children;
  assert.deepEqual(list.children.map((n) => n.textContent), ["Justificatif de domicile", "2 pages (sous « Pièces jointes »)"]);
  assert.deepEqual(raw.children.map((n) => n.textContent), ["other", "1 page (sous « Pièces jointes »)"]);
});

test("answers become dt/dd text, hostile strings included, with outcomes and unknown ids", () => {
  const doc = documentStandIn();
  const container = new Node(doc, "div");
  container.append(new Node(doc, "p")); // replaced
  const hostile = '<img src=x onerror="window.__x=2">';
  const labels = {
    questions: [{ id: "note", title: "Remarque", type: "text" }, { id: "kids", title: "Enfants ?", type: "yes_no", options: { yes: "Oui", no: "Non" } }],
    outcomes: { housing_aid: "APL" },
  };
  const payload = { assisted: true, answers: { language: "fr", answers: { note: hostile, kids: "yes", extra: "<b>x</b>" }, outcomes: ["housing_aid"] } };
  renderAnswers(container, payload, labels);
  const tags = container.children.map((n) => n.tagName);
  assert.deepEqual(tags, ["p", "dl", "h3", "dl", "h3", "ul"]);
  const [badge, list, , raw, , outcomes] = container.children;
  assert.match(badge.textContent, /médiateur/);
  assert.deepEqual(list.children.map((n) => [n.tagName, n.textContent]),
    [["dt", "Remarque"], ["dd", hostile], ["dt", "Enfants ?"], ["dd", "Oui"]]);
  assert.deepEqual(raw.children.map((n) => n.textContent), ["extra", "<b>x</b>"]);
  assert.deepEqual(outcomes.children.map((n) => n.textContent), ["APL"]);
  assert.ok(doc.created.every((tag) => ["p", "dl", "dt", "dd", "h3", "ul", "li"].includes(tag)));
});
